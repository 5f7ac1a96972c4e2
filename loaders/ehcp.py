"""Read the EHCP return for one term: activity counts and plans by primary need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.periods import Term
from domain.vocabulary import EHCP_ITEMS, NEED_LOOKUP, PRIMARY_NEEDS, build_lookup
from loaders.grid import Grid, has_sheets
from loaders.report import ValidationReport
from loaders.tables import Column, Table, choice_parser, first_row_of_each, parse_count, read_table
from loaders.terms import read_term

ACTIVITY_SHEET = "Activity"
NEEDS_SHEET = "Primary need"
SHEETS = (ACTIVITY_SHEET, NEEDS_SHEET)
COUNT_EXPECTED = "a whole number of children or young people, 0 or more"
COUNT_FIX = "Type the count as a whole number; leave it blank if it is not known."

ACTIVITY_COLUMNS = (
    Column(
        "item",
        "Measure",
        choice_parser(build_lookup(EHCP_ITEMS)),
        expected="one of the template's measures",
        fix="Use the template's wording.",
        aliases=("Item", "Activity"),
    ),
    Column(
        "count",
        "Count",
        parse_count,
        expected=COUNT_EXPECTED,
        fix=COUNT_FIX,
        aliases=("Number",),
        blank_allowed=True,
    ),
)
NEED_COLUMNS = (
    Column(
        "need",
        "Primary need",
        choice_parser(NEED_LOOKUP),
        expected=f"a primary need: one of {', '.join(PRIMARY_NEEDS)} or its name",
        fix="Use the SEN2 code or name of the need.",
    ),
    Column(
        "plans",
        "EHC plans",
        parse_count,
        expected=COUNT_EXPECTED,
        fix=COUNT_FIX,
        aliases=("Plans", "Number of plans"),
        summable=True,
        blank_allowed=True,
    ),
)


@dataclass
class EhcpReturn:
    term: Term
    counts: dict[str, int]  # item -> count; an item left blank is absent
    needs: dict[str, int]

    @property
    def period(self) -> str:
        return str(self.term)


def _counts(table: Table, report: ValidationReport) -> dict[str, int]:
    rows: dict[str, int] = first_row_of_each(
        table,
        "item",
        report,
        name=lambda item: f"the measure '{EHCP_ITEMS[item]}'",
        fix="Delete or merge the two rows.",
    )
    counts: dict[str, int] = {}
    for item, label in EHCP_ITEMS.items():
        value = table.values["count"][rows[item]] if item in rows else None
        if value is None and item in rows and table.is_reported("count", rows[item]):
            continue  # the cell's error already names it: one issue for one cell
        if value is None:
            report.warning(
                sheet=table.sheet,
                cell=table.cell("count", rows[item]) if item in rows else "A",
                found=f"no count for '{label}'",
                expected="a count for every measure",
                fix="Measures that need it will show 'not available' for this term.",
            )
        else:
            counts[item] = value
    return counts


def _check_needs_total(
    needs: dict[str, int], counts: dict[str, int], table: Table, report: ValidationReport
) -> None:
    caseload = counts.get("ehcp_caseload")
    if caseload is not None and needs and sum(needs.values()) != caseload:
        report.warning(
            sheet=table.sheet,
            cell=f"{table.header_row}:{table.header_row}",
            found=f"{sum(needs.values()):,} plans by primary need",
            expected=f"{caseload:,}, the EHC plans maintained at the end of the term (Activity)",
            fix="Check both sheets count the same plans at the same date.",
        )


def read_ehcp_workbook(
    grids: dict[str, Grid], *, report: ValidationReport, today: date, **_: object
) -> EhcpReturn | None:
    if not has_sheets(grids, SHEETS, report, family="ehcp"):
        return None
    term = read_term(grids[ACTIVITY_SHEET], report, today=today)
    activity = read_table(grids[ACTIVITY_SHEET], ACTIVITY_COLUMNS, report, label="item")
    needs_table = read_table(grids[NEEDS_SHEET], NEED_COLUMNS, report, label="need")
    if activity is None or needs_table is None:
        return None
    counts = _counts(activity, report)
    rows: dict[str, int] = first_row_of_each(
        needs_table,
        "need",
        report,
        name=lambda need: f"the need '{PRIMARY_NEEDS[need]}'",
        fix="Delete or add up the two rows.",
    )
    needs = {
        need: needs_table.values["plans"][i]
        for need, i in rows.items()
        if needs_table.values["plans"][i] is not None
    }
    _check_needs_total(needs, counts, needs_table, report)
    if report.errors or term is None:
        return None
    return EhcpReturn(term=term, counts=counts, needs=needs)
