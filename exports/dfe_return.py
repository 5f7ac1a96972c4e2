"""The DfE tri-annual return for a round: the KPI annex (XLSX: all 46 measures with baseline,
latest, target, variance and status, and the DSG plan against forecast) and the monitoring
report following the template in appendix 1 of the Schools Forum paper (DOCX and PDF)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.shared import Pt

from exports.disclosure import DerivedRule, suppress
from exports.document import document, escape, marking, symbol_key, table
from exports.pdf import html_to_pdf
from exports.publish import baseline, value_at
from exports.table import Column, Table
from exports.tables import STATUS, exact, kind, plan_table, version_text
from exports.tabular import to_xlsx_book
from kpis.catalogue import Catalogue
from kpis.dfe_template import CONDITIONS, QUESTIONS, RAGS, condition_item
from kpis.notes import Note
from kpis.rounds import Round, rounds_in
from kpis.service import Snapshot

TITLE = "Safety Valve Tri-annual Monitoring Report – Local First Inclusion"
NOT_ENTERED = "Not yet entered."


@dataclass(frozen=True)
class ReturnRequest:
    round: Round
    snapshot: Snapshot
    catalogue: Catalogue
    entries: dict[str, dict[str, list[Note]]]  # round name -> item -> versions, newest first
    threshold: int
    today: date

    def latest(self, item: str, round_name: str | None = None) -> Note | None:
        versions = self.entries.get(round_name or self.round.name, {}).get(item, [])
        return versions[0] if versions else None


def kpi_table(request: ReturnRequest) -> Table:
    term = str(request.round.term)
    rows, hidden = [], {}
    for r, m in enumerate(request.catalogue.measures):
        unit = kind(m)
        base, base_period = baseline(request.snapshot, m)
        v = value_at(request.snapshot, m, term)
        value = v.value if v and v.basis != "plan" else None
        rows.append(
            (
                m.ref,
                m.label,
                m.unit or "count",
                base_period,
                exact(base, unit),
                v.period if v else term,
                exact(value, unit),
                exact(v.plan_value, unit) if v else None,
                exact(v.variance, unit) if v else None,
                STATUS[v.status] if v else STATUS["none"],
            )
        )
        for column, counted in (
            (4, _count_behind(request, m, base, base_period)),
            (6, _count_behind_value(v, unit)),
        ):
            if counted is not None:
                hidden[(r, column)] = counted
    table = Table(
        title=f"Local First Inclusion KPIs for the {request.round.name} return ({term})",
        columns=(
            Column("Ref", "count", disclosive=False),
            Column("Measure"),
            Column("Unit"),
            Column("Baseline period"),
            Column("Baseline", "number", disclosive=False),
            Column("Period"),
            Column("Latest", "number"),
            Column("Target", "number", disclosive=False),
            Column("Variance", "number", disclosive=False),
            Column("Status"),
        ),
        rows=tuple(rows),
        source="The council's termly DSG, EHCP and High Needs Block returns",
        data_version=version_text(request.snapshot),
        notes=("Each figure is in its measure's unit; a % is a fraction (0.047 is 4.7%).",),
    )
    derived = [DerivedRule((r, 8), ((r, 6),)) for r in range(len(rows))]
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
    return to_xlsx_book(sheets, title=f"DfE tri-annual return annex, {request.round.name}")


def _year_rounds(request: ReturnRequest) -> list[Round]:
    """The three rounds of the round's calendar year: the template's Q1, Q2 and Q3 columns."""
    return rounds_in(request.round.due.year)


def _rag_word(note: Note | None) -> str:
    return RAGS.get(note.rag, "Not assessed") if note and note.rag else "Not assessed"


def _sections(request: ReturnRequest):
    """(heading, text) for the questions, and each condition's RAGs by round and progress."""
    questions = [
        (q, (request.latest(item).text if request.latest(item) else NOT_ENTERED))
        for item, q in QUESTIONS
    ]
    conditions = []
    for number, condition in enumerate(CONDITIONS, start=1):
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
    doc.core_properties.title = f"{TITLE}, {request.round.name}"
    doc.core_properties.author = "Local First Inclusion KPI dashboard"
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_paragraph("OFFICIAL").runs[0].bold = True
    doc.add_heading(f"{TITLE}, {request.round.name}", level=1)
    doc.add_paragraph(
        f"Reporting the {request.round.term} term. Due {request.round.due:%d %B %Y}. "
        f"Produced {request.today:%d %B %Y}, data version {version_text(request.snapshot)}."
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
        "The 46 measures and the DSG plan against forecast are in the annex workbook sent with "
        "this report. Symbols: [c] withheld small count; [x] not available; [z] not applicable."
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


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
    body = marking() + f"<h1>{escape(TITLE)}, {escape(request.round.name)}</h1>"
    body += (
        f"<p>Reporting the {escape(request.round.term)} term. Due "
        f"{request.round.due:%d %B %Y}. Produced {request.today:%d %B %Y}, data version "
        f"{escape(version_text(request.snapshot))}.</p><p>Date submitted:</p>"
        "<p>Signed off by S151 Officer / Director of Children's Services:</p>"
        "<h2>DfE tri-annual report requirements: executive summary</h2>"
    )
    for question, answer in questions:
        body += f"<h3>{escape(question)}</h3><p>{escape(answer)}</p>"
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
    return document(f"{TITLE}, {request.round.name}", body)


def build_report_pdf(request: ReturnRequest) -> bytes:
    return html_to_pdf(build_report_html(request))
