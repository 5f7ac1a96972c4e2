"""Plain records the pages read, made for tests."""

from __future__ import annotations

from datetime import datetime

from kpis.submissions import SubmissionRecord


def stored_file(
    submission_id: int, *, family: str, period: str, loaded_at: datetime, file_name: str
) -> SubmissionRecord:
    """A current, real (not demo) file loaded by the finance officer."""
    return SubmissionRecord(
        id=submission_id,
        family=family,
        period=period,
        file_name=file_name,
        loaded_at=loaded_at,
        loaded_by="finance@example.org",
        status="current",
        is_demo=False,
        size_bytes=1,
        superseded_by_id=None,
        supersede_reason=None,
    )
