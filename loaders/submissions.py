"""Check one workbook: every problem in it and, when it has none, what it holds; and the plain
records of what loading it did (services.submissions stores it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from domain.plan_shape import PlanShape
from loaders.dsg import SHEETS as DSG_SHEETS
from loaders.dsg import DsgWorkbook, read_dsg_workbook
from loaders.ehcp import SHEETS as EHCP_SHEETS
from loaders.ehcp import EhcpReturn, read_ehcp_workbook
from loaders.errors import WorkbookRejected
from loaders.fingerprint import content_fingerprint
from loaders.grid import Grid, read_grids
from loaders.hnb import SHEETS as HNB_SHEETS
from loaders.hnb import HnbReturn, read_hnb_workbook
from loaders.line_map import LINE_MAP_SHEET
from loaders.personal_data import check_personal_data
from loaders.report import ValidationReport
from loaders.workbook import check_workbook_bytes

# What a family's reader gives for a workbook with no errors.
Content = DsgWorkbook | EhcpReturn | HnbReturn


@dataclass(frozen=True)
class Family:
    """One kind of workbook: the sheets that identify it and how to read it (services.stores
    stores it)."""

    name: str
    title: str
    sheets: tuple[str, ...]
    read: Callable[..., Content | None]
    optional_sheets: tuple[str, ...] = ("Instructions",)


FAMILIES: dict[str, Family] = {
    "dsg": Family(
        "dsg",
        "DSG plan and forecast",
        DSG_SHEETS,
        read_dsg_workbook,
        optional_sheets=("Instructions", "Targets", LINE_MAP_SHEET),
    ),
    "ehcp": Family("ehcp", "EHCP return", EHCP_SHEETS, read_ehcp_workbook),
    "hnb": Family("hnb", "High Needs Block return", HNB_SHEETS, read_hnb_workbook),
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
    content: Content | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def period(self) -> str | None:
        return self.content.period if self.content is not None else None

    @cached_property
    def content_sha256(self) -> str | None:
        """The fingerprint of the figures read (loaders.fingerprint); None for a refused file."""
        if self.content is None or self.family is None:
            return None
        return content_fingerprint(self.family.name, self.content.period, self.content)


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
    family = max(matches, key=matches.__getitem__)
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


def _warn_about_other_sheets(
    grids: dict[str, Grid], family: Family, report: ValidationReport
) -> None:
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
    shape: PlanShape,
    max_bytes: int,
    today: date | None = None,
) -> CheckedWorkbook:
    """Every problem in the file, read as the council's workbook (``shape``), and what it holds
    when there are no errors.

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
    content = family.read(grids, shape=shape, report=report, today=today or date.today())
    return CheckedWorkbook(file_name, data, report, family, content if report.ok else None)
