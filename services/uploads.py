"""Pending uploads: kept until confirmed, checked once, compared with what is stored, then
stored or forgotten. The upload page and its form posts reach them through the dashboard service.

With Redis (``LFI_REDIS_URL``) and a worker listening, a workbook larger than
``LFI_BACKGROUND_CHECK_MB`` is kept unchecked and checked by the worker (exports/tasks.py) while
its page shows the progress: ``pending_check`` raises InBackground in the web request until
the check is done. A file refused by that check loses its bytes for its report, as one refused
on upload does. Checks are kept in Redis, so every web worker reads the one the worker (or
another web worker) worked out, and the audit trail records each upload's check once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import secrets
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Engine, delete, func, not_, select, update
from sqlalchemy.orm import Session

from domain.actors import Actor
from domain.roles import Permission
from kpis.council import Council
from kpis.measures import compute_measures
from kpis.preview import preview_upload
from loaders.report import Issue, Level, ValidationReport
from loaders.submissions import FAMILIES, CheckedWorkbook, LoadOutcome, check_workbook
from services import audit
from services.audit import Action, Outcome
from services.checked import valid_parts
from services.interface import (
    Overtaken,
    PendingCheck,
    PendingFile,
    UploadGone,
    UploadRefused,
    WaitingUpload,
)
from services.jobs import InBackground, jobs_for, report_progress, running_as_job
from services.measures import data_version
from services.pending import with_pending
from services.shared_store import SharedStore, open_store
from services.sources import read_dsg_position, read_returns
from services.submissions import find_current, find_identical, load_record, store_checked
from settings import Settings
from storage.database import as_utc, write_session
from storage.models import AuditEvent, PendingUpload

KEEP_CHECKS = 32
# How long Redis keeps a worked-out check for the page (it is worked out again after).
SHARED_CHECK_SECONDS = 3600
# An upload nobody confirmed within this long is forgotten: when it is next read, or swept.
PENDING_FOR = timedelta(days=1)
RATE_WINDOW = timedelta(hours=1)
# The uploads a rate limit counts: files taken in, with or without errors; not refusals.
TAKEN_IN = (Outcome.OK, Outcome.REFUSED)
GONE = (
    "This upload is no longer waiting: it has been stored or discarded, or it was not confirmed "
    "within a day. Nothing was stored."
)


def checked_in_background(settings: Settings, size: int) -> bool:
    """Whether a file of ``size`` bytes is checked by a worker rather than in the request."""
    if settings.redis_url is None or size <= settings.background_check_mb * 1_000_000:
        return False
    jobs = jobs_for(settings.redis_url)
    return jobs is not None and jobs.usable()


def upload_target(file_name: str, token: str) -> str:
    """How the audit trail names an upload: its file, and a reference that is not its token."""
    return f"{file_name} (upload {hashlib.sha256(token.encode()).hexdigest()[:12]})"


def _mine(actor: Actor, token: str):
    """The pending upload ``token`` names, if it is ``actor``'s, in the council they act in."""
    return (
        PendingUpload.token == token,
        PendingUpload.owner == actor.name,
        PendingUpload.council == actor.council,
    )


def read_pending(engine: Engine, actor: Actor, token: str) -> PendingFile | None:
    """``actor``'s pending upload named by ``token``: None for anyone else's, and for one past its
    lifetime, which is deleted as it is read."""
    actor.require(Permission.UPLOAD)
    if not token:
        return None
    with Session(engine) as session:
        row = session.scalar(select(PendingUpload).where(*_mine(actor, token)))
        if row is None:
            return None
        pending = PendingFile(row.token, row.file_name, row.content, as_utc(row.uploaded_at))
    if pending.uploaded_at < datetime.now(UTC) - PENDING_FOR:
        with write_session(engine) as session:
            session.execute(delete(PendingUpload).where(PendingUpload.token == token))
        _forget_checks(token)
        return None
    return pending


