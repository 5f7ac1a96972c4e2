"""A checked workbook found valid, as its parts: the family and the figures it holds, both set
once its report has no errors. Code that stores or previews a file takes them from here rather
than trusting that a report was looked at."""

from __future__ import annotations

from loaders.submissions import CheckedWorkbook, Content, Family


class NotValidWorkbook(ValueError):
    """A workbook with errors, or one not read, reached code that handles only valid ones."""


def valid_parts(checked: CheckedWorkbook) -> tuple[Family, Content]:
    """``checked``'s family and figures; NotValidWorkbook when its report has errors."""
    family, content = checked.family, checked.content
    if not checked.report.ok or family is None or content is None:
        raise NotValidWorkbook(f"{checked.file_name} has errors: nothing in it may be stored")
    return family, content
