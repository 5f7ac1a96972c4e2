"""Read the High Needs Block return for one term: spending by line (direct and central),
savings and mitigation by cohort, and the placement list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.periods import Term
from domain.plan_lines import LineGroup, PlanLines
from domain.plan_shape import PlanShape
from domain.vocabulary import COHORT_LOOKUP, SAVINGS_COHORTS, build_lookup
from loaders.grid import Grid, has_sheets
from loaders.placements import PLACEMENTS_SHEET, read_placements
from loaders.report import ValidationReport
from loaders.tables import (
    Column,
    Table,
    choice_parser,
    first_row_of_each,
    parse_signed_pounds,
    read_table,
)
from loaders.terms import read_term

SPEND_SHEET = "Spend"
SAVINGS_SHEET = "Savings"
SHEETS = (SPEND_SHEET, SAVINGS_SHEET, PLACEMENTS_SHEET)
BLOCK_NAMES = {SPEND_SHEET: "spending", SAVINGS_SHEET: "savings"}
MONEY_EXPECTED = "an amount in pounds, such as 1,234,567.89 (a credit as -1,234 or (1,234))"


def expenditure_lines(plan_lines: PlanLines) -> dict[str, str]:
    """The council's expenditure lines, code -> label: the rows of the Spend sheet."""
    return {line.code: line.label for line in plan_lines.of_group(LineGroup.EXPENDITURE)}


def _spend_columns(plan_lines: PlanLines) -> tuple[Column, ...]:
    line = Column(
        "line",
        "Line",
        choice_parser(build_lookup(expenditure_lines(plan_lines))),
        expected="one of the plan's expenditure lines, worded as in the template",
        fix="Use the template's line names.",
    )
    return (line, *MONEY_COLUMNS)


MONEY_COLUMNS = (
    Column(
        "direct",
        "Direct spend (£)",
        parse_signed_pounds,
        expected=MONEY_EXPECTED,
        fix="Type the spending in pounds; leave it blank for none.",
        aliases=("Direct (£)", "Direct"),
        blank_allowed=True,
        summable=True,
    ),
    Column(
        "central",
        "Central spend (£)",
        parse_signed_pounds,
        expected=MONEY_EXPECTED,
        fix="Type the spending in pounds; leave it blank for none.",
        aliases=("Central (£)", "Central"),
        blank_allowed=True,
        summable=True,
    ),
)
SAVINGS_COLUMNS = (
    Column(
        "cohort",
        "Cohort",
        choice_parser(COHORT_LOOKUP),
        expected=f"one of: {', '.join(SAVINGS_COHORTS.values())}",
        fix="Use the template's cohorts.",
    ),
    Column(
        "amount",
        "Savings and mitigation (£)",
        parse_signed_pounds,
        expected=MONEY_EXPECTED,
        fix="Type the savings achieved in the term, in pounds.",
        aliases=("Savings (£)", "Amount (£)"),
        blank_allowed=True,
        summable=True,
    ),
)


@dataclass
class HnbReturn:
    term: Term
    spend: dict[str, tuple[int, int]]  # line -> (direct, central) pence
    savings: dict[str, int]  # cohort -> pence
    placements: dict[str, list]  # column key -> one value per placement

    @property
    def period(self) -> str:
        return str(self.term)


def _by_label(
    table: Table, key: str, report: ValidationReport, names: dict[str, str]
) -> dict[str, int]:
    rows: dict[str, int] = first_row_of_each(
        table,
        key,
        report,
        name=lambda code: f"'{names[code]}'",
        fix="Delete or add up the two rows.",
    )
    for code, label in names.items():
        if code not in rows:
            report.warning(
                sheet=table.sheet,
                cell="A",
                found=f"no row for '{label}'",
                expected="a row for each line of the template",
                fix="It is taken as not reported for this term.",
            )
    return rows


def _is_blank_block(table: Table, keys: tuple[str, ...], report: ValidationReport) -> bool:
    """No figure at all in the block: the sheet was left blank, which is not the same as £0."""
    if any(v is not None for key in keys for v in table.values[key]):
        return False
    if any(table.is_reported(key, i) for key in keys for i in range(len(table.rows))):
        return False  # figures were typed but are wrong; those cells are reported already
    report.warning(
        sheet=table.sheet,
        cell=None,
        found=f"no {BLOCK_NAMES[table.sheet]} entered",
        expected=f"the {BLOCK_NAMES[table.sheet]} in the term, in pounds",
        fix="Measures that read it will show 'not available' for this term.",
    )
    return True


def _spend(
    table: Table, report: ValidationReport, plan_lines: PlanLines
) -> dict[str, tuple[int, int]]:
    """Spending by line; once the block has figures, a blank cell on a line is none (£0), as the
    template says."""
    if _is_blank_block(table, ("direct", "central"), report):
        return {}
    rows = _by_label(table, "line", report, expenditure_lines(plan_lines))
    values = table.values
    return {code: (values["direct"][i] or 0, values["central"][i] or 0) for code, i in rows.items()}


def _savings(table: Table, report: ValidationReport) -> dict[str, int]:
    if _is_blank_block(table, ("amount",), report):
        return {}
    rows = _by_label(table, "cohort", report, SAVINGS_COHORTS)
    amounts = table.values["amount"]
    return {code: amounts[i] for code, i in rows.items() if amounts[i] is not None}


def read_hnb_workbook(
    grids: dict[str, Grid],
    *,
    shape: PlanShape,
    report: ValidationReport,
    today: date,
    **_: object,
) -> HnbReturn | None:
    if not has_sheets(grids, SHEETS, report, family="hnb"):
        return None
    term = read_term(grids[SPEND_SHEET], report, today=today)
    spend_table = read_table(grids[SPEND_SHEET], _spend_columns(shape.lines), report, label="line")
    savings_table = read_table(grids[SAVINGS_SHEET], SAVINGS_COLUMNS, report, label="cohort")
    placements = read_placements(grids[PLACEMENTS_SHEET], term, report)
    spend = _spend(spend_table, report, shape.lines) if spend_table is not None else {}
    savings = _savings(savings_table, report) if savings_table is not None else {}
    if report.errors or term is None or placements is None:
        return None
    return HnbReturn(term=term, spend=spend, savings=savings, placements=placements)
