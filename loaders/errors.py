"""Errors raised while loading a workbook.

LoaderError                 base of every loading error
 +-- WorkbookRejected        the file is not a workbook we can open (wrong type, empty, too big)
 +-- ValidationFailed        the workbook opened but has errors; carries the whole report
 +-- TemplateError           a template was asked for that does not exist
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loaders.report import ValidationReport


class LoaderError(Exception):
    """Base class of every error raised while reading or storing a workbook."""


class WorkbookRejected(LoaderError):
    """The file cannot be opened as an Excel workbook; the message says why."""


class ValidationFailed(LoaderError):
    """The workbook has one or more errors. ``report`` holds every problem found."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"{len(report.errors)} error(s) in the workbook")
        self.report = report


class TemplateError(LoaderError):
    """An unknown template family was asked for."""
