"""The Schools Forum pack for a term, as a PDF: a cover naming the meeting, a one-page summary of
all the measures, then the Schools Forum measures in the paper's order, each led by the figure the
dashboard leads with (its latest outturn, with the latest forecast beside it), its chart, plan or
target, difference, status, direction of travel and commentary; then the symbol key and sources.

The marking OFFICIAL is printed by the page itself, once at the top and once at the foot of every
page; the chart images carry none, nor a caption, so nothing is said twice."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go

from domain.council import CouncilProfile
from exports.charts import Chart, ChartRenderer
from exports.document import document, escape, symbol_key, table
from exports.latest import latest_as_at, why_not_available, worded
from exports.pdf import html_to_pdf
from exports.publish import series_to, shown_variance, without_withheld
from exports.symbols import NOT_APPLICABLE
from figures.captions import measure_source, version_text
from figures.measure import build_measure_figure, measure_title, summarise_measure
from kpis.catalogue import Catalogue, Measure
from kpis.formats import NOT_AVAILABLE
from kpis.measures import MeasureValue
from kpis.notes import Note
from kpis.snapshot import Snapshot
from kpis.wording import (
    ABBREVIATIONS,
    STATUS_WORDS,
    period_phrase,
    show_value,
    sign_note,
    status_key,
    target_phrase,
    travel_phrase,
)

STATUS_ICONS = {"green": "✓", "amber": "!", "red": "✕"}
STATUS_ORDER = ("red", "amber", "green", "part_year", "no_target", "not_judged", "no_figure")

# The printed width of an A4 page inside its 16 mm side margins (178 mm at 96 CSS pixels an
# inch): a chart drawn this wide prints at 1:1, so its lettering is the size it was drawn at.
PRINT_WIDTH_PX = 673
CHART_HEIGHT_PX = 245
TICK_FONT_PX = 11
MEETING_NAME_MAX = 120
AGENDA_ITEM_MAX = 20
NOT_STATED = "Meeting: not stated"

PACK_STYLE = """
.measure { break-inside: avoid; page-break-inside: avoid; padding-top: 2pt;
  border-top: 2pt solid #0b0c0c; margin: 0 0 10pt; }
.measure h2 { margin: 2pt 0 1pt; font-size: 13pt; }
.headline { margin: 2pt 0; font-size: 10.5pt; }
.headline .figure { font-size: 15pt; font-weight: 700; }
.beside { margin: 0 0 2pt; font-size: 10pt; }
.sign { margin: 0 0 2pt; font-size: 9pt; color: #484949; }
.chart { margin: 4pt 0 0; }
.chart-title { margin: 2pt 0 0; font-weight: 700; font-size: 10pt; }
.chart svg { display: block; width: 100%; height: auto; }
.facts { margin: 2pt 0 4pt; font-size: 9pt; }
.facts th, .facts td { padding: 1.5pt 6pt 1.5pt 0; }
.facts th { width: auto; }
.commentary { margin: 2pt 0; font-size: 9.5pt; }
.abbreviations { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 10pt;
  font-size: 10pt; margin: 4pt 0; }
.abbreviations dt { font-weight: 700; } .abbreviations dd { margin: 0; }
.commentary p { margin: 2pt 0; }
.measure .source { margin: 2pt 0 0; }
.demo { border: 3pt solid #d4351c; padding: 6pt 10pt; font-size: 13pt; margin: 12pt 0; }
.cover { padding-top: 12mm; }
.cover .cover-facts { display: grid; grid-template-columns: 38mm auto; row-gap: 4pt;
  font-size: 12pt; }
.cover .cover-facts dt { font-weight: 700; }
.cover .cover-facts dd { margin: 0; }
.cover .abbreviations { break-inside: avoid; }
.closing { break-inside: avoid; border-top: 2pt solid #0b0c0c; }
"""


class PackError(ValueError):
    """The pack cannot be made as asked: the message names the field and what is wrong;
    ``field`` is the form field at fault (meeting, meeting_date, agenda_item), if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Meeting:
    """The meeting the pack is for, as printed on its cover; every part may be left out."""

    name: str = ""
    on: date | None = None
    agenda_item: str = ""

    @property
    def stated(self) -> bool:
        return bool(self.name or self.on or self.agenda_item)

    def describe(self) -> list[tuple[str, str]]:
        return [
            ("Meeting", self.name or "not stated"),
            ("Meeting date", f"{self.on:%A %-d %B %Y}" if self.on else "not stated"),
            ("Agenda item", self.agenda_item or "not stated"),
        ]


def _text(value: str | None, *, field_name: str, field: str, longest: int) -> str:
    text = " ".join((value or "").split())
    if len(text) > longest:
        raise PackError(
            f"{field_name}: {len(text)} characters; at most {longest} are printed.", field=field
        )
    if any(ord(c) < 32 for c in text):
        raise PackError(f"{field_name}: contains a control character.", field=field)
    return text


def read_meeting(name: str | None, on: str | None, agenda_item: str | None) -> Meeting:
    """The meeting from what a person typed (the form or the command line), checked: the date a
    real date written YYYY-MM-DD, the name and agenda item no longer than the cover prints."""
    day = None
    if on and on.strip():
        try:
            day = date.fromisoformat(on.strip())
        except ValueError:
            raise PackError(
                f"Meeting date {on.strip()[:20]!r} is not a real date: write it as YYYY-MM-DD, "
                "such as 2026-12-09.",
                field="meeting_date",
            ) from None
    return Meeting(
        name=_text(name, field_name="Meeting name", field="meeting", longest=MEETING_NAME_MAX),
        on=day,
        agenda_item=_text(
            agenda_item, field_name="Agenda item", field="agenda_item", longest=AGENDA_ITEM_MAX
        ),
    )


@dataclass(frozen=True)
class PackRequest:
    term: str
    snapshot: Snapshot
    catalogue: Catalogue
    commentary: dict[int, Note]
    threshold: int
    today: date
    council: CouncilProfile  # whose pack: its name and programme
    meeting: Meeting = field(default_factory=Meeting)


def _plan(value: MeasureValue | None, *, short: bool = False) -> str:
    if value is None or value.plan_value is None:
        return NOT_APPLICABLE
    if short and value.extra.get("judged_on"):
        return f"{show_value(value.plan_value, value.measure)} a year"
    return target_phrase(value)


def _status(value: MeasureValue | None, measure: Measure) -> str:
    key = status_key(value, measure)
    word, meaning = STATUS_WORDS[key]
    return f"{STATUS_ICONS.get(key, '–')} {word}: {meaning}"


def _cover(request: PackRequest) -> str:
    meeting = request.meeting.describe() if request.meeting.stated else []
    rows = [
        *meeting,
        ("Period", request.term),
        ("Data version", version_text(request.snapshot)),
        ("Produced", f"{request.today:%-d %B %Y}"),
    ]
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    demo = (
        "<p class='demo'><strong>Demo data.</strong> Every figure in this pack is made up, to "
        "show how the dashboard works; none is the council's.</p>"
        if request.snapshot.is_demo
        else ""
    )
    forum = sum(1 for m in request.catalogue.measures if m.schools_forum)
    return (
        f"<section class='cover'><h1>{escape(request.council.programme)}: Schools Forum pack</h1>"
        f"<p class='lede'>{escape(request.council.name)}: progress on the programme's measures, "
        f"{escape(request.term)}</p>"
        + ("" if request.meeting.stated else f"<p class='lede'>{NOT_STATED}</p>")
        + f"<dl class='cover-facts'>{facts}</dl>{demo}"
        f"<h2>In this pack</h2><ol><li>The status of all {len(request.catalogue.measures)} "
        f"measures.</li><li>The {forum} measures reported to every Schools Forum, in the "
        "council's own order: each with its latest figure, the latest forecast "
        "beside it, its chart, plan or target, status, direction of travel and the commentary "
        "for the term.</li><li>The symbols used and the sources of the figures.</li></ol>"
        "<p>Each measure leads with its latest outturn, or with its latest forecast where it "
        "is only ever forecast (the High Needs Block's in-year position, forecast each term); "
        "a forecast is labelled as one, with the year it is for and the term it was made "
        "in.</p>"
        "<h2>Short forms used</h2><dl class='abbreviations'>"
        + "".join(f"<dt>{escape(a)}</dt><dd>{escape(m)}</dd>" for a, m in ABBREVIATIONS)
        + "</dl></section>"
    )


def _tally(values: list[MeasureValue | None], measures: Sequence[Measure]) -> str:
    counts = {s: 0 for s in STATUS_ORDER}
    for v, m in zip(values, measures, strict=True):
        counts[status_key(v, m)] += 1
    parts = [
        f"{counts[s]} {STATUS_WORDS[s][0].lower()} ({STATUS_WORDS[s][1]})"
        for s in STATUS_ORDER
        if s in ("red", "amber", "green") or counts[s]
    ]
    return "; ".join(parts)


def _summary(request: PackRequest) -> str:
    measures = request.catalogue.measures
    latest = [latest_as_at(request.snapshot, m, request.term)[0] for m in measures]
    rows = [
        [
            f"{m.ref}. {m.label}",
            worded(v, request.threshold),
            period_phrase(v) if v else NOT_AVAILABLE,
            _plan(v, short=True),
            _status(v, m),
        ]
        for m, v in zip(measures, latest, strict=True)
    ]
    return (
        f"<section class='page summary'><h2>All {len(measures)} measures: the latest figures "
        f"at {escape(request.term)}</h2><p>{escape(_tally(latest, measures))}.</p>"
        + table(
            "Each measure's latest figure, its period and basis, against its plan or target",
            ["Measure", "Latest figure", "Period and basis", "Plan or target", "Status"],
            rows,
            numeric={1, 3},
        )
        + "</section>"
    )


def _thin_ticks(figure: go.Figure, width: int) -> None:
    """Label every second (third...) period when the labels would run together at this width,
    keeping the latest labelled. Only an axis given its own labels is thinned: Plotly spaces a
    date axis's labels itself."""
    axis = figure.layout.xaxis
    if axis.tickvals is None or axis.ticktext is None:
        return
    labels = list(axis.ticktext)
    longest = max((len(part) for t in labels for part in str(t).split("<br>")), default=0)
    needed = len(labels) * (longest * TICK_FONT_PX * 0.62 + 8)
    step = math.ceil(needed / (width - 110))
    if step <= 1:
        return
    last = len(labels) - 1
    figure.update_xaxes(
        ticktext=[t if (last - i) % step == 0 else "" for i, t in enumerate(labels)]
    )


def pack_figure(series: list[MeasureValue]) -> go.Figure:
    """The measure's chart laid out for the printed page: the legend in a row below the axis,
    outside the plot, and axis labels that do not run together."""
    figure = build_measure_figure(series)
    figure.update_layout(
        font=dict(size=12),
        margin=dict(t=24, l=8, r=12, b=34),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left"),
    )
    figure.update_xaxes(tickfont=dict(size=TICK_FONT_PX), automargin=True)
    _thin_ticks(figure, PRINT_WIDTH_PX)
    return figure


def _chart(request: PackRequest, measure: Measure, renderer: ChartRenderer) -> str:
    series = without_withheld(series_to(request.snapshot, measure, request.term), request.threshold)
    item = Chart(
        key=f"pack-{measure.ref}-{request.term}",
        title=measure_title(series),
        summary=summarise_measure(series),
        caption="",
        figure=pack_figure(series),
    )
    svg = renderer.render(
        item,
        "svg",
        request.snapshot.version,
        width=PRINT_WIDTH_PX,
        height=CHART_HEIGHT_PX,
        marked=False,
    ).decode("utf-8")
    return (
        f"<figure class='chart' role='img' aria-label='{escape(item.summary)}'>"
        f"<figcaption class='chart-title'>Chart: {escape(item.title)}</figcaption>{svg}</figure>"
    )


def _headline(request: PackRequest, measure: Measure) -> str:
    latest, forecast = latest_as_at(request.snapshot, measure, request.term)
    if latest is None:
        reason = why_not_available(request.snapshot, measure).removeprefix(NOT_AVAILABLE)
        lead = f"<p class='headline'>Latest: <span class='figure'>{NOT_AVAILABLE}</span>"
        lead += f"{escape(reason)}</p>"
    else:
        lead = (
            f"<p class='headline'>Latest: <span class='figure'>"
            f"{escape(worded(latest, request.threshold))}</span> in "
            f"{escape(period_phrase(latest))}</p>"
        )
    if forecast is not None and forecast is not latest:
        lead += (
            f"<p class='beside'>Latest forecast: {escape(worded(forecast, request.threshold))} "
            f"in {escape(period_phrase(forecast))}</p>"
        )
    elif forecast is None:
        lead += "<p class='beside'>Latest forecast: none made for this measure.</p>"
    note = sign_note(measure)
    return lead + (f"<p class='sign'>{escape(note)}.</p>" if note else "")


def _facts(request: PackRequest, measure: Measure) -> str:
    v, _ = latest_as_at(request.snapshot, measure, request.term)
    travel = (travel_phrase(v) or "nothing comparable to compare with") if v else "no figure"
    difference = shown_variance(v, request.threshold)
    if v is not None and v.extra.get("judged_on"):
        # a yearly target is set against twelve months' figures, not the term's
        difference += f" over the twelve months to {v.period}"
    cells = [
        ("Plan or target", _plan(v, short=True)),
        ("Difference", difference),
        ("Status", _status(v, measure)),
        ("Direction of travel", travel),
    ]
    row = "".join(f"<th scope='row'>{escape(k)}</th><td>{escape(x)}</td>" for k, x in cells[:2])
    row2 = "".join(f"<th scope='row'>{escape(k)}</th><td>{escape(x)}</td>" for k, x in cells[2:])
    period = v.period if v else request.term
    return (
        f"<table class='facts'><caption class='visually-hidden'>The latest figure, "
        f"{escape(period)}, against its plan or target</caption>"
        f"<tbody><tr>{row}</tr><tr>{row2}</tr></tbody></table>"
    )


def _commentary(request: PackRequest, measure: Measure) -> str:
    note = request.commentary.get(measure.ref)
    if not note:
        return (
            f"<div class='commentary'><p>No commentary has been entered for "
            f"{escape(request.term)}.</p></div>"
        )
    return (
        f"<div class='commentary'><p><strong>Commentary, {escape(request.term)}:</strong> "
        f"{escape(note.text)}</p><p class='source'>{escape(note.written_by)}, "
        f"{note.written_at:%-d %B %Y}</p></div>"
    )


def _measure(request: PackRequest, measure: Measure, renderer: ChartRenderer) -> str:
    return (
        f"<section class='measure'><h2>{measure.ref}. {escape(measure.label)}</h2>"
        + _headline(request, measure)
        + _chart(request, measure, renderer)
        + _facts(request, measure)
        + _commentary(request, measure)
        + f"<p class='source'>{escape(measure_source(measure, request.snapshot))}</p></section>"
    )


def _sources(request: PackRequest) -> str:
    return (
        "<section class='closing'><h2>Symbols and sources</h2>"
        + symbol_key()
        + "<h3>Data sources</h3><ul>"
        "<li>The council's DSG recovery plan, with the latest outturn and forecast, from its DSG "
        "workbook.</li>"
        "<li>The termly EHCP return (from the council's case records and the school census) and "
        "the High Needs Block return (from its finance system and the placement list); each "
        "measure names its own source.</li>"
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
    body += "<section class='page measures'>"
    body += "".join(_measure(request, m, renderer) for m in forum)
    body += "</section>" + _sources(request)
    return document(
        f"{request.council.programme}: Schools Forum pack, {request.council.name}, {request.term}",
        body,
        extra_style=PACK_STYLE,
    )


def build_pack(request: PackRequest, renderer: ChartRenderer) -> bytes:
    return html_to_pdf(build_pack_html(request, renderer))
