"""Stored placement lists tallied in the database (kpis/tallies.py says what a tally is): one
statement for every list asked for, however many councils' and terms' they are, so no placement
row leaves the database. A council's lists run to tens of thousands of rows a year; their tallies
to a few dozen numbers a term."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Date, String, and_, column, func, select, true, values
from sqlalchemy.orm import Session

from domain.periods import parse_term
from kpis.specs import PLACEMENT_FIELDS, PlacementFilter
from kpis.tallies import ACTIVE, Questions, Selection, TermTally, Values
from services.shared_store import SharedStore, cache_read
from storage.models import Placement, Submission

KEEP_SECONDS = 30 * 24 * 3600  # a list's tally not read for a month is worked out again if asked

# The placement table's columns by the names kpis/returns.py gives them.
COLUMNS: dict[str, Any] = {
    "cost": Placement.annual_cost_pence,
    "saving": Placement.renegotiation_saving_pence,
    "provider": Placement.provider,
    "need": Placement.primary_need,
    "provision": Placement.provision_type,
}


def _age() -> ColumnElement:
    # a missing age is taken from the NC year, as kpis.returns.placements_frame takes it
    return func.coalesce(Placement.age, Placement.nc_year + 5)


def _matching(where: PlacementFilter) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if where.provision is not None:
        conditions.append(Placement.provision_type.in_(where.provision))
    if where.need is not None:
        conditions.append(Placement.primary_need.in_(where.need))
    if where.in_county is not None:
        conditions.append(Placement.in_county.is_(where.in_county))
    if where.age == "under_16":
        conditions.append(_age() < 16)
    elif where.age == "16_and_over":
        conditions.append(_age() >= 16)
    elif isinstance(where.age, tuple):
        conditions.append(_age().between(where.age[0], where.age[1]))
    if where.has is not None:
        conditions.append(COLUMNS[PLACEMENT_FIELDS[where.has]].is_not(None))
    return and_(true(), *conditions)


def _selected(selection: Selection, bounds: Any) -> ColumnElement[bool]:
    """A selection's condition: its filter, and for new or ceased placements the day they began
    or ended within their list's term (both days included)."""
    where, flow = selection
    if flow == ACTIVE:
        return _matching(where)
    day = Placement.start_date if flow == "new" else Placement.end_date
    return and_(_matching(where), day.between(bounds.c.first_day, bounds.c.last_day))


def _bounds(periods: set[str]) -> Any:
    """Each term's first and last day, as a table to join each list's term to."""
    terms = {period: parse_term(period) for period in sorted(periods)}
    rows = [(period, term.start, term.end) for period, term in terms.items()]
    columns = column("period", String), column("first_day", Date), column("last_day", Date)
    return values(*columns, name="term_bounds").data(rows).cte("term_bounds")


def read_tallies(
    session: Session, lists: Mapping[int, str], questions: Questions
) -> dict[int, TermTally]:
    """The tally of each stored list in ``lists`` (submission id -> its term) that holds a
    placement, by submission id; a list with no placement has none, as it has no rows."""
    if not lists:
        return {}
    bounds = _bounds(set(lists.values()))
    asked: list[ColumnElement] = [func.count()]
    for selection in questions.selections:
        asked.append(func.count().filter(_selected(selection, bounds)))
    for selection, name in questions.totals:
        chosen = and_(_selected(selection, bounds), COLUMNS[name].is_not(None))
        asked += [func.sum(COLUMNS[name]).filter(chosen), func.count().filter(chosen)]
    statement = (
        select(Placement.submission_id, *asked)
        .join(Submission, Submission.id == Placement.submission_id)
        .join(bounds, bounds.c.period == Submission.period)
        .where(Placement.submission_id.in_(list(lists)))
        .group_by(Placement.submission_id)
    )
    values = _value_counts(session, list(lists), questions)
    found = {}
    selections = len(questions.selections)
    for submission_id, _, *numbers in session.connection().execute(statement):
        sums = numbers[selections:]
        found[submission_id] = TermTally(
            submission_id=submission_id,
            rows={s: int(n) for s, n in zip(questions.selections, numbers, strict=False)},
            # a sum over no placement is NULL in SQL; the count beside it says there were none
            totals={
                total: (int(sums[2 * n] or 0), int(sums[2 * n + 1]))
                for n, total in enumerate(questions.totals)
            },
            values={
                key: found_values.get(submission_id, {}) for key, found_values in values.items()
            },
        )
    return found


