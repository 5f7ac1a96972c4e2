"""What the pages and the command line ask of the measures, in one place.

Computed measures are kept in memory, keyed on the council's data version (how many submissions
it has and the newest one's id). Storing a submission changes the version, so every worker
process sees the new figures on its next request, and nothing is recomputed until then. With a
shared store (Redis), the first worker to need a version computes it, under a lock the others
wait on, and every other worker on every server reads it from there: a new submission is computed
once in the whole deployment, and for its own council only.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, func, not_, or_, select
from sqlalchemy.orm import Session

from kpis.catalogue import Catalogue, Measure
from kpis.council import Council
from kpis.measures import MeasureValue, compute_measures, source_family
from kpis.notes import Note
from kpis.plan_view import PlanView
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from services.national import compute_snapshots
from services.records import (
    commentary_for_period,
    commentary_history,
    return_entries,
)
from services.shared_store import LocalStore, SharedStore, cache_read
from services.sources import CURRENT, read_dsg_position, read_returns
from services.tallies import KeptTallies
from storage.models import Commentary, ReturnEntry, Submission

SNAPSHOTS_HELD = 32  # councils' snapshots a worker holds in memory, about 2 MB each
LOCK_SECONDS = 60.0  # longest a worker waits for another to compute a version, then computes it
KEEP_SECONDS = 7 * 24 * 3600  # a version not read for a week is computed again if asked for


def _unpickled(data: bytes) -> Snapshot | None:
    # The store is written only by this deployment's workers; Redis must be private to them
    # (README: the production set-up), as it is for the job queue.
    snapshot = pickle.loads(data)  # noqa: S301
    return snapshot if isinstance(snapshot, Snapshot) else None


def _by_ref(measures: list[MeasureValue]) -> dict[int, tuple[MeasureValue, ...]]:
    grouped: dict[int, list[MeasureValue]] = {}
    for value in measures:
        grouped.setdefault(value.measure.ref, []).append(value)
    return {ref: tuple(values) for ref, values in grouped.items()}


def content_version(session: Session, council: str) -> tuple[int, ...]:
    """The council's data version and its newest commentary and return entry: everything a page
    of it shows."""
    commentary = (
        session.scalar(select(func.max(Commentary.id)).where(Commentary.council == council)) or 0
    )
    entries = (
        session.scalar(select(func.max(ReturnEntry.id)).where(ReturnEntry.council == council)) or 0
    )
    return (
        *data_version(session, council),
        commentary,
        entries,
        newest_fingerprint(session, council),
    )


def newest_fingerprint(session: Session, council: str) -> int:
    """The council's newest file's fingerprint, as a number: SQLite may give a removed
    submission's id to the next one (after lfi demo --remove), so the count and the newest id
    alone could repeat a version kept in Redis from before."""
    sha256 = session.scalar(
        select(Submission.sha256)
        .where(Submission.council == council)
        .order_by(Submission.id.desc())
        .limit(1)
    )
    return int(sha256[:15], 16) if sha256 else 0


def data_version(session: Session, council: str) -> tuple[int, int]:
    """How many submissions the council has and the newest one's id."""
    count, newest = session.execute(
        select(func.count(Submission.id), func.max(Submission.id)).where(
            Submission.council == council
        )
    ).one()
    return count, newest or 0


