"""England and the statistical-neighbour average beside the council's own value, from the
published SEN2 extracts shipped in data/public (Open Government Licence)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

PUBLIC_DIR = Path(__file__).resolve().parent.parent / "data" / "public"
COUNCIL = "E10000020"  # Norfolk, the first user; its statistical neighbours are the other rows


@dataclass(frozen=True)
class Comparator:
    period: str  # what the published figure refers to, e.g. "January 2025" or "2024"
    england: Decimal
    neighbours: Decimal  # mean of the statistical neighbours' figures
    description: str

    def as_record(self) -> dict[str, object]:
        return {"period": self.period, "value": float(self.england), "what": self.description}

    def neighbours_record(self) -> dict[str, object]:
        return {"period": self.period, "value": float(self.neighbours), "what": self.description}


def _rows(name: str) -> list[dict[str, str]]:
    with (PUBLIC_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _compare(rows: list[dict[str, str]], column: str, period: str, description: str) -> Comparator:
    england = next(r for r in rows if r["geographic_level"] == "National")
    neighbours = [
        Decimal(r[column])
        for r in rows
        if r["geographic_level"] == "Local authority"
        and r["new_la_code"] != COUNCIL
        and r[column].replace(".", "").isdigit()
    ]
    return Comparator(
        period, Decimal(england[column]), sum(neighbours) / len(neighbours), description
    )


@cache
def caseload() -> Comparator:
    rows = _rows("sen2-caseload-by-primary-need.csv")
    return _compare(rows, "ehc_plans", "January 2025", "EHC plans maintained at the January census")


@cache
def new_plans(calendar_year: int) -> Comparator | None:
    rows = [r for r in _rows("sen2-assessments.csv") if r["time_period"] == str(calendar_year)]
    if not rows:
        return None
    return _compare(
        rows, "assess_issued", str(calendar_year), "new EHC plans issued in the calendar year"
    )
