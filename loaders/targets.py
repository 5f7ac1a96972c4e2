"""The optional Targets sheet of the DSG workbook: a baseline and yearly targets for any of the
46 measures, typed in the measure's unit as the dashboard shows it (4.7 or 4.7% for 4.7%; £m
for £m measures, pounds for £ measures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session

from loaders.cells import CellProblem, RawCell, parse_decimal
from loaders.grid import Grid
from loaders.report import ValidationReport
from loaders.tables import Column, first_row_of_each, parse_count, parse_text, read_table
from storage.models import MeasureTarget

TARGETS_SHEET = "Targets"
MEASURES = range(1, 47)
PLAN_MEASURES = range(16, 23)  # these follow the DSG plan itself


def parse_target(value: object) -> Decimal | None:
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    return parse_decimal(RawCell(value))


def parse_ref(value: object) -> int | None:
    ref = parse_count(value)
    if ref is not None and ref not in MEASURES:
        raise CellProblem(f"the measure number {ref}")
    return ref


TARGET_EXPECTED = "a number in the measure's unit, such as 1,250, 45.613 or 4.7%"
TARGET_FIX = "Type the target as the dashboard shows the measure, or leave it blank."


def _columns(years: tuple[str, ...]) -> tuple[Column, ...]:
    return (
        Column(
            "ref",
            "Ref",
            parse_ref,
            expected="a measure number from 1 to 46",
            fix="Use the measure's number in the catalogue.",
            aliases=("Measure number",),
        ),
        Column(
            "label",
            "Measure",
            parse_text,
            expected="the measure's name",
            fix="",
            required=False,
            blank_allowed=True,
        ),
        Column(
            "baseline",
            "Baseline",
            parse_target,
            expected=TARGET_EXPECTED,
            fix=TARGET_FIX,
            required=False,
            blank_allowed=True,
        ),
        Column(
            "baseline_period",
            "Baseline period",
            parse_text,
            expected="a term or year",
            fix="Say when the baseline was measured.",
            required=False,
            blank_allowed=True,
        ),
        *(
            Column(
                year,
                year,
                parse_target,
                expected=TARGET_EXPECTED,
                fix=TARGET_FIX,
                required=False,
                blank_allowed=True,
            )
            for year in years
        ),
    )


@dataclass
class Targets:
    baselines: dict[int, tuple[Decimal, str | None]] = field(default_factory=dict)
    yearly: dict[int, dict[str, Decimal]] = field(default_factory=dict)


def read_targets(grid: Grid, years: tuple[str, ...], report: ValidationReport) -> Targets | None:
    table = read_table(grid, _columns(years), report, label="ref")
    if table is None:
        return None
    targets = Targets()
    rows = first_row_of_each(
        table,
        "ref",
        report,
        name=lambda ref: f"measure {ref}",
        fix="Keep one row for the measure.",
    )
    for ref, index in rows.items():
        if ref in PLAN_MEASURES:
            report.warning(
                sheet=grid.name,
                cell=table.cell("ref", index),
                found=f"targets for measure {ref}",
                expected="targets for measures other than 16-22",
                fix="Measures 16-22 are set against the Plan sheet; the row is ignored.",
            )
            continue
        baseline = table.values.get("baseline", [None] * len(table.rows))[index]
        if baseline is not None:
            period = table.values.get("baseline_period", [None] * len(table.rows))[index]
            targets.baselines[ref] = (baseline, period)
        yearly = {
            y: table.values[y][index]
            for y in years
            if y in table.values and table.values[y][index] is not None
        }
        if yearly:
            targets.yearly[ref] = yearly
    return targets


def store_targets(session: Session, submission_id: int, targets: Targets) -> None:
    rows = [
        {
            "submission_id": submission_id,
            "ref": ref,
            "year": None,
            "value": str(value),
            "baseline_period": period,
        }
        for ref, (value, period) in targets.baselines.items()
    ] + [
        {
            "submission_id": submission_id,
            "ref": ref,
            "year": year,
            "value": str(value),
            "baseline_period": None,
        }
        for ref, years in targets.yearly.items()
        for year, value in years.items()
    ]
    if rows:
        session.execute(insert(MeasureTarget), rows)