@dataclass
class HeldSnapshots:
    """The councils' snapshots a worker holds in memory, shared by every council's service:
    at most ``size`` (each is about 2 MB), the least recently used let go first. A worker of a
    deployment serving 150 councils would otherwise come to hold them all; one let go is read
    again from the shared store, or computed again without one."""

    size: int = SNAPSHOTS_HELD
    _held: OrderedDict[str, Snapshot] = field(default_factory=OrderedDict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def get(self, council: str, version: tuple[int, int]) -> Snapshot | None:
        with self._lock:
            found = self._held.get(council)
            if found is None or found.version != version:
                return None
            self._held.move_to_end(council)
            return found

    def put(self, council: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._held[council] = snapshot
            self._held.move_to_end(council)
            while len(self._held) > self.size:
                self._held.popitem(last=False)


@dataclass
class MeasureService:
    engine: Engine
    council: Council
    cache: bool = True
    store: SharedStore = field(default_factory=LocalStore)
    held: HeldSnapshots = field(default_factory=HeldSnapshots)
    computed: int = field(default=0, init=False)  # how many times this process computed
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def snapshot(self) -> Snapshot:
        """The measures for the data as it is now, computed at most once per data version."""
        code = self.council.la_code
        with Session(self.engine) as session:
            version = data_version(session, code)
            cached = self.held.get(code, version) if self.cache else None
            if cached is not None:
                return cached
            with self._lock:
                cached = self.held.get(code, version) if self.cache else None
                if cached is not None:
                    return cached
                snapshot = self._shared(session, version) if self.cache else None
                if snapshot is None:
                    snapshot = self._compute(session, version)
                if self.cache:
                    self.held.put(code, snapshot)
                return snapshot

    def _key(self, session: Session, version: tuple[int, int]) -> str:
        code = self.council.la_code
        newest = newest_fingerprint(session, code)
        return f"snapshot:{code}:{self.council.digest[:16]}:{version[0]}:{version[1]}:{newest}"

    def _shared(self, session: Session, version: tuple[int, int]) -> Snapshot | None:
        """The version's measures as another worker computed them; or computed here, under the
        store's lock so that the others wait and read them, and shared. None without a shared
        store."""
        if not self.store.shared:
            return None
        key = self._key(session, version)
        found = cache_read("measures", self.store.get(key))
        if found is None:
            with self.store.lock(key, timeout=LOCK_SECONDS):
                found = self.store.get(key)  # computed while this worker waited
                if found is None:
                    snapshot = self._compute(session, version)
                    self.store.set(key, pickle.dumps(snapshot), ttl=KEEP_SECONDS)
                    return snapshot
        return _unpickled(found)

    def _compute(self, session: Session, version: tuple[int, int]) -> Snapshot:
        # As every council's are worked out at once (services/national.py), with each stored
        # placement list's tally kept in the store: a new submission tallies its own list only.
        self.computed += 1
        code = self.council.la_code
        kept = KeptTallies(self.store)
        return compute_snapshots(session, [self.council], {code: version}, kept=kept)[code]

    def superseded(self, ref: int) -> list[tuple[SubmissionRecord, MeasureValue]]:
        """What the measure was on each superseded file, worked out with that file in place of
        the one that replaced it: the history behind a corrected figure."""
        measure = self.measure(ref)
        snapshot = self.snapshot()
        family = source_family(measure) if measure else None
        found = []
        with Session(self.engine) as session:
            for record in snapshot.submissions:
                if record.status != "superseded" or record.family != family:
                    continue
                chosen = or_(
                    and_(
                        CURRENT,
                        not_(
                            and_(
                                Submission.family == record.family,
                                Submission.period == record.period,
                            )
                        ),
                    ),
                    Submission.id == record.id,
                )
                position = read_dsg_position(session, self.council, chosen)
                values = compute_measures(
                    self.catalogue,
                    position,
                    read_returns(session, self.council, chosen),
                    self.council.place,
                )
                found += [
                    (record, v)
                    for v in values
                    if v.measure.ref == ref
                    and v.submission_id == record.id
                    and v.basis != "plan"
                    and v.value is not None
                ]
        return found

    def commentary(self, period: str) -> dict[int, Note]:
        with Session(self.engine) as session:
            return commentary_for_period(session, self.council.la_code, period)

    def commentary_history(self, ref: int, period: str) -> list[Note]:
        with Session(self.engine) as session:
            return commentary_history(session, self.council.la_code, ref, period)

    def return_entries(self, round_name: str) -> dict[str, list[Note]]:
        with Session(self.engine) as session:
            return return_entries(session, self.council.la_code, round_name)

    @property
    def catalogue(self) -> Catalogue:
        return self.council.catalogue

    def measure(self, ref: int) -> Measure | None:
        return next((m for m in self.catalogue.measures if m.ref == ref), None)

    def plan_view(self) -> PlanView | None:
        return self.snapshot().plan_view

    def measures(self) -> list[MeasureValue]:
        """Every computed measure for every period; empty when nothing has been loaded."""
        return list(self.snapshot().measures)
