"""Every table the pages show, as data for download: the same rows, typed, with the source and
data version. Tables of measures are published, so small counts in them are withheld."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from exports.disclosure import DerivedRule, suppress
from exports.table import Column, Table
from figures.captions import version_text
from kpis.catalogue import Catalogue, Measure
from kpis.measures import MeasureValue
from kpis.plan_view import build_table
from kpis.snapshot import Snapshot
from kpis.wording import (
    BASIS_LABELS,
    BASIS_WORDS,
    STATUS_WORDS,
    basis_phrase,
    first_upper,
    made_in,
    sign_note,
    status_key,
    unit_label,
)

UNIT_KINDS = {"count": "count", "£m": "money_m", "£": "money", "%": "percent", "ratio": "ratio"}
BASIS = BASIS_LABELS
PERCENT_NOTE = "Percentages are fractions: 0.047 is 4.7%. Money in £m is in millions of pounds."


def kind(measure: Measure) -> str:
    return UNIT_KINDS.get(measure.unit or "count", "count")


# Published figures carry the precision the measure is read at, not the arithmetic's.
PLACES = {"count": 0, "money_m": 3, "money": 2, "percent": 4, "ratio": 4, "number": 4}


def exact(value: Decimal | None, unit_kind: str) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-PLACES[unit_kind]), rounding=ROUND_HALF_UP)


def _judged_value(v: MeasureValue):
    return v.value if v.basis != "plan" else None


def _withheld_rules(values: Sequence[MeasureValue], value_col: int, diff_col: int):
    """A difference is worked out from its value; a value rests on its base count."""
    derived = [DerivedRule((r, diff_col), ((r, value_col),)) for r in range(len(values))]
    hidden = {(r, value_col): v.extra["base"] for r, v in enumerate(values) if "base" in v.extra}
    return derived, hidden


def measure_table(measure: Measure, snapshot: Snapshot, *, threshold: int) -> Table:
    """One measure, every period: the table on its page and in its workstream's card."""
    values = snapshot.series(measure.ref)
    unit = kind(measure)
    table = Table(
        title=f"{measure.ref}. {measure.label}",
        columns=(
            Column("Period"),
            Column("Value", unit),
            Column("Basis"),
            Column("Plan or target", unit, disclosive=False),
            Column("Difference", unit, disclosive=False),
            Column("Status"),
            Column("Direction of travel"),
            Column("Compared with"),
            Column("Forecast made in"),
            Column("Forecast for"),
            Column("Source file"),
        ),
        rows=tuple(
            (
                v.period,
                exact(_judged_value(v), unit),
                BASIS[v.basis],
                exact(v.plan_value, unit),
                exact(v.variance, unit),
                status_word(v, measure),
                v.direction_of_travel or "",
                v.compared_with or "",
                made_in(v) or "",
                v.extra.get("forecast_of") or "",
                _file(snapshot, v.submission_id),
            )
            for v in values
        ),
        source=f"{measure.source}. {measure.definition or ''}".strip(),
        data_version=version_text(snapshot),
        notes=_notes(measure),
    )
    derived, hidden = _withheld_rules(values, 1, 4)
    return suppress(table, threshold=threshold, derived=derived, hidden_counts=hidden)


def status_word(value: MeasureValue | None, measure: Measure) -> str:
    if value is not None and value.basis == "plan":
        return STATUS_WORDS["no_figure"][0]
    return STATUS_WORDS[status_key(value, measure)][0]


def _notes(measure: Measure) -> tuple[str, ...]:
    note = sign_note(measure)
    return (PERCENT_NOTE, f"{note}.") if note else (PERCENT_NOTE,)


def _file(snapshot: Snapshot, submission_id: int | None) -> str:
    record = snapshot.submission(submission_id)
    return record.file_name if record else ""


