"""Every council's measures at once: what a comparison across the country, or a deployment's
start, asks for. Each table is read once for all the councils (services/sources.py), placement
lists are tallied in the database, and a council whose data version has not changed since its
measures were last worked out here is not worked out again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kpis.council import Council
from kpis.dsg import DsgPosition
from kpis.measures import MeasureValue, compute_measures
from kpis.plan_view import build_plan_view
from kpis.returns import Returns
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from services.records import submission_record
from services.shared_store import LocalStore, SharedStore
from services.sources import read_measure_inputs
from services.tallies import KeptTallies
from storage.models import Submission

# Placement lists whose tallies a process keeps by itself: every English council's termly lists
# for several years
LISTS_HELD = 20_000
Version = tuple[int, int]  # how many submissions a council has, and the newest one's id


def data_versions(session: Session, codes: Sequence[str]) -> dict[str, Version]:
    """Each council's data version, in one query (services.measures.data_version for one)."""
    found = {code: (0, 0) for code in codes}
    for code, count, newest in session.execute(
        select(Submission.council, func.count(Submission.id), func.max(Submission.id))
        .where(Submission.council.in_(codes))
        .group_by(Submission.council)
    ):
        found[code] = (count, newest or 0)
    return found


def read_many_submissions(session: Session, codes: Sequence[str]) -> dict[str, list]:
    """Every submission of each council, newest first (services.records.read_submissions for
    one)."""
    found: dict[str, list[SubmissionRecord]] = {code: [] for code in codes}
    for s in session.connection().execute(
        select(
            Submission.council,
            Submission.id,
            Submission.family,
            Submission.period,
            Submission.file_name,
            Submission.loaded_at,
            Submission.loaded_by,
            Submission.status,
            Submission.is_demo,
            Submission.size_bytes,
            Submission.superseded_by_id,
            Submission.supersede_reason,
        )
        .where(Submission.council.in_(codes))
        .order_by(Submission.id.desc())
    ):
        found[s.council].append(submission_record(s))
    return found


def build_snapshot(
    council: Council,
    version: Version,
    position: DsgPosition | None,
    returns: Returns,
    submissions: Sequence[SubmissionRecord],
) -> Snapshot:
    """The council's measures, plan and submission history for one data version."""
    measures = compute_measures(council.catalogue, position, returns, council.place)
    by_ref: dict[int, list[MeasureValue]] = {}
    for value in measures:
        by_ref.setdefault(value.measure.ref, []).append(value)
    return Snapshot(
        version=version,
        measures=tuple(measures),
        plan_view=build_plan_view(council.catalogue, position) if position else None,
        submissions=tuple(submissions),
        by_ref={ref: tuple(values) for ref, values in by_ref.items()},
        baselines=dict(returns.baselines),
    )


def compute_snapshots(
    session: Session,
    councils: Sequence[Council],
    versions: dict[str, Version],
    kept: KeptTallies | None = None,
) -> dict[str, Snapshot]:
    """The councils' snapshots for their data versions, each table read once for all; the
    placement lists' tallies from ``kept`` where it has them."""
    inputs = read_measure_inputs(session, councils, kept=kept)
    submissions = read_many_submissions(session, [c.la_code for c in councils])
    return {
        c.la_code: build_snapshot(
            c, versions[c.la_code], *inputs[c.la_code], submissions[c.la_code]
        )
        for c in councils
    }


@dataclass
class NationalMeasures:
    """Every council's snapshot, kept per data version: asked again, only the councils whose data
    changed are worked out again, and of those only the lists not tallied before are tallied
    (in ``store``: the deployment's shared store, by default this object's own). ``computed``
    counts the councils worked out, for the benchmarks and tests that check a new submission
    costs one council's work."""

    engine: Engine
    councils: Sequence[Council]
    store: SharedStore = field(default_factory=lambda: LocalStore(size=LISTS_HELD))
    computed: int = field(default=0, init=False)
    _held: dict[str, Snapshot] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @cached_property
    def tallies(self) -> KeptTallies:
        return KeptTallies(self.store)

    def snapshots(self) -> dict[str, Snapshot]:
        """Every council's snapshot for the data as it is now."""
        with self._lock, Session(self.engine) as session:
            versions = data_versions(session, [c.la_code for c in self.councils])
            stale = [
                c
                for c in self.councils
                if (held := self._held.get(c.la_code)) is None
                or held.version != versions[c.la_code]
            ]
            if stale:
                with _collector_paused():
                    self._held.update(compute_snapshots(session, stale, versions, self.tallies))
                self.computed += len(stale)
            return {c.la_code: self._held[c.la_code] for c in self.councils}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while every council's measures are made: a
    million objects, none in a cycle, each allocation counted towards a collection that scans the
    heap again; measured, a fifth to a third of the time. Reference counting frees as usual, and
    the collector runs again as soon as the work is done."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