def waiting_pending(engine: Engine, actor: Actor) -> list[WaitingUpload]:
    """``actor``'s uploads waiting to be stored, newest first; not the reports of refused ones."""
    actor.require(Permission.UPLOAD)
    cutoff = datetime.now(UTC) - PENDING_FOR
    query = (
        select(PendingUpload.token, PendingUpload.file_name, PendingUpload.uploaded_at)
        .where(
            PendingUpload.owner == actor.name,
            PendingUpload.council == actor.council,
            PendingUpload.uploaded_at >= cutoff,
            not_(_is_report()),
        )
        .order_by(PendingUpload.uploaded_at.desc())
    )
    with Session(engine) as session:
        return [
            WaitingUpload(row.token, row.file_name, as_utc(row.uploaded_at))
            for row in session.execute(query)
        ]


_checks: OrderedDict[tuple, PendingCheck] = OrderedDict()
_lock = threading.Lock()
_stores: dict[str | None, SharedStore] = {}


def _store(settings: Settings) -> SharedStore:
    """The process's shared store: Redis with ``redis_url``, else its own memory."""
    with _lock:
        if settings.redis_url not in _stores:
            _stores[settings.redis_url] = open_store(settings.redis_url)
        return _stores[settings.redis_url]


def _kept_check(settings: Settings, key: tuple) -> PendingCheck | None:
    if settings.redis_url is None:
        with _lock:
            return _checks.get(key)
    found = _store(settings).get(_shared_key(key))
    # the app's own Redis, which holds nothing any other writes
    return pickle.loads(found) if found is not None else None


def _keep_check(settings: Settings, key: tuple, check: PendingCheck) -> None:
    if settings.redis_url is None:
        with _lock:
            _checks[key] = check
            while len(_checks) > KEEP_CHECKS:
                _checks.popitem(last=False)
        return
    # The file's bytes stay in the database: the check page and the confirmation read the
    # report, the figures and the comparison, and storing checks the file again.
    light = dataclasses.replace(check, checked=dataclasses.replace(check.checked, data=b""))
    _store(settings).set(_shared_key(key), pickle.dumps(light), SHARED_CHECK_SECONDS)


def _shared_key(key: tuple) -> str:
    council, token, version = key
    return f"upload-check:{council}:{token}:{'.'.join(map(str, version))}"


def pending_check(
    engine: Engine,
    actor: Actor,
    council: Council,
    pending: PendingFile,
    settings: Settings,
) -> PendingCheck:
    """The check of a pending upload, worked out once per upload and data version (per process
    without Redis, for every worker with it): a file stored meanwhile can change what this one
    would replace and change. The first time it is worked out for an upload, the audit trail
    records the check. InBackground: a worker is working it out (a large file)."""
    actor.require(Permission.UPLOAD)
    with Session(engine) as session:
        key = (council.la_code, pending.token, data_version(session, council.la_code))
    found = _kept_check(settings, key)
    if found is not None:
        return found
    refused = _refused(pending)
    if (
        refused is None
        and not running_as_job()
        and checked_in_background(settings, len(pending.content))
    ):
        raise InBackground(pending.token)
    with _lock:
        checked = refused or _prechecked.pop(_precheck_key(pending.token, council, settings), None)
    if checked is None:
        report_progress("Checking every sheet and cell")
        checked = check_workbook(
            pending.content,
            file_name=pending.file_name,
            shape=council.shape,
            max_bytes=settings.max_upload_bytes,
        )
    if checked.report.ok:
        report_progress("Working out what storing it would change")
        result = _compare(engine, council, checked)
    else:
        result = PendingCheck(checked)
    # Written after the comparison, never before: a write waiting on another's load would hold
    # up the page it belongs to.
    _record_first_check(engine, actor, pending, checked, settings)
    _keep_check(settings, key, result)
    return result


