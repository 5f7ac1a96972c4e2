"""A pending upload, checked, with what storing it would change: shared by the upload page and
its form posts."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kpis.catalogue import Catalogue
from kpis.measures import MeasureValue, compute_measures
from kpis.preview import Preview, preview_upload
from kpis.returns import Returns
from kpis.service import MeasureService, data_version
from kpis.sources import read_dsg_position, read_returns
from loaders.dsg import FORECAST_SHEET, PLAN_SHEET
from loaders.ehcp import ACTIVITY_SHEET, NEEDS_SHEET
from loaders.hnb import SAVINGS_SHEET, SPEND_SHEET
from loaders.placements import PLACEMENTS_SHEET
from loaders.submissions import (
    FAMILIES,
    CheckedWorkbook,
    PriorSubmission,
    check_workbook,
    find_current,
    find_identical,
    store_checked,
)
from loaders.targets import TARGETS_SHEET
from settings import Settings
from storage.database import write_session
from storage.models import PendingUpload

KEEP_CHECKS = 32
PENDING_FOR = timedelta(days=1)


@dataclass(frozen=True)
class PendingCheck:
    checked: CheckedWorkbook
    identical_to: PriorSubmission | None = None
    replaces: PriorSubmission | None = None
    preview: Preview = Preview(changes=(), waiting=())

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


def _measures(session: Session, catalogue: Catalogue) -> tuple[list[MeasureValue], Returns]:
    returns = read_returns(session)
    return compute_measures(catalogue, read_dsg_position(session), returns), returns


def _compare(engine: Engine, catalogue: Catalogue, checked: CheckedWorkbook) -> PendingCheck:
    """Store the workbook in a transaction that is rolled back, and compare every measure."""
    with Session(engine) as session:
        identical = find_identical(session, checked.sha256, checked.content_sha256)
        if identical is not None:
            return PendingCheck(checked, identical_to=identical)
        current = find_current(session, checked.family.name, checked.period)
        before, _ = _measures(session, catalogue)
        store_checked(session, checked, reason="preview" if current else None)
        session.flush()
        after, returns = _measures(session, catalogue)
        session.rollback()
    preview = preview_upload(
        before,
        after,
        family=checked.family.name,
        period=checked.period,
        loaded=set(returns.submissions),
        titles={name: family.title for name, family in FAMILIES.items()},
    )
    return PendingCheck(checked, replaces=current, preview=preview)


def _counted(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def sheet_counts(checked: CheckedWorkbook) -> list[tuple[str, str]]:
    """(sheet, what it gave) for a valid workbook: "Placements", "1,234 rows"."""
    content, family = checked.content, checked.family.name
    if family == "ehcp":
        return [
            (ACTIVITY_SHEET, _counted(len(content.counts), "figure", "figures")),
            (NEEDS_SHEET, _counted(len(content.needs), "need", "needs")),
        ]
    if family == "hnb":
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
