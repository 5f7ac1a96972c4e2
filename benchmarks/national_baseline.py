"""The measures' reader as it was before placement lists were tallied in the database (commit
f97c8fe's services/sources.py, unchanged below this note): every placement row of a council read
into a table, one query per term for each DSG forecast. The national benchmark times today's path
with it, in the same run as the new one. Benchmark code: nothing in the product imports it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from domain.periods import financial_years, parse_term, period_sort_key
from domain.plan_lines import PlanLines
from kpis.council import Council
from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from kpis.returns import Returns, placements_frame
from storage.database import as_utc
from storage.models import (
    DsgFigure,
    DsgStatement,
    EhcpFigure,
    EhcpNeed,
    HnbSaving,
    HnbSpend,
    MeasureTarget,
    Placement,
    Submission,
    SubmissionStatus,
)

CURRENT = Submission.status == SubmissionStatus.CURRENT


def _lines(rows: list[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    lines: dict[str, dict[str, int]] = defaultdict(dict)
    for line, year, pence in rows:
        lines[line][year] = pence
    return dict(lines)


def _position(
    session: Session, submission: Submission, statement: DsgStatement, plan_lines: PlanLines
) -> DsgPosition:
    rows = session.execute(
        select(DsgFigure.basis, DsgFigure.line, DsgFigure.year, DsgFigure.amount_pence).where(
            DsgFigure.submission_id == submission.id
        )
    ).all()
    years = financial_years(statement.first_year, statement.last_year)
    plan = _lines([(line, year, pence) for basis, line, year, pence in rows if basis == "plan"])
    forecast_lines = _lines(
        [(line, year, pence) for basis, line, year, pence in rows if basis == "forecast"]
    )
    forecast_years = tuple(y for y in years if any(y in v for v in forecast_lines.values()))
    info = DsgSubmissionInfo(
        id=submission.id,
        file_name=submission.file_name,
        loaded_at=as_utc(submission.loaded_at),
        is_demo=submission.is_demo,
    )
    opening = statement.opening_balance_pence
    return DsgPosition(
        submission=info,
        plan=DsgFigures(years, opening, plan, plan_lines),
        forecast=DsgFigures(forecast_years, opening, forecast_lines, plan_lines)
        if forecast_years
        else None,
        forecast_term=parse_term(statement.forecast_term) if statement.forecast_term else None,
    )


def _current_dsg(session: Session, chosen) -> list[tuple[Submission, DsgStatement]]:
    return [
        (submission, statement)
        for submission, statement in session.execute(
            select(Submission, DsgStatement)
            .join(DsgStatement, DsgStatement.submission_id == Submission.id)
            .where(Submission.family == "dsg", chosen)
        ).all()
    ]


def _scoped(council: Council, chosen):
    return and_(Submission.council == council.la_code, chosen)


def read_dsg_position(session: Session, council: Council, chosen=CURRENT) -> DsgPosition | None:
    """The council's current DSG plan and forecast, read by its plan lines, or None when it has
    stored no DSG workbook.

    ``chosen`` picks other submissions than the current ones, to work out superseded figures."""
    current = _current_dsg(session, _scoped(council, chosen))
    if not current:
        return None
    # The latest forecast wins; each term's forecast stays in the history.
    submission, statement = max(
        current, key=lambda row: (period_sort_key(row[0].period), row[0].id)
    )
    return _position(session, submission, statement, council.plan_lines)


def read_returns(session: Session, council: Council, chosen=CURRENT) -> Returns:
    """The council's current termly returns (or those ``chosen`` picks), by term; each term's DSG
    forecast read by its plan lines."""
    chosen = _scoped(council, chosen)
    returns = Returns()
    for family, period, submission_id in session.execute(
        select(Submission.family, Submission.period, Submission.id).where(chosen)
    ):
        returns.submissions[(family, period)] = submission_id
    term_of = {sid: period for (_, period), sid in returns.submissions.items()}
    for sid, item, count in session.execute(
        select(EhcpFigure.submission_id, EhcpFigure.item, EhcpFigure.count)
        .join(Submission)
        .where(chosen)
    ):
        returns.ehcp.setdefault(term_of[sid], {})[item] = count
    for sid, need, plans in session.execute(
        select(EhcpNeed.submission_id, EhcpNeed.need, EhcpNeed.plans).join(Submission).where(chosen)
    ):
        returns.needs.setdefault(term_of[sid], {})[need] = plans
    for sid, line, direct, central in session.execute(
        select(HnbSpend.submission_id, HnbSpend.line, HnbSpend.direct_pence, HnbSpend.central_pence)
        .join(Submission)
        .where(chosen)
    ):
        returns.spend.setdefault(term_of[sid], {})[line] = (direct, central)
    for sid, cohort, amount in session.execute(
        select(HnbSaving.submission_id, HnbSaving.cohort, HnbSaving.amount_pence)
        .join(Submission)
        .where(chosen)
    ):
        returns.savings.setdefault(term_of[sid], {})[cohort] = amount
    rows = session.execute(
        select(
            Placement.submission_id,
            Placement.age,
            Placement.nc_year,
            Placement.provision_type,
            Placement.primary_need,
            Placement.provider,
            Placement.in_county,
            Placement.annual_cost_pence,
            Placement.start_date,
            Placement.end_date,
            Placement.renegotiation_saving_pence,
        )
        .join(Submission)
        .where(chosen)
    ).all()
    returns.placements = placements_frame([(term_of[r[0]], *r[1:]) for r in rows])
    current = _current_dsg(session, chosen)
    for submission, statement in current:
        if submission.period != "plan":
            returns.dsg_by_term[submission.period] = _position(
                session, submission, statement, council.plan_lines
            )
    if current:
        latest, _ = max(current, key=lambda row: (period_sort_key(row[0].period), row[0].id))
        _read_targets(session, latest.id, returns)
    return returns


def _read_targets(session: Session, submission_id: int, returns: Returns) -> None:
    for ref, year, value, period, per in session.execute(
        select(
            MeasureTarget.ref,
            MeasureTarget.year,
            MeasureTarget.value,
            MeasureTarget.baseline_period,
            MeasureTarget.per,
        ).where(MeasureTarget.submission_id == submission_id)
    ):
        if per is not None:
            returns.target_per[ref] = per
        if year is None:
            returns.baselines[ref] = (Decimal(value), period)
        else:
            returns.targets.setdefault(ref, {})[year] = Decimal(value)
