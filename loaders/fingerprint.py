"""A workbook's content fingerprint: the SHA-256 of its family, its period and the figures read
from it, written as canonical text. Two files with the same figures have the same fingerprint
whatever program saved them (Excel, LibreOffice and XlsxWriter write different bytes), so loading
a re-saved copy is recognised as the same content, not taken for a correction.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import DataclassInstance  # a name for the checker only, not importable


def _canonical(value: object) -> object:
    """Plain JSON values only, with no trace of how the workbook wrote them."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        # 4.70 and 4.7 are the same figure
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, float):
        return _canonical(Decimal(repr(value)))
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _canonical_fields(value)
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(item) for item in value), key=_text)
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return str(value)


def _canonical_fields(value: DataclassInstance) -> dict[str, object]:
    """A dataclass instance's fields, each canonical."""
    return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}


def _text(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _column(values: list) -> str:
    """A column of a large table as canonical text. Python's own repr is canonical for the text,
    whole numbers, dates and blanks the loaders produce, and runs in C; only decimals and floats
    (4.70 and 4.7 are the same figure) are written one by one."""
    if set(map(type, values)) & {Decimal, float}:
        return "\x1f".join(_text(_canonical(value)) for value in values)
    return repr(values)


def _rows(columns: Mapping[str, list]) -> list[str]:
    """A table held as columns (a 100,000-row placement list), column by column in the order of
    their keys, so it costs a fraction of a second. Rows keep the order the file gave them: a
    spreadsheet re-saved by another program keeps its rows in order."""
    return [f"{key}\x1e{_column(columns[key])}" for key in sorted(columns)]


def content_fingerprint(family: str, period: str, content: object) -> str:
    """The SHA-256, in hex, of the family, the period and the figures read from a workbook."""
    placements = getattr(content, "placements", None)
    if (
        isinstance(placements, Mapping)
        and dataclasses.is_dataclass(content)
        and not isinstance(content, type)
    ):
        # a placement list held as columns: written column by column, the other fields as usual
        figures: object = {
            **_canonical_fields(dataclasses.replace(content, placements={})),
            "placements": _rows(placements),
        }
    else:
        figures = _canonical(content)
    text = _text({"family": family, "period": period, "figures": figures})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
