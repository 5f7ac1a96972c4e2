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
from functools import cached_property, reduce

from sqlalchemy import ColumnElement, Row, Select, and_, select
from sqlalchemy.orm import Session

from domain.periods import parse_term
from kpis import period_keys
from kpis.council import Council
from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from kpis.returns import Returns
from kpis.tallies import Questions, placement_questions
from services.driver_rows import plain_rows
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
    """A stored DSG workbook: its submission's and its statement's columns."""

    row: Row

    @cached_property
    def order(self) -> tuple[tuple[int, int, int], int]:
        # the latest forecast wins; a correction stored later wins over the file it corrects
        return period_keys.sort_key(self.row.period), self.row.id

    @cached_property
    def years(self) -> tuple[str, ...]:
        return period_keys.years(self.row.first_year, self.row.last_year)

    @cached_property
    def own_year(self) -> str | None:
        """The financial year its forecast was made in."""
        term = self.row.forecast_term
        return parse_term(term).financial_year if term else None


def _scoped(councils: Iterable[Council], chosen: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(Submission.council.in_([c.la_code for c in councils]), chosen)


def _rows(session: Session, statement: Select) -> Sequence[Row]:
    # through the session's connection: plain rows, without the ORM's handling of each
    return session.connection().execute(statement).all()


def _submissions(session: Session, where: ColumnElement[bool]) -> dict[int, Row]:
    statement = select(
        Submission.id, Submission.council, Submission.family, Submission.period, Submission.sha256
    ).where(where)
    return {row.id: row for row in _rows(session, statement)}


def _statements(session: Session, where: ColumnElement[bool]) -> list[_Dsg]:
    statement = (
        select(
            Submission.id,
            Submission.council,
            Submission.period,
            Submission.file_name,
            Submission.loaded_at,
            Submission.is_demo,
            DsgStatement.first_year,
            DsgStatement.last_year,
            DsgStatement.opening_balance_pence,
            DsgStatement.forecast_term,
        )
        .join(DsgStatement, DsgStatement.submission_id == Submission.id)
        .where(Submission.family == "dsg", where)
        .order_by(Submission.id)
    )
    return [_Dsg(row) for row in _rows(session, statement)]


def _latest(statements: list[_Dsg]) -> dict[str, _Dsg]:
    """Each council's latest DSG workbook."""
    latest: dict[str, _Dsg] = {}
    for dsg in statements:
        held = latest.get(dsg.row.council)
        if held is None or dsg.order > held.order:
            latest[dsg.row.council] = dsg
    return latest


Figures = dict[int, dict[str, dict[str, dict[str, int]]]]  # id -> basis -> line -> year -> pence


def _figures(session: Session, where: ColumnElement[bool]) -> Figures:
    found: defaultdict[int, defaultdict[str, dict[str, dict[str, int]]]]
    found = defaultdict(lambda: defaultdict(dict))
    statement = select(
        DsgFigure.submission_id,
        DsgFigure.basis,
        DsgFigure.line,
        DsgFigure.year,
        DsgFigure.amount_pence,
    ).where(where)
    for sid, basis, line, year, pence in plain_rows(session, statement):
        lines = found[sid][basis]
        years = lines.get(line)
        if years is None:
            years = lines[line] = {}
        years[year] = pence
    # plain dictionaries, so that reading a missing line adds nothing
    return {sid: dict(bases) for sid, bases in found.items()}


def _position(
    dsg: _Dsg, figures: dict[str, dict], council: Council, years: tuple[str, ...]
) -> DsgPosition:
    row = dsg.row
    forecast_lines = figures.get("forecast", {})
    forecast_years = tuple(y for y in years if any(y in v for v in forecast_lines.values()))
    opening = row.opening_balance_pence
    return DsgPosition(
        submission=DsgSubmissionInfo(
            id=row.id,
            file_name=row.file_name,
            loaded_at=as_utc(row.loaded_at),
            is_demo=row.is_demo,
        ),
        plan=DsgFigures(years, opening, figures.get("plan", {}), council.plan_lines),
        forecast=DsgFigures(forecast_years, opening, forecast_lines, council.plan_lines)
        if forecast_years
        else None,
        forecast_term=parse_term(row.forecast_term) if row.forecast_term else None,
    )


def read_dsg_positions(
    session: Session, councils: Sequence[Council], chosen: ColumnElement[bool] = CURRENT
) -> dict[str, DsgPosition]:
    """Each council's current DSG plan and latest forecast, read by its plan lines; a council
    that has stored no DSG workbook is left out."""
    latest = _latest(_statements(session, _scoped(councils, chosen)))
    ids = [dsg.row.id for dsg in latest.values()]
    figures = _figures(session, DsgFigure.submission_id.in_(ids)) if ids else {}
    by_code = {c.la_code: c for c in councils}
    return {
        code: _position(dsg, figures.get(dsg.row.id, {}), by_code[code], dsg.years)
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
    return read_measure_inputs(session, [council], chosen)[council.la_code][1]


def read_many_returns(
    session: Session,
    councils: Sequence[Council],
    chosen: ColumnElement[bool] = CURRENT,
    kept: KeptTallies | None = None,
) -> dict[str, Returns]:
    """Each council's current termly returns (or those ``chosen`` picks), by term, every table
    read once for all of them; the placement lists' tallies from ``kept`` where it has them."""
    found = read_measure_inputs(session, councils, chosen, kept)
    return {code: returns for code, (_, returns) in found.items()}


def read_measure_inputs(
    session: Session,
    councils: Sequence[Council],
    chosen: ColumnElement[bool] = CURRENT,
    kept: KeptTallies | None = None,
) -> dict[str, tuple[DsgPosition | None, Returns]]:
    """What each council's measures are worked out from: its current DSG plan and latest
    forecast (read_dsg_positions) and its returns (read_many_returns), read together."""
    where = _scoped(councils, chosen)
    chosen_rows = _submissions(session, where)
    found = {c.la_code: Returns() for c in councils}
    for row in chosen_rows.values():
        found[row.council].submissions[(row.family, row.period)] = row.id
    _read_termly(session, where, chosen_rows, found)
    positions = _read_dsg(session, where, councils, found)
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
    return {code: (positions.get(code), returns) for code, returns in found.items()}


def _read_termly(
    session: Session, where: ColumnElement[bool], chosen: dict[int, Row], found: dict[str, Returns]
) -> None:
    """The EHCP returns' counts and needs, the HNB returns' spending and savings."""
    tables = (
        ("ehcp", EhcpFigure.submission_id, EhcpFigure.item, EhcpFigure.count),
        ("needs", EhcpNeed.submission_id, EhcpNeed.need, EhcpNeed.plans),
        ("savings", HnbSaving.submission_id, HnbSaving.cohort, HnbSaving.amount_pence),
    )
    for name, submission_id, key, value in tables:
        statement = select(submission_id, key, value).join(Submission).where(where)
        held: dict[int, dict] = {}  # each submission's figures, as its council's returns hold them
        for sid, item, amount in plain_rows(session, statement):
            figures = held.get(sid)
            if figures is None:
                row = chosen[sid]
                by_term = getattr(found[row.council], name)
                figures = held[sid] = by_term.setdefault(row.period, {})
            figures[item] = amount
    spend = (
        select(HnbSpend.submission_id, HnbSpend.line, HnbSpend.direct_pence, HnbSpend.central_pence)
        .join(Submission)
        .where(where)
    )
    for sid, line, direct, central in plain_rows(session, spend):
        row = chosen[sid]
        found[row.council].spend.setdefault(row.period, {})[line] = (direct, central)


def _read_dsg(
    session: Session,
    where: ColumnElement[bool],
    councils: Sequence[Council],
    found: dict[str, Returns],
) -> dict[str, DsgPosition]:
    """Each term's DSG forecast, as far as the termly measures read it, and the targets of each
    council's latest DSG workbook; each council's latest DSG position, whole."""
    statements = _statements(session, where)
    latest_of = _latest(statements)
    latest = {dsg.row.id for dsg in latest_of.values()}
    # in time order, as the termly forecasts are read
    terms = sorted((dsg for dsg in statements if dsg.row.period != "plan"), key=lambda d: d.order)
    by_year: dict[str, list[int]] = defaultdict(list)
    for dsg in terms:
        if dsg.row.id not in latest and dsg.own_year is not None:
            by_year[dsg.own_year].append(dsg.row.id)
    # one query each, so that each is read through the index of submission and year, never the
    # whole table
    wanted: list[ColumnElement[bool]] = [DsgFigure.submission_id.in_(latest)] if latest else []
    wanted += [
        and_(DsgFigure.submission_id.in_(ids), DsgFigure.year == year)
        for year, ids in by_year.items()
    ]
    figures: Figures = {}
    for condition in wanted:
        figures |= _figures(session, condition)
    by_code = {c.la_code: c for c in councils}
    positions = {
        code: _position(dsg, figures.get(dsg.row.id, {}), by_code[code], dsg.years)
        for code, dsg in latest_of.items()
    }
    for dsg in terms:
        sid, code = dsg.row.id, dsg.row.council
        if sid in latest:
            position = positions[code]
        else:
            own = tuple(y for y in dsg.years if y == dsg.own_year)
            position = _position(dsg, figures.get(sid, {}), by_code[code], own)
        found[code].dsg_by_term[dsg.row.period] = position
    if latest:
        _read_targets(session, latest, {d.row.id: d.row.council for d in statements}, found)
    return positions


def _read_targets(
    session: Session, latest: set[int], council_of: dict[int, str], found: dict[str, Returns]
) -> None:
    statement = select(
        MeasureTarget.submission_id,
        MeasureTarget.ref,
        MeasureTarget.year,
        MeasureTarget.value,
        MeasureTarget.baseline_period,
        MeasureTarget.per,
    ).where(MeasureTarget.submission_id.in_(latest))
    for sid, ref, year, value, period, per in plain_rows(session, statement):
        returns = found[council_of[sid]]
        if per is not None:
            returns.target_per[ref] = per
        if year is None:
            returns.baselines[ref] = (Decimal(value), period)
        else:
            returns.targets.setdefault(ref, {})[year] = Decimal(value)
