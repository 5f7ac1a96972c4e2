"""Every kind of chart draws every one of its series where a reader can see it: on the page's
PNG, in the SVG and PDF downloads. Each trace is drawn alone on the white page and must ink
pixels; each trace's SVG group must hold a mark with a visible fill or stroke. A negative
control, the in-year chart's old forecast bars (white hatching on a transparent fill), must be
caught. Axis titles are set everywhere, and tick labels do not overlap at 700 px."""

import base64
import copy
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import plotly.graph_objects as go
import pytest

from exports.charts import Chart, ChartRenderer
from figures.measure import build_measure_figure, sparkline_svg
from figures.plan import build_cumulative_figure, build_in_year_figure
from kpis.measures import MeasureValue
from kpis.plan_view import build_plan_view
from tests.councils import NORFOLK
from tests.exports.pdf_tools import is_blank, pages_as_png
from tests.figures.png_pixels import read_png
from tests.kpis.helpers import paper_plan, position, with_extra_spending

CATALOGUE = NORFOLK.catalogue
PAGE_WIDTH, PAGE_HEIGHT = 700, 360
# A line of a few dozen pixels at 2 px, or a bar, inks well over this; nothing visible is under.
MIN_INK = 120
SVG = "{http://www.w3.org/2000/svg}"
TERMS = [f"{s} {y}" for y in (2023, 2024, 2025, 2026) for s in ("Spring", "Summer", "Autumn")][
    :-1
]  # Spring 2023 to Summer 2026: eleven terms
YEARS = ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29"]
OVERSPEND = {y: "2" for y in YEARS}
# The in-year chart's forecast bars before the fix: white hatching, transparent background.
OLD_FORECAST_BARS = dict(color="#12436D", pattern=dict(shape="/", fgcolor="white"))


def value(ref, period, amount, plan=None, *, basis="actual", made_in=None, projection=None):
    amount, plan = D(amount), None if plan is None else D(plan)
    return MeasureValue(
        measure=CATALOGUE.by_ref(ref),
        period=period,
        value=amount,
        basis=basis,
        plan_value=plan,
        variance=None if plan is None else amount - plan,
        status="none",
        submission_id=1,
        projection=projection,
        extra={"made_in": made_in} if made_in else {},
    )


def trend(start, end, fitted, low, high):
    return {"period": end, "value": high, "basis": "trend", "from_period": start,
            "from_value": low, "fitted": fitted}  # fmt: skip


def flow_series():
    # requests in a term: Spring short, Summer long, so the seasons differ
    level = {"Spring": 400, "Summer": 500, "Autumn": 460}
    series = [value(6, t, str(level[t.split()[0]] + i), plan="520") for i, t in enumerate(TERMS)]
    summers = [t for t in TERMS if t.startswith("Summer")]
    last = series[-1]
    return [*series[:-1], value(6, last.period, "511", "520",
                                projection=trend("Summer 2026", "Summer 2028", summers, 510, 530))]  # fmt: skip


def snapshot_series():
    series = [value(1, t, str(12000 + 80 * i), plan="12500") for i, t in enumerate(TERMS)]
    fitted = TERMS[-6:]
    last = series[-1]
    return [*series[:-1], value(1, last.period, str(last.value), "12500",
                                projection=trend(last.period, "Spring 2029", fitted, 12800, 13700))]  # fmt: skip


def yearly_series():
    return [
        value(4, "2023-24", "2253", "2000"),
        value(4, "2024-25", "1949", "1900"),
        value(4, "2025-26", "1538", "1700",
              projection=trend("2025-26", "2028-29", YEARS[1:4], 1555, 482)),
    ]  # fmt: skip


def dsg_series():
    amounts = ["45.613", "60.162", "70.695", "72.320", "63.521", "43.101", "11.803"]
    plans = ["45.613", "59.262", "68.195", "67.620", "56.421", "33.601", "0.003"]
    return [
        value(18, y, a, p, basis="actual" if i < 4 else "forecast",
              made_in=None if i < 4 else "Summer 2026")
        for i, (y, a, p) in enumerate(zip(YEARS, amounts, plans, strict=True))
    ]  # fmt: skip


def hnb_series():
    amounts = ["-19.6", "-25.4", "-25.7", "-21.8", "-22.0", "-13.1", "-13.1", "-2.7"]
    return [
        value(11, t, a, basis="forecast", made_in=t) for t, a in zip(TERMS, amounts, strict=False)
    ]


def plan_view():
    plan = paper_plan()
    return build_plan_view(
        CATALOGUE, position(plan, with_extra_spending(plan, OVERSPEND), "Summer 2026")
    )


def sparkline_figure():
    """The sparkline's SVG drawn as an image on an otherwise empty figure."""
    svg = sparkline_svg(snapshot_series())
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    figure = go.Figure(go.Scatter(x=[0], y=[0], opacity=0, showlegend=False))
    figure.update_layout(images=[dict(source=source, xref="paper", yref="paper", x=0, y=1,
                                      sizex=1, sizey=1, layer="above")])  # fmt: skip
    return figure


