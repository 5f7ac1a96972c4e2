"""The optional Targets sheet of the DSG workbook: a baseline and yearly targets for any of the
council's measures, typed in the measure's unit as the dashboard shows it (4.7 or 4.7% for 4.7%; £m
for £m measures, pounds for £ measures), and whether a flow's target is for each term or for the
whole year.

A cell is read as the spreadsheet shows it: 0.14 in a cell formatted as a percentage is shown,
and was typed, as 14%, so it means 14 (per cent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from domain.plan_shape import TERM, YEAR, MeasureKind, PlanShape
from loaders.cells import CellProblem, RawCell, parse_decimal
from loaders.grid import Grid
from loaders.report import ValidationReport
from loaders.tables import (
    Column,
    Table,
    choice_parser,
    first_row_of_each,
    parse_count,
    parse_text,
    read_table,
)

TARGETS_SHEET = "Targets"
PER_WORDS = {
    "term": TERM,
    "per term": TERM,
    "termly": TERM,
    "a term": TERM,
    "each term": TERM,
    "year": YEAR,
    "per year": YEAR,
    "yearly": YEAR,
    "annual": YEAR,
    "a year": YEAR,
    "financial year": YEAR,
}


def parse_target(value: object) -> Decimal | None:
    if isinstance(value, str) and value.strip().endswith("%"):
        value = value.strip()[:-1]
    return parse_decimal(RawCell(value))


def _ref_parser(shape: PlanShape) -> Callable[[object], int | None]:
    def parse(value: object) -> int | None:
        ref = parse_count(value)
        if ref is not None and ref not in shape.measures:
            raise CellProblem(f"the measure number {ref}")
        return ref

    return parse


TARGET_EXPECTED = "a number in the measure's unit, such as 1,250, 45.613 or 4.7%"
TARGET_FIX = "Type the target as the dashboard shows the measure, or leave it blank."
FIGURE_COLUMNS = ("baseline",)  # and every year


def _columns(shape: PlanShape) -> tuple[Column, ...]:
    refs = shape.measure_refs
    return (
        Column(
            "ref",
            "Ref",
            _ref_parser(shape),
            expected=f"a measure number from {refs[0]} to {refs[-1]}",
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
            "per",
            "Per",
            choice_parser(PER_WORDS),
            expected="term or year",
            fix="Type 'term' when each target is for one term, 'year' when it is for the whole "
            "financial year, or leave it blank.",
            aliases=("Target per", "Target for each"),
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
            for year in shape.years
        ),
    )


@dataclass
class Targets:
    baselines: dict[int, tuple[Decimal, str | None]] = field(default_factory=dict)
    yearly: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    per: dict[int, str] = field(default_factory=dict)  # ref -> term or year, for every ref given


def _plain(number: Decimal) -> Decimal:
    """14.00 as 14 and 1400 as 1400 (not 1.4E+3): the figure as a person would type it."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _as_shown(grid: Grid, table: Table, years: tuple[str, ...]) -> None:
    """A number in a cell formatted as a percentage is shown (and was typed) as 100 times it."""
    if not grid.percent_cells:
        return
    for key in (*FIGURE_COLUMNS, *years):
        if key not in table.columns:
            continue
        column = table.columns[key]
        values = table.values[key]
        for index, row in enumerate(table.rows):
            raw = grid.value(row, column)
            shown_as_percent = (row, column) in grid.percent_cells
            if shown_as_percent and values[index] is not None and isinstance(raw, (int, float)):
                values[index] = _plain(values[index] * 100)


def _per(grid: Grid, table: Table, index: int, kind: MeasureKind, report: ValidationReport) -> str:
    """What the row's targets are for: each term, or the whole year; blank is the default."""
    ref = kind.ref
    typed = table.values["per"][index] if "per" in table.values else None
    if typed is None or typed == YEAR or kind.is_termly_flow:
        return typed or kind.default_per
    if kind.grain == "financial_year":
        report.error(
            sheet=grid.name,
            cell=table.cell("per", index),
            found=f"'term' for measure {ref}, which is counted over the financial year",
            expected="year, or a blank cell",
            fix="Type the target for the whole year and 'year' (or leave Per blank).",
        )
        return YEAR
    report.warning(
        sheet=grid.name,
        cell=table.cell("per", index),
        found=f"'term' for measure {ref}, a level at the end of each term (not counted over it)",
        expected="year, or a blank cell",
        fix="The target is read as the level wanted at the end of the year's terms.",
    )
    return YEAR


def read_targets(grid: Grid, shape: PlanShape, report: ValidationReport) -> Targets | None:
    years = shape.years
    table = read_table(grid, _columns(shape), report, label="ref")
    if table is None:
        return None
    _as_shown(grid, table, years)
    targets = Targets()
    rows: dict[int, int] = first_row_of_each(
        table,
        "ref",
        report,
        name=lambda ref: f"measure {ref}",
        fix="Keep one row for the measure.",
    )
    for ref, index in rows.items():
        if shape.measures[ref].follows_plan:
            followers = follower_numbers(shape)
            report.warning(
                sheet=grid.name,
                cell=table.cell("ref", index),
                found=f"targets for measure {ref}",
                expected=f"targets for measures other than {followers}",
                fix=f"Measures {followers} are set against the Plan sheet; the row is ignored.",
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
        if yearly or baseline is not None:
            targets.per[ref] = _per(grid, table, index, shape.measures[ref], report)
    return targets


def follower_numbers(shape: PlanShape) -> str:
    """The measures that follow the plan, as '16-22' for a run or '3, 5, 9' otherwise."""
    refs = [ref for ref in shape.measure_refs if shape.measures[ref].follows_plan]
    if refs and refs == list(range(refs[0], refs[-1] + 1)) and len(refs) > 2:
        return f"{refs[0]}-{refs[-1]}"
    return ", ".join(str(r) for r in refs)
