"""Load one workbook: check it, then store it whole in one transaction, or store nothing.

A submission is for one family (dsg, ehcp, hnb) and one period. Loading a second file for the
same family and period is a correction: it needs a reason, and supersedes the first, which stays
in the history. Loading the same bytes, or the same figures saved by another program, as a current
submission again stores nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from domain.actors import Actor
from domain.audit import Action, Outcome
from domain.roles import Permission
from kpis.council import Council
from loaders.submissions import (
    CheckedWorkbook,
    Family,
    LoadOutcome,
    PriorSubmission,
    check_workbook,
)
from services import audit
from services.checked import valid_parts
from services.stores import STORES
from storage.database import as_utc, write_session
from storage.models import Submission, SubmissionFile, SubmissionStatus


def _prior(session: Session, *conditions) -> PriorSubmission | None:
    row = session.execute(
        select(Submission.id, Submission.file_name, Submission.loaded_at)
        .where(Submission.status == SubmissionStatus.CURRENT, *conditions)
        .order_by(Submission.id)
        .limit(1)
    ).first()
    return PriorSubmission(row.id, row.file_name, as_utc(row.loaded_at)) if row else None


def find_identical(
    session: Session, council: str, sha256: str, content_sha256: str | None = None
) -> PriorSubmission | None:
    """The council's current submission with the same bytes or, failing that, the same figures.
    Bringing back a superseded file is a new load; another council's file is none of its."""
    prior = _prior(session, Submission.council == council, Submission.sha256 == sha256)
    if prior is None and content_sha256 is not None:
        prior = _prior(
            session, Submission.council == council, Submission.content_sha256 == content_sha256
        )
        if prior is not None:
            prior = dataclasses.replace(prior, same_bytes=False)
    return prior


def _same_figures(checked: CheckedWorkbook, prior: PriorSubmission) -> None:
    """Say why nothing is stored when the bytes differ: the figures were loaded already."""
    if prior.same_bytes:
        return
    checked.report.warning(
        sheet=None,
        cell=None,
        found=f"the same figures as {prior.file_name} (submission {prior.id}), already loaded "
        f"{prior.loaded_at:%d %B %Y at %H:%M} UTC",
        expected="new or corrected figures",
        fix="Nothing was stored: the file holds the figures already loaded, saved again, perhaps "
        "by another program.",
    )


def find_current(
    session: Session, council: str, family: str, period: str
) -> PriorSubmission | None:
    return _prior(
        session,
        Submission.council == council,
        Submission.family == family,
        Submission.period == period,
    )


def _needs_reason(checked: CheckedWorkbook, family: Family, current: PriorSubmission) -> None:
    checked.report.error(
        sheet=None,
        cell=None,
        found=f"a {family.title} for {checked.period} already stored: {current.described}",
        expected="a reason for replacing it",
        fix="If this file corrects it, load it again with a reason (lfi load FILE --reason "
        "'...'); the earlier file stays in the history.",
    )


def store_checked(
    session: Session,
    council: str,
    checked: CheckedWorkbook,
    *,
    reason: str | None = None,
    is_demo: bool = False,
    loaded_by: str | None = None,
) -> LoadOutcome:
    """Store a checked workbook as the council's (its new-style LA code), in the caller's
    transaction, superseding its current one for the same family and period when a reason is
    given."""
    family, content = valid_parts(checked)
    period = content.period
    outcome = LoadOutcome(report=checked.report, family=family.name, period=period)
    prior = find_identical(session, council, checked.sha256, checked.content_sha256)
    if prior is not None:
        _same_figures(checked, prior)
        return dataclasses.replace(outcome, identical_to=prior)
    current = find_current(session, council, family.name, period)
    why = (reason or "").strip()
    if current is not None and not why:
        _needs_reason(checked, family, current)
        return outcome
    submission = Submission(
        council=council,
        family=family.name,
        period=period,
        file_name=checked.file_name,
        sha256=checked.sha256,
        content_sha256=checked.content_sha256,
        size_bytes=len(checked.data),
        loaded_at=datetime.now(UTC),
        status=SubmissionStatus.CURRENT,
        is_demo=is_demo,
        loaded_by=loaded_by,
    )
    session.add(submission)
    session.flush()
    session.add(SubmissionFile(submission_id=submission.id, content=checked.data))
    if current is not None:
        session.execute(
            update(Submission)
            .where(Submission.id == current.id)
            .values(
                status=SubmissionStatus.SUPERSEDED,
                superseded_by_id=submission.id,
                supersede_reason=why,
            )
        )
    STORES[family.name](session, submission.id, content)
    return dataclasses.replace(outcome, stored_id=submission.id, superseded=current)


def load_workbook(
    engine: Engine,
    data: bytes,
    *,
    file_name: str,
    council: Council,
    max_bytes: int,
    dry_run: bool = False,
    reason: str | None = None,
    today: date | None = None,
    loaded_by: str | None = None,
    actor: Actor | None = None,
) -> LoadOutcome:
    """Check ``data`` and, unless it has errors or is a dry run, store it in one transaction.

    Given the ``actor`` loading it (the command line's), their role must allow uploads
    (domain.actors.Forbidden otherwise, nothing stored), the submission is loaded by them, and
    the audit trail records the load, stored or not, in the same transaction."""
    if actor is not None:
        actor.require(Permission.UPLOAD)
        loaded_by = actor.name
    checked = check_workbook(
        data, file_name=file_name, shape=council.shape, max_bytes=max_bytes, today=today
    )
    if not checked.report.ok:
        family = checked.family.name if checked.family else None
        return LoadOutcome(report=checked.report, family=family)
    if dry_run:
        kind, content = valid_parts(checked)
        with Session(engine) as session:
            prior = find_identical(session, council.la_code, checked.sha256, checked.content_sha256)
        if prior is not None:
            _same_figures(checked, prior)
        return LoadOutcome(
            report=checked.report, family=kind.name, period=content.period, identical_to=prior
        )
    with write_session(engine) as session:
        outcome = store_checked(
            session, council.la_code, checked, reason=reason, loaded_by=loaded_by
        )
        if actor is not None:
            audit.record(session, actor, Action.LOAD, **load_record(outcome, reason))
        return outcome


def load_record(outcome: LoadOutcome, reason: str | None) -> dict:
    """The audit trail's record of a load: the submission stored (a correction names the one it
    corrects and why), or why nothing was."""
    if outcome.stored_id is None:
        why = "identical" if outcome.identical_to is not None else "errors"
        return {
            "outcome": Outcome.REFUSED,
            "target": outcome.report.file_name,
            "detail": {"why": why},
        }
    detail: dict[str, object] = {
        "family": outcome.family,
        "period": outcome.period,
        "submission": outcome.stored_id,
    }
    if outcome.superseded is not None:
        detail |= {"corrects": outcome.superseded.id, "reason": (reason or "").strip()}
    return {"target": f"submission {outcome.stored_id}", "detail": detail}