CHARTS = {
    "termly flow": lambda: build_measure_figure(flow_series()),
    "termly snapshot": lambda: build_measure_figure(snapshot_series()),
    "yearly measure": lambda: build_measure_figure(yearly_series()),
    "DSG measure": lambda: build_measure_figure(dsg_series()),
    "measure 11": lambda: build_measure_figure(hnb_series()),
    "plan cumulative": lambda: build_cumulative_figure(plan_view()),
    "plan in-year": lambda: build_in_year_figure(plan_view()),
}


@pytest.fixture(scope="module")
def renderer():
    if shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: apt-get install chromium", pytrace=False)
    drawer = ChartRenderer()
    yield drawer
    drawer.close()


def _alone(figure: go.Figure, keep: int | None) -> go.Figure:
    """Every trace but ``keep`` made fully transparent (so the axes stay the same), no legend."""
    alone = go.Figure(copy.deepcopy(figure.to_dict()))
    for i, trace in enumerate(alone.data):
        if i != keep:
            trace.opacity = 0
    alone.update_layout(showlegend=False)
    return alone


def _png(renderer, figure):
    return read_png(renderer.draw(figure, "png", width=PAGE_WIDTH, height=PAGE_HEIGHT))


def ink(renderer, figure: go.Figure, index: int, empty=None) -> int:
    """Pixels trace ``index`` alone inks: changed from the empty chart and not near white."""
    empty = _png(renderer, _alone(figure, None)) if empty is None else empty
    alone = _png(renderer, _alone(figure, index))
    changed = (abs(alone - empty).sum(axis=2) > 30) & ((765 - alone.sum(axis=2)) > 90)
    return int(changed.sum())


@pytest.mark.parametrize("kind", CHARTS)
def test_vis001_every_trace_inks_the_png(renderer, kind):
    figure = CHARTS[kind]()
    empty = _png(renderer, _alone(figure, None))
    counts = {t.name: ink(renderer, figure, i, empty) for i, t in enumerate(figure.data)}
    assert counts and all(n >= MIN_INK for n in counts.values()), counts


def test_vis002_the_sparkline_inks_the_png(renderer):
    figure = sparkline_figure()
    empty = _png(renderer, go.Figure(figure.data))
    drawn = _png(renderer, figure)
    assert (
        int(((765 - drawn.sum(axis=2)) > 90).sum() - ((765 - empty.sum(axis=2)) > 90).sum())
        > MIN_INK
    )


def test_vis003_the_checks_catch_the_old_invisible_forecast_bars(renderer):
    figure = build_in_year_figure(plan_view())
    old = go.Figure(copy.deepcopy(figure.to_dict()))
    old.data[2].marker = OLD_FORECAST_BARS
    assert ink(renderer, old, 2) < MIN_INK
    assert ink(renderer, figure, 2) >= MIN_INK
    svg = renderer.draw(old, "svg", width=PAGE_WIDTH, height=PAGE_HEIGHT)
    assert _visible_traces(svg) == [True, True, False]


def _style(element) -> dict[str, str]:
    pairs = (p.split(":", 1) for p in (element.get("style") or "").split(";") if ":" in p)
    found = {k.strip(): v.strip() for k, v in pairs}
    for key in ("fill", "stroke", "opacity", "fill-opacity", "stroke-opacity", "stroke-width"):
        if element.get(key) is not None:
            found.setdefault(key, element.get(key))
    return found


def _number(text: str | None, default: float = 1.0) -> float:
    return default if text is None else float(re.sub("[a-z]+$", "", text) or default)


WHITE = {"white", "#fff", "#ffffff", "rgb(255, 255, 255)"}
NOTHING = {"none", "transparent", "rgba(0, 0, 0, 0)", ""}


def _paints(element, patterns) -> bool:
    """Whether an element puts a visible colour on a white page by its fill or its stroke."""
    style = _style(element)
    if _number(style.get("opacity")) == 0:
        return False
    # Plotly always states a fill; the hatching of a pattern is strokes alone
    fill = style.get("fill", "none")
    if fill.startswith("url("):
        key = re.search(r"#([^)'\"]+)", fill).group(1)
        filled = key in patterns and any(_paints(c, patterns) for c in patterns[key].iter())
    else:
        filled = fill not in NOTHING | WHITE and _number(style.get("fill-opacity")) > 0
    stroke = style.get("stroke", "none")
    stroked = (
        stroke not in NOTHING | WHITE
        and _number(style.get("stroke-opacity")) > 0
        and _number(style.get("stroke-width")) > 0
    )
    return filled or stroked


