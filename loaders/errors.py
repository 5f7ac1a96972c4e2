"""Errors raised while loading a workbook.

LoaderError                 base of every loading error
 +-- WorkbookRejected        the file is not a workbook we can open (wrong type, empty, too big)
 +-- TemplateError           a template was asked for that does not exist
"""

from __future__ import annotations


class LoaderError(Exception):
    """Base class of every error raised while reading or storing a workbook."""


class WorkbookRejected(LoaderError):
    """The file cannot be opened as an Excel workbook; the message says why."""


class TemplateError(LoaderError):
    """An unknown template family was asked for."""
