"""What a chart's caption says about its figures: the source, the periods and the data version."""

from __future__ import annotations

from figures.measure import judged
from kpis.catalogue import Measure
from kpis.plan_view import PlanView
from kpis.snapshot import Snapshot


def data_version(snapshot: Snapshot) -> str:
    count, newest = snapshot.version
    return f"Data version {newest} ({count} files loaded)"


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
