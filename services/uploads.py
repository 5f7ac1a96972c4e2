"""A pending upload, checked, with what storing it would change: shared by the upload page and
its form posts."""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from flask import has_app_context
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kpis.catalogue import Catalogue
from kpis.dsg import DsgFigures, DsgPosition, DsgSubmissionInfo
from kpis.measures import compute_measures
from kpis.preview import Preview, preview_upload
from kpis.returns import Returns, placements_frame
from kpis.service import MeasureService, data_version
from kpis.sources import read_dsg_position, read_returns
from layouts._shared.context import current_settings
from loaders.dsg import FORECAST_SHEET, PLAN_SHEET
from loaders.ehcp import ACTIVITY_SHEET, NEEDS_SHEET
from loaders.hnb import SAVINGS_SHEET, SPEND_SHEET
from loaders.placements import PLACEMENTS_SHEET
from loaders.report import Issue, Level, ValidationReport
from loaders.submissions import (
    FAMILIES,
    CheckedWorkbook,
    LoadOutcome,
    PriorSubmission,
    check_workbook,
    find_current,
    find_identical,
    store_checked,
)
from loaders.targets import TARGETS_SHEET
from settings import Settings, read_settings
from storage.database import write_session
from storage.models import PendingUpload
from storage.periods import financial_years, period_sort_key

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
        checked = _refused(pending) or _prechecked.pop(_precheck_key(pending.token, settings), None)
    checked = checked or check_workbook(
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


NOT_STORED_ID = 0  # the pending file has no submission id yet


def with_pending(
    position: DsgPosition | None, returns: Returns, checked: CheckedWorkbook
) -> tuple[DsgPosition | None, Returns]:
    """The stored figures as they would read with ``checked`` stored: its family and period's
    figures replaced by the file's, as kpis.sources would read them back. Nothing is changed
    in place."""
    period, content = checked.period, checked.content
    after = dataclasses.replace(
        returns,
        **{name: dict(getattr(returns, name)) for name in _COPIED},
        submissions={**returns.submissions, (checked.family.name, period): NOT_STORED_ID},
    )
    if checked.family.name == "dsg":
        return _with_dsg(position, after, checked), after
    for name, read_from in _BY_TERM[checked.family.name].items():
        by_term = getattr(after, name)
        by_term.pop(period, None)  # the figures of the file it replaces
        if figures := getattr(content, read_from):
            by_term[period] = dict(figures)
    if checked.family.name == "hnb":
        after.placements = _with_placements(returns.placements, period, content.placements)
    return position, after


_COPIED = ("ehcp", "needs", "spend", "savings", "dsg_by_term", "targets", "baselines", "target_per")
# Returns' figures by term, and the attribute of the family's parsed workbook that holds them
_BY_TERM = {
    "ehcp": {"ehcp": "counts", "needs": "needs"},
    "hnb": {"spend": "spend", "savings": "savings"},
}


def _with_placements(frame: pd.DataFrame, period: str, placements: dict[str, list]) -> pd.DataFrame:
    columns = [
        "age",
        "nc_year",
        "provision_type",
        "primary_need",
        "provider",
        "in_county",
        "annual_cost",
        "start_date",
        "end_date",
        "renegotiation_saving",
    ]
    rows = [(period, *row) for row in zip(*(placements[c] for c in columns), strict=True)]
    kept = frame[frame["term"] != period]
    if not rows:
        return kept
    if kept.empty:
        return placements_frame(rows)
    joined = pd.concat([kept, placements_frame(rows)], ignore_index=True)
    for column in ("term", "provision", "need", "provider"):
        joined[column] = joined[column].astype("category")
    return joined


def _with_dsg(
    position: DsgPosition | None, returns: Returns, checked: CheckedWorkbook
) -> DsgPosition | None:
    """The file's plan and forecast; the latest forecast (by term, then by when it was stored)
    is the one the measures read, with its workbook's targets."""
    workbook, period = checked.content, checked.period
    years = financial_years(workbook.years[0], workbook.years[-1])
    plan = {line: dict(v) for line, v in workbook.plan.items() if v}
    forecast = {line: dict(v) for line, v in workbook.forecast.items() if v}
    forecast_years = tuple(y for y in years if any(y in v for v in forecast.values()))
    opening = workbook.opening_balance
    new = DsgPosition(
        submission=DsgSubmissionInfo(
            NOT_STORED_ID, checked.file_name, datetime.now(UTC), is_demo=False
        ),
        plan=DsgFigures(years=years, opening_balance=opening, lines=plan),
        forecast=DsgFigures(years=forecast_years, opening_balance=opening, lines=forecast)
        if forecast_years
        else None,
        forecast_term=workbook.forecast_term,
    )
    if period != "plan":
        returns.dsg_by_term[period] = new
    if position is not None and period_sort_key(period) < period_sort_key(_period(position)):
        return position  # an earlier term's forecast, stored late, is not the latest
    returns.targets, returns.baselines, returns.target_per = {}, {}, {}
    if workbook.targets is not None:
        _with_targets(returns, workbook.targets)
    return new


def _period(position: DsgPosition) -> str:
    return str(position.forecast_term) if position.forecast_term else "plan"


def _with_targets(returns: Returns, targets) -> None:
    returns.baselines = dict(targets.baselines)
    returns.targets = {ref: dict(years) for ref, years in targets.yearly.items() if years}
    given = set(returns.baselines) | set(returns.targets)
    returns.target_per = {ref: per for ref, per in targets.per.items() if ref in given and per}


@dataclass(frozen=True)
class Overtaken:
    """Another file became current for the family and period after the officer's check page was
    worked out: nothing was stored, and the page must be checked again."""

    current: PriorSubmission | None


def store_pending(
    engine: Engine,
    pending: PendingUpload,
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


# A refused upload's row holds its report, behind this mark, and none of its bytes; no workbook
# (a zip, beginning 'PK') starts with it.
_REFUSED = b"lfi:refused-upload-report\n"
_prechecked: OrderedDict[tuple, CheckedWorkbook] = OrderedDict()


def keep_pending(
    engine: Engine, file_name: str, data: bytes, settings: Settings | None = None
) -> str:
    """Keep an uploaded file until it is confirmed; the token names it in the page address.
    The file is checked first: of a file with errors (personal data, above all) only the report
    is kept, for the page that shows it, and its bytes are dropped at once. Uploads nobody
    confirmed within a day are forgotten."""
    if settings is None:
        settings = current_settings() if has_app_context() else read_settings()
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


def _refused(pending: PendingUpload) -> CheckedWorkbook | None:
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
