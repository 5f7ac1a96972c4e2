"""What a chart's caption says about its figures: the source, the periods and the data version."""

from __future__ import annotations

from figures.measure import judged
from kpis.catalogue import Measure
from kpis.plan_view import PlanView
from kpis.snapshot import Snapshot


def version_text(snapshot: Snapshot) -> str:
    """Which of the council's data a figure was made from, in its own terms: how many files it
    has loaded and when the newest was loaded ('21 files, the newest loaded 30 November 2026 at
    14:05 UTC'). Never a submission id: ids count every council's files in the database."""
    count = len(snapshot.submissions)
    if not count:
        return "no files loaded"
    newest = max(s.loaded_at for s in snapshot.submissions)
    files = "1 file" if count == 1 else f"{count:,} files"
    return f"{files}, the newest loaded {newest:%-d %B %Y at %H:%M} UTC"


def data_version(snapshot: Snapshot) -> str:
    return f"Data version: {version_text(snapshot)}"


def measure_source(measure: Measure, snapshot: Snapshot) -> str:
    """Where the chart's figures come from and which periods it covers."""
    values = judged(snapshot.series(measure.ref))
    if not values:
        return f"Source: {measure.source}. No figures loaded yet."
    record = snapshot.submission(values[-1].submission_id)
    span = values[0].period if len(values) == 1 else f"{values[0].period} to {values[-1].period}"
    latest = (
        f" Latest figures from {record.file_name}, loaded {record.loaded_at:%d %B %Y}."
        if record
        else ""
    )
    return f"Source: {measure.source}, {span}.{latest}"


def plan_source(view: PlanView) -> str:
    info, term = view.position.submission, view.position.forecast_term
    forecast = f"forecast made in {term}" if term else "no forecast"
    years = view.position.years
    return (
        f"Source: {info.file_name}, loaded {info.loaded_at:%d %B %Y}; {forecast}; "
        f"{years[0]} to {years[-1]}, £m."
    )
