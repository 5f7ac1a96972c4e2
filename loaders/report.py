"""Validation that collects every problem first, then explains each one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"  # blocks the load
    WARNING = "warning"  # informs; the load goes ahead


@dataclass(frozen=True)
class Issue:
    level: Level
    sheet: str | None  # None for a problem with the file as a whole
    cell: str | None  # an Excel reference such as "C7", a column "A" or a row "4:4"
    found: str
    expected: str
    fix: str

    @property
    def location(self) -> str:
        if self.sheet is None:
            return "file"
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return (
            f"{self.level}: {self.location}: found {self.found}; "
            f"expected {self.expected}. {self.fix}"
        )


@dataclass
class ValidationReport:
    file_name: str
    issues: list[Issue] = field(default_factory=list)

    def error(
        self, *, sheet: str | None, cell: str | None, found: str, expected: str, fix: str
    ) -> None:
        self.issues.append(Issue(Level.ERROR, sheet, cell, found, expected, fix))

    def warning(
        self, *, sheet: str | None, cell: str | None, found: str, expected: str, fix: str
    ) -> None:
        self.issues.append(Issue(Level.WARNING, sheet, cell, found, expected, fix))

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level is Level.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level is Level.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors
