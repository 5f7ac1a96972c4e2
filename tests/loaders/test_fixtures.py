"""One small workbook for each check (tests/fixtures, made by build_fixtures.py). Each is refused
with its own message at its own cell, and the database is left exactly as it was."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.submissions import load_workbook
from storage.models import HnbSpend, Placement
from tests.councils import NORFOLK
from tests.loaders.conftest import MAX_BYTES, snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = date(2026, 11, 22)
SAVE_AS = "Open it in Excel and use Save As, choosing 'Excel Workbook (*.xlsx)'."
NO_PERSONAL_DATA = (
    "no personal data: the dashboard takes anonymised figures only",
    "Delete the column (and any hidden copy of it) and load the file again; nothing from this "
    "file was stored.",
)

# file -> every error, as (where, what was found), worked out from how each file was spoiled
REFUSED = {
    "file-empty.xlsx": [
        ("file", "The file is empty (0 bytes). Choose the saved workbook and try again.")
    ],
    "file-csv-renamed.xlsx": [
        (
            "file",
            "This is a text file (such as CSV), not an Excel workbook. Open it in Excel and save it as 'Excel Workbook (*.xlsx)'.",
        )
    ],
    "file-pdf-renamed.xlsx": [
        (
            "file",
            "This is a PDF document, not an Excel workbook. Upload the spreadsheet itself (.xlsx).",
        )
    ],
    "file-old-excel.xls": [
        (
            "file",
            f"This is an old-style Excel 97-2003 (.xls) file, which is not accepted. {SAVE_AS}",
        )
    ],
    "file-password.xlsx": [
        (
            "file",
            "The workbook is protected by a password, so it cannot be read. Remove the password (File > Info > Protect Workbook) and save it again.",
        )
    ],
    "file-macros.xlsm": [
        (
            "file",
            f"The workbook contains macros (.xlsm), which are not accepted. {SAVE_AS} Macros are removed when you do.",
        )
    ],
    "dsg-missing-sheet.xlsx": [("Forecast", "no sheet named 'Forecast'")],
    "dsg-misspelt-year.xlsx": [("Plan!D4", "'2024-26'"), ("Plan!4:4", "no column headed 2024-25")],
    "dsg-missing-year.xlsx": [("Plan!4:4", "no column headed 2025-26")],
    "dsg-text-in-number.xlsx": [("Plan!C9", "'about 53'")],
    "dsg-formula-no-value.xlsx": [("Plan!C9", "the formula =50+3.584 with no saved value")],
    "dsg-positive-income.xlsx": [("Plan!B6", "120.578")],
    "dsg-typed-in-pounds.xlsx": [("Plan!B9", "46,878,000")],
    "dsg-no-opening-balance.xlsx": [("Plan!B2", "a blank cell")],
    "dsg-forecast-without-term.xlsx": [("Forecast!B2", "no term")],
    "dsg-merged-figures.xlsx": [("Plan!C22:D22", "merged cells C22:D22 among the figures")],
    "dsg-targets-bad-cells.xlsx": [
        ("Targets!A3", "the measure number 99"),
        ("Targets!F4", "'about 200'"),
    ],
    "ehcp-negative-count.xlsx": [("Activity!B6", "the negative count -12")],
    "ehcp-fractional-count.xlsx": [("Activity!B7", "the fractional count 210.5")],
    "ehcp-text-count.xlsx": [("Activity!B8", "'about 480'")],
    "ehcp-term-not-a-term.xlsx": [("Activity!B2", "'Term 1 2024'")],
    "ehcp-term-not-begun.xlsx": [("Activity!B2", "Autumn 2099, which has not begun")],
    "ehcp-duplicate-measure.xlsx": [
        (
            "Activity!A16",
            "the measure 'New EHC plans issued in the term' a second time (first in A6)",
        )
    ],
    "ehcp-unknown-need.xlsx": [("Primary need!A9", "'Dyslexia'")],
    "ehcp-div0-error.xlsx": [("Activity!B13", "the Excel error #DIV/0!")],
    "hnb-duplicate-reference.xlsx": [
        ("Placements!A5", "the reference 'PL-0001' a second time (first in A2)")
    ],
    "hnb-starts-after-term.xlsx": [
        ("Placements!I5", "06/01/2025, after the term ended on 31/12/2024")
    ],
    "hnb-ended-before-term.xlsx": [
        ("Placements!J5", "19/07/2024, before the term began on 01/09/2024")
    ],
    "hnb-end-before-start.xlsx": [
        ("Placements!J5", "an end date of 01/10/2024, before the start on 04/11/2024")
    ],
    "hnb-impossible-date.xlsx": [("Placements!I5", "'31/02/2024', which is not a real date")],
    "hnb-negative-cost.xlsx": [("Placements!H5", "the negative amount -64250")],
    "hnb-unknown-provision.xlsx": [("Placements!E5", "'Boarding school'")],
    "hnb-age-out-of-range.xlsx": [("Placements!B5", "the age 31")],
    "hnb-merged-data-cells.xlsx": [("Placements!F2:F3", "merged cells F2:F3 among the data")],
    "hnb-missing-column.xlsx": [("Placements!1:1", "no column headed 'Annual cost (£)'")],
    "hnb-formula-no-value.xlsx": [("Placements!H3", "the formula =12000+500 with no saved value")],
    "hnb-na-error.xlsx": [("Placements!H4", "the Excel error #N/A")],
    "hnb-text-in-spend.xlsx": [("Spend!B5", "'eighteen million'")],
    # a missing column does not stop the checks of the other columns
    "hnb-missing-column-and-bad-cells.xlsx": [
        ("Placements!1:1", "no column headed 'Annual cost (£)'"),
        ("Placements!E5", "'Boarding school'"),
        ("Placements!H2", "'31/02/2024', which is not a real date"),
    ],
    "dsg-unrecognised-row.xlsx": [
        ("Plan!A30", "figures in a row labelled 'Home to school transport (SEN)'")
    ],
    "dsg-line-map-unknown-line.xlsx": [
        ("Line map!B2", "'Transport'"),
        ("Plan!A30", "figures in a row labelled 'Home to school transport (SEN)'"),
    ],
    "personal-name-column.xlsx": [("Placements!L1", "a column headed 'Child name', a name")],
    "personal-date-of-birth-column.xlsx": [
        ("Placements!L1", "a column headed 'Date of birth', a date of birth")
    ],
    "personal-upn-values.xlsx": [
        (
            "Placements!L",
            "values that look like unique pupil numbers (first in L3: 'A************')",
        )
    ],
    "personal-postcode-hidden-sheet.xlsx": [
        ("Lookup!B1", "a column headed 'Home postcode', a postcode")
    ],
    "personal-nhs-number-values.xlsx": [
        ("Activity!D", "values that look like NHS numbers (first in D5: '9** 4** 5***')")
    ],
    "personal-uln-column.xlsx": [
        ("Placements!L1", "a column headed 'ULN', a unique learner number (ULN)")
    ],
}


def load(engine, name: str):
    path = FIXTURES / name
    return load_workbook(
        engine,
        path.read_bytes(),
        file_name=name,
        council=NORFOLK,
        max_bytes=MAX_BYTES,
        today=TODAY,
    )


def test_fix000_there_is_a_fixture_for_every_check_and_a_check_for_every_fixture():
    on_disk = {p.name for p in FIXTURES.glob("*.xls*")}
    assert on_disk == set(REFUSED) | {"accepted-messy-hnb.xlsx", "hnb-blank-spend.xlsx"}
    assert len(REFUSED) >= 30


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_fix001_each_spoilt_workbook_is_refused_at_its_cell_and_changes_nothing(engine, name):
    before = snapshot(engine)
    outcome = load(engine, name)
    assert [(e.location, e.found) for e in outcome.report.errors] == REFUSED[name]
    assert outcome.stored_id is None
    assert snapshot(engine) == before


@pytest.mark.parametrize("name", sorted(n for n in REFUSED if n.startswith("personal-")))
def test_fix002_personal_data_is_refused_with_what_to_do(engine, name):
    (error,) = load(engine, name).report.errors
    assert (error.expected, error.fix) == NO_PERSONAL_DATA


def test_fix003_messages_say_what_was_expected_and_how_to_fix_it(engine):
    (error,) = load(engine, "hnb-starts-after-term.xlsx").report.errors
    assert str(error) == (
        "error: Placements!I5: found 06/01/2025, after the term ended on 31/12/2024; expected a "
        "placement active in Autumn 2024. List only placements active in the term; check the date."
    )
    (error,) = load(engine, "ehcp-fractional-count.xlsx").report.errors
    assert str(error) == (
        "error: Activity!B7: found the fractional count 210.5; expected a whole number of children "
        "or young people, 0 or more. Type the count as a whole number; leave it blank if it is "
        "not known."
    )


def test_fix004_a_messy_but_sound_workbook_is_accepted_and_read_right(engine):
    outcome = load(engine, "accepted-messy-hnb.xlsx")
    assert outcome.report.errors == []
    assert [(w.location, w.found) for w in outcome.report.warnings] == [
        ("Workings", "a hidden sheet that is not in the template")
    ]
    with Session(engine) as session:
        rows = session.execute(
            select(
                Placement.reference,
                Placement.annual_cost_pence,
                Placement.start_date,
                Placement.end_date,
                Placement.renegotiation_saving_pence,
                Placement.in_county,
            ).order_by(Placement.reference)
        ).all()
        credit = session.scalar(
            select(HnbSpend.central_pence).where(HnbSpend.line == "short_stay_schools")
        )
    assert [tuple(r) for r in rows] == [
        # '64,250.00' stored as text; '£1,500'; '04/09/2023' written day first
        ("PL-0001", 6_425_000, date(2023, 9, 4), None, 150_000, False),
        # 45537 is an Excel serial: 45537 days after 30 December 1899 is 2 September 2024
        ("PL-0002", 1_250_000, date(2024, 9, 2), None, None, True),
        ("PL-0003", 980_050, date(2023, 9, 1), date(2024, 10, 31), None, True),
    ]
    assert credit == -123_400  # '(1,234.00)'


def test_fix005_a_spend_sheet_left_blank_is_a_warning_naming_the_sheet_and_stores_no_spend(
    engine,
):
    outcome = load(engine, "hnb-blank-spend.xlsx")
    assert [str(w) for w in outcome.report.issues] == [
        "warning: Spend: found no spending entered; expected the spending in the term, in "
        "pounds. Measures that read it will show 'not available' for this term."
    ]
    assert outcome.stored_id is not None
    with Session(engine) as session:
        assert session.scalars(select(HnbSpend.line)).all() == []


def test_fix006_a_row_the_plan_does_not_know_says_what_it_expected_and_how_to_fix_it(engine):
    (error,) = load(engine, "dsg-unrecognised-row.xlsx").report.errors
    assert error.expected.startswith("one of the plan's lines: High Needs Block DSG Income; ")
    assert error.expected.endswith("; DfE Contribution; NCC Contribution")
    assert error.fix == (
        "Rename the row to one of the plan's lines, or map its label to one on the 'Line map' "
        "sheet."
    )
