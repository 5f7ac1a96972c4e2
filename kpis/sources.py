"""Read what the measures need from the database: the current submission's figures."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from storage.database import as_utc
from storage.models import DsgFigure, DsgStatement, Submission, SubmissionStatus
from storage.periods import financial_years, parse_term, period_sort_key


def _lines(rows: list[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    lines: dict[str, dict[str, int]] = defaultdict(dict)
    for line, year, pence in rows:
        lines[line][year] = pence
    return dict(lines)


def read_dsg_position(session: Session) -> DsgPosition | None:
    """The current DSG plan and forecast, or None when no DSG workbook has been stored."""
    current = session.execute(
        select(Submission, DsgStatement)
        .join(DsgStatement, DsgStatement.submission_id == Submission.id)
        .where(Submission.family == "dsg", Submission.status == SubmissionStatus.CURRENT)
    ).all()
    if not current:
        return None
    # The latest forecast wins; each term's forecast stays in the history.
    submission, statement = max(
        current, key=lambda row: (period_sort_key(row[0].period), row[0].id)
    )
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
    return DsgPosition(
        submission=info,
        plan=DsgFigures(years=years, opening_balance=statement.opening_balance_pence, lines=plan),
        forecast=DsgFigures(
            years=forecast_years,
            opening_balance=statement.opening_balance_pence,
            lines=forecast_lines,
        )
        if forecast_years
        else None,
        forecast_term=parse_term(statement.forecast_term) if statement.forecast_term else None,
    )