def _record_first_check(
    engine: Engine,
    actor: Actor,
    pending: PendingFile,
    checked: CheckedWorkbook,
    settings: Settings,
) -> None:
    """Record the upload's check once, whichever worker works it out first; a file checked
    in the background and refused keeps only its report from now on, in the same transaction."""
    target = upload_target(pending.file_name, pending.token)
    drop = not checked.report.ok and not pending.content.startswith(_REFUSED)
    first = _store(settings).add(
        f"upload-checked:{actor.council}:{target}", b"1", int(PENDING_FOR.total_seconds())
    )
    seen = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == Action.CHECK, AuditEvent.target == target
    )
    if not drop:
        if not first:
            return
        with Session(engine) as session:
            if session.scalar(seen):
                return
    with write_session(engine) as session:
        if drop:
            session.execute(
                update(PendingUpload)
                .where(*_mine(actor, pending.token))
                .values(content=_REFUSED + _report_json(checked.report))
            )
        if first and not session.scalar(seen):
            audit.record(session, actor, Action.CHECK, target=target, **_findings(checked))


def _findings(checked: CheckedWorkbook) -> dict:
    """The outcome and detail of an upload or check: refused, with the count of its errors, or
    ok with the family and period."""
    if not checked.report.ok:
        return {"outcome": Outcome.REFUSED, "detail": {"errors": len(checked.report.errors)}}
    family, content = valid_parts(checked)
    return {"detail": {"family": family.name, "period": content.period}}


def _compare(engine: Engine, council: Council, checked: CheckedWorkbook) -> PendingCheck:
    """Compare every measure without and with the workbook. The file's figures are laid over the
    stored ones in memory, never written: a preview that wrote would hold up, or be refused by,
    a load committed meanwhile (SQLite's "database is locked")."""
    kind, content = valid_parts(checked)
    with Session(engine) as session:
        identical = find_identical(session, council.la_code, checked.sha256, checked.content_sha256)
        if identical is not None:
            return PendingCheck(checked, identical_to=identical)
        current = find_current(session, council.la_code, kind.name, content.period)
        position = read_dsg_position(session, council)
        returns = read_returns(session, council)
    catalogue, place = council.catalogue, council.place
    before = compute_measures(catalogue, position, returns, place)
    position, returns = with_pending(position, returns, checked, council.plan_lines)
    preview = preview_upload(
        before,
        compute_measures(catalogue, position, returns, place),
        family=kind.name,
        period=content.period,
        loaded=set(returns.submissions),
        titles={name: family.title for name, family in FAMILIES.items()},
    )
    return PendingCheck(checked, replaces=current, preview=preview)


def store_pending(
    engine: Engine,
    actor: Actor,
    council: Council,
    pending: PendingFile,
    settings: Settings,
    *,
    replaces: int | None,
    reason: str | None,
) -> LoadOutcome | Overtaken:
    """Store ``actor``'s pending upload only if it still replaces the submission its check page
    showed (``replaces``, None for a new period): decided inside the write transaction, so no
    load committed in between can be silently superseded. Once stored it is no longer pending;
    the submission, the end of the pending upload and the audit record are one transaction."""
    actor.require(Permission.UPLOAD)
    checked = check_workbook(
        pending.content,
        file_name=pending.file_name,
        shape=council.shape,
        max_bytes=settings.max_upload_bytes,
    )
    if not checked.report.ok:
        family = checked.family.name if checked.family else None
        return LoadOutcome(report=checked.report, family=family)
    kind, content = valid_parts(checked)
    target = upload_target(pending.file_name, pending.token)
    with write_session(engine) as session:
        waiting = session.scalar(
            select(PendingUpload.token).where(
                *_mine(actor, pending.token),
                PendingUpload.uploaded_at >= datetime.now(UTC) - PENDING_FOR,
            )
        )
        if waiting is None:
            raise UploadGone(GONE)
        current = find_current(session, council.la_code, kind.name, content.period)
        if (current.id if current else None) != replaces:
            detail = {"why": "overtaken", "current": current.id if current else None}
            audit.record(
                session,
                actor,
                Action.CONFIRM,
                outcome=Outcome.REFUSED,
                target=target,
                detail=detail,
            )
            return Overtaken(current)
        outcome = store_checked(
            session, council.la_code, checked, reason=reason, loaded_by=actor.name
        )
        audit.record(session, actor, Action.CONFIRM, **_confirmed(outcome, target, reason))
        if outcome.stored_id is not None:
            session.execute(delete(PendingUpload).where(PendingUpload.token == pending.token))
    if outcome.stored_id is not None:
        _forget_checks(pending.token)
    return outcome


