"""The Government Statistical Service symbols used in published tables, and what each means."""

from __future__ import annotations

SUPPRESSED = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW = "[low]"

SYMBOLS = {
    SUPPRESSED: "confidential: a small count, or a figure from which one could be worked "
    "out, withheld to protect the children and young people it describes",
    NOT_AVAILABLE: "not available: the figure was not returned or cannot be worked out",
    NOT_APPLICABLE: "not applicable: the measure has no figure of this kind (for example no "
    "target is set)",
    LOW: "low: the figure rounds to zero at the precision shown",
}