def _visible_traces(svg: bytes) -> list[bool]:
    """For each trace group in the plot (bars, then lines), whether it holds a visible mark."""
    root = ET.fromstring(svg)
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    out = []
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        if "trace" not in classes or not {"bars", "scatter"} & set(classes):
            continue
        if _number(_style(group).get("opacity")) == 0:
            out.append(False)
            continue
        marks = [p for p in group.iter(f"{SVG}path") if len(p.get("d") or "") > 8]
        out.append(any(_paints(p, patterns) for p in marks))
    return out


@pytest.mark.parametrize("kind", CHARTS)
def test_vis004_every_trace_has_visible_marks_in_the_svg_pdf_and_png_downloads(
    renderer, kind, tmp_path
):
    item = Chart(kind, "Title", "Summary", "Caption. Data version 1.", CHARTS[kind]())
    svg = renderer.render(item, "svg", (1, 1))
    assert _visible_traces(svg) == [True] * len(item.figure.data)
    pdf = tmp_path / "chart.pdf"
    pdf.write_bytes(renderer.render(item, "pdf", (1, 1)))
    assert not is_blank(pages_as_png(pdf, tmp_path)[0])
    assert read_png(renderer.render(item, "png", (1, 1))).shape == (1750, 3000, 3)


@pytest.mark.parametrize("kind", CHARTS)
def test_vis005_every_chart_titles_both_axes(kind):
    layout = CHARTS[kind]().layout
    assert layout.xaxis.title.text and layout.yaxis.title.text


def _ticks(svg: bytes, axis: str) -> list[tuple[float, list[str]]]:
    """Each tick label's centre and its lines, from the SVG."""
    root = ET.fromstring(svg)
    ticks = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != axis:
            continue
        text = group.find(f"{SVG}text")
        x, y = map(
            float, re.search(r"translate\(([-\d.]+),([-\d.]+)\)", text.get("transform")).groups()
        )
        lines = [t.text or "" for t in text.iter(f"{SVG}tspan")] or [text.text or ""]
        ticks.append((x if axis == "xtick" else y, [line for line in lines if line]))
    return ticks


@pytest.mark.parametrize("kind", CHARTS)
def test_vis006_tick_labels_do_not_overlap_at_700_px_and_zero_has_no_minus(renderer, kind):
    svg = renderer.draw(CHARTS[kind](), "svg", width=PAGE_WIDTH, height=PAGE_HEIGHT)
    xs = sorted(_ticks(svg, "xtick"))
    # Arial at 14 px: no character is wider than 8.5 px on average in these labels
    widths = [max(len(line) for line in lines) * 8.5 for _, lines in xs]
    for (a, _), (b, _), wa, wb in zip(xs, xs[1:], widths, widths[1:], strict=False):
        assert b - a >= (wa + wb) / 2, (kind, xs)
    labels = [" ".join(lines) for _, lines in _ticks(svg, "ytick")]
    assert labels and not [t for t in labels if re.fullmatch(r"[-−]0(\.0+)?%?", t)]


def _drawn_without(figure: go.Figure, index: int | None) -> go.Figure:
    """The figure as drawn, but trace ``index`` transparent, with no legend (so every version
    has the same plot area and the pixels line up)."""
    drawn = go.Figure(copy.deepcopy(figure.to_dict()))
    if index is not None:
        drawn.data[index].opacity = 0
    drawn.update_layout(showlegend=False)
    return drawn


def _shown_share(renderer, figure: go.Figure, index: int) -> float:
    """Of the pixels trace ``index`` inks alone, the share still seen among the others: those
    that change when it is taken away."""
    empty = _png(renderer, _alone(figure, None))
    alone = _png(renderer, _alone(figure, index))
    inked = (abs(alone - empty).sum(axis=2) > 30) & ((765 - alone.sum(axis=2)) > 90)
    full = _png(renderer, _drawn_without(figure, None))
    gone = _png(renderer, _drawn_without(figure, index))
    seen = (abs(full - gone).sum(axis=2) > 30) & inked
    return float(seen.sum() / inked.sum())


def test_vis007_a_plan_met_exactly_still_shows_over_the_outturn_and_forecast(renderer):
    # measure 20, the HNB DSG allocation: the plan is the allocation, so outturn and forecast
    # equal it year by year and the lines coincide exactly (Norfolk's pack, page 7)
    amounts = ["120.5", "135.2", "141.6", "145.175", "148.682", "152.9", "158.1"]
    series = [
        value(20, year, amount, amount, basis="actual" if i < 4 else "forecast",
              made_in=None if i < 4 else "Summer 2026")
        for i, (year, amount) in enumerate(zip(YEARS, amounts, strict=True))
    ]  # fmt: skip
    figure = build_measure_figure(series)
    shares = {t.name: _shown_share(renderer, figure, i) for i, t in enumerate(figure.data)}
    # drawn under the outturn the plan showed about a third of its marks; every line must show
    # at least half of what it draws alone
    assert all(share >= 0.5 for share in shares.values()), shares
