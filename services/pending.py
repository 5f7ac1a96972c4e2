"""What a checked upload would change, worked out in memory: the stored figures with the file's
laid over them, and what each of its sheets gave. Pure: nothing here reads or writes the database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pandas as pd

from domain.periods import financial_years, period_sort_key
from domain.plan_lines import PlanLines
from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from kpis.returns import Returns, placements_frame
from loaders.dsg import FORECAST_SHEET, PLAN_SHEET, DsgWorkbook
from loaders.ehcp import ACTIVITY_SHEET, NEEDS_SHEET, EhcpReturn
from loaders.hnb import SAVINGS_SHEET, SPEND_SHEET, HnbReturn
from loaders.placements import PLACEMENTS_SHEET
from loaders.submissions import CheckedWorkbook
from loaders.targets import TARGETS_SHEET, Targets
from services.checked import valid_parts

NOT_STORED_ID = 0  # the pending file has no submission id yet


def with_pending(
    position: DsgPosition | None, returns: Returns, checked: CheckedWorkbook, plan_lines: PlanLines
) -> tuple[DsgPosition | None, Returns]:
    """The stored figures as they would read with ``checked`` stored: its family and period's
    figures replaced by the file's, as services.sources would read them back. Nothing is changed
    in place."""
    family, content = valid_parts(checked)
    period = content.period
    after = dataclasses.replace(
        returns,
        ehcp=dict(returns.ehcp),
        needs=dict(returns.needs),
        spend=dict(returns.spend),
        savings=dict(returns.savings),
        dsg_by_term=dict(returns.dsg_by_term),
        targets=dict(returns.targets),
        baselines=dict(returns.baselines),
        target_per=dict(returns.target_per),
        submissions={**returns.submissions, (family.name, period): NOT_STORED_ID},
    )
    if isinstance(content, DsgWorkbook):
        return _with_dsg(position, after, content, checked.file_name, plan_lines), after
    for name, read_from in _BY_TERM[family.name].items():
        by_term = getattr(after, name)
        by_term.pop(period, None)  # the figures of the file it replaces
        if figures := getattr(content, read_from):
            by_term[period] = dict(figures)
    if isinstance(content, HnbReturn):
        after.placements = _with_placements(returns.placements, period, content.placements)
    return position, after


# Returns' figures by term, and the attribute of the family's parsed workbook that holds them
_BY_TERM = {
    "ehcp": {"ehcp": "counts", "needs": "needs"},
    "hnb": {"spend": "spend", "savings": "savings"},
}


def _with_placements(frame: pd.DataFrame, period: str, placements: dict[str, list]) -> pd.DataFrame:
    columns = [
        "age",
        "nc_year",
        "provision_type",
        "primary_need",
        "provider",
        "in_county",
        "annual_cost",
        "start_date",
        "end_date",
        "renegotiation_saving",
    ]
    rows = [(period, *row) for row in zip(*(placements[c] for c in columns), strict=True)]
    kept = frame[frame["term"] != period]
    if not rows:
        return kept
    if kept.empty:
        return placements_frame(rows)
    joined = pd.concat([kept, placements_frame(rows)], ignore_index=True)
    for column in ("term", "provision", "need", "provider"):
        joined[column] = joined[column].astype("category")
    return joined


def _with_dsg(
    position: DsgPosition | None,
    returns: Returns,
    workbook: DsgWorkbook,
    file_name: str,
    plan_lines: PlanLines,
) -> DsgPosition | None:
    """The file's plan and forecast; the latest forecast (by term, then by when it was stored)
    is the one the measures read, with its workbook's targets."""
    period = workbook.period
    years = financial_years(workbook.years[0], workbook.years[-1])
    plan = {line: dict(v) for line, v in workbook.plan.items() if v}
    forecast = {line: dict(v) for line, v in workbook.forecast.items() if v}
    forecast_years = tuple(y for y in years if any(y in v for v in forecast.values()))
    opening = workbook.opening_balance
    new = DsgPosition(
        submission=DsgSubmissionInfo(NOT_STORED_ID, file_name, datetime.now(UTC), is_demo=False),
        plan=DsgFigures(years, opening, plan, plan_lines),
        forecast=DsgFigures(forecast_years, opening, forecast, plan_lines)
        if forecast_years
        else None,
        forecast_term=workbook.forecast_term,
    )
    if period != "plan":
        returns.dsg_by_term[period] = new
    if position is not None and period_sort_key(period) < period_sort_key(_period(position)):
        return position  # an earlier term's forecast, stored late, is not the latest
    returns.targets, returns.baselines, returns.target_per = {}, {}, {}
    if workbook.targets is not None:
        _with_targets(returns, workbook.targets)
    return new


def _period(position: DsgPosition) -> str:
    return str(position.forecast_term) if position.forecast_term else "plan"


def _with_targets(returns: Returns, targets: Targets) -> None:
    returns.baselines = dict(targets.baselines)
    returns.targets = {ref: dict(years) for ref, years in targets.yearly.items() if years}
    given = set(returns.baselines) | set(returns.targets)
    returns.target_per = {ref: per for ref, per in targets.per.items() if ref in given and per}


def _counted(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def sheet_counts(checked: CheckedWorkbook) -> list[tuple[str, str]]:
    """(sheet, what it gave) for a valid workbook: "Placements", "1,234 rows"."""
    content = valid_parts(checked)[1]
    if isinstance(content, EhcpReturn):
        return [
            (ACTIVITY_SHEET, _counted(len(content.counts), "figure", "figures")),
            (NEEDS_SHEET, _counted(len(content.needs), "need", "needs")),
        ]
    if isinstance(content, HnbReturn):
        return [
            (SPEND_SHEET, _counted(len(content.spend), "line", "lines")),
            (SAVINGS_SHEET, _counted(len(content.savings), "cohort", "cohorts")),
            (PLACEMENTS_SHEET, _counted(len(content.placements["reference"]), "row", "rows")),
        ]
    counts = [
        (PLAN_SHEET, _counted(len(content.plan), "line", "lines")),
        (FORECAST_SHEET, _counted(len(content.forecast), "line", "lines")),
    ]
    if content.targets is not None:
        refs = set(content.targets.yearly) | set(content.targets.baselines)
        counts.append((TARGETS_SHEET, _counted(len(refs), "measure", "measures")))
    return counts
