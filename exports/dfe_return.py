"""The DfE tri-annual return for a round: the KPI annex (XLSX: all the council's measures with baseline,
latest, target, variance and status, and the DSG plan against forecast) and the monitoring
report following the DfE's template, with the council's own agreement conditions (DOCX and PDF)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import openpyxl
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl.styles import Font

from domain.council import CouncilProfile
from exports.disclosure import DerivedRule, suppress
from exports.document import MARKING, document, escape, symbol_key, table
from exports.latest import latest_as_at, why_not_available
from exports.pdf import html_to_pdf
from exports.publish import baseline
from exports.symbols import NOT_APPLICABLE as NO_PLAN
from exports.symbols import NOT_AVAILABLE
from exports.table import Column, Table
from exports.tables import exact, kind, plan_table, status_word
from exports.tabular import to_xlsx_book
from figures.captions import version_text
from kpis.catalogue import Catalogue
from kpis.dfe_template import QUESTIONS, RAGS, condition_item
from kpis.notes import Note
from kpis.rounds import Round, rounds_in
from kpis.snapshot import Snapshot
from kpis.wording import basis_phrase, first_upper, made_in, sign_note, target_phrase

TITLE = "Safety Valve Tri-annual Monitoring Report"
NOT_ENTERED = "Not yet entered."


@dataclass(frozen=True)
class ReturnRequest:
    round: Round
    snapshot: Snapshot
    catalogue: Catalogue
    entries: dict[str, dict[str, list[Note]]]  # round name -> item -> versions, newest first
    threshold: int
    today: date
    council: CouncilProfile  # whose return: its name, programme and agreement's conditions

    @property
    def conditions(self) -> tuple[str, ...]:
        return self.council.conditions

    @property
    def title(self) -> str:
        """'Safety Valve Tri-annual Monitoring Report – <programme>, <council>, <round>'."""
        return f"{TITLE} – {self.council.programme}, {self.council.name}, {self.round.name}"

    def latest(self, item: str, round_name: str | None = None) -> Note | None:
        versions = self.entries.get(round_name or self.round.name, {}).get(item, [])
        return versions[0] if versions else None


DEMO_LINE = (
    "Demo data: every figure in this return is made up, to show how the dashboard works; "
    "none is the council's. Do not send it to the Department for Education."
)


def demo_line(request: ReturnRequest) -> str | None:
    return DEMO_LINE if request.snapshot.is_demo else None


def _kpi_row(request: ReturnRequest, m):
    """One measure: the figure the dashboard leads with (value, period, basis) against its plan,
    the latest forecast beside it, and a note saying why when there is no figure."""
    unit = kind(m)
    base, base_period = baseline(request.snapshot, m)
    latest, forecast = latest_as_at(request.snapshot, m, str(request.round.term))
    if latest is None:
        note = why_not_available(request.snapshot, m)
    elif latest.basis == "forecast":
        note = "forecast only: no outturn has been returned for this measure"
    else:
        note = ""
    if latest is not None and latest.extra.get("judged_on"):
        # the variance is the twelve months' total against the year's target, not the term's
        note = "; ".join(filter(None, [note, target_phrase(latest)]))
    if latest is not None and sign_note(m):
        note = "; ".join(filter(None, [note, sign_note(m)]))
    if forecast is latest:
        forecast = None
    row = (
        m.ref,
        m.label,
        m.unit or "count",
        base_period or NOT_AVAILABLE,
        exact(base, unit) if base is not None else NOT_AVAILABLE,
        latest.period if latest else NOT_AVAILABLE,
        first_upper(basis_phrase(latest)) if latest else NOT_AVAILABLE,
        exact(latest.value, unit) if latest else NOT_AVAILABLE,
        exact(latest.plan_value, unit) if latest and latest.plan_value is not None else NO_PLAN,
        exact(latest.variance, unit) if latest and latest.variance is not None else NO_PLAN,
        status_word(latest, m),
        forecast.period if forecast else NO_PLAN,
        exact(forecast.value, unit) if forecast else NO_PLAN,
        (made_in(forecast) or NOT_AVAILABLE) if forecast else NO_PLAN,
        note,
    )
    hidden = {
        4: _count_behind(request, m, base, base_period),
        7: _count_behind_value(latest, unit),
        12: _count_behind_value(forecast, unit),
    }
    return row, {column: n for column, n in hidden.items() if n is not None}


def kpi_table(request: ReturnRequest) -> Table:
    term = str(request.round.term)
    rows, hidden = [], {}
    for r, m in enumerate(request.catalogue.measures):
        row, counts = _kpi_row(request, m)
        rows.append(row)
        hidden.update({(r, column): n for column, n in counts.items()})
    notes = [
        "Latest is the figure the dashboard leads with: the latest outturn, or the latest "
        "forecast when a measure has only forecasts. The latest forecast is beside it, with "
        "the term it was made in.",
        "Each figure is in its measure's unit; a % is a fraction (0.047 is 4.7%).",
    ]
    table = Table(
        title=(
            f"{request.council.programme} KPIs for the {request.round.name} return ({term}), "
            f"{request.council.name}"
        ),
        columns=(
            Column("Ref", "count", disclosive=False),
            Column("Measure"),
            Column("Unit"),
            Column("Baseline period"),
            Column("Baseline", "number", disclosive=False),
            Column("Period"),
            Column("Basis"),
            Column("Latest", "number"),
            Column("Plan or target", "number", disclosive=False),
            Column("Variance", "number", disclosive=False),
            Column("Status"),
            Column("Latest forecast period"),
            Column("Latest forecast", "number"),
            Column("Forecast made in"),
            Column("Note"),
        ),
        rows=tuple(rows),
        source="The council's termly DSG, EHCP and High Needs Block returns",
        data_version=version_text(request.snapshot),
        notes=tuple(filter(None, [demo_line(request), *notes])),
    )
    derived = [DerivedRule((r, 9), ((r, 7),)) for r in range(len(rows))]
    return suppress(table, threshold=request.threshold, derived=derived, hidden_counts=hidden)


def _count_behind_value(v, unit: str) -> int | None:
    """The count a published figure rests on: the figure itself, or what it averages."""
    if v is None or v.value is None or v.basis == "plan":
        return None
    return int(v.value) if unit == "count" else v.extra.get("base")


def _count_behind(request: ReturnRequest, measure, value, period: str) -> int | None:
    """The count behind a baseline: the figure held for its period if there is one, else the
    baseline itself when the measure counts people."""
    held = next((v for v in request.snapshot.series(measure.ref) if v.period == period), None)
    counted = _count_behind_value(held, kind(measure))
    if counted is not None:
        return counted
    return int(value) if value is not None and kind(measure) == "count" else None


def dsg_table(request: ReturnRequest) -> Table | None:
    view = request.snapshot.plan_view
    if view is None:
        return None
    rows = [
        (
            v.period,
            exact(v.plan_value, "money_m"),
            exact(v.value, "money_m") if v.basis != "plan" else None,
            {"actual": "Outturn", "forecast": "Forecast", "plan": "Plan only"}[v.basis],
            exact(v.variance, "money_m"),
        )
        for v in view.cumulative
    ]
    return Table(
        title="DSG cumulative balance after contributions: plan against outturn and forecast, £m",
        columns=(
            Column("Year"),
            Column("Plan", "money_m"),
            Column("Outturn or forecast", "money_m"),
            Column("Basis"),
            Column("Difference", "money_m"),
        ),
        rows=tuple(rows),
        source=view.position.submission.file_name,
        data_version=version_text(request.snapshot),
    )


def build_annex(request: ReturnRequest) -> bytes:
    sheets = [("KPIs", kpi_table(request))]
    for name, t in (
        ("DSG balance", dsg_table(request)),
        ("DSG plan", plan_table(request.snapshot, forecast=False)),
        ("DSG forecast", plan_table(request.snapshot, forecast=True)),
    ):
        if t is not None:
            sheets.append((name, t))
    title = f"DfE tri-annual return annex, {request.round.name}"
    return _with_cover(to_xlsx_book(sheets, title=title), request, title)


def _with_cover(book: bytes, request: ReturnRequest, title: str) -> bytes:
    """A cover sheet first, as the GSS guidance on spreadsheets asks: what the workbook is, for
    which round, from which data, and whether the figures are demo data."""
    workbook = openpyxl.load_workbook(io.BytesIO(book))
    cover = workbook.create_sheet("Cover", 0)
    lines = [
        demo_line(request),
        title,
        f"Reporting the {request.round.term} term; due {request.round.due:%-d %B %Y}.",
        f"Produced {request.today:%-d %B %Y}. Data version: {version_text(request.snapshot)}.",
        "Sheets: KPIs (every measure's latest figure, plan or target, status and latest "
        "forecast); DSG balance, DSG plan and DSG forecast; Notes (sources and symbols).",
    ]
    for row, line in enumerate(filter(None, lines), start=1):
        cell = cover.cell(row=row, column=1, value=line)
        cell.data_type = "s"
        cell.font = Font(bold=row == 1)
    cover.column_dimensions["A"].width = 120
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _year_rounds(request: ReturnRequest) -> list[Round]:
    """The three rounds of the round's calendar year: the template's Q1, Q2 and Q3 columns."""
    return rounds_in(request.round.due.year)


def _rag_word(note: Note | None) -> str:
    return RAGS.get(note.rag, "Not assessed") if note and note.rag else "Not assessed"


def _sections(request: ReturnRequest):
    """(heading, text) for the questions, and each condition's RAGs by round and progress."""
    questions = [
        (q, (note.text if (note := request.latest(item)) else NOT_ENTERED)) for item, q in QUESTIONS
    ]
    conditions = []
    for number, condition in enumerate(request.conditions, start=1):
        item = condition_item(number)
        rags = [(r.name, _rag_word(request.latest(item, r.name))) for r in _year_rounds(request)]
        note = request.latest(item)
        conditions.append(
            (number, condition, rags, note.text if note and note.text else NOT_ENTERED)
        )
    return questions, conditions


