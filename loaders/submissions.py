"""Load one workbook: check it, then store it whole in one transaction, or store nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from loaders.dsg import PLAN_SHEET, SHEETS, DsgWorkbook, read_dsg_workbook
from loaders.errors import WorkbookRejected
from loaders.grid import read_grids
from loaders.report import ValidationReport
from loaders.workbook import check_workbook_bytes
from storage.database import write_session
from storage.models import (
    DsgFigure,
    DsgStatement,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)


@dataclass(frozen=True)
class PriorSubmission:
    id: int
    file_name: str
    loaded_at: datetime


@dataclass(frozen=True)
class LoadOutcome:
    """What happened to one file. ``stored_id`` is set only when it was stored."""

    report: ValidationReport
    family: str | None = None
    stored_id: int | None = None
    identical_to: PriorSubmission | None = None

    @property
    def ok(self) -> bool:
        return self.report.ok


def _detect_family(sheet_names: list[str], report: ValidationReport) -> str | None:
    if any(name in sheet_names for name in SHEETS):
        return "dsg"
    report.error(
        sheet=None,
        cell=None,
        found=f"the sheets {', '.join(repr(n) for n in sheet_names)}",
        expected=f"a workbook made from a template: the DSG plan has sheets {', '.join(SHEETS)}",
        fix=f"Start from the template (lfi template dsg) and keep the '{PLAN_SHEET}' sheet's name.",
    )
    return None


def check_workbook(
    data: bytes, *, file_name: str, years: tuple[str, ...], max_bytes: int
) -> tuple[ValidationReport, str | None, DsgWorkbook | None]:
    """Every problem in the file, its family, and what it holds when there are no errors."""
    report = ValidationReport(file_name=file_name)
    try:
        check_workbook_bytes(data, max_bytes=max_bytes)
        grids = read_grids(data)
    except WorkbookRejected as rejected:
        report.error(
            sheet=None,
            cell=None,
            found=str(rejected),
            expected="an Excel workbook (.xlsx)",
            fix="Save the spreadsheet as 'Excel Workbook (*.xlsx)' and upload that file.",
        )
        return report, None, None
    family = _detect_family(list(grids), report)
    if family is None:
        return report, None, None
    return report, family, read_dsg_workbook(grids, years=years, report=report)


def find_identical(session: Session, sha256: str) -> PriorSubmission | None:
    row = session.execute(
        select(Submission.id, Submission.file_name, Submission.loaded_at)
        .where(Submission.sha256 == sha256)
        .order_by(Submission.id)
        .limit(1)
    ).first()
    return PriorSubmission(*row) if row else None


def _store_dsg(session: Session, submission_id: int, workbook: DsgWorkbook) -> None:
    session.add(
        DsgStatement(
            submission_id=submission_id,
            first_year=workbook.years[0],
            last_year=workbook.years[-1],
            opening_balance_pence=workbook.opening_balance,
            forecast_term=str(workbook.forecast_term) if workbook.forecast_term else None,
        )
    )
    rows = [
        {
            "submission_id": submission_id,
            "basis": basis,
            "line": code,
            "year": year,
            "amount_pence": pence,
        }
        for basis, lines in (("plan", workbook.plan), ("forecast", workbook.forecast))
        for code, years in lines.items()
        for year, pence in years.items()
    ]
    session.execute(insert(DsgFigure), rows)


def load_workbook(
    engine: Engine,
    data: bytes,
    *,
    file_name: str,
    years: tuple[str, ...],
    max_bytes: int,
    dry_run: bool = False,
    is_demo: bool = False,
) -> LoadOutcome:
    """Check ``data`` and, unless it has errors, is a dry run or was loaded before, store it.

    A stored DSG workbook becomes the current plan and forecast; the one before it is kept,
    marked superseded.
    """
    report, family, workbook = check_workbook(
        data, file_name=file_name, years=years, max_bytes=max_bytes
    )
    sha256 = hashlib.sha256(data).hexdigest()
    if not report.ok or workbook is None:
        return LoadOutcome(report=report, family=family)
    if dry_run:
        with Session(engine) as session:
            prior = find_identical(session, sha256)
        return LoadOutcome(report=report, family=family, identical_to=prior)
    with write_session(engine) as session:
        prior = find_identical(session, sha256)
        if prior is not None:
            return LoadOutcome(report=report, family=family, identical_to=prior)
        submission = Submission(
            family=family,
            file_name=file_name,
            sha256=sha256,
            size_bytes=len(data),
            loaded_at=datetime.now(UTC),
            status=SubmissionStatus.CURRENT,
            is_demo=is_demo,
        )
        session.add(submission)
        session.flush()
        session.add(SubmissionFile(submission_id=submission.id, content=data))
        session.execute(
            update(Submission)
            .where(
                Submission.family == family,
                Submission.status == SubmissionStatus.CURRENT,
                Submission.id != submission.id,
            )
            .values(
                status=SubmissionStatus.SUPERSEDED,
                superseded_by_id=submission.id,
                supersede_reason="replaced by a later upload",
            )
        )
        _store_dsg(session, submission.id, workbook)
        return LoadOutcome(report=report, family=family, stored_id=submission.id)
