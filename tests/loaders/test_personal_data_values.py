"""Personal data is recognised by its values, whatever the column is headed: people's names,
dates of birth, UPNs, ULNs, NHS numbers and postcodes. The refusal names the sheet and column and
a cell, and shows the value masked. Names of providers, placement dates and the demo's workbooks
are not mistaken for personal data. A refused web upload leaves none of its bytes behind.

The check numbers below were worked out by hand:
- UPN: the letter is the sum of characters 2-13 times weights 2-13, modulo 23, read from
  ABCDEFGHJKLMNPQRTUVWXYZ (a letter in place 13, in a temporary UPN, counts by the same table).
  A123456789012: 1x2+2x3+3x4+4x5+5x6+6x7+7x8+8x9+9x10+0x11+1x12+2x13 = 368 = 16x23, remainder 0: A.
  B801200005001: 16+0+4+10+0+0+0+0+50+0+0+13 = 93 = 4x23+1: B.
  X12345678901A: 342 (as above without the 2x13) + 0x13 = 342 = 14x23+20: X.
- NHS number: 11 - (first nine digits times 10..2, modulo 11); 9434765919, 4010232137 and
  1234567881 (208 mod 11 = 10, 11-10 = 1) pass.
- ULN: 10 - (first nine digits times 10..2, modulo 11); 1234567899 (210 mod 11 = 1, 10-1 = 9),
  2345678908 (244 mod 11 = 2) and 9876543201 (328 mod 11 = 9) pass, and fail the NHS check.
"""

import importlib
import io
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import services.uploads as uploads
from loaders.demo import build_demo_workbooks
from loaders.submissions import check_workbook
from storage.models import PendingUpload
from tests.councils import NORFOLK_CODE, NORFOLK_DEMO, NORFOLK_SHAPE
from tests.layouts.conftest import app_on
from tests.layouts.test_static_pages import text_of
from tests.layouts.uploading import account, signed_in_as
from tests.loaders.conftest import MAX_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
sys.path.insert(0, str(FIXTURES))
from build_fixtures import ehcp_book, hnb_book  # noqa: E402

TODAY = date(2026, 11, 22)
NAMES = ["Oliver Smith", "Amelia Jones", "George Brown"]


def errors_of(book) -> list[tuple[str, str]]:
    buffer = io.BytesIO()
    book.save(buffer)
    result = check_workbook(
        buffer.getvalue(), file_name="x.xlsx", shape=NORFOLK_SHAPE, max_bytes=MAX_BYTES, today=TODAY
    )
    return [(e.location, e.found) for e in result.report.errors]


def with_column(heading: str, values: list, sheet: str = "Placements", column: str = "L"):
    """The fixtures' sound HNB return with one more column; its three placements are rows 2-4."""
    book = hnb_book()
    book[sheet][f"{column}1"] = heading
    for row, value in enumerate(values, start=2):
        book[sheet][f"{column}{row}"] = value
    return book


@pytest.mark.parametrize("heading", ["Ref", "Notes"])
def test_pdv001_names_under_a_neutral_heading_are_refused_naming_the_column(heading):
    assert errors_of(with_column(heading, NAMES)) == [
        ("Placements!L", "values that look like people's names (first in L2: 'O***** S****')")
    ]


def test_pdv002_names_given_as_the_provider_are_refused():
    book = hnb_book()
    for row, name in enumerate(["Amelia Rose Jones", "Smith, Oliver", "GEORGE BROWN"], start=2):
        book["Placements"][f"F{row}"] = name
    assert errors_of(book) == [
        ("Placements!F", "values that look like people's names (first in F2: 'A***** R*** J****')")
    ]


def test_pdv003_names_in_a_hidden_sheet_are_refused():
    book = hnb_book()
    hidden = book.create_sheet("Workings")
    hidden.sheet_state = "hidden"
    hidden["C5"] = "Provider"
    for row, name in enumerate(NAMES, start=6):
        hidden[f"C{row}"] = name
    assert errors_of(book) == [
        ("Workings!C", "values that look like people's names (first in C6: 'O***** S****')")
    ]


