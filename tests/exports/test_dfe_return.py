"""The DfE tri-annual return for September 2026 from the demo data: the XLSX annex read back,
the DOCX report read back, the PDF report rendered."""

import io
from decimal import Decimal

import openpyxl
import pytest
from docx import Document

from domain.actors import Actor
from domain.roles import Role
from exports.dfe_return import ReturnRequest, kpi_table
from exports.reports import make_return
from kpis.rounds import parse_round
from kpis.snapshot import Snapshot
from services.notes import save_return_entries
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.exports.conftest import TODAY
from tests.exports.pdf_tools import is_blank, page_texts, pages_as_png
from tests.paper import LINES

PROGRESS = "@SUM(A1:A9) cluster teams recruited in 9 of 12 zones"


@pytest.fixture(scope="module")
def files(demo_service, renderer):
    lead = Actor("Officer B", Role.PROGRAMME_LEAD, None, NORFOLK_CODE)
    save_return_entries(
        demo_service.engine,
        lead,
        NORFOLK_CODE,
        round_name="September 2026",
        entries={
            "condition-4": ("amber", PROGRESS),
            "question-1": (None, "=1+1 Yes: the forecast is £11.8m off the plan."),
        },
    )
    save_return_entries(
        demo_service.engine,
        lead,
        NORFOLK_CODE,
        round_name="June 2026",
        entries={"condition-4": ("green", "On track in June.")},
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
    assert book.sheetnames == ["Cover", "KPIs", "DSG balance", "DSG plan", "DSG forecast", "Notes"]
    kpis = book["KPIs"]
    header = [c.value for c in kpis[1]]
    assert header == [
        "Ref",
        "Measure",
        "Unit",
        "Baseline period",
        "Baseline",
        "Period",
        "Basis",
        "Latest",
        "Plan or target",
        "Variance",
        "Status",
        "Latest forecast period",
        "Latest forecast",
        "Forecast made in",
        "Note",
    ]
    rows = list(kpis.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(range(1, 47))
    # Measure 1 leads with the Summer 2026 outturn. Measure 16 with the latest year of outturn,
    # 2025-26 (the DSG forecast made in Summer 2026 falls in 2026-27, which has not ended), and
    # the forecast for 2026-27 beside it, made in Summer 2026.
    assert rows[0][5:7] == ("Summer 2026", "Outturn")
    assert rows[15][5:7] == ("2025-26", "Outturn")
    assert (rows[15][11], rows[15][13]) == ("2026-27", "Summer 2026")
    # Measure 20 is the HNB DSG allocation: the paper's plan for 2025-26 is £145.175m.
    assert rows[19][8] == pytest.approx(145.175)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value[:1] in "=+-@")
    assert not any(sheet.merged_cells.ranges for sheet in book.worksheets)


def test_ret007_every_measure_has_the_dashboards_figure_or_a_reason(files, demo_service):
    snapshot = demo_service.snapshot()
    rows = list(_book(files)["KPIs"].iter_rows(min_row=2, values_only=True))
    for row in rows:
        latest = snapshot.latest(row[0])
        if latest is None:
            assert row[7] == "[x]" and row[14].startswith("not available: "), row
            continue
        assert row[5] == latest.period, row
        assert row[6].startswith({"actual": "Outturn", "forecast": "Forecast"}[latest.basis])
        if row[7] != "[c]":
            assert Decimal(str(row[7])) == pytest.approx(latest.value, abs=Decimal("0.01"))
    # Measure 11 has only forecasts: it leads with one, says which year it is for and when it
    # was made, and says so.
    assert rows[10][6] == "Forecast for 2026-27, made in Summer 2026"
    assert rows[10][14].startswith("forecast only")


def test_ret008_a_measure_with_no_figure_says_why(demo_service):
    empty = Snapshot(version=(0, 0), measures=(), plan_view=None, submissions=())
    request = ReturnRequest(
        round=parse_round("September 2026"),
        snapshot=empty,
        catalogue=demo_service.catalogue,
        entries={},
        threshold=4,
        today=TODAY,
        council=NORFOLK.profile,
    )
    rows = {r[0]: r for r in kpi_table(request).rows}
    assert len(rows) == 46
    assert rows[1][7] == "[x]" and rows[1][14] == "not available: no EHCP return loaded"
    assert rows[12][14] == "not available: no High Needs Block return loaded"
    assert rows[18][14] == "not available: no DSG workbook loaded"


def test_ret009_demo_data_is_said_in_every_file(files, poppler, tmp_path):
    book = _book(files)
    assert book["Cover"]["A1"].value.startswith("Demo data: every figure")
    notes = " ".join(str(c.value) for row in book["Notes"].iter_rows() for c in row if c.value)
    assert "Demo data: every figure" in notes
    doc = Document(io.BytesIO(files["lfi-dfe-return-september-2026-report.docx"]))
    assert doc.paragraphs[0].text.startswith("Demo data: every figure")
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL"
    assert doc.sections[0].footer.paragraphs[0].text == "OFFICIAL"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(files["lfi-dfe-return-september-2026-report.pdf"])
    pages = page_texts(pdf)
    assert "Demo data: every figure" in " ".join(pages[0].split())
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL") == 2, f"page {number}"


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
    latest = [r[7] for r in book["KPIs"].iter_rows(min_row=2, values_only=True)]
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
        "Safety Valve Tri-annual Monitoring Report – Local First Inclusion, "
        "Norfolk County Council, September 2026"
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
