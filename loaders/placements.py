"""The anonymised placement list: one row per placement active in the term."""

from __future__ import annotations

from domain.periods import Term
from domain.vocabulary import (
    LOCATIONS,
    NEED_LOOKUP,
    PROVISION_LOOKUP,
    PROVISION_TYPES,
    normalise,
)
from loaders.cells import CellProblem
from loaders.grid import Grid
from loaders.report import ValidationReport
from loaders.tables import (
    Column,
    Table,
    choice_parser,
    parse_count,
    parse_date,
    parse_nc_year,
    parse_pounds,
    parse_text,
    read_table,
)

PLACEMENTS_SHEET = "Placements"
OLDEST = 25  # EHC plans run to the age of 25
ROW_ISSUES = 50


def parse_age(value: object) -> int | None:
    age = parse_count(value)
    if age is not None and age > OLDEST:
        raise CellProblem(f"the age {age}")
    return age


DATE_EXPECTED = "a date written day first, such as 01/09/2024, or an Excel date"
MONEY_EXPECTED = "an amount in pounds, 0 or more, such as 45,250.00"
COLUMNS = (
    Column(
        "reference",
        "Placement reference",
        parse_text,
        expected="the placement's own reference (never a name or pupil number)",
        fix="Give every placement a reference.",
        aliases=("Reference", "Placement ID"),
    ),
    Column(
        "age",
        "Age",
        parse_age,
        expected=f"an age in whole years from 0 to {OLDEST}",
        fix="Type the age in years, or leave it blank and give the NC year.",
        required=False,
        blank_allowed=True,
    ),
    Column(
        "nc_year",
        "NC year",
        parse_nc_year,
        expected="a national curriculum year: N1, N2, R or 1 to 14",
        fix="Type the year group, or leave it blank and give the age.",
        aliases=("National curriculum year", "Year group"),
        required=False,
        blank_allowed=True,
    ),
    Column(
        "primary_need",
        "Primary need",
        choice_parser(NEED_LOOKUP),
        expected="a primary need as SEN2 codes it, such as ASD or SEMH",
        fix="Use the SEN2 code or name of the need.",
    ),
    Column(
        "provision_type",
        "Provision type",
        choice_parser(PROVISION_LOOKUP),
        expected=f"one of: {', '.join(PROVISION_TYPES.values())}",
        fix="Use one of the template's provision types.",
    ),
    Column(
        "provider",
        "Provider",
        parse_text,
        expected="the provider's name",
        fix="Name the school, college or provider.",
        aliases=("Provider name",),
    ),
    Column(
        "in_county",
        "In or out of county",
        choice_parser({normalise(text): inside for text, inside in LOCATIONS.items()}),
        expected="In or Out",
        fix="Type In or Out.",
        aliases=("In/out of county", "Location"),
    ),
    Column(
        "annual_cost",
        "Annual cost (£)",
        parse_pounds,
        expected=MONEY_EXPECTED,
        fix="Type the full-year cost of the placement in pounds.",
        aliases=("Annual cost",),
        summable=True,
    ),
    Column(
        "start_date",
        "Start date",
        parse_date,
        expected=DATE_EXPECTED,
        fix="Type the date the placement began.",
    ),
    Column(
        "end_date",
        "End date",
        parse_date,
        expected=DATE_EXPECTED,
        fix="Type the date it ended, or leave it blank if it goes on.",
        blank_allowed=True,
    ),
    Column(
        "renegotiation_saving",
        "Renegotiation saving (£)",
        parse_pounds,
        expected=MONEY_EXPECTED,
        fix="Type the yearly saving agreed, or leave it blank.",
        aliases=("Renegotiation saving",),
        required=False,
        blank_allowed=True,
        summable=True,
    ),
)


# database column -> table column
STORED = {
    "reference": "reference",
    "age": "age",
    "nc_year": "nc_year",
    "primary_need": "primary_need",
    "provision_type": "provision_type",
    "provider": "provider",
    "in_county": "in_county",
    "annual_cost_pence": "annual_cost",
    "start_date": "start_date",
    "end_date": "end_date",
    "renegotiation_saving_pence": "renegotiation_saving",
}


