"""Read what the measures need from the database: the current submissions' figures of one
council, or of many at once, each table read once for all of them. Every read here is scoped to
the councils it is given, whatever else ``chosen`` picks.

No placement row is read: each list is tallied in the database (services/tallies.py). Of each
term's DSG forecast, only the figures of the financial year it was made in are read: what the
termly measures read of it (kpis/formulas.py); the latest is read whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from sqlalchemy import ColumnElement, Row, and_, select
from sqlalchemy.orm import Session

from domain.periods import financial_years, parse_term
from kpis.council import Council
from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from kpis.period_keys import sort_key
from kpis.returns import Returns
from kpis.tallies import Questions, placement_questions
from services.tallies import KeptTallies, read_tallies
from storage.database import as_utc
from storage.models import (
    DsgFigure,
    DsgStatement,
    EhcpFigure,
    EhcpNeed,
    HnbSaving,
    HnbSpend,
    MeasureTarget,
    Submission,
    SubmissionStatus,
)

CURRENT = Submission.status == SubmissionStatus.CURRENT


@dataclass(frozen=True)
class _Dsg:
    """A stored DSG workbook: its submission and its statement."""

    submission: Row
    statement: DsgStatement

    @property
    def order(self) -> tuple[tuple[int, int, int], int]:
        # the latest forecast wins; a correction stored later wins over the file it corrects
        return sort_key(self.submission.period), self.submission.id

    @property
    def years(self) -> tuple[str, ...]:
        return financial_years(self.statement.first_year, self.statement.last_year)

    @property
    def own_year(self) -> str | None:
        """The financial year its forecast was made in."""
        term = self.statement.forecast_term
        return parse_term(term).financial_year if term else None


def _scoped(councils: Iterable[Council], chosen: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(Submission.council.in_([c.la_code for c in councils]), chosen)


def _submissions(session: Session, where: ColumnElement[bool]) -> dict[int, Row]:
    return {
        row.id: row
        for row in session.execute(
            select(
                Submission.id,
                Submission.council,
                Submission.family,
                Submission.period,
                Submission.file_name,
                Submission.loaded_at,
                Submission.is_demo,
                Submission.sha256,
            ).where(where)
        )
    }


def _statements(session: Session, where: ColumnElement[bool]) -> list[_Dsg]:
    rows = session.execute(
        select(Submission.id, Submission.council, Submission.period)
        .add_columns(Submission.file_name, Submission.loaded_at, Submission.is_demo, DsgStatement)
        .join(DsgStatement, DsgStatement.submission_id == Submission.id)
        .where(Submission.family == "dsg", where)
        .order_by(Submission.id)
    ).all()
    return [_Dsg(row, row.DsgStatement) for row in rows]


def _latest(statements: list[_Dsg]) -> dict[str, _Dsg]:
    """Each council's latest DSG workbook."""
    latest: dict[str, _Dsg] = {}
    for dsg in statements:
        held = latest.get(dsg.submission.council)
        if held is None or dsg.order > held.order:
            latest[dsg.submission.council] = dsg
    return latest


def _figures(session: Session, where: ColumnElement[bool]) -> dict[int, dict[str, dict]]:
    """Submission id -> basis -> line -> year -> pence."""
    found: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for sid, basis, line, year, pence in session.execute(
        select(
            DsgFigure.submission_id,
            DsgFigure.basis,
            DsgFigure.line,
            DsgFigure.year,
            DsgFigure.amount_pence,
        ).where(where)
    ):
        found[sid][basis].setdefault(line, {})[year] = pence
    return found


def _position(dsg: _Dsg, figures: dict[str, dict], council: Council, years: tuple[str, ...]):
    submission, statement = dsg.submission, dsg.statement
    forecast_lines = dict(figures.get("forecast", {}))
    forecast_years = tuple(y for y in years if any(y in v for v in forecast_lines.values()))
    opening = statement.opening_balance_pence
    return DsgPosition(
        submission=DsgSubmissionInfo(
            id=submission.id,
            file_name=submission.file_name,
            loaded_at=as_utc(submission.loaded_at),
            is_demo=submission.is_demo,
        ),
        plan=DsgFigures(years, opening, dict(figures.get("plan", {})), council.plan_lines),
        forecast=DsgFigures(forecast_years, opening, forecast_lines, council.plan_lines)
        if forecast_years
        else None,
        forecast_term=parse_term(statement.forecast_term) if statement.forecast_term else None,
    )


def read_dsg_positions(
    session: Session, councils: Sequence[Council], chosen: ColumnElement[bool] = CURRENT
) -> dict[str, DsgPosition]:
    """Each council's current DSG plan and latest forecast, read by its plan lines; a council
    that has stored no DSG workbook is left out."""
    latest = _latest(_statements(session, _scoped(councils, chosen)))
    ids = [dsg.submission.id for dsg in latest.values()]
    figures = _figures(session, DsgFigure.submission_id.in_(ids)) if ids else {}
    by_code = {c.la_code: c for c in councils}
    return {
        code: _position(dsg, figures.get(dsg.submission.id, {}), by_code[code], dsg.years)
        for code, dsg in latest.items()
    }


