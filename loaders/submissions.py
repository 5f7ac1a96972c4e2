"""Load one workbook: check it, then store it whole in one transaction, or store nothing.

A submission is for one family (dsg, ehcp, hnb) and one period. Loading a second file for the
same family and period is a correction: it needs a reason, and supersedes the first, which stays
in the history. Loading the same bytes, or the same figures saved by another program, as a current
submission again stores nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from loaders.dsg import SHEETS as DSG_SHEETS
from loaders.dsg import read_dsg_workbook, store_dsg_workbook
from loaders.ehcp import SHEETS as EHCP_SHEETS
from loaders.ehcp import read_ehcp_workbook, store_ehcp_workbook
from loaders.errors import WorkbookRejected
from loaders.fingerprint import content_fingerprint
from loaders.grid import Grid, read_grids
from loaders.hnb import SHEETS as HNB_SHEETS
from loaders.hnb import read_hnb_workbook, store_hnb_workbook
from loaders.line_map import LINE_MAP_SHEET
from loaders.personal_data import check_personal_data
from loaders.report import ValidationReport
from loaders.workbook import check_workbook_bytes
from storage.database import as_utc, write_session
from storage.models import Submission, SubmissionFile, SubmissionStatus


@dataclass(frozen=True)
class Family:
    """One kind of workbook: the sheets that identify it, how to read it and how to store it."""

    name: str
    title: str
    sheets: tuple[str, ...]
    read: Callable[..., object]
    store: Callable[[Session, int, object], None]
    optional_sheets: tuple[str, ...] = ("Instructions",)


FAMILIES: dict[str, Family] = {
    "dsg": Family(
        "dsg",
        "DSG plan and forecast",
        DSG_SHEETS,
        read_dsg_workbook,
        store_dsg_workbook,
        optional_sheets=("Instructions", "Targets", LINE_MAP_SHEET),
    ),
    "ehcp": Family("ehcp", "EHCP return", EHCP_SHEETS, read_ehcp_workbook, store_ehcp_workbook),
    "hnb": Family(
        "hnb", "High Needs Block return", HNB_SHEETS, read_hnb_workbook, store_hnb_workbook
    ),
}


@dataclass(frozen=True)
class PriorSubmission:
    id: int
    file_name: str
    loaded_at: datetime
    # False when the bytes differ but the figures are the same (the file was re-saved)
    same_bytes: bool = True

    @property
    def described(self) -> str:
        """'plan.xlsx, loaded 30 November 2026 at 14:05 UTC': how every message names it."""
        return f"{self.file_name}, loaded {self.loaded_at:%d %B %Y at %H:%M} UTC"


@dataclass(frozen=True)
class CheckedWorkbook:
    """A file after every check: its report and, when it has no errors, what it holds."""

    file_name: str
    data: bytes
    report: ValidationReport
    family: Family | None = None
    content: object | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def period(self) -> str | None:
        return getattr(self.content, "period", None)

    @cached_property
    def content_sha256(self) -> str | None:
        """The fingerprint of the figures read (loaders.fingerprint); None for a refused file."""
        if self.content is None or self.family is None:
            return None
        return content_fingerprint(self.family.name, self.period, self.content)


@dataclass(frozen=True)
class LoadOutcome:
    """What happened to one file. ``stored_id`` is set only when it was stored."""

    report: ValidationReport
    family: str | None = None
    period: str | None = None
    stored_id: int | None = None
    identical_to: PriorSubmission | None = None
    superseded: PriorSubmission | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok


def _detect_family(grids: dict[str, Grid], report: ValidationReport) -> Family | None:
    """The family whose template sheets the workbook has most of."""
    matches = {f: sum(name in grids for name in f.sheets) for f in FAMILIES.values()}
    family = max(matches, key=matches.get)
    if matches[family]:
        _warn_about_other_sheets(grids, family, report)
        return family
    known = "; ".join(f"{f.title}: {', '.join(f.sheets)}" for f in FAMILIES.values())
    report.error(
        sheet=None,
        cell=None,
        found=f"the sheets {', '.join(repr(n) for n in grids)}",
        expected=f"a workbook made from a template ({known})",
        fix="Start from a template (lfi template dsg, ehcp or hnb) and keep its sheet names.",
    )
    return None


def _warn_about_other_sheets(grids: dict[str, Grid], family: Family, report) -> None:
    for name, grid in grids.items():
        if name not in family.sheets and name not in family.optional_sheets:
            report.warning(
                sheet=name,
                cell=None,
                found="a hidden sheet that is not in the template"
                if grid.hidden
                else "a sheet that is not in the template",
                expected=f"the {family.title} template's sheets: {', '.join(family.sheets)}",
                fix="The sheet is ignored.",
            )


def check_workbook(
    data: bytes,
    *,
    file_name: str,
    years: tuple[str, ...],
    max_bytes: int,
    today: date | None = None,
) -> CheckedWorkbook:
    """Every problem in the file, and what it holds when there are no errors.

    A file with personal data is refused before anything else is read from it.
    """
    report = ValidationReport(file_name=file_name)
    try:
        check_workbook_bytes(data, max_bytes=max_bytes)
        grids = read_grids(data)
    except WorkbookRejected as rejected:
        report.error(
            sheet=None,
            cell=None,
            found=str(rejected),
            expected="an Excel workbook (.xlsx) that is safe to read",
            fix="Nothing from the file was stored. Put right what the message says and load it "
            "again.",
        )
        return CheckedWorkbook(file_name, data, report)
    if check_personal_data(grids, report):
        return CheckedWorkbook(file_name, data, report)
    family = _detect_family(grids, report)
    if family is None:
        return CheckedWorkbook(file_name, data, report)
    content = family.read(grids, years=years, report=report, today=today or date.today())
    return CheckedWorkbook(file_name, data, report, family, content if report.ok else None)


def _prior(session: Session, *conditions) -> PriorSubmission | None:
    row = session.execute(
        select(Submission.id, Submission.file_name, Submission.loaded_at)
        .where(Submission.status == SubmissionStatus.CURRENT, *conditions)
        .order_by(Submission.id)
        .limit(1)
    ).first()
    return PriorSubmission(row.id, row.file_name, as_utc(row.loaded_at)) if row else None


def find_identical(
    session: Session, sha256: str, content_sha256: str | None = None
) -> PriorSubmission | None:
    """A current submission with the same bytes or, failing that, the same figures. Bringing back
    a superseded file is a new load."""
    prior = _prior(session, Submission.sha256 == sha256)
    if prior is None and content_sha256 is not None:
        prior = _prior(session, Submission.content_sha256 == content_sha256)
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


def find_current(session: Session, family: str, period: str) -> PriorSubmission | None:
    return _prior(session, Submission.family == family, Submission.period == period)


def _needs_reason(checked: CheckedWorkbook, current: PriorSubmission) -> None:
    checked.report.error(
        sheet=None,
        cell=None,
        found=f"a {checked.family.title} for {checked.period} already stored: {current.described}",
        expected="a reason for replacing it",
        fix="If this file corrects it, load it again with a reason (lfi load FILE --reason "
        "'...'); the earlier file stays in the history.",
    )


def store_checked(
    session: Session,
    checked: CheckedWorkbook,
    *,
    reason: str | None = None,
    is_demo: bool = False,
    loaded_by: str | None = None,
) -> LoadOutcome:
    """Store a checked workbook in the caller's transaction, superseding the current one for the
    same family and period when a reason is given."""
    family, period = checked.family, checked.period
    outcome = {"report": checked.report, "family": family.name, "period": period}
    prior = find_identical(session, checked.sha256, checked.content_sha256)
    if prior is not None:
        _same_figures(checked, prior)
        return LoadOutcome(**outcome, identical_to=prior)
    current = find_current(session, family.name, period)
    if current is not None and not (reason and reason.strip()):
        _needs_reason(checked, current)
        return LoadOutcome(**outcome)
    submission = Submission(
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
                supersede_reason=reason.strip(),
            )
        )
    family.store(session, submission.id, checked.content)
    return LoadOutcome(**outcome, stored_id=submission.id, superseded=current)


def load_workbook(
    engine: Engine,
    data: bytes,
    *,
    file_name: str,
    years: tuple[str, ...],
    max_bytes: int,
    dry_run: bool = False,
    reason: str | None = None,
    today: date | None = None,
    loaded_by: str | None = None,
) -> LoadOutcome:
    """Check ``data`` and, unless it has errors or is a dry run, store it in one transaction."""
    checked = check_workbook(
        data, file_name=file_name, years=years, max_bytes=max_bytes, today=today
    )
    if not checked.report.ok:
        family = checked.family.name if checked.family else None
        return LoadOutcome(report=checked.report, family=family)
    if dry_run:
        with Session(engine) as session:
            prior = find_identical(session, checked.sha256, checked.content_sha256)
        if prior is not None:
            _same_figures(checked, prior)
        return LoadOutcome(
            report=checked.report,
            family=checked.family.name,
            period=checked.period,
            identical_to=prior,
        )
    with write_session(engine) as session:
        return store_checked(session, checked, reason=reason, loaded_by=loaded_by)
