"""The termly returns as the measures see them: one tidy table per kind, over every term."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from domain.periods import Term, parse_term, period_sort_key
from kpis.dsg import DsgPosition
from kpis.tallies import TermTally


@dataclass
class Returns:
    """Current submissions' figures, by term. Money is in pence."""

    ehcp: dict[str, dict[str, int]] = field(default_factory=dict)  # term -> item -> count
    needs: dict[str, dict[str, int]] = field(default_factory=dict)  # term -> need -> plans
    spend: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)  # term -> line
    savings: dict[str, dict[str, int]] = field(default_factory=dict)  # term -> cohort -> pence
    placements: pd.DataFrame = field(default_factory=lambda: empty_placements())
    # stored placement lists as the database tallied them, by term (kpis/tallies.py); rows held
    # in ``placements`` for a term take their place
    placement_tallies: dict[str, TermTally] = field(default_factory=dict)
    dsg_by_term: dict[str, DsgPosition] = field(default_factory=dict)
    submissions: dict[tuple[str, str], int] = field(default_factory=dict)  # (family, term) -> id
    # from the latest DSG workbook's Targets sheet, as typed (the measure's display unit)
    targets: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # ref -> year -> value
    baselines: dict[int, tuple[Decimal, str | None]] = field(default_factory=dict)
    # whether each ref's targets are for one term or the whole financial year ("term" or
    # "year"); a ref left out (targets stored before the Per column) takes the measure's default
    target_per: dict[int, str] = field(default_factory=dict)

    def terms(self, family: str) -> list[str]:
        """The terms a family has figures for, in time order."""
        if family == "placements":
            held = {str(t) for t in self.placements["term"].unique()}
            return sorted(held | set(self.stored_tallies()), key=period_sort_key)
        sources: dict[str, Mapping[str, object]] = {
            "ehcp": self.ehcp,
            "spend": self.spend,
            "savings": self.savings,
            "dsg": self.dsg_by_term,
        }
        keys = set(sources[family])
        return sorted(keys, key=period_sort_key)

    def stored_tallies(self) -> dict[str, TermTally]:
        """The stored lists' tallies that count: each only while the list it was tallied from
        is its term's current High Needs Block return (an upload being previewed replaces it),
        and no rows are held in memory for the term."""
        held = {str(t) for t in self.placements["term"].unique()}
        return {
            term: tally
            for term, tally in self.placement_tallies.items()
            if term not in held and self.submissions.get(("hnb", term)) == tally.submission_id
        }


PLACEMENT_COLUMNS = {
    "term": "object",
    "age": "float64",
    "provision": "object",
    "need": "object",
    "provider": "object",
    "in_county": "bool",
    "cost": "int64",
    "start": "datetime64[s]",
    "end": "datetime64[s]",
    "saving": "float64",
    "term_start": "datetime64[s]",
    "term_end": "datetime64[s]",
}


def empty_placements() -> pd.DataFrame:
    # copied from one made once: building a typed frame costs more than all of a council's
    # tallied placement measures
    return _EMPTY.copy()


_EMPTY = pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in PLACEMENT_COLUMNS.items()})


def placements_frame(rows: list[tuple]) -> pd.DataFrame:
    """Placements as a table: (term, age, nc_year, provision, need, provider, in_county, cost
    pence, start, end, saving pence). A missing age is taken from the NC year (year + 5)."""
    if not rows:
        return empty_placements()
    frame = pd.DataFrame(
        rows,
        columns=[
            "term",
            "age",
            "nc_year",
            "provision",
            "need",
            "provider",
            "in_county",
            "cost",
            "start",
            "end",
            "saving",
        ],
    )
    frame["age"] = frame["age"].astype("float64").fillna(frame["nc_year"].astype("float64") + 5)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["saving"] = frame["saving"].astype("float64")
    return with_term_bounds(frame.drop(columns=["nc_year"]))


def with_term_bounds(frame: pd.DataFrame) -> pd.DataFrame:
    """Add each row's term start and end, so new and ceased placements are found by comparing
    columns; repeated words become categories, which filter faster."""
    bounds = {term: term_bounds(term) for term in frame["term"].unique()}
    frame["term_start"] = (
        frame["term"].map({t: b[0] for t, b in bounds.items()}).astype("datetime64[s]")
    )
    frame["term_end"] = (
        frame["term"].map({t: b[1] for t, b in bounds.items()}).astype("datetime64[s]")
    )
    for column in ("term", "provision", "need", "provider"):
        frame[column] = frame[column].astype("category")
    return frame


def term_bounds(term: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    parsed: Term = parse_term(term)
    return pd.Timestamp(parsed.start), pd.Timestamp(parsed.end)
