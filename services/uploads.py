"""Pending uploads: kept until confirmed, checked once, compared with what is stored, then
stored or forgotten. The upload page and its form posts reach them through the dashboard service.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kpis.catalogue import Catalogue
from kpis.measures import compute_measures
from kpis.preview import preview_upload
from loaders.report import Issue, Level, ValidationReport
from loaders.submissions import FAMILIES, CheckedWorkbook, LoadOutcome, check_workbook
from services.interface import Overtaken, PendingCheck, PendingFile
from services.measures import data_version
from services.pending import with_pending
from services.sources import read_dsg_position, read_returns
from services.submissions import find_current, find_identical, store_checked
from settings import Settings
from storage.database import as_utc, write_session
from storage.models import PendingUpload

KEEP_CHECKS = 32
PENDING_FOR = timedelta(days=1)


def read_pending(engine: Engine, token: str) -> PendingFile | None:
    if not token:
        return None
    with Session(engine) as session:
        row = session.scalar(select(PendingUpload).where(PendingUpload.token == token))
        if row is None:
            return None
        return PendingFile(row.token, row.file_name, row.content, as_utc(row.uploaded_at))


_checks: OrderedDict[tuple, PendingCheck] = OrderedDict()
_lock = threading.Lock()


def pending_check(
    engine: Engine, catalogue: Catalogue, pending: PendingFile, settings: Settings
) -> PendingCheck:
    """The check of a pending upload, worked out once per upload, process and data version:
    a file stored meanwhile can change what this one would replace and change."""
    with Session(engine) as session:
        key = (pending.token, data_version(session))
    with _lock:
        if key in _checks:
            return _checks[key]
        checked = _refused(pending) or _prechecked.pop(_precheck_key(pending.token, settings), None)
    checked = checked or check_workbook(
        pending.content,
        file_name=pending.file_name,
        years=settings.plan_years,
        max_bytes=settings.max_upload_bytes,
    )
    result = _compare(engine, catalogue, checked) if checked.report.ok else PendingCheck(checked)
    with _lock:
        _checks[key] = result
        while len(_checks) > KEEP_CHECKS:
            _checks.popitem(last=False)
    return result


def _compare(engine: Engine, catalogue: Catalogue, checked: CheckedWorkbook) -> PendingCheck:
    """Compare every measure without and with the workbook. The file's figures are laid over the
    stored ones in memory, never written: a preview that wrote would hold up, or be refused by,
    a load committed meanwhile (SQLite's "database is locked")."""
    with Session(engine) as session:
        identical = find_identical(session, checked.sha256, checked.content_sha256)
        if identical is not None:
            return PendingCheck(checked, identical_to=identical)
        current = find_current(session, checked.family.name, checked.period)
        position, returns = read_dsg_position(session), read_returns(session)
    before = compute_measures(catalogue, position, returns)
    position, returns = with_pending(position, returns, checked)
    preview = preview_upload(
        before,
        compute_measures(catalogue, position, returns),
        family=checked.family.name,
        period=checked.period,
        loaded=set(returns.submissions),
        titles={name: family.title for name, family in FAMILIES.items()},
    )
    return PendingCheck(checked, replaces=current, preview=preview)


def store_pending(
    engine: Engine,
    pending: PendingFile,
    settings: Settings,
    *,
    replaces: int | None,
    reason: str | None,
    loaded_by: str,
) -> LoadOutcome | Overtaken:
    """Store a pending upload only if it still replaces the submission its check page showed
    (``replaces``, None for a new period): decided inside the write transaction, so no load
    committed in between can be silently superseded."""
    checked = check_workbook(
        pending.content,
        file_name=pending.file_name,
        years=settings.plan_years,
        max_bytes=settings.max_upload_bytes,
    )
    if not checked.report.ok:
        family = checked.family.name if checked.family else None
        return LoadOutcome(report=checked.report, family=family)
    with write_session(engine) as session:
        current = find_current(session, checked.family.name, checked.period)
        if (current.id if current else None) != replaces:
            return Overtaken(current)
        return store_checked(session, checked, reason=reason, loaded_by=loaded_by)


# A refused upload's row holds its report, behind this mark, and none of its bytes; no workbook
# (a zip, beginning 'PK') starts with it.
_REFUSED = b"lfi:refused-upload-report\n"
_prechecked: OrderedDict[tuple, CheckedWorkbook] = OrderedDict()


def keep_pending(engine: Engine, file_name: str, data: bytes, settings: Settings) -> str:
    """Keep an uploaded file until it is confirmed; the token names it in the page address.
    The file is checked first: of a file with errors (personal data, above all) only the report
    is kept, for the page that shows it, and its bytes are dropped at once. Uploads nobody
    confirmed within a day are forgotten."""
    checked = check_workbook(
        data, file_name=file_name, years=settings.plan_years, max_bytes=settings.max_upload_bytes
    )
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    content = data if checked.report.ok else _REFUSED + _report_json(checked.report)
    with write_session(engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.uploaded_at < now - PENDING_FOR))
        session.add(
            PendingUpload(token=token, file_name=file_name, content=content, uploaded_at=now)
        )
    if checked.report.ok:  # the check page reuses it rather than reading the file again
        with _lock:
            _prechecked[_precheck_key(token, settings)] = checked
            while len(_prechecked) > KEEP_CHECKS:
                _prechecked.popitem(last=False)
    return token


def _precheck_key(token: str, settings: Settings) -> tuple:
    return token, settings.plan_years, settings.max_upload_bytes


def _report_json(report: ValidationReport) -> bytes:
    return json.dumps([dataclasses.asdict(issue) for issue in report.issues]).encode()


def _refused(pending: PendingFile) -> CheckedWorkbook | None:
    """The check of a refused upload, from the report kept in place of its bytes."""
    if not pending.content.startswith(_REFUSED):
        return None
    issues = json.loads(pending.content[len(_REFUSED) :])
    report = ValidationReport(
        pending.file_name, [Issue(**{**issue, "level": Level(issue["level"])}) for issue in issues]
    )
    return CheckedWorkbook(pending.file_name, b"", report)


def forget_pending(engine: Engine, token: str) -> None:
    with write_session(engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.token == token))
    with _lock:
        for key in [k for k in _checks if k[0] == token]:
            del _checks[key]
