"""A real time axis for a measure's chart: each figure at the last day of its term or financial
year, so two years of extrapolation look like two years, and tick labels in the period's own
words, only as many as fit without overlapping on the narrowest chart drawn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from domain.periods import financial_year_of, parse_term
from kpis.timeline import period_date

# The plot area of a chart drawn 700 px wide (the page's column), after the value axis's title
# and ticks; the pack draws at 860 px and downloads at 1,200, so what fits here fits there.
PLOT_PX = 520
# Arial at 14 px: a digit is 7.8 px wide; a few pixels more so neighbours never touch.
CHAR_PX = 8.0
GAP_PX = 14
TERM_LABEL_CHARS = 6  # 'Summer' over '2026', on two lines
YEAR_LABEL_CHARS = 7  # '2025-26'
# '2025-26' in Arial at 14 px: six digits of 7.8 px and a hyphen of 4.7 px, and a gap
YEAR_LABEL_PX = 6 * 7.8 + 4.7 + 10
# beyond the first and last whole financial year, so a figure at 31 March is not cut in half
EDGE = timedelta(days=20)


def axis_dates(periods: Sequence[str], grain: str | None) -> list[str]:
    """The periods as ISO dates, which Plotly places on a date axis."""
    return [period_date(p, grain).isoformat() for p in periods]


def _label_px(chars: int) -> float:
    return chars * CHAR_PX + GAP_PX


def _spaced(places: list[date], px_per_day: float, chars: int) -> list[int]:
    """Which labels to show so that none overlaps the next: counted back from the last, so the
    latest is always labelled, each kept only if it clears the one kept after it."""
    kept: list[int] = []
    for i in reversed(range(len(places))):
        if not kept or (places[kept[-1]] - places[i]).days * px_per_day >= _label_px(chars):
            kept.append(i)
    return kept[::-1]


def _years_between(first: date, last: date) -> list[int]:
    """The start years of the financial years from the one holding ``first`` to ``last``'s."""
    start = first.year if first.month >= 4 else first.year - 1
    end = last.year if last.month >= 4 else last.year - 1
    return list(range(start, end + 1))


def time_axis(periods: Sequence[str], grain: str | None, *, plot_px: float = PLOT_PX) -> dict:
    """The x-axis settings: a date axis over the periods, labelled by term when every term's
    label fits, otherwise by financial year."""
    dates = sorted({period_date(p, grain) for p in periods})
    if not dates:
        return dict(type="date", title=dict(text="Period"))
    pad = max(timedelta(days=30), (dates[-1] - dates[0]) * 0.04)
    low, high = dates[0] - pad, dates[-1] + pad
    px_per_day = plot_px / max((high - low).days, 1)
    axis = dict(
        type="date",
        range=[low.isoformat(), high.isoformat()],
        tickmode="array",
        tickangle=0,
        fixedrange=True,
        automargin=True,
        showgrid=False,
    )
    if grain == "financial_year":
        every_year = [date(y + 1, 3, 31) for y in _years_between(dates[0], dates[-1])]
        shown = [every_year[i] for i in _spaced(every_year, px_per_day, YEAR_LABEL_CHARS)]
        return axis | dict(
            tickvals=[d.isoformat() for d in shown],
            ticktext=[financial_year_of(d.year - 1) for d in shown],
            title=dict(text="Financial year (figures at 31 March)"),
        )
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    if min(gaps, default=365) * px_per_day >= _label_px(TERM_LABEL_CHARS):
        words = {period_date(p, grain): parse_term(p) for p in periods}
        return axis | dict(
            tickvals=[d.isoformat() for d in dates],
            ticktext=[f"{words[d].season}<br>{words[d].year}" for d in dates],
            title=dict(text="Term (figures at the last day of the term)"),
        )
    return axis | _year_labels(dates, plot_px)


def _year_labels(dates: list[date], plot_px: float) -> dict:
    """Each financial year named in the middle of it, with tick marks at its ends. The axis
    shows whole years: a year cut short at either end would put its name so close to the
    next one's that one of them could not be shown."""
    years = _years_between(dates[0], dates[-1])
    low, high = date(years[0], 4, 1) - EDGE, date(years[-1] + 1, 3, 31) + EDGE
    px_per_day = plot_px / (high - low).days
    middles = [date(y, 4, 1) + (date(y + 1, 3, 31) - date(y, 4, 1)) / 2 for y in years]
    named = _every_nth(len(years), int(YEAR_LABEL_PX // (365 * px_per_day)) + 1)
    return dict(
        range=[low.isoformat(), high.isoformat()],
        tickvals=[middles[i].isoformat() for i in named],
        ticktext=[financial_year_of(years[i]) for i in named],
        ticks="",
        minor=dict(
            tickmode="array",
            tickvals=[date(y, 4, 1).isoformat() for y in [*years, years[-1] + 1]],
            ticks="outside",
            ticklen=8,
            showgrid=False,
        ),
        title=dict(text="Financial year (each term's figure at its last day)"),
    )


def _every_nth(count: int, step: int) -> list[int]:
    """Every ``step``th of ``count`` labels, counted back from the last so the latest is always
    named: evenly spaced, never a gap of two years beside gaps of one."""
    return list(range(count - 1, -1, -step))[::-1]
