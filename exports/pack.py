"""The Schools Forum pack for a term, as a PDF: a cover, a one-page summary of all 46 measures,
then the 15 Schools Forum measures in the paper's order, each with its chart, latest value, plan
or target, variance, status, direction of travel and commentary; the symbol key and sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exports.charts import Chart, ChartRenderer
from exports.document import document, escape, marking, symbol_key, table
from exports.pdf import html_to_pdf
from exports.publish import (
    series_to,
    shown,
    shown_plan,
    shown_variance,
    value_at,
    without_withheld,
)
from figures.captions import measure_source
from figures.measure import build_measure_figure, measure_title, summarise_measure
from kpis.catalogue import Catalogue, Measure
from kpis.notes import Note
from kpis.service import Snapshot

STATUS = {"green": "✓ Green: on track", "amber": "! Amber: at risk", "red": "✕ Red: off track"}
NO_STATUS = "– No status"


class PackError(ValueError):
    pass


@dataclass(frozen=True)
class PackRequest:
    term: str
    snapshot: Snapshot
    catalogue: Catalogue
    commentary: dict[int, Note]
    threshold: int
    today: date


def _status(value) -> str:
    return STATUS.get(value.status, NO_STATUS) if value else NO_STATUS


def _cover(request: PackRequest) -> str:
    count, newest = request.snapshot.version
    return (
        f"<section class='cover'>{marking()}<h1>Local First Inclusion: Schools Forum pack</h1>"
        f"<p class='lede'>Progress on the programme's measures, {escape(request.term)}</p>"
        f"<p>Produced {request.today:%d %B %Y} from data version {newest} "
        f"({count} files loaded).</p>"
        + (
            "<p><strong>Demo data.</strong> The outturn and forecast are made up to show how "
            "the dashboard works; they are not the council's figures.</p>"
            if request.snapshot.is_demo
            else ""
        )
        + "</section>"
    )


def _summary(request: PackRequest) -> str:
    values = [(m, value_at(request.snapshot, m, request.term)) for m in request.catalogue.measures]
    counts = {}
    for _, v in values:
        word = _status(v)
        counts[word] = counts.get(word, 0) + 1
    tally = "; ".join(f"{escape(k)}: {n}" for k, n in sorted(counts.items()))
    rows = [
        [f"{m.ref}. {m.label}", shown(v, request.threshold), shown_plan(v), _status(v)]
        for m, v in values
    ]
    return (
        f"<section class='page summary'>{marking()}"
        f"<h2>All 46 measures in {escape(request.term)}</h2>"
        f"<p>{tally}.</p>"
        + table(
            f"Each measure for {request.term}, against its plan or target",
            ["Measure", "Value", "Plan or target", "Status"],
            rows,
            numeric={1, 2},
        )
        + "</section>"
    )


def _chart_svg(request: PackRequest, measure: Measure, renderer: ChartRenderer) -> str:
    series = without_withheld(series_to(request.snapshot, measure, request.term), request.threshold)
    item = Chart(
        key=f"pack-{measure.ref}-{request.term}",
        title=measure_title(series),
        summary=summarise_measure(series),
        caption=f"{measure.ref}. {measure.label}. {measure_source(measure, request.snapshot)}",
        figure=build_measure_figure(series),
    )
    # Drawn narrower than a download so its lettering prints at a readable size on A4.
    svg = renderer.render(item, "svg", request.snapshot.version, width=860, height=560)
    svg = svg.decode("utf-8")
    return f"<figure class='chart' role='img' aria-label='{escape(item.summary)}'>{svg}</figure>"


def _measure(request: PackRequest, measure: Measure, renderer: ChartRenderer) -> str:
    v = value_at(request.snapshot, measure, request.term)
    note = request.commentary.get(measure.ref)
    facts = [
        ("Period", v.period if v else request.term),
        ("Value", shown(v, request.threshold)),
        ("Plan or target", shown_plan(v)),
        ("Difference", shown_variance(v, request.threshold)),
        ("Status", _status(v)),
        ("Direction of travel", (v.direction_of_travel or "not judged") if v else "not judged"),
    ]
    rows = "".join(
        f"<tr><th scope='row'>{escape(k)}</th><td>{escape(x)}</td></tr>" for k, x in facts
    )
    commentary = (
        f"<div class='commentary'><h4>Commentary</h4><p>{escape(note.text)}</p>"
        f"<p class='source'>{escape(note.written_by)}, {note.written_at:%d %B %Y}</p></div>"
        if note
        else "<p class='commentary'>No commentary has been entered for this period.</p>"
    )
    return (
        f"<section class='measure page'>{marking()}<h2>{measure.ref}. {escape(measure.label)}</h2>"
        + _chart_svg(request, measure, renderer)
        + f"<table class='facts'><caption>The figures for {escape(request.term)}</caption>"
        f"<tbody>{rows}</tbody></table>"
        + commentary
        + f"<p class='source'>{escape(measure_source(measure, request.snapshot))}</p></section>"
    )


def _sources(request: PackRequest) -> str:
    return (
        f"<section class='page'>{marking()}<h2>Symbols and sources</h2>"
        + symbol_key()
        + "<h3>Data sources</h3><ul>"
        "<li>The DSG recovery plan in the Schools Forum paper of 17 May 2023, with the latest "
        "outturn and forecast from the council's DSG workbook.</li>"
        "<li>The termly EHCP return (Synergy and the school census) and the High Needs Block "
        "return (My Oracle and the placement list).</li>"
        "<li>England and statistical-neighbour figures from the Department for Education's "
        "published SEN2 statistics.</li></ul>"
        "<p>Counts of 1 to "
        f"{request.threshold} are withheld as [c], with any rate or average built on them, and "
        "with other figures where a total would reveal them.</p></section>"
    )


def build_pack_html(request: PackRequest, renderer: ChartRenderer) -> str:
    forum = sorted(
        (m for m in request.catalogue.measures if m.schools_forum), key=lambda m: m.paper_ref
    )
    body = _cover(request) + _summary(request)
    body += "".join(_measure(request, m, renderer) for m in forum)
    body += _sources(request)
    return document(f"Local First Inclusion: Schools Forum pack, {request.term}", body)


def build_pack(request: PackRequest, renderer: ChartRenderer) -> bytes:
    return html_to_pdf(build_pack_html(request, renderer))
