"""Workbooks as real offices and real programs write them: odd but sound ones load, unsafe or
spoilt ones are refused with a reason, and nothing is stored from a refused file."""

import io
import sys
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from loaders.submissions import check_workbook
from services.stores import STORES
from services.submissions import load_workbook
from tests.councils import NORFOLK, NORFOLK_SHAPE
from tests.loaders.conftest import MAX_BYTES, snapshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from build_fixtures import ehcp_book, hnb_book, placement  # noqa: E402

TODAY = date(2026, 11, 22)
ONE_YEAR = replace(NORFOLK_SHAPE, years=("2024-25",))


def check(book) -> tuple[list, list]:
    buffer = io.BytesIO()
    book.save(buffer)
    return checked(buffer.getvalue())


def checked(data: bytes):
    result = check_workbook(
        data, file_name="x.xlsx", shape=ONE_YEAR, max_bytes=MAX_BYTES, today=TODAY
    )
    return [(e.location, e.found) for e in result.report.errors], result


def test_rwf001_a_stray_cell_far_below_the_table_is_refused_before_it_is_read():
    book = hnb_book()
    book["Placements"]["B250000"] = "x"
    errors, _ = check(book)
    assert errors == [
        (
            "file",
            "The sheet 'Placements' has a cell in row 250,000, far beyond any "
            "table it could hold (at most 200,000 rows and 200 columns). Delete the "
            "stray cells (Ctrl+End in Excel shows the last one) and save the workbook "
            "again.",
        )
    ]


def test_rwf002_entities_declared_deep_in_a_sheet_are_refused():
    buffer = io.BytesIO()
    ehcp_book().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                # past the first 2 KB, where a glance at the start would not see it
                padding = b"<!--" + b"x" * 3000 + b"-->"
                content = padding + b'<!DOCTYPE w [<!ENTITY e "e">]>' + content
            target.writestr(info.filename, content)
    errors, _ = checked(out.getvalue())
    assert errors == [
        (
            "file",
            "The sheet 'Activity' declares XML entities, which Excel never "
            "writes. The file was refused as unsafe.",
        )
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "Pupil Name",
        "Name of child",
        "DateOfBirth",
        "NHS number (10 digits)",
        "Child postcode",
        "UPN number",
    ],
)
def test_rwf003_personal_headings_in_any_wording_are_refused(heading):
    book = hnb_book()
    book["Placements"]["L1"] = heading
    errors, _ = check(book)
    assert [where for where, _ in errors] == ["Placements!L1"]


@pytest.mark.parametrize("heading", ["Name of provider", "Setting name", "School name"])
def test_rwf004_names_of_providers_are_not_personal_data(heading):
    book = hnb_book()
    book["Placements"]["L1"] = heading
    book["Placements"]["L2"] = "Demo independent school 01"
    errors, _ = check(book)
    assert errors == []


def test_rwf005_a_numeric_reference_is_not_mistaken_for_an_nhs_number():
    # 4010232137 happens to pass the NHS number check digit; one such value is a coincidence
    rows = [placement(f"{4010232137 + n * 7}", age=10 + n) for n in range(3)]
    for row in rows:
        row["reference"] = float(row["reference"])
    _, result = check(hnb_book(rows))
    assert result.report.ok, [str(e) for e in result.report.errors]


def test_rwf006_headings_merged_down_two_rows_are_read():
    book = hnb_book()
    sheet = book["Placements"]
    sheet.insert_rows(1)
    for col in range(1, 12):
        sheet.cell(row=1, column=col, value=sheet.cell(row=2, column=col).value)
        sheet.cell(row=2, column=col).value = None
        sheet.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    errors, result = check(book)
    assert errors == []
    assert result.content.placements["reference"] == ["PL-0001", "PL-0002", "PL-0003"]