class _Capped:
    """Row checks report at most ROW_ISSUES of each kind, then say how many more there were."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        self.counts: dict[str, int] = {}

    def error(self, kind: str, **issue: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.counts[kind] <= ROW_ISSUES:
            self.report.error(**issue)

    def summarise(self, sheet: str) -> None:
        for kind, count in self.counts.items():
            if count > ROW_ISSUES:
                self.report.error(
                    sheet=sheet,
                    cell=None,
                    found=f"{count - ROW_ISSUES} more rows with {kind} ({count} in all)",
                    expected="none",
                    fix="The first ones are listed above.",
                )


def _check_rows(table: Table, term: Term | None, report: ValidationReport) -> None:
    values, count = table.values, len(table.rows)
    seen: dict[str, int] = {}
    ages, years = values.get("age"), values.get("nc_year")
    if ages is None and years is None:
        report.error(
            sheet=table.sheet,
            cell=f"{table.header_row}:{table.header_row}",
            found="neither an 'Age' nor an 'NC year' column",
            expected="the age or the national curriculum year of each placement",
            fix="Add the template's 'Age' column, its 'NC year' column, or both.",
        )
        ages = years = [0] * count  # reported once for the sheet, not again for every row
    ages, years = ages or [None] * count, years or [None] * count
    age_key = "age" if "age" in table.columns else "nc_year"
    capped = _Capped(report)
    for index, reference in enumerate(values["reference"]):
        if reference is not None:
            if reference in seen:
                capped.error(
                    "repeated references",
                    sheet=table.sheet,
                    cell=table.cell("reference", index),
                    found=f"the reference {reference!r} a second time (first in "
                    f"{table.cell('reference', seen[reference])})",
                    expected="each placement once",
                    fix="Give each placement its own reference.",
                )
            else:
                seen[reference] = index
        if (
            ages[index] is None
            and years[index] is None
            and not table.is_reported("age", index)
            and not table.is_reported("nc_year", index)
        ):
            capped.error(
                "neither an age nor an NC year",
                sheet=table.sheet,
                cell=table.cell(age_key, index),
                found="neither an age nor an NC year",
                expected="one of them",
                fix="Type the age in years or the year group.",
            )
        _check_dates(table, index, term, capped)
    capped.summarise(table.sheet)
    if not count:
        report.warning(
            sheet=table.sheet,
            cell=None,
            found="no placements listed",
            expected="a row for each placement active in the term",
            fix="If there were none, the measures built on placements will show 'not available'.",
        )


def _check_dates(table: Table, index: int, term: Term | None, capped: _Capped) -> None:
    start, end = table.values["start_date"][index], table.values["end_date"][index]
    if start and end and end < start:
        capped.error(
            "an end date before the start",
            sheet=table.sheet,
            cell=table.cell("end_date", index),
            found=f"an end date of {end:%d/%m/%Y}, before the start on {start:%d/%m/%Y}",
            expected="an end date on or after the start date",
            fix="Check both dates.",
        )
    if term is None:
        return
    first, last = term.start, term.end
    if start and start > last:
        capped.error(
            "a start after the term",
            sheet=table.sheet,
            cell=table.cell("start_date", index),
            found=f"{start:%d/%m/%Y}, after the term ended on {last:%d/%m/%Y}",
            expected=f"a placement active in {term}",
            fix="List only placements active in the term; check the date.",
        )
    if end and end < first:
        capped.error(
            "an end before the term",
            sheet=table.sheet,
            cell=table.cell("end_date", index),
            found=f"{end:%d/%m/%Y}, before the term began on {first:%d/%m/%Y}",
            expected=f"a placement active in {term}",
            fix="List only placements active in the term; check the date.",
        )


def read_placements(
    grid: Grid, term: Term | None, report: ValidationReport
) -> dict[str, list] | None:
    """The placements as columns (key -> one value per placement), every cell checked."""
    table = read_table(grid, COLUMNS, report, label="reference")
    if table is None:
        return None
    _check_rows(table, term, report)
    count = len(table.rows)
    return {column.key: table.values.get(column.key, [None] * count) for column in COLUMNS}