def read_dsg_position(
    session: Session, council: Council, chosen: ColumnElement[bool] = CURRENT
) -> DsgPosition | None:
    """The council's current DSG plan and forecast, read by its plan lines, or None when it has
    stored no DSG workbook.

    ``chosen`` picks other submissions than the current ones, to work out superseded figures."""
    return read_dsg_positions(session, [council], chosen).get(council.la_code)


def read_returns(
    session: Session, council: Council, chosen: ColumnElement[bool] = CURRENT
) -> Returns:
    """The council's current termly returns (or those ``chosen`` picks), by term; each term's DSG
    forecast read by its plan lines."""
    return read_many_returns(session, [council], chosen)[council.la_code]


def read_many_returns(
    session: Session,
    councils: Sequence[Council],
    chosen: ColumnElement[bool] = CURRENT,
    kept: KeptTallies | None = None,
) -> dict[str, Returns]:
    """Each council's current termly returns (or those ``chosen`` picks), by term, every table
    read once for all of them; the placement lists' tallies from ``kept`` where it has them."""
    where = _scoped(councils, chosen)
    chosen_rows = _submissions(session, where)
    found = {c.la_code: Returns() for c in councils}
    for row in chosen_rows.values():
        found[row.council].submissions[(row.family, row.period)] = row.id
    _read_termly(session, where, chosen_rows, found)
    _read_dsg(session, where, councils, found)
    lists = {sid: row for sid, row in chosen_rows.items() if row.family == "hnb"}
    asked = reduce(
        Questions.__or__,
        (placement_questions(c.catalogue.computed) for c in councils),
        Questions(),
    )
    tallies = (
        kept.read(session, {sid: (row.period, row.sha256) for sid, row in lists.items()}, asked)
        if kept is not None
        else read_tallies(session, {sid: row.period for sid, row in lists.items()}, asked)
    )
    for sid, tally in tallies.items():
        row = chosen_rows[sid]
        found[row.council].placement_tallies[row.period] = tally
    return found


def _read_termly(
    session: Session, where: ColumnElement[bool], chosen: dict[int, Row], found: dict[str, Returns]
) -> None:
    """The EHCP returns' counts and needs, the HNB returns' spending and savings."""
    tables = (
        ("ehcp", EhcpFigure.item, EhcpFigure.count),
        ("needs", EhcpNeed.need, EhcpNeed.plans),
        ("savings", HnbSaving.cohort, HnbSaving.amount_pence),
    )
    for name, key, value in tables:
        table = key.class_
        for sid, item, amount in session.execute(
            select(table.submission_id, key, value).join(Submission).where(where)
        ):
            row = chosen[sid]
            getattr(found[row.council], name).setdefault(row.period, {})[item] = amount
    for sid, line, direct, central in session.execute(
        select(HnbSpend.submission_id, HnbSpend.line, HnbSpend.direct_pence, HnbSpend.central_pence)
        .join(Submission)
        .where(where)
    ):
        row = chosen[sid]
        found[row.council].spend.setdefault(row.period, {})[line] = (direct, central)


def _read_dsg(
    session: Session,
    where: ColumnElement[bool],
    councils: Sequence[Council],
    found: dict[str, Returns],
) -> None:
    """Each term's DSG forecast, as far as the termly measures read it, and the targets of each
    council's latest DSG workbook."""
    statements = _statements(session, where)
    latest = {dsg.submission.id for dsg in _latest(statements).values()}
    # in time order, as the termly forecasts are read
    terms = sorted(
        (dsg for dsg in statements if dsg.submission.period != "plan"), key=lambda d: d.order
    )
    by_year: dict[str, list[int]] = defaultdict(list)
    for dsg in terms:
        if dsg.submission.id not in latest and dsg.own_year is not None:
            by_year[dsg.own_year].append(dsg.submission.id)
    # one query each, so that each is read through the submission index, never the whole table
    wanted: list[ColumnElement[bool]] = [DsgFigure.submission_id.in_(latest)] if latest else []
    wanted += [
        and_(DsgFigure.submission_id.in_(ids), DsgFigure.year == year)
        for year, ids in by_year.items()
    ]
    figures: dict[int, dict[str, dict]] = {}
    for condition in wanted:
        figures |= _figures(session, condition)
    by_code = {c.la_code: c for c in councils}
    for dsg in terms:
        sid = dsg.submission.id
        own = dsg.own_year
        years = dsg.years if sid in latest else tuple(y for y in dsg.years if y == own)
        council = by_code[dsg.submission.council]
        position = _position(dsg, figures.get(sid, {}), council, years)
        found[council.la_code].dsg_by_term[dsg.submission.period] = position
    if latest:
        _read_targets(
            session, latest, {d.submission.id: d.submission.council for d in statements}, found
        )


def _read_targets(
    session: Session, latest: set[int], council_of: dict[int, str], found: dict[str, Returns]
) -> None:
    for sid, ref, year, value, period, per in session.execute(
        select(
            MeasureTarget.submission_id,
            MeasureTarget.ref,
            MeasureTarget.year,
            MeasureTarget.value,
            MeasureTarget.baseline_period,
            MeasureTarget.per,
        ).where(MeasureTarget.submission_id.in_(latest))
    ):
        returns = found[council_of[sid]]
        if per is not None:
            returns.target_per[ref] = per
        if year is None:
            returns.baselines[ref] = (Decimal(value), period)
        else:
            returns.targets.setdefault(ref, {})[year] = Decimal(value)
