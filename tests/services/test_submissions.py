"""Submissions are stored whole or not at all, recognised when repeated, and superseded in turn."""

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.stores import STORES
from storage.models import Submission, SubmissionFile
from tests.loaders.conftest import snapshot
from tests.workbooks import find_row, paper_workbook, to_bytes, year_column


def _variant(template, amount: float) -> bytes:
    book = paper_workbook(template)
    plan = book["Plan"]
    plan.cell(
        row=find_row(plan, "Other Provisions"), column=year_column(plan, "2028-29"), value=amount
    )
    return to_bytes(book)


def test_sub001_a_stored_file_is_kept_whole_with_its_hash(template, engine, load):
    data = to_bytes(paper_workbook(template))
    outcome = load(data, file_name="plan-may-2023.xlsx")
    with Session(engine) as session:
        submission = session.get(Submission, outcome.stored_id)
        content = session.get(SubmissionFile, outcome.stored_id).content
    assert (submission.family, submission.file_name, submission.status) == (
        "dsg",
        "plan-may-2023.xlsx",
        "current",
    )
    assert len(submission.sha256) == 64 and submission.size_bytes == len(data)
    assert content == data


def test_sub002_a_byte_identical_upload_is_recognised_and_stores_nothing(template, engine, load):
    data = to_bytes(paper_workbook(template))
    first = load(data, file_name="first.xlsx")
    before = snapshot(engine)
    again = load(data, file_name="renamed.xlsx")
    assert again.stored_id is None
    assert again.identical_to.id == first.stored_id
    assert again.identical_to.file_name == "first.xlsx"
    assert snapshot(engine) == before


def test_sub003_a_correction_for_the_same_period_supersedes_with_its_reason(template, engine, load):
    first = load(_variant(template, 2.393))
    second = load(_variant(template, 2.500), reason="Other Provisions 2028-29 corrected")
    assert second.superseded.id == first.stored_id
    with Session(engine) as session:
        rows = session.execute(
            select(
                Submission.id,
                Submission.period,
                Submission.status,
                Submission.superseded_by_id,
                Submission.supersede_reason,
            ).order_by(Submission.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        (
            first.stored_id,
            "plan",
            "superseded",
            second.stored_id,
            "Other Provisions 2028-29 corrected",
        ),
        (second.stored_id, "plan", "current", None, None),
    ]


def test_sub003b_a_second_file_for_the_same_period_without_a_reason_is_refused(
    template, engine, load
):
    load(_variant(template, 2.393), file_name="first.xlsx")
    before = snapshot(engine)
    outcome = load(_variant(template, 2.500), file_name="second.xlsx")
    assert outcome.stored_id is None
    (error,) = outcome.report.errors
    assert error.found.startswith(
        "a DSG plan and forecast for plan already stored: first.xlsx, loaded "
    )
    assert error.fix == (
        "If this file corrects it, load it again with a reason (lfi load FILE --reason '...'); "
        "the earlier file stays in the history."
    )
    assert snapshot(engine) == before


def test_sub003c_an_earlier_file_can_be_brought_back_as_a_correction(template, engine, load):
    original = _variant(template, 2.393)
    load(original)
    load(_variant(template, 2.500), reason="revised")
    restored = load(original, reason="the revision was wrong")
    assert restored.identical_to is None and restored.stored_id is not None
    with Session(engine) as session:
        current = session.scalars(select(Submission.id).where(Submission.status == "current")).all()
    assert current == [restored.stored_id]


def test_sub004_a_failure_part_way_through_storing_leaves_nothing_behind(
    template, engine, load, monkeypatch
):
    load(_variant(template, 2.393))
    before = snapshot(engine)
    store = STORES["dsg"]

    def fail_after_writing(session, submission_id, workbook):
        store(session, submission_id, workbook)
        session.flush()  # the rows have reached the database when the failure comes
        raise RuntimeError("the disk filled up")

    monkeypatch.setitem(STORES, "dsg", fail_after_writing)
    with pytest.raises(RuntimeError, match="the disk filled up"):
        load(_variant(template, 2.500), reason="correction")
    assert snapshot(engine) == before


def test_sub005_two_loads_at_once_leave_exactly_one_current_plan(template, engine, load):
    files = [_variant(template, 2.393 + n / 1000) for n in range(4)]
    errors: list[BaseException] = []

    def run(data):
        try:
            load(data, reason="a later correction")
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(data,)) for data in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        statuses = session.scalars(select(Submission.status)).all()
    assert sorted(statuses) == ["current", "superseded", "superseded", "superseded"]


def test_sub006_two_files_for_one_period_at_once_never_both_become_current(template, engine, load):
    files = [_variant(template, 2.393 + n / 1000) for n in range(3)]
    outcomes = []
    threads = [threading.Thread(target=lambda d=data: outcomes.append(load(d))) for data in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = [o for o in outcomes if o.stored_id is not None]
    refused = [o for o in outcomes if o.stored_id is None]
    assert (len(stored), len(refused)) == (1, 2)
    assert all("already stored" in o.report.errors[0].found for o in refused)
    with Session(engine) as session:
        assert session.scalars(select(Submission.status)).all() == ["current"]


def test_sub007_readers_carry_on_while_a_load_holds_the_write_lock(template, engine, load):
    from storage.database import write_session

    load(_variant(template, 2.393))
    with write_session(engine) as writer:
        writer.execute(select(Submission.id))  # the write transaction has begun
        with Session(engine) as reader:
            assert reader.scalars(select(Submission.file_name)).all() == ["plan.xlsx"]
