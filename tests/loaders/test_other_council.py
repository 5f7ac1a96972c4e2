"""Another council's plan, in its own words and years: a Devon-like profile, written here, whose
template carries its name, lines and years, and whose workbook loads by its lines and is refused
by Norfolk's. The figures are typed into the template as a finance officer would, and every
expected total is worked out by hand below."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from domain.plan_lines import LineGroup
from kpis.council import Council, read_council
from kpis.dsg import DsgFigures
from loaders.hnb import expenditure_lines
from loaders.submissions import check_workbook
from loaders.templates import write_template
from tests.councils import COUNCILS_DIR, NORFOLK_CODE, NORFOLK_SHAPE
from tests.loaders.conftest import MAX_BYTES
from tests.workbooks import find_row, find_row_starting, to_bytes, year_column

TODAY = date(2025, 1, 15)
M = 100_000_000  # pence in £1m
DEVON_CODE = "E10000008"  # Devon's new-style code; 878 in the DfE's older numbering
YEARS = ("2024-25", "2025-26", "2026-27", "2027-28", "2028-29", "2029-30", "2030-31")

PROFILE = """
la_code = "E10000008"
old_la_code = "878"
name = "Devon County Council"
short_name = "Devon"
programme = "SEND recovery"
measures = "measures.toml"

[plan]
first_year = "2024-25"
last_year = "2030-31"

[[plan.line]]
code = "hnb_dsg_income"
label = "DSG High Needs Block allocation"
standard = "hnb_dsg_income"

[[plan.line]]
code = "block_transfer"
label = "Schools Block transfer (0.5%)"
standard = "block_transfer"

[[plan.line]]
code = "special_schools"
label = "Special schools and academies"
standard = "special_schools"

[[plan.line]]
code = "independent_special_schools"
label = "Independent special schools"
standard = "independent_special_schools"

[[plan.line]]
code = "mainstream_top_up"
label = "Mainstream top-up funding"
standard = "mainstream_top_up"

[[plan.line]]
code = "post_16"
label = "Post-16 placements"
standard = "post_16"

[[plan.line]]
code = "dfe_contribution"
label = "DfE Safety Valve contribution"
standard = "dfe_contribution"