def test_pdv004_providers_councils_and_schools_are_not_names():
    providers = [
        "Sunrise Academy Trust",
        "Norfolk County Council",
        "Grace Academy",
        "Victoria Park School",
        "Thomas Gainsborough School",
        "Emily Davison Academy",
        "St Mary's Catholic Primary School",
        "Oliver House",
        "Demo independent school 01",
    ]
    assert errors_of(with_column("Notes", providers)) == []
    book = hnb_book()
    for row, provider in enumerate(providers[:3], start=2):
        book["Placements"][f"F{row}"] = provider
    assert errors_of(book) == []


def test_pdv005_a_name_or_two_among_many_other_values_is_not_a_column_of_names():
    # one in five or more of a column's values must be names, and at least three of them
    values = ["Oliver Smith", "Amelia Jones"] + [f"Provider {n:02}" for n in range(1, 9)]
    book = hnb_book()
    sheet = book.create_sheet("Lookup")
    sheet["A1"] = "Provider"
    for row, value in enumerate(values, start=2):
        sheet[f"A{row}"] = value
    assert errors_of(book) == []


def _born(years: int, days: int) -> date:
    """A birthday ``years`` years and ``days`` days before today: ages are worked out to today."""
    today = date.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def test_pdv006_dates_of_birth_under_a_neutral_heading_are_refused():
    born = [date(2012, 5, 1), date(2016, 3, 14), date(2009, 11, 30)]
    assert errors_of(with_column("Notes", born)) == [
        ("Placements!L", "values that look like dates of birth (first in L2: '0*/0*/2***')")
    ]


def test_pdv007_birthdays_that_agree_with_the_age_column_are_refused():
    # the fixture's children are 12, 9 and 15: born within a year of each other would not be
    # told from placement dates by their spread, but each date gives the row's age
    book = hnb_book()
    for row, age in zip((2, 3, 4), (12, 12, 13), strict=True):
        book["Placements"][f"B{row}"] = age
    born = [_born(12, 40), _born(12, 200), _born(13, 10)]
    book["Placements"]["L1"] = "Ref"
    for row, day in enumerate(born, start=2):
        book["Placements"][f"L{row}"] = day
    masked = f"{born[0]:%d}"[0] + "*/" + f"{born[0]:%m}"[0] + "*/2***"
    assert errors_of(book) == [
        ("Placements!L", f"values that look like dates of birth (first in L2: '{masked}')")
    ]


def test_pdv008_placement_dates_and_recent_dates_are_not_dates_of_birth():
    book = hnb_book()
    # placements begun over ten years are still placements: the heading says what the dates are
    for row, started in zip((2, 3, 4), (2014, 2018, 2023), strict=True):
        book["Placements"][f"I{row}"] = date(started, 9, 1)
    # review dates under a neutral heading: all in the last two years, so no one's birthdays
    book["Placements"]["L1"] = "Notes"
    for row, day in zip((2, 3, 4), (40, 200, 500), strict=True):
        book["Placements"][f"L{row}"] = date.today() - timedelta(days=day)
    assert errors_of(book) == []


@pytest.mark.parametrize(
    ("values", "found"),
    [
        (["A123456789012"], "unique pupil numbers (first in L2: 'A************')"),
        (["", "B801200005001"], "unique pupil numbers (first in L3: 'B************')"),
        (["X12345678901A"], "unique pupil numbers (first in L2: 'X************')"),
        (
            [1234567899.0, 2345678908.0, 9876543201.0],
            "unique learner numbers (first in L2: '1*********')",
        ),
        (
            ["1234567899", "2345678908", "9876543201"],
            "unique learner numbers (first in L2: '1*********')",
        ),
        (
            [9434765919.0, 4010232137.0, 1234567881.0],
            "NHS numbers (first in L2: '9*********')",
        ),
        (["NR1 2DH"], "postcodes (first in L2: 'N** 2**')"),
        (["Moved to 14 Mill Lane, Norwich NR4 7TJ"], "postcodes (first in L2: 'N** 7**')"),
    ],
)
def test_pdv009_numbers_and_postcodes_under_a_neutral_heading_are_refused(values, found):
    assert errors_of(with_column("Ref", values)) == [
        ("Placements!L", f"values that look like {found}")
    ]