def test_rwf007_a_column_given_twice_is_refused_naming_both():
    book = hnb_book()
    book["Placements"]["L1"] = "Annual cost (£)"
    errors, _ = check(book)
    assert errors == [("Placements!L1", "a second column for 'Annual cost (£)' (the first is H1)")]


def test_rwf008_a_bare_year_in_a_date_column_is_not_a_date():
    errors, _ = check(hnb_book([placement("PL-0001", start_date=2023)]))
    assert errors == [("Placements!I2", "the number 2023")]


def test_rwf009_an_hnb_return_with_an_extra_sheet_called_plan_is_still_an_hnb_return():
    book = hnb_book()
    book.create_sheet("Plan")
    errors, result = check(book)
    assert errors == [] and result.family.name == "hnb"


def test_rwf010_a_failed_hnb_load_leaves_nothing_behind(engine, monkeypatch):
    buffer = io.BytesIO()
    hnb_book().save(buffer)
    store = STORES["hnb"]

    def fail_after_writing(session, submission_id, content):
        store(session, submission_id, content)
        session.flush()
        raise RuntimeError("the connection dropped")

    monkeypatch.setitem(STORES, "hnb", fail_after_writing)
    before = snapshot(engine)
    with pytest.raises(RuntimeError):
        load_workbook(
            engine,
            buffer.getvalue(),
            file_name="hnb.xlsx",
            council=NORFOLK,
            max_bytes=MAX_BYTES,
            today=TODAY,
        )
    assert snapshot(engine) == before


def test_rwf011_a_text_file_in_any_encoding_is_named_as_text():
    errors, _ = checked("Line,£m\nHigh Needs Block,120\n".encode("cp1252") * 400)
    assert errors[0][1].startswith("This is a text file (such as CSV)")


def test_rwf012_an_empty_placement_list_is_accepted_with_a_warning():
    _, result = check(hnb_book([]))
    assert result.report.ok
    assert ("Placements", "no placements listed") in [
        (w.location, w.found) for w in result.report.warnings
    ]


def test_rwf013_pounds_written_as_millions_are_refused_not_shrunk():
    book = hnb_book()
    book["Spend"]["B5"] = "£1.2m"
    errors, _ = check(book)
    assert errors == [("Spend!B5", "'£1.2m'")]
    assert openpyxl  # the workbook above was built with it


def test_rwf014_an_excel_error_in_the_term_cell_is_named_as_such():
    book = ehcp_book()
    book["Activity"]["B2"] = "#REF!"
    book["Activity"]["B2"].data_type = "e"
    errors, _ = check(book)
    assert ("Activity!B2", "the Excel error #REF!") in errors


def test_rwf015_the_term_may_share_its_cell_with_its_label():
    book = ehcp_book()
    book["Activity"]["A2"] = "Term: Autumn 2024"
    book["Activity"]["B2"] = None
    errors, result = check(book)
    assert errors == [] and result.period == "Autumn 2024"


def test_rwf016_a_spend_line_given_twice_is_refused_naming_both_rows():
    book = hnb_book()
    book["Spend"]["A6"] = "Maintained / Academy / Free Special Schools"  # row 5 has it already
    errors, _ = check(book)
    assert (
        "Spend!A6",
        "'Maintained / Academy / Free Special Schools' a second time (first in A5)",
    ) in errors


def test_rwf017_a_measure_given_twice_on_the_targets_sheet_is_refused():
    from build_fixtures import dsg_book

    book = dsg_book()
    book["Targets"]["A3"] = 1  # row 2 holds measure 1
    buffer = io.BytesIO()
    book.save(buffer)
    result = check_workbook(
        buffer.getvalue(),
        file_name="dsg.xlsx",
        shape=NORFOLK_SHAPE,
        max_bytes=MAX_BYTES,
        today=TODAY,
    )
    assert [(e.location, e.found) for e in result.report.errors] == [
        ("Targets!A3", "measure 1 a second time (first in A2)")
    ]