def _confirmed(outcome: LoadOutcome, target: str, reason: str | None) -> dict:
    """The audit record of a confirmation, as of a load; one that stored nothing names the
    upload."""
    found = load_record(outcome, reason)
    return found if outcome.stored_id is not None else {**found, "target": target}


# A refused upload's row holds its report, behind this mark, and none of its bytes; no workbook
# (a zip, beginning 'PK') starts with it.
_REFUSED = b"lfi:refused-upload-report\n"
_prechecked: OrderedDict[tuple, CheckedWorkbook] = OrderedDict()


def _is_report() -> ColumnElement[bool]:
    return func.substr(PendingUpload.content, 1, len(_REFUSED)) == _REFUSED


def keep_pending(
    engine: Engine,
    actor: Actor,
    council: Council,
    file_name: str,
    data: bytes,
    settings: Settings,
) -> str:
    """Keep an uploaded file for ``actor`` until they confirm it; the token names it in the page
    address. Refused (UploadRefused), keeping nothing and recorded as limited, when ``actor`` has
    uploaded ``uploads_per_hour`` files in the last hour, or has ``pending_per_user`` waiting, or
    the site has ``pending_total`` waiting.

    The file is checked first: of a file with errors (personal data, above all) only the report
    is kept, for the page that shows it, and its bytes are dropped at once; the account's earlier
    report goes when it uploads again. Uploads nobody confirmed within a day are forgotten."""
    actor.require(Permission.UPLOAD)
    with Session(engine) as session:  # before the work of checking the file
        refusal = _over_limit(session, actor, settings)
    if refusal is not None:
        _refuse(engine, actor, file_name, refusal)
    checked = None
    if not checked_in_background(settings, len(data)):
        checked = check_workbook(
            data, file_name=file_name, shape=council.shape, max_bytes=settings.max_upload_bytes
        )
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    content = (
        data if checked is None or checked.report.ok else _REFUSED + _report_json(checked.report)
    )
    # a file a worker checks is recorded as taken in; its check records what was found
    findings = _findings(checked) if checked is not None else {"detail": {"check": "worker"}}
    with write_session(engine) as session:
        session.execute(delete(PendingUpload).where(PendingUpload.uploaded_at < now - PENDING_FOR))
        session.execute(
            delete(PendingUpload).where(
                PendingUpload.owner == actor.name,
                PendingUpload.council == council.la_code,
                _is_report(),
            )
        )
        refusal = _over_limit(session, actor, settings)  # again, now that writers wait
        if refusal is None:
            session.add(
                PendingUpload(
                    council=council.la_code,
                    token=token,
                    file_name=file_name,
                    content=content,
                    uploaded_at=now,
                    owner=actor.name,
                )
            )
            target = upload_target(file_name, token)
            audit.record(session, actor, Action.UPLOAD, target=target, **findings)
    if refusal is not None:
        _refuse(engine, actor, file_name, refusal)
    if checked is not None and checked.report.ok:  # the check page reuses it, not the file
        with _lock:
            _prechecked[_precheck_key(token, council, settings)] = checked
            while len(_prechecked) > KEEP_CHECKS:
                _prechecked.popitem(last=False)
    return token