def build_report_docx(request: ReturnRequest) -> bytes:
    questions, conditions = _sections(request)
    doc = Document()
    doc.core_properties.title = request.title
    doc.core_properties.author = "Local First Inclusion KPI dashboard"
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    _mark_every_page(doc)
    banner = demo_line(request)
    if banner:
        doc.add_paragraph().add_run(banner).bold = True
    doc.add_heading(request.title, level=1)
    doc.add_paragraph(
        f"Reporting the {request.round.term} term. Due {request.round.due:%d %B %Y}. "
        f"Produced {request.today:%d %B %Y}. Data version: {version_text(request.snapshot)}."
    )
    doc.add_paragraph("Date submitted: ")
    doc.add_paragraph("Signed off by S151 Officer / Director of Children's Services: ")
    doc.add_heading("DfE tri-annual report requirements: executive summary", level=2)
    for question, answer in questions:
        doc.add_heading(question, level=3)
        doc.add_paragraph(answer)
    doc.add_heading("Agreement conditions", level=2)
    for number, condition, rags, progress in conditions:
        doc.add_heading(f"Condition {number}", level=3)
        doc.add_paragraph(condition)
        grid = doc.add_table(rows=2, cols=len(rags))
        grid.style = "Table Grid"
        for column, (name, word) in enumerate(rags):
            grid.cell(0, column).text = f"Assurance level, {name}"
            grid.cell(1, column).text = word
        _repeat_header(grid)
        doc.add_paragraph("Progress update: " + progress)
    doc.add_heading("KPIs and DSG plan", level=2)
    doc.add_paragraph(
        f"The {len(request.catalogue.measures)} measures and the DSG plan against forecast are in the annex workbook sent with "
        "this report. Symbols: [c] withheld small count; [x] not available; [z] not applicable."
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _mark_every_page(doc) -> None:
    """OFFICIAL once at the top and once at the foot of every page, as the page's own header
    and footer rather than in the text."""
    section = doc.sections[0]
    for part in (section.header, section.footer):
        paragraph = part.paragraphs[0]
        paragraph.text = ""
        paragraph.add_run(MARKING).bold = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _repeat_header(grid) -> None:
    """Mark the first row as the table's header, for screen readers and page breaks."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def build_report_html(request: ReturnRequest) -> str:
    questions, conditions = _sections(request)
    banner = demo_line(request)
    body = f"<p class='banner'><strong>{escape(banner)}</strong></p>" if banner else ""
    body += f"<h1>{escape(request.title)}</h1>"
    body += (
        f"<p>Reporting the {escape(request.round.term)} term. Due "
        f"{request.round.due:%d %B %Y}. Produced {request.today:%d %B %Y}. Data version: "
        f"{escape(version_text(request.snapshot))}.</p><p>Date submitted:</p>"
        "<p>Signed off by S151 Officer / Director of Children's Services:</p>"
        "<h2>DfE tri-annual report requirements: executive summary</h2>"
    )
    for question, answer in questions:
        body += (
            f"<section class='kept'><h3>{escape(question)}</h3><p>{escape(answer)}</p></section>"
        )
    body += "<h2>Agreement conditions</h2>"
    for number, condition, rags, progress in conditions:
        body += f"<section class='measure'><h3>Condition {number}</h3><p>{escape(condition)}</p>"
        body += table(
            f"Assurance level for condition {number}",
            ["Round", "RAG"],
            [[name, word] for name, word in rags],
            numeric=set(),
        )
        body += f"<p><strong>Progress update:</strong> {escape(progress)}</p></section>"
    body += "<h2>Symbols</h2>" + symbol_key()
    return document(request.title, body)


def build_report_pdf(request: ReturnRequest) -> bytes:
    return html_to_pdf(build_report_html(request))
