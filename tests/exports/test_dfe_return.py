"""The DfE tri-annual return for September 2026 from the demo data: the XLSX annex read back,
the DOCX report read back, the PDF report rendered."""

import io
from decimal import Decimal

import openpyxl
import pytest
from docx import Document

from exports.reports import make_return
from kpis.rounds import parse_round
from storage.notes import save_return_entries
from tests.exports.conftest import TODAY
from tests.exports.pdf_tools import is_blank, page_texts, pages_as_png
from tests.paper import LINES

PROGRESS = "@SUM(A1:A9) cluster teams recruited in 9 of 12 zones"


@pytest.fixture(scope="module")
def files(demo_service, renderer):
    save_return_entries(
        demo_service.engine,
        round_name="September 2026",
        entries={
            "condition-4": ("amber", PROGRESS),
            "question-1": (None, "=1+1 Yes: the forecast is £11.8m off the plan."),
        },
        written_by="Officer B",
    )
    save_return_entries(
        demo_service.engine,
        round_name="June 2026",
        entries={"condition-4": ("green", "On track in June.")},
        written_by="Officer B",
    )
    return make_return(demo_service, parse_round("September 2026"), threshold=4, today=TODAY)


def _book(files):
    data = files["lfi-dfe-return-september-2026-annex.xlsx"]
    return openpyxl.load_workbook(io.BytesIO(data))


def test_ret001_three_files_named_for_the_round(files):
    assert sorted(files) == [
        "lfi-dfe-return-september-2026-annex.xlsx",
        "lfi-dfe-return-september-2026-report.docx",
        "lfi-dfe-return-september-2026-report.pdf",
    ]


def test_ret002_the_annex_holds_all_46_measures_and_no_formula(files):
    book = _book(files)
    assert book.sheetnames == ["KPIs", "DSG balance", "DSG plan", "DSG forecast", "Notes"]
    kpis = book["KPIs"]
    header = [c.value for c in kpis[1]]
    assert header == [
        "Ref",
        "Measure",
        "Unit",
        "Baseline period",
        "Baseline",
        "Period",
        "Latest",
        "Target",
        "Variance",
        "Status",
    ]
    rows = list(kpis.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(range(1, 47))
    # the September round reports the Summer term; financial-year measures its year, 2026-27
    assert rows[0][5] == "Summer 2026" and rows[15][5] == "2026-27"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@")
    assert not any(sheet.merged_cells.ranges for sheet in book.worksheets)


def test_ret003_the_dsg_plan_sheet_is_the_papers_plan(files):
    plan = _book(files)["DSG plan"]
    rows = {r[0]: r[1:] for r in plan.iter_rows(min_row=2, values_only=True)}
    income = [Decimal(x) for x in LINES["High Needs Block DSG Income"].split()]
    assert [Decimal(str(v)) for v in rows["High Needs Block DSG Income"]] == income
    balance = _book(files)["DSG balance"]
    first = next(balance.iter_rows(min_row=2, values_only=True))
    # the paper's cumulative balance for 2022-23: £45.613m, the opening £53.976m plus 19.637
    # in year, less the DfE's £28m
    assert first[0] == "2022-23" and first[1] == pytest.approx(45.613)


def test_ret004_the_annex_withholds_small_counts_and_explains_the_symbols(files, demo_service):
    book = _book(files)
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row if c.value)
    for symbol in ("[c]", "[x]", "[z]", "[low]"):
        assert symbol in notes
    latest = [r[6] for r in book["KPIs"].iter_rows(min_row=2, values_only=True)]
    numbers = [v for v in latest if isinstance(v, int | float)]
    assert numbers, "the annex holds figures as numbers"
    # no count of children between 1 and 4 is shown in the Latest column
    units = [r[2] for r in book["KPIs"].iter_rows(min_row=2, values_only=True)]
    assert not [
        v
        for v, u in zip(latest, units, strict=True)
        if u == "count" and isinstance(v, int | float) and 1 <= v <= 4
    ]


def test_ret005_the_report_follows_the_template(files):
    doc = Document(io.BytesIO(files["lfi-dfe-return-september-2026-report.docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == (
        "Safety Valve Tri-annual Monitoring Report – Local First Inclusion, September 2026"
    )
    assert (
        "What are the current risks to implementation, and how are you mitigating these?"
        in headings
    )
    assert [h for h in headings if h.startswith("Condition ")] == [
        f"Condition {n}" for n in range(1, 10)
    ]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "=1+1 Yes: the forecast is £11.8m off the plan." in text
    assert "Progress update: " + PROGRESS in text
    # condition 4's assurance by round: June green, September amber, December not yet
    grid = doc.tables[3]
    assert [c.text for c in grid.rows[1].cells] == ["Green", "Amber", "Not assessed"]
    assert "December 2026" in grid.rows[0].cells[2].text


def test_ret006_the_pdf_report_prints(files, poppler, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(files["lfi-dfe-return-september-2026-report.pdf"])
    pages = pages_as_png(pdf, tmp_path)
    assert len(pages) >= 2 and not any(is_blank(p) for p in pages)
    text = " ".join(" ".join(page_texts(pdf)).split())
    assert "Condition 9" in text and "OFFICIAL" in text
    assert PROGRESS in text
