"""The templates a finance officer downloads: sheets, headings and instructions, read back
independently with openpyxl."""

import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.cli import LFI
from tests.councils import NORFOLK, NORFOLK_CODE


def template(family: str, folder: Path):
    path = folder / f"{family}.xlsx"
    result = subprocess.run(
        [str(LFI), "--council", NORFOLK_CODE, "template", family, "-o", str(path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return openpyxl.load_workbook(path)


def column_a(sheet, first: int) -> list[str]:
    return [sheet.cell(row=r, column=1).value for r in range(first, sheet.max_row + 1)]


def test_tpl001_the_ehcp_template_lists_every_input_with_instructions(tmp_path):
    book = template("ehcp", tmp_path)
    assert book.sheetnames == ["Instructions", "Activity", "Primary need"]
    assert "No names, dates of birth" in "\n".join(filter(None, column_a(book["Instructions"], 1)))
    activity = book["Activity"]
    assert (activity["A2"].value, activity["A4"].value, activity["B4"].value) == (
        "Term",
        "Measure",
        "Count",
    )
    assert column_a(activity, 5)[:3] == [
        "EHC plans maintained at the end of the term",
        "New EHC plans issued in the term",
        "EHC plans ceased in the term",
    ]
    # the twelve items of the first return and the pupils with a plan among those on roll
    assert len(column_a(activity, 5)) == 13
    assert column_a(activity, 5)[8:10] == [
        "Pupils on roll in the county's state-funded schools (census)",
        "Pupils on roll in the county's state-funded schools with an EHC plan (census)",
    ]
    needs = column_a(book["Primary need"], 4)
    assert needs[0] == "Autistic spectrum disorder" and needs[-1] == "Total" and len(needs) == 14


def test_tpl002_the_hnb_template_holds_spend_savings_and_the_placement_list(tmp_path):
    book = template("hnb", tmp_path)
    assert book.sheetnames == ["Instructions", "Spend", "Savings", "Placements"]
    spend = book["Spend"]
    assert [spend.cell(row=4, column=c).value for c in (1, 2, 3)] == [
        "Line",
        "Direct spend (£)",
        "Central spend (£)",
    ]
    # the twelve expenditure lines of the paper's plan, then a total
    assert column_a(spend, 5)[0] == "Maintained / Academy / Free Special Schools"
    assert len(column_a(spend, 5)) == 13
    assert column_a(book["Savings"], 4) == [
        "Under 16",
        "16 and over",
        "Alternative provision",
        "Total",
    ]
    placements = book["Placements"]
    assert [c.value for c in placements[1]] == [
        "Placement reference",
        "Age",
        "NC year",
        "Primary need",
        "Provision type",
        "Provider",
        "In or out of county",
        "Annual cost (£)",
        "Start date",
        "End date",
        "Renegotiation saving (£)",
    ]


def test_tpl004_the_dsg_template_is_headed_with_the_councils_name_and_holds_its_plan(tmp_path):
    book = template("dsg", tmp_path)
    assert book.sheetnames == ["Instructions", "Plan", "Forecast", "Targets", "Line map"]
    plan = book["Plan"]
    assert plan["A1"].value == "Norfolk County Council: DSG High Needs Block recovery plan (£m)"
    assert book["Instructions"]["A1"].value == (
        "Norfolk County Council: DSG High Needs Block recovery plan and forecast: how to fill in "
        "this workbook"
    )
    # the paper's seven years and sixteen lines, under three group headings
    assert [plan.cell(row=4, column=c).value for c in range(2, 9)] == [
        "2022-23",
        "2023-24",
        "2024-25",
        "2025-26",
        "2026-27",
        "2027-28",
        "2028-29",
    ]
    labels = column_a(plan, 5)
    assert len(labels) == 16 + 3
    assert (labels[1], labels[2], labels[-1]) == (
        "High Needs Block DSG Income",
        "1.5% Schools Block transfer",
        "NCC Contribution",
    )


@pytest.mark.parametrize("family", ["ehcp", "hnb", "dsg"])
def test_tpl003_an_empty_template_is_not_mistaken_for_a_return(tmp_path, family, engine):
    from services.submissions import load_workbook

    path = tmp_path / f"{family}.xlsx"
    subprocess.run(
        [str(LFI), "--council", NORFOLK_CODE, "template", family, "-o", str(path)],
        check=True,
        capture_output=True,
    )
    outcome = load_workbook(
        engine, path.read_bytes(), file_name=path.name, council=NORFOLK, max_bytes=10**7
    )
    if family == "dsg":
        # an empty plan is refused: it has no opening balance
        assert ("Plan!B2", "a blank cell") in [(e.location, e.found) for e in outcome.report.errors]
    else:
        assert any(e.found in ("a blank cell", "no term") for e in outcome.report.errors)
    assert outcome.stored_id is None