def test_pdv010_a_upn_shape_with_the_wrong_check_letter_is_not_a_upn():
    # A123456789012 has the check letter A; with B it is just a reference
    assert errors_of(with_column("Ref", ["B123456789012", "C123456789012"])) == []


def test_pdv011_numbers_in_another_family_are_checked_too():
    book = ehcp_book()
    book["Activity"]["D4"] = "Notes"
    for row, name in enumerate(NAMES, start=5):
        book["Activity"][f"D{row}"] = name
    assert errors_of(book) == [
        ("Activity!D", "values that look like people's names (first in D5: 'O***** S****')")
    ]


ACCEPTED = ["accepted-messy-hnb.xlsx", "hnb-blank-spend.xlsx"]


@pytest.mark.parametrize("name", ACCEPTED)
def test_pdv012_every_accepted_fixture_is_accepted(name):
    result = check_workbook(
        (FIXTURES / name).read_bytes(),
        file_name=name,
        shape=NORFOLK_SHAPE,
        max_bytes=MAX_BYTES,
        today=TODAY,
    )
    assert result.report.errors == []


def test_pdv013_every_demo_workbook_is_accepted():
    files = build_demo_workbooks(date.today(), NORFOLK_SHAPE, NORFOLK_DEMO)
    assert len(files) >= 9
    for name, data in files:
        result = check_workbook(data, file_name=name, shape=NORFOLK_SHAPE, max_bytes=MAX_BYTES)
        assert result.report.errors == [], name


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_on(tmp_path_factory.mktemp("refused-uploads"), load_demo=False)


def _norfolk(app):
    """Norfolk's service in the app's deployment, which keeps its uploads."""
    return app.server.extensions["lfi"].service(NORFOLK_CODE)


def _held_anywhere(app, data: bytes) -> list[str]:
    """Where the bytes of an upload are still held: the pending table or the check caches."""
    with Session(app.server.extensions["lfi"].engine) as session:
        stored = session.scalars(select(PendingUpload.content)).all()
    places = [f"pending_uploads ({len(c)} bytes)" for c in stored if data[:64] in c or c == data]
    places += [
        f"check cache {key}" for key, check in uploads._checks.items() if check.checked.data == data
    ]
    return places


@pytest.mark.parametrize(
    ("fixture", "problem"),
    [
        ("personal-upn-values.xlsx", "values that look like unique pupil numbers"),
        ("personal-name-column.xlsx", "a column headed 'Child name', a name"),
        ("dsg-text-in-number.xlsx", "'about 53'"),
    ],
)
def test_pdv014_a_refused_web_upload_leaves_none_of_its_bytes(app, fixture, problem):
    data = (FIXTURES / fixture).read_bytes()
    page = importlib.import_module("layouts.upload_check")
    officer = account(app)
    with signed_in_as(app, officer):
        token = _norfolk(app).keep_upload(officer, fixture, data)
        assert _held_anywhere(app, data) == []
        shown = text_of(page.layout(council=NORFOLK_CODE, token=token))
    # the officer still sees what was wrong, and nothing of the file is kept afterwards either
    assert "There is a problem" in shown and problem in shown
    assert "Nothing from it has been stored" in shown
    assert _held_anywhere(app, data) == []


def test_pdv015_a_sound_web_upload_is_kept_until_it_is_confirmed(app):
    data = (FIXTURES / "hnb-blank-spend.xlsx").read_bytes()
    token = _norfolk(app).keep_upload(account(app), "hnb.xlsx", data)
    with Session(app.server.extensions["lfi"].engine) as session:
        kept = session.scalar(select(PendingUpload.content).where(PendingUpload.token == token))
    assert kept == data
