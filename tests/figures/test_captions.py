"""A chart's caption and every export say which of the council's data they were made from, in
the council's own terms: never a submission id, which counts every council's files."""

from datetime import UTC, datetime

from figures.captions import data_version, version_text
from kpis.snapshot import Snapshot
from kpis.submissions import SubmissionRecord
from tests.records import stored_file


def _file(submission_id: int, loaded_at: datetime) -> SubmissionRecord:
    return stored_file(
        submission_id,
        family="ehcp",
        period="Summer 2026",
        loaded_at=loaded_at,
        file_name=f"file-{submission_id}.xlsx",
    )


def _snapshot(*files: SubmissionRecord) -> Snapshot:
    ids = [f.id for f in files]
    return Snapshot(
        version=(len(files), max(ids, default=0)), measures=(), plan_view=None, submissions=files
    )


def test_cap001_the_version_counts_the_councils_own_files_and_dates_the_newest():
    # ids 56 and 57: another council loaded files 1 to 55 into the same database
    snapshot = _snapshot(
        _file(57, datetime(2026, 11, 30, 12, 37, tzinfo=UTC)),
        _file(56, datetime(2026, 11, 30, 9, 5, tzinfo=UTC)),
    )
    assert version_text(snapshot) == "2 files, the newest loaded 30 November 2026 at 12:37 UTC"
    assert data_version(snapshot) == (
        "Data version: 2 files, the newest loaded 30 November 2026 at 12:37 UTC"
    )
    assert "57" not in data_version(snapshot)


def test_cap002_one_file_and_none():
    one = _snapshot(_file(3, datetime(2026, 6, 1, 8, 0, tzinfo=UTC)))
    assert version_text(one) == "1 file, the newest loaded 1 June 2026 at 08:00 UTC"
    assert version_text(_snapshot()) == "no files loaded"
