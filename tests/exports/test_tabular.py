"""CSV and XLSX downloads keep numbers as numbers and never carry a formula."""

import csv
import io
import zipfile
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from exports.symbols import SYMBOLS
from exports.table import Column, Table
from exports.tabular import neutralise, to_csv, to_xlsx

COLUMNS = (
    Column("Setting"),
    Column("Children", "count"),
    Column("Spend (£m)", "money_m"),
    Column("Share", "percent"),
)
# Each injection string beside the exact text it must come back as, written out by hand.
INJECTIONS = [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    (" =1", "' =1"),
]
TABLE = Table(
    title="High needs spend by setting",
    columns=COLUMNS,
    rows=(
        ("Special schools", 1234, D("45.613"), D("0.047")),
        ("Independent", "[c]", D("-28.000"), None),
        *((text, None, None, None) for text, _ in INJECTIONS),
    ),
    source="Section 251 outturn",
    data_version="42 submissions, latest 57",
    notes=("Share is a fraction: 0.047 is 4.7%.", "=1+1 is a note, not a formula"),
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Header, then the two rows of figures, then the injection strings.
INJECTION_ROWS = range(4, 4 + len(INJECTIONS))


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _workbook(table: Table = TABLE):
    # Without data_only, so a formula would load as a formula ("f") rather than a value.
    return load_workbook(io.BytesIO(to_xlsx(table)))


def _all_cells(workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *INJECTIONS,
        ("\n=1", "'\n=1"),
        ("  +1", "'  +1"),
        ("[c]", "[c]"),
        ("Special schools", "Special schools"),
        ("", ""),
        ("a=1", "a=1"),
        ("'=1", "'=1"),
    ],
)
def test_tab001_neutralise_prefixes_only_text_that_could_run(text, expected):
    assert neutralise(text) == expected


def test_tab002_csv_is_utf8_with_a_bom_and_crlf_line_ends():
    data = to_csv(TABLE)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "£".encode() in data
    assert data.endswith(b"\r\n")


def test_tab003_csv_has_one_header_row_then_one_line_a_row():
    rows = _csv_rows(to_csv(TABLE))
    assert rows[0] == ["Setting", "Children", "Spend (£m)", "Share"]
    assert len(rows) == 1 + len(TABLE.rows)


def test_tab004_csv_numbers_are_plain_and_a_negative_number_is_not_prefixed():
    rows = _csv_rows(to_csv(TABLE))
    assert rows[1] == ["Special schools", "1234", "45.613", "0.047"]
    assert rows[2] == ["Independent", "[c]", "-28.000", ""]
    assert D(rows[1][2]) == D("45.613")


def test_tab005_csv_decimals_are_written_without_an_exponent():
    table = Table("t", (Column("Spend", "money"),), ((D("1E+3"),), (D("1.5E-7"),)))
    assert _csv_rows(to_csv(table))[1:] == [["1000"], ["0.00000015"]]


def test_tab006_csv_injection_strings_come_back_prefixed():
    rows = _csv_rows(to_csv(TABLE))
    assert [row[0] for row in rows[3:]] == [expected for _, expected in INJECTIONS]
    for row in rows:
        for text in row:
            if text.startswith(FORMULA_STARTS):
                D(text)  # only a number, such as -28.000, may open with "-"


def test_tab007_xlsx_has_one_bold_frozen_header_row_and_no_merged_cells():
    workbook = _workbook()
    assert workbook.sheetnames == ["Data", "Notes"]
    data = workbook["Data"]
    assert [cell.value for cell in data[1]] == ["Setting", "Children", "Spend (£m)", "Share"]
    assert all(cell.font.bold for cell in data[1])
    assert not any(cell.font.bold for cell in data[2])
    assert data.freeze_panes == "A2"
    assert data.max_row == 1 + len(TABLE.rows)
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges


def test_tab008_xlsx_holds_no_formula_anywhere():
    data = to_xlsx(TABLE)
    for cell in _all_cells(load_workbook(io.BytesIO(data))):
        assert cell.data_type != "f"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS)
    # The package itself, not only openpyxl's reading of it, has no formula element.
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name)
                assert b"<f " not in package.read(name)


def test_tab009_xlsx_injection_strings_are_prefixed_text():
    data = _workbook()["Data"]
    cells = [data.cell(row=row, column=1) for row in INJECTION_ROWS]
    assert [cell.value for cell in cells] == [expected for _, expected in INJECTIONS]
    assert {cell.data_type for cell in cells} == {"s"}


def test_tab010_xlsx_numbers_are_numeric_cells_with_their_formats():
    data = _workbook()["Data"]
    children, spend, share = data["B2"], data["C2"], data["D2"]
    assert (children.value, children.data_type, children.number_format) == (1234, "n", "#,##0")
    assert (spend.value, spend.data_type, spend.number_format) == (45.613, "n", "#,##0.000")
    assert (share.value, share.data_type, share.number_format) == (0.047, "n", "0.0%")
    negative = data["C3"]
    assert (negative.value, negative.data_type) == (-28.0, "n")


def test_tab011_xlsx_money_and_ratio_formats():
    table = Table(
        "t", (Column("Cost", "money"), Column("Ratio", "ratio")), ((D("1250000"), D("1.25")),)
    )
    data = load_workbook(io.BytesIO(to_xlsx(table)))["Data"]
    assert (data["A2"].value, data["A2"].number_format) == (1250000, "#,##0")
    assert (data["B2"].value, data["B2"].number_format) == (1.25, "0.00")


def test_tab012_xlsx_symbols_stay_and_none_is_an_empty_cell():
    data = _workbook()["Data"]
    assert (data["B3"].value, data["B3"].data_type) == ("[c]", "s")
    assert data["D3"].value is None


def test_tab013_xlsx_columns_are_sized_to_their_contents():
    data = _workbook()["Data"]
    widths = {letter: data.column_dimensions[letter].width for letter in "ABCD"}
    assert all(8 <= width <= 60 for width in widths.values())
    assert widths["A"] > len("Special schools")


def test_tab014_notes_sheet_has_title_source_version_notes_and_every_symbol():
    notes = _workbook()["Notes"]
    rows = [tuple(cell.value for cell in row) for row in notes.iter_rows(max_col=2)]
    texts = [row[0] for row in rows]
    assert texts[:5] == [
        "High needs spend by setting",
        "Source: Section 251 outturn",
        "Data version: 42 submissions, latest 57",
        "Share is a fraction: 0.047 is 4.7%.",
        "'=1+1 is a note, not a formula",
    ]
    assert ("Symbol", "Meaning") in rows
    for symbol, meaning in SYMBOLS.items():
        assert (symbol, meaning) in rows


def test_tab015_workbook_properties_name_the_dashboard():
    properties = _workbook().properties
    assert properties.title == "High needs spend by setting"
    assert properties.creator == "Local First Inclusion KPI dashboard"


def test_tab016_a_row_of_the_wrong_length_is_refused():
    table = Table("t", COLUMNS, (("Only a name",),))
    with pytest.raises(ValueError, match="row 1 has 1 cells for 4 columns"):
        to_csv(table)
    with pytest.raises(ValueError, match="row 1 has 1 cells for 4 columns"):
        to_xlsx(table)


@pytest.mark.parametrize("cell", [1.5, True, D("NaN")])
def test_tab017_cells_a_table_does_not_promise_are_refused(cell):
    table = Table("t", (Column("Spend", "money_m"),), ((cell,),))
    with pytest.raises((TypeError, ValueError)):
        to_csv(table)
    with pytest.raises((TypeError, ValueError)):
        to_xlsx(table)