def _over_limit(session: Session, actor: Actor, settings: Settings) -> UploadRefused | None:
    """Why ``actor`` may not upload now, or None: too many lately, or too many waiting."""
    lately = sum(
        audit.count_recent(
            session, Action.UPLOAD, within=RATE_WINDOW, outcome=outcome, actor=actor.name
        )
        for outcome in TAKEN_IN
    )
    if lately >= settings.uploads_per_hour:
        again = _free_at(session, actor, lately - settings.uploads_per_hour)
        return UploadRefused(
            f"You have uploaded {lately} files in the last hour, the most one account may; "
            f"try again after {again:%H:%M} UTC. Nothing was kept.",
            limit="uploads_per_hour",
        )
    cutoff = datetime.now(UTC) - PENDING_FOR
    waiting = select(func.count()).select_from(PendingUpload)
    waiting = waiting.where(PendingUpload.uploaded_at >= cutoff)
    mine = session.execute(
        waiting.where(PendingUpload.owner == actor.name, not_(_is_report()))
    ).scalar_one()
    if mine >= settings.pending_per_user:
        return UploadRefused(
            f"You have {mine} uploads waiting to be confirmed, the most one account may have. "
            "Store or discard one of them (the upload page lists them, each with its check "
            "page), then upload this file again. Nothing was kept.",
            limit="pending_per_user",
        )
    # the account's earlier report goes when it uploads again, so it is not counted
    everyone = session.execute(
        waiting.where(not_((PendingUpload.owner == actor.name) & _is_report()))
    ).scalar_one()
    if everyone >= settings.pending_total:
        return UploadRefused(
            f"There are {everyone} uploads waiting to be confirmed, the most this site keeps. "
            "Store or discard any of yours that are waiting, or try again later: an upload not "
            "confirmed within a day is forgotten. Nothing was kept.",
            limit="pending_total",
        )
    return None


def _free_at(session: Session, actor: Actor, skip: int) -> datetime:
    """When the account's count of uploads in the last hour falls below the limit: an hour
    after the upload that then drops out of it, to the next whole minute."""
    oldest = session.scalar(
        select(AuditEvent.at)
        .where(
            AuditEvent.action == Action.UPLOAD,
            AuditEvent.actor == actor.name,
            AuditEvent.outcome.in_(TAKEN_IN),
            AuditEvent.at >= datetime.now(UTC) - RATE_WINDOW,
        )
        .order_by(AuditEvent.at)
        .offset(skip)
        .limit(1)
    )
    free = as_utc(oldest) + RATE_WINDOW if oldest else datetime.now(UTC)
    minute = free.replace(second=0, microsecond=0)
    return minute if minute == free else minute + timedelta(minutes=1)


def _refuse(engine: Engine, actor: Actor, file_name: str, refusal: UploadRefused) -> None:
    audit.record_alone(
        engine,
        actor,
        Action.UPLOAD,
        outcome=Outcome.LIMITED,
        target=file_name,
        detail={"limit": refusal.limit},
    )
    raise refusal


def _precheck_key(token: str, council: Council, settings: Settings) -> tuple:
    return token, council.la_code, settings.max_upload_bytes


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


def forget_pending(engine: Engine, actor: Actor, token: str) -> None:
    """Discard ``actor``'s pending upload (another's is left alone), recorded as a discard."""
    actor.require(Permission.UPLOAD)
    with write_session(engine) as session:
        row = session.execute(select(PendingUpload.file_name).where(*_mine(actor, token))).first()
        if row is None:
            return
        session.execute(delete(PendingUpload).where(PendingUpload.token == token))
        audit.record(session, actor, Action.DISCARD, target=upload_target(row.file_name, token))
    _forget_checks(token)


def _forget_checks(token: str) -> None:
    """Forget this process's checks of an upload no longer waiting (those in Redis expire: the
    page finds the upload gone before it looks for them)."""
    with _lock:
        for key in [k for k in _checks if k[1] == token]:
            del _checks[key]
        for key in [k for k in _prechecked if k[0] == token]:
            del _prechecked[key]
