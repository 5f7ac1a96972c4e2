"""A pending upload, checked, with what storing it would change: shared by the upload page and
its form posts."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kpis.catalogue import Catalogue
from kpis.measures import compute_measures
from kpis.service import MeasureService, data_version
from kpis.sources import read_dsg_position, read_returns
from loaders.submissions import (
    CheckedWorkbook,
    PriorSubmission,
    check_workbook,
    find_current,
    find_identical,
    store_checked,
)
from settings import Settings
from storage.database import write_session
from storage.models import PendingUpload

KEEP_CHECKS = 32
PENDING_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Change:
    ref: int
    label: str
    unit: str
    period: str
    before: Decimal | None
    after: Decimal | None


@dataclass(frozen=True)
class PendingCheck:
    checked: CheckedWorkbook
    identical_to: PriorSubmission | None = None
    replaces: PriorSubmission | None = None
    changes: tuple[Change, ...] = ()

    @property
    def needs_reason(self) -> bool:
        return self.replaces is not None


def read_pending(engine: Engine, token: str) -> PendingUpload | None:
    if not token:
        return None
    with Session(engine) as session:
        pending = session.scalar(select(PendingUpload).where(PendingUpload.token == token))
        if pending is not None:
            session.expunge(pending)
        return pending


_checks: OrderedDict[str, PendingCheck] = OrderedDict()
_lock = threading.Lock()


def pending_check(
    service: MeasureService, pending: PendingUpload, settings: Settings
) -> PendingCheck:
    """The check of a pending upload, worked out once per upload, process and data version:
    a file stored meanwhile can change what this one would replace and change."""
    with Session(service.engine) as session:
        key = (pending.token, data_version(session))
    with _lock:
        if key in _checks:
            return _checks[key]
    checked = check_workbook(
        pending.content,
        file_name=pending.file_name,
        years=settings.plan_years,
        max_bytes=settings.max_upload_bytes,
    )
    result = (
        _compare(service.engine, service.catalogue, checked)
        if checked.report.ok
        else PendingCheck(checked)
    )
    with _lock:
        _checks[key] = result
        while len(_checks) > KEEP_CHECKS:
            _checks.popitem(last=False)
    return result


def _measures_by_key(session: Session, catalogue: Catalogue) -> dict[tuple[int, str], object]:
    values = compute_measures(catalogue, read_dsg_position(session), read_returns(session))
    return {(v.measure.ref, v.period): v for v in values}


def _compare(engine: Engine, catalogue: Catalogue, checked: CheckedWorkbook) -> PendingCheck:
    """Store the workbook in a transaction that is rolled back, and compare every measure."""
    with Session(engine) as session:
        identical = find_identical(session, checked.sha256)
        if identical is not None:
            return PendingCheck(checked, identical_to=identical)
        current = find_current(session, checked.family.name, checked.period)
        before = _measures_by_key(session, catalogue)
        store_checked(session, checked, reason="preview" if current else None)
        session.flush()
        after = _measures_by_key(session, catalogue)
        session.rollback()
    return PendingCheck(checked, replaces=current, changes=_changes(before, after))


def _changes(before: dict, after: dict) -> tuple[Change, ...]:
    changes = []
    for key, new in after.items():
        old = before.get(key)
        old_value = old.value if old is not None and old.basis != "plan" else None
        new_value = new.value if new.basis != "plan" else None
        if old_value != new_value:
            m = new.measure
            changes.append(Change(m.ref, m.label, m.unit, new.period, old_value, new_value))
    return tuple(changes)  # in catalogue order, each measure's periods in time order


def keep_pending(engine: Engine, file_name: str, data: bytes) -> str:
    """Keep an uploaded file until it is confirmed; the token names it in the page address.
    Uploads nobody confirmed within a day are forgotten."""
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    with write_session(engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.uploaded_at < now - PENDING_FOR))
        session.add(PendingUpload(token=token, file_name=file_name, content=data, uploaded_at=now))
    return token


def forget_pending(engine: Engine, token: str) -> None:
    with write_session(engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.token == token))
    with _lock:
        for key in [k for k in _checks if k[0] == token]:
            del _checks[key]
