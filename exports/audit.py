"""The audit trail as a table to download: every event, newest first, each field as text that
a spreadsheet shows and never runs (exports.tabular neutralises it)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.audit import AuditRecord
from exports.table import Column, Table

COLUMNS = ("Time (UTC)", "Who", "Action", "Outcome", "Target", "Detail", "Address")


def audit_row(record: AuditRecord) -> tuple[str, ...]:
    return (
        f"{record.at:%Y-%m-%d %H:%M:%S}",
        record.actor,
        record.action,
        record.outcome,
        record.target or "",
        record.detail or "",
        record.address or "",
    )


def audit_table(records: Sequence[AuditRecord]) -> Table:
    return Table(
        title="Audit trail",
        columns=tuple(Column(name) for name in COLUMNS),
        rows=tuple(audit_row(r) for r in records),
        source="The dashboard's audit trail",
    )
