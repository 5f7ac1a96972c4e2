"""Any council, end to end on the command line, as the issue's 'done when' puts it: Devon is added
from the national lists, its template is in its own terms, its plan with its own contribution
lines loads and reproduces its own balances, its comparators are against its own DfE neighbours,
and Norfolk's figures beside it are untouched."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from loaders.templates import write_ehcp_workbook
from tests.cli import lfi_runner
from tests.councils import COUNCILS_DIR, DEVON, DEVON_NEIGHBOURS, NORFOLK_CODE
from tests.workbooks import find_row, paper_workbook, year_column

# Devon's plan as this test writes it: its own labels, two lines on the council's contribution.
DEVON_LINES = {
    "High Needs Block allocation": "hnb_dsg_income",
    "Transfer from the Schools Block": "block_transfer",
    "Special schools": "special_schools",
    "Independent and non-maintained special schools": "independent_special_schools",
    "Other SEN spending": "other_expenditure",
    "DfE contribution": "dfe_contribution",
    "DCC Contribution": "council_contribution",
    "DCC Contribution (capital receipts)": "council_contribution",
}
YEARS = ("2024-25", "2025-26", "2026-27", "2027-28")
OPENING = Decimal("100.000")
FIGURES = {  # £m, the plan's signs
    "High Needs Block allocation": (-150, -155, -160, -165),
    "Transfer from the Schools Block": (-2, -2, -2, -2),
    "Special schools": (80, 82, 84, 86),
    "Independent and non-maintained special schools": (60, 58, 55, 52),
    "Other SEN spending": (30, 29, 28, 27),
    "DfE contribution": (-10, -10, -20, -50),
    "DCC Contribution": (-5, -5, -5, -25),
    "DCC Contribution (capital receipts)": (-1, 0, -4, 0),
}
# Worked by hand. In-year: spending less income and transfer, 170 - 152 = 18, 169 - 157 = 12,
# 167 - 162 = 5, 165 - 167 = -2. Contributions: -16, -15, -29, -75. Cumulative balance after
# contributions from the opening 100: 102, 99, 75, -2 (a surplus of £2m in the last year).
CUMULATIVE_AFTER = {"2024-25": 102.0, "2025-26": 99.0, "2026-27": 75.0, "2027-28": -2.0}
# The council's contribution is both DCC lines, shown as a positive amount: 6, 5, 9, 25.
GENERAL_FUND = {"2024-25": 6.0, "2025-26": 5.0, "2026-27": 9.0, "2027-28": 25.0}

# SEN2 as published: new plans issued in calendar year 2024 (sen2-assessments.csv,
# assess_issued) and plans maintained at January 2025 (sen2-caseload-by-primary-need.csv,
# ehc_plans), for Devon and each neighbour.
ISSUED_2024 = {
    "E10000008": 1399,
    "E10000011": 517,
    "E06000059": 614,
    "E10000020": 2031,
    "E10000016": 2695,
    "E10000027": 735,
    "E10000029": 1782,
    "E10000032": 1797,
    "E10000007": 1374,
    "E10000012": 1905,
    "E10000034": 1472,
}
PLANS_JANUARY_2025 = {
    "E10000008": 9848,
    "E10000011": 4939,
    "E06000059": 4333,
    "E10000020": 12147,
    "E10000016": 20635,
    "E10000027": 5725,
    "E10000029": 8837,
    "E10000032": 9301,
    "E10000007": 7625,
    "E10000012": 14240,
    "E10000034": 6970,
}
EHCP_TERMS = ("Summer 2024", "Autumn 2024", "Spring 2025")  # financial year 2024-25


@pytest.fixture
def lfi(database_url, tmp_path):
    councils = tmp_path / "councils"
    councils.mkdir()
    shutil.copytree(COUNCILS_DIR / NORFOLK_CODE, councils / NORFOLK_CODE)
    run = lfi_runner(tmp_path, LFI_DATABASE_URL=database_url, LFI_COUNCILS_DIR=str(councils))
    run.councils = councils  # type: ignore[attr-defined]
    return run


def _devon_lines(profile: Path) -> None:
    """Devon's plan in its own words: the drafted standard lines replaced by the council's."""
    text = re.sub(r"(?m)^\[\[plan\.line\]\]\n(?:(?:[a-z_]+ = .*|#.*)\n)*", "", profile.read_text())
    codes = {"DCC Contribution (capital receipts)": "dcc_capital"}
    for label, standard in DEVON_LINES.items():
        code = f'code = "{codes[label]}"\n' if label in codes else ""
        text += f'\n[[plan.line]]\n{code}label = "{label}"\nstandard = "{standard}"\n'
    profile.write_text(text)


def _filled_plan(template: Path, target: Path) -> None:
    book = openpyxl.load_workbook(template)
    plan = book["Plan"]
    plan["B2"] = float(OPENING)
    for label, values in FIGURES.items():
        row = find_row(plan, label)
        for year, value in zip(YEARS, values, strict=True):
            plan.cell(row=row, column=year_column(plan, year), value=value)
    book.save(target)


def _ehcp_return(path: Path, term: str, new_plans: int) -> Path:
    counts = {
        "ehcp_caseload": 9800,
        "new_plans": new_plans,
        "ceased_plans": 60,
        "requests_schools": 200,
        "requests_parents": 150,
        "requests_professionals": 50,
        "movers_in": 10,
        "movers_out": 12,
        "school_population": 100_000,
        "pupils_with_ehcp": 4_000,
        "sen_support": 14_000,
        "permanent_exclusions": 20,
        "school_based_ap": 90,
    }
    write_ehcp_workbook(path, term=term, counts=counts, needs={"ASD": 3000, "SEMH": 2000})
    return path


def _measures(lfi, code: str) -> list[dict]:
    result = lfi("measures", "--council", code, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_dev001_devon_from_the_national_lists_to_its_own_balances_and_neighbours(lfi, tmp_path):
    added = lfi(
        "council", "add", "--la-code", DEVON, "--first-year", YEARS[0], "--last-year", YEARS[-1]
    )
    assert added.returncode == 0, added.stderr
    _devon_lines(lfi.councils / DEVON / "council.toml")
    checked = lfi("council", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # The template is in Devon's terms: its name, its years, its lines as it labels them.
    template = tmp_path / "devon-dsg.xlsx"
    made = lfi("template", "dsg", "--council", DEVON, "-o", str(template))
    assert made.returncode == 0, made.stderr
    sheet = openpyxl.load_workbook(template)["Plan"]
    assert str(sheet["A1"].value).startswith("Devon")
    labels = {sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)}
    assert set(DEVON_LINES) <= labels
    assert "NCC Contribution" not in labels
    assert [year_column(sheet, y) for y in YEARS] == [2, 3, 4, 5]

    # Its plan, with its own two contribution lines, loads and reproduces its balances.
    plan = tmp_path / "devon-plan.xlsx"
    _filled_plan(template, plan)
    loaded = lfi("load", str(plan), "--council", DEVON)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    records = _measures(lfi, DEVON)
    by_id = {}
    for record in records:
        by_id.setdefault(record["measure_id"], {})[record["period"]] = record["value"]
    cumulative = by_id["dsg_cumulative_deficit_after_contributions"]
    assert {y: round(v, 3) for y, v in cumulative.items()} == CUMULATIVE_AFTER
    general_fund = by_id["dsg_general_fund_contribution"]
    assert {y: round(v, 3) for y, v in general_fund.items()} == GENERAL_FUND


def test_dev002_devon_is_compared_with_its_own_neighbours_and_norfolk_is_untouched(lfi, tmp_path):
    assert lfi("council", "add", "--la-code", DEVON).returncode == 0
    # Norfolk's plan from its paper first: its measures before and after Devon's files are the
    # same.
    template = tmp_path / "norfolk-dsg.xlsx"
    assert lfi("template", "dsg", "--council", NORFOLK_CODE, "-o", str(template)).returncode == 0
    norfolk_plan = tmp_path / "norfolk-plan.xlsx"
    paper_workbook(template).save(norfolk_plan)
    assert lfi("load", str(norfolk_plan), "--council", NORFOLK_CODE).returncode == 0
    norfolk_before = _measures(lfi, NORFOLK_CODE)
    assert len(norfolk_before) > 0
    for number, term in enumerate(EHCP_TERMS):
        path = _ehcp_return(tmp_path / f"devon-ehcp-{number}.xlsx", term, 100 + 10 * number)
        loaded = lfi("load", str(path), "--council", DEVON)
        assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert _measures(lfi, NORFOLK_CODE) == norfolk_before

    devon = [r for r in _measures(lfi, DEVON) if r["neighbours"]]
    assert devon, "Devon's headline measures carry comparators"
    new_plans = next(r for r in devon if r["neighbours"]["basis"].startswith("new EHC plans"))
    # 100 + 110 + 120 new plans over the three terms of 2024-25: Devon's own count.
    assert (new_plans["period"], new_plans["value"]) == ("2024-25", 330)
    assert new_plans["comparator_council"]["la_code"] == DEVON
    assert new_plans["neighbours"]["members"] == list(DEVON_NEIGHBOURS)
    assert DEVON not in new_plans["neighbours"]["members"]

    def rate(code: str) -> float:
        return ISSUED_2024[code] * 1000 / PLANS_JANUARY_2025[code]

    average = sum(rate(code) for code in DEVON_NEIGHBOURS) / len(DEVON_NEIGHBOURS)
    assert new_plans["neighbours"]["value"] == pytest.approx(average, abs=1e-9)
    assert new_plans["comparator_council"]["value"] == pytest.approx(rate(DEVON), abs=1e-9)
    # 1,399 new plans against 9,848 maintained: 142.06 per 1,000.
    assert round(rate(DEVON), 2) == 142.06


def test_dev003_with_two_councils_a_command_must_name_one(lfi):
    assert lfi("council", "add", "--la-code", DEVON).returncode == 0
    result = lfi("measures", "--format", "json")
    assert result.returncode == 2
    assert DEVON in result.stderr and NORFOLK_CODE in result.stderr
    named = lfi("--council", DEVON, "measures", "--format", "json")
    assert named.returncode == 0, named.stderr
    assert json.loads(named.stdout) == []