def status_table(
    measures: Sequence[Measure], snapshot: Snapshot, *, threshold: int, title: str
) -> Table:
    """Each measure's latest figure against its plan or target, as on the overview."""
    latest = [snapshot.latest(m.ref) for m in measures]
    columns = (
        Column("Ref", "count", disclosive=False),
        Column("Measure"),
        Column("Unit"),
        Column("Period"),
        Column("Basis"),
        Column("Latest", "number"),
        Column("Plan or target", "number", disclosive=False),
        Column("Difference", "number", disclosive=False),
        Column("Status"),
        Column("Direction of travel"),
        Column("Compared with"),
        Column("Sign"),
    )
    rows = [
        (
            m.ref,
            unit_label(m),
            m.unit or "count",
            v.period if v else "",
            _basis_text(v),
            exact(v.value, kind(m)) if v else None,
            exact(v.plan_value, kind(m)) if v else None,
            exact(v.variance, kind(m)) if v else None,
            status_word(v, m),
            (v.direction_of_travel or "") if v else "",
            (v.compared_with or "") if v else "",
            sign_note(m) or "",
        )
        for m, v in zip(measures, latest, strict=True)
    ]
    table = Table(
        title=title,
        columns=columns,
        rows=tuple(rows),
        source="The programme's measures, from the council's termly returns",
        data_version=version_text(snapshot),
        notes=("Each value is in its measure's unit (the Unit column). " + PERCENT_NOTE,),
    )
    return _withhold_latest(table, measures, latest, threshold)


def _basis_text(value: MeasureValue | None) -> str:
    return first_upper(basis_phrase(value)) if value is not None else ""


def _withhold_latest(table, measures, latest, threshold: int) -> Table:
    """The Latest column mixes units, so small counts are found by measure, not by column."""
    hidden = {}
    for r, (m, v) in enumerate(zip(measures, latest, strict=True)):
        if v is None:
            continue
        if m.unit in (None, "count") and v.value is not None:
            hidden[(r, 5)] = int(v.value)
        elif "base" in v.extra:
            hidden[(r, 5)] = v.extra["base"]
    derived = [DerivedRule((r, 7), ((r, 5),)) for r in range(len(measures))]
    return suppress(table, threshold=threshold, derived=derived, hidden_counts=hidden)


def plan_table(snapshot: Snapshot, *, forecast: bool) -> Table | None:
    """The DSG plan (or the latest outturn and forecast), line by line, in £m."""
    view = snapshot.plan_view
    if view is None:
        return None
    figures = view.position.forecast if forecast else view.position.plan
    if figures is None:
        return None
    rows = build_table(figures)
    what = "Latest outturn and forecast" if forecast else "DSG recovery plan"
    return Table(
        title=f"{what}, line by line, £m",
        # each forecast year says whether it is outturn (the year had ended) or forecast
        columns=(
            Column("Line"),
            *(
                Column(f"{y} ({BASIS_WORDS[view.position.basis(y)]})" if forecast else y, "money_m")
                for y in figures.years
            ),
        ),
        rows=tuple((row.label, *(row.values[y] for y in figures.years)) for row in rows),
        source=view.position.submission.file_name,
        data_version=version_text(snapshot),
        notes=("Income and contributions are negative; totals are worked out from the lines.",),
    )


def submissions_table(snapshot: Snapshot) -> Table:
    return Table(
        title="Submissions",
        columns=(
            Column("File"),
            Column("Kind"),
            Column("Period"),
            Column("Status"),
            Column("Superseded by"),
            Column("Reason"),
            Column("Loaded (UTC)"),
            Column("By"),
        ),
        rows=tuple(
            (
                s.file_name,
                s.family_title,
                s.period_label,
                s.status,
                _file(snapshot, s.superseded_by_id),
                s.supersede_reason or "",
                f"{s.loaded_at:%Y-%m-%d %H:%M}",
                s.loaded_by or "",
            )
            for s in snapshot.submissions
        ),
        source="Every workbook loaded into the dashboard",
        data_version=version_text(snapshot),
    )


def table_for(key: str, snapshot: Snapshot, catalogue: Catalogue, *, threshold: int):
    """The table a page offers under ``key``, or None."""
    if key.startswith("measure-") and key[8:].isdigit():
        measure = next((m for m in catalogue.measures if m.ref == int(key[8:])), None)
        return measure_table(measure, snapshot, threshold=threshold) if measure else None
    if key == "measures":
        return status_table(
            catalogue.measures,
            snapshot,
            threshold=threshold,
            title=f"All {len(catalogue.measures)} measures",
        )
    if key == "dsg-measures":
        dsg = tuple(m for m in catalogue.measures if m.category == "DSG")
        refs = f"{dsg[0].ref} to {dsg[-1].ref}" if dsg else ""
        return status_table(dsg, snapshot, threshold=threshold, title=f"DSG measures {refs}")
    if key in ("plan-lines", "plan-forecast"):
        return plan_table(snapshot, forecast=key == "plan-forecast")
    if key == "submissions":
        return submissions_table(snapshot)
    return None
