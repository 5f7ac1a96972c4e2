"""Every chart as a file for a report: PNG at print resolution, SVG and PDF, with its title, a
caption naming the measure, source, period and data version, and the marking OFFICIAL.

Images are drawn by Plotly's own export (kaleido) in Debian's Chromium. One Chromium is started
per process on first use and kept; kaleido's server is not thread-safe, so one lock guards it.
"""

from __future__ import annotations

import copy
import html
import threading
from collections import OrderedDict
from dataclasses import dataclass

import plotly.graph_objects as go

from exports.publish import without_withheld
from figures.captions import data_version, measure_source, plan_source
from figures.measure import build_measure_figure, measure_title, summarise_measure
from figures.plan import (
    build_cumulative_figure,
    build_in_year_figure,
    cumulative_title,
    in_year_title,
    summarise_cumulative,
    summarise_in_year,
)
from kpis.catalogue import Catalogue
from kpis.snapshot import Snapshot

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
MARKING = "OFFICIAL"
WIDTH, HEIGHT = 1200, 700
# 1,200 CSS pixels at 2.5 times is 3,000 pixels: 10 inches wide at 300 dots an inch.
PNG_SCALE = 2.5


class ChartExportError(RuntimeError):
    """The chart could not be drawn: the message says what to install or what went wrong."""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    summary: str
    caption: str
    figure: go.Figure


def chart(key: str, snapshot: Snapshot, catalogue: Catalogue, *, threshold: int) -> Chart | None:
    """The chart a page shows under ``key`` (measure-<ref>, plan-cumulative or plan-in-year),
    as published: a measure's withheld figures are left out of its image, title and summary."""
    version = data_version(snapshot)
    view = snapshot.plan_view
    if key.startswith("measure-") and key[8:].isdigit():
        ref = int(key[8:])
        measure = next((m for m in catalogue.measures if m.ref == ref), None)
        if measure is None:
            return None
        series = without_withheld(list(snapshot.series(ref)), threshold)
        caption = f"{measure.ref}. {measure.label}. {measure_source(measure, snapshot)} {version}."
        return Chart(
            key,
            measure_title(series),
            summarise_measure(series),
            caption,
            build_measure_figure(series),
        )
    if key == "plan-cumulative" and view is not None:
        caption = f"DSG cumulative balance after contributions. {plan_source(view)} {version}."
        return Chart(
            key,
            cumulative_title(view),
            summarise_cumulative(view),
            caption,
            build_cumulative_figure(view),
        )
    if key == "plan-in-year" and view is not None:
        caption = f"DSG in-year position. {plan_source(view)} {version}."
        return Chart(
            key, in_year_title(view), summarise_in_year(view), caption, build_in_year_figure(view)
        )
    return None


def _wrap(text: str, width: int = 150) -> str:
    """Plotly does not wrap annotation text: break it into lines of about ``width`` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def for_print(
    item: Chart, *, width: int = WIDTH, height: int = HEIGHT, marked: bool = True
) -> go.Figure:
    """The page's figure with what a printed chart needs on it: title, caption and marking.
    The caption and the lower marking sit a fixed number of pixels below the plot. Unmarked
    (``marked=False``) it is the figure alone, sized: for a document that prints the title,
    source and marking itself, once, around the image."""
    figure = go.Figure(copy.deepcopy(item.figure.to_dict()))
    if not marked:
        figure.update_layout(width=width, height=height)
        return figure
    caption = _wrap(html.escape(item.caption), width=width // 8)
    lines = caption.count("<br>") + 1
    # From the plot down: the time axis's labels and title, the legend, the caption, the marking.
    axis_px, legend_px, caption_px = 84, 60, 20 * lines
    bottom = axis_px + legend_px + caption_px + 40
    figure.update_layout(
        width=width,
        height=height,
        title=dict(text=html.escape(item.title), x=0.01, xanchor="left", y=0.97, font_size=22),
        margin=dict(t=90, b=bottom, l=80, r=40),
        legend=dict(yref="container", y=(bottom - axis_px) / height, yanchor="top"),
    )
    notes = (
        (caption, "left", 0, -(axis_px + legend_px), 13),
        (f"<b>{MARKING}</b>", "right", 1, -(axis_px + legend_px + caption_px + 6), 14),
    )
    for text, side, x, shift, size in notes:
        figure.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=x,
            y=0,
            yshift=shift,
            xanchor=side,
            yanchor="top",
            showarrow=False,
            align="left",
            font=dict(size=size),
        )
    figure.add_annotation(
        text=f"<b>{MARKING}</b>",
        xref="paper",
        yref="paper",
        x=1,
        y=1,
        yshift=60,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=14),
    )
    return figure


def describe_svg(svg: bytes, item: Chart) -> bytes:
    """Give the SVG its title and summary, which screen readers and editors read as alt text."""
    text = svg.decode("utf-8")
    start = text.index(">", text.index("<svg")) + 1
    described = f"<title>{html.escape(item.title)}</title><desc>{html.escape(item.summary)}</desc>"
    return (text[:start] + described + text[start:]).encode("utf-8")


class ChartRenderer:
    """Draws figures through one kaleido server per process, one at a time."""

    def __init__(self, cache_size: int = 64) -> None:
        self._lock = threading.Lock()
        self._started = False
        self._kept: OrderedDict[tuple, bytes] = OrderedDict()
        self._cache_size = cache_size

    def _start(self) -> None:
        import shutil

        import kaleido

        if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
            raise ChartExportError(
                "Chart images need Debian's Chromium: install it with "
                "'apt-get install chromium' (scripts/run and scripts/test do this)."
            )
        kaleido.start_sync_server(silence_warnings=True)
        self._started = True

    def render(
        self,
        item: Chart,
        fmt: str,
        version: tuple[int, int],
        *,
        width: int = WIDTH,
        height: int = HEIGHT,
        marked: bool = True,
    ) -> bytes:
        key = (item.key, fmt, version, width, height, marked)
        with self._lock:
            if key in self._kept:
                return self._kept[key]
            if not self._started:
                self._start()
            figure = for_print(item, width=width, height=height, marked=marked)
            data = self._draw(figure, fmt, width, height)
            if fmt == "svg":
                data = describe_svg(data, item)
            self._kept[key] = data
            while len(self._kept) > self._cache_size:
                self._kept.popitem(last=False)
            return data

    def draw(
        self, figure: go.Figure, fmt: str, *, width: int, height: int, scale: float = 1
    ) -> bytes:
        """The figure as it stands, with no title, caption or marking added and nothing kept:
        for checking what a chart draws."""
        with self._lock:
            if not self._started:
                self._start()
            return self._draw(figure, fmt, width, height, scale=scale)

    def close(self) -> None:
        """Stop this process's Chromium, if one was started."""
        import kaleido

        with self._lock:
            if self._started:
                kaleido.stop_sync_server(silence_warnings=True)
                self._started = False

    @staticmethod
    def _draw(
        figure: go.Figure,
        fmt: str,
        width: int = WIDTH,
        height: int = HEIGHT,
        *,
        scale: float | None = None,
    ) -> bytes:
        import kaleido

        if scale is None:
            scale = PNG_SCALE if fmt == "png" else 1
        opts = dict(format=fmt, width=width, height=height, scale=scale)
        return kaleido.calc_fig_sync(figure.to_dict(), opts=opts)