def _value_counts(
    session: Session, lists: list[int], questions: Questions
) -> dict[Values, dict[int, dict[str, int]]]:
    """For each column whose values a measure counts: submission id -> value -> placements,
    among the placements its filter picks."""
    found: dict[Values, dict[int, dict[str, int]]] = {}
    for key in questions.values:
        where, name = key
        counted = COLUMNS[name]
        statement = (
            select(Placement.submission_id, counted, func.count())
            .where(Placement.submission_id.in_(lists), _matching(where), counted.is_not(None))
            .group_by(Placement.submission_id, counted)
        )
        by_list: dict[int, dict[str, int]] = {}
        for submission_id, value, count in session.connection().execute(statement):
            by_list.setdefault(submission_id, {})[str(value)] = int(count)
        found[key] = by_list
    return found


def questions_digest(questions: Questions) -> str:
    """A short name for a set of questions: a kept tally answers the questions it was asked."""
    return hashlib.sha256(repr(questions).encode()).hexdigest()[:16]


@dataclass
class KeptTallies:
    """Tallies of stored lists, kept in a store (the deployment's shared store, or a process's
    own). A stored list never changes (a correction is another submission), so its tally holds
    for as long as the list is stored: once every list is tallied, working out every council's
    measures reads no placement at all, and a new submission costs one list's tally. Each is
    kept under its submission's id and file fingerprint, since SQLite may give a removed
    submission's id to a new one, and the questions it answers."""

    store: SharedStore
    tallied: int = field(default=0, init=False)  # lists tallied in the database here

    def read(
        self, session: Session, lists: Mapping[int, tuple[str, str]], questions: Questions
    ) -> dict[int, TermTally]:
        """The tally of each list that holds a placement: ``lists`` gives each submission id's
        term and file fingerprint (sha256)."""
        digest = questions_digest(questions)
        keys = {sid: f"tally:{digest}:{sid}:{sha256[:16]}" for sid, (_, sha256) in lists.items()}
        found: dict[int, TermTally] = {}
        for sid, key in keys.items():
            data = cache_read("tallies", self.store.get(key))
            if data is not None:
                found[sid] = _unpacked(sid, data, questions)
        # a list with no placement has no tally, and is looked up again, by its index, cheaply
        missing = {sid: lists[sid][0] for sid in lists if sid not in found}
        fresh = read_tallies(session, missing, questions) if missing else {}
        self.tallied += len(fresh)
        for sid, tally in fresh.items():
            self.store.set(keys[sid], _packed(tally, questions), ttl=KEEP_SECONDS)
        return found | fresh


def _packed(tally: TermTally, questions: Questions) -> bytes:
    """The tally's numbers in the order of the questions its key names: plain numbers and
    strings, which load many times faster than the filters they answer."""
    return pickle.dumps(
        (
            [tally.rows[s] for s in questions.selections],
            [tally.totals[t] for t in questions.totals],
            [dict(tally.values[v]) for v in questions.values],
        )
    )


def _unpacked(submission_id: int, data: bytes, questions: Questions) -> TermTally:
    # written only by this deployment's processes, as services/measures.py's snapshots are
    rows, totals, values = pickle.loads(data)  # noqa: S301
    return TermTally(
        submission_id=submission_id,
        rows=dict(zip(questions.selections, rows, strict=True)),
        totals=dict(zip(questions.totals, totals, strict=True)),
        values=dict(zip(questions.values, values, strict=True)),
    )