[[plan.line]]
code = "dcc_contribution"
label = "DCC Contribution"
standard = "council_contribution"
"""

# The figures typed into Devon's template, in £m with the plan's signs (None: left blank).
OPENING_BALANCE = Decimal("20.000")
CONSTANT = {
    "DSG High Needs Block allocation": "-100.000",
    "Schools Block transfer (0.5%)": "-2.500",
    "Special schools and academies": "60.000",
    "Mainstream top-up funding": "10.000",
    "Post-16 placements": "5.000",
    "DfE Safety Valve contribution": "-3.000",
}
INDEPENDENT = ("32.000", "30.000", "28.000", "26.000", "25.000", "24.000", "23.000")
DCC = (None, "-1.000", "-1.000", "-1.000", "-1.000", "-1.000", "-1.000")  # none in 2024-25

# Worked by hand. Income -100 - 2.5 = -102.5 a year; spending 60 + 10 + 5 = 75 plus the
# independent schools, so the in-year deficit is independent - 27.5:
#   32 - 27.5 = 4.5, then 2.5, 0.5, -1.5, -2.5, -3.5, -4.5.
IN_YEAR = ("4.5", "2.5", "0.5", "-1.5", "-2.5", "-3.5", "-4.5")
# Before contributions, 20 + 4.5 = 24.5, + 2.5 = 27.0, + 0.5 = 27.5, - 1.5 = 26.0, - 2.5 = 23.5,
# - 3.5 = 20.0, - 4.5 = 15.5.
BEFORE = ("24.5", "27.0", "27.5", "26.0", "23.5", "20.0", "15.5")
# Contributions: the DfE's 3.0 alone in 2024-25, then 3.0 + 1.0 = 4.0 a year. After them:
# 20 + 4.5 - 3 = 21.5; 21.5 + 2.5 - 4 = 20.0; 20 + 0.5 - 4 = 16.5; 16.5 - 1.5 - 4 = 11.0;
# 11 - 2.5 - 4 = 4.5; 4.5 - 3.5 - 4 = -3.0 (a surplus); -3 - 4.5 - 4 = -11.5.
AFTER = ("21.5", "20.0", "16.5", "11.0", "4.5", "-3.0", "-11.5")


def _pence(millions: str) -> int:
    return int(Decimal(millions) * M)


@pytest.fixture(scope="module")
def devon(tmp_path_factory) -> Council:
    """Devon's folder: its profile, and Norfolk's catalogue copied with no workstreams (as
    `lfi council add` starts one)."""
    folder = tmp_path_factory.mktemp("councils") / DEVON_CODE
    folder.mkdir()
    (folder / "council.toml").write_text(PROFILE, encoding="utf-8")
    measures = (COUNCILS_DIR / NORFOLK_CODE / "measures.toml").read_text(encoding="utf-8")
    measures, copied = re.subn(r"(?m)^workstreams = \[.*\]$", "workstreams = []", measures)
    assert copied == 46  # one for each of Norfolk's measures
    (folder / "measures.toml").write_text(measures, encoding="utf-8")
    return read_council(folder)


@pytest.fixture(scope="module")
def template(devon, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("devon") / "devon-dsg.xlsx"
    write_template("dsg", path, shape=devon.shape)
    return path


def _typed_plan(template: Path) -> bytes:
    book = openpyxl.load_workbook(template)
    plan = book["Plan"]
    plan.cell(
        row=find_row_starting(plan, "Opening cumulative balance"),
        column=2,
        value=float(OPENING_BALANCE),
    )
    rows = {
        **{label: (value,) * len(YEARS) for label, value in CONSTANT.items()},
        "Independent special schools": INDEPENDENT,
        "DCC Contribution": DCC,
    }
    for label, values in rows.items():
        for year, value in zip(YEARS, values, strict=True):
            if value is not None:
                column = year_column(plan, year)
                plan.cell(row=find_row(plan, label), column=column, value=float(value))
    return to_bytes(book)


def test_oth001_devons_template_is_headed_with_its_name_lines_and_years(devon, template):
    assert devon.shape.years == YEARS
    book = openpyxl.load_workbook(template)
    plan = book["Plan"]
    assert plan["A1"].value == "Devon County Council: DSG High Needs Block recovery plan (£m)"
    assert (
        plan["A2"].value == "Opening cumulative balance (£m, deficit brought forward into 2024-25)"
    )
    assert [plan.cell(row=4, column=c).value for c in range(2, 9)] == list(YEARS)
    labels = [plan.cell(row=r, column=1).value for r in range(5, plan.max_row + 1)]
    # each group under its heading, its lines in the profile's order and in Devon's words
    assert labels == [
        "Income (enter as negative figures)",
        "DSG High Needs Block allocation",
        "Schools Block transfer (0.5%)",
        "Expenditure",
        "Special schools and academies",
        "Independent special schools",
        "Mainstream top-up funding",
        "Post-16 placements",
        "Contributions towards the deficit (enter as negative figures)",
        "DfE Safety Valve contribution",
        "DCC Contribution",
    ]
    assert "NCC Contribution" not in labels
    forecast = book["Forecast"]
    assert [forecast.cell(row=4, column=c).value for c in range(2, 9)] == list(YEARS)
    instructions = book["Instructions"]["A1"].value
    assert instructions.startswith("Devon County Council: DSG High Needs Block recovery plan")
    targets = book["Targets"]
    assert [c.value for c in targets[1]][5:] == list(YEARS)


def test_oth002_a_plan_typed_in_devons_template_loads_and_derives_the_balances_by_hand(
    devon, template
):
    result = check_workbook(
        _typed_plan(template),
        file_name="devon-plan.xlsx",
        shape=devon.shape,
        max_bytes=MAX_BYTES,
        today=TODAY,
    )
    assert result.report.errors == [] and result.report.ok
    assert result.family.name == "dsg"
    workbook = result.content
    assert workbook.opening_balance == _pence("20.000")
    assert workbook.plan["dcc_contribution"] == {
        year: _pence(value or "0") for year, value in zip(YEARS, DCC, strict=True)
    }
    figures = DsgFigures(
        years=YEARS,
        opening_balance=workbook.opening_balance,
        lines=workbook.plan,
        plan_lines=devon.plan_lines,
    )
    for index, year in enumerate(YEARS):
        derived = figures.derived[year]
        assert derived.in_year_deficit == _pence(IN_YEAR[index]), year
        assert derived.cumulative_before_contributions == _pence(BEFORE[index]), year
        assert derived.cumulative_after_contributions == _pence(AFTER[index]), year
    # 'DCC Contribution' is the council's contribution, whatever Devon calls it
    assert figures.standard("council_contribution", "2024-25") == 0
    assert figures.standard("council_contribution", "2025-26") == _pence("-1.000")
    assert figures.standard("block_transfer", "2030-31") == _pence("-2.500")


def test_oth003_devons_workbook_checked_as_norfolks_is_refused_naming_its_lines(template):
    result = check_workbook(
        _typed_plan(template),
        file_name="devon-plan.xlsx",
        shape=NORFOLK_SHAPE,
        max_bytes=MAX_BYTES,
        today=TODAY,
    )
    assert not result.report.ok and result.content is None
    errors = {(e.location, e.found): e for e in result.report.errors}
    # Devon's last line: row 15, below the year headings (row 4), three headings and seven lines
    dcc = errors[("Plan!A15", "figures in a row labelled 'DCC Contribution'")]
    assert dcc.fix.endswith("Did you mean 'NCC Contribution'?")
    # Devon's transfer is Norfolk's line in other words: the same label but for its percentage
    assert not any("Schools Block transfer" in found for _, found in errors)
    # Norfolk's plan begins two years before Devon's
    assert ("Plan!4:4", "no column headed 2022-23") in errors
    assert ("Plan!A", "no row labelled 'NCC Contribution'") in errors


def test_oth004_devons_hnb_template_lists_its_own_spending_lines(devon, tmp_path):
    lines = expenditure_lines(devon.plan_lines)
    assert list(lines.values()) == [
        "Special schools and academies",
        "Independent special schools",
        "Mainstream top-up funding",
        "Post-16 placements",
    ]
    path = tmp_path / "devon-hnb.xlsx"
    write_template("hnb", path, shape=devon.shape)
    spend = openpyxl.load_workbook(path)["Spend"]
    rows = [spend.cell(row=r, column=1).value for r in range(5, spend.max_row + 1)]
    assert rows == [*lines.values(), "Total"]
    assert [line.code for line in devon.plan_lines.of_group(LineGroup.CONTRIBUTION)] == [
        "dfe_contribution",
        "dcc_contribution",
    ]


def test_oth005_devons_catalogue_is_norfolks_measures_with_no_workstreams(devon):
    assert len(devon.catalogue.measures) == 46
    assert all(m.workstreams == () for m in devon.catalogue.measures)
    assert devon.place.la_code == DEVON_CODE and devon.place.last_year == "2030-31"
    # the measures that follow the plan are the same seven, 16-22
    assert [ref for ref, kind in devon.shape.measures.items() if kind.follows_plan] == list(
        range(16, 23)
    )
