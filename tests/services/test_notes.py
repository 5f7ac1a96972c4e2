"""Commentary and the DfE return's entries (issue 11, points 4 and 7): written by the account
saving them, only a programme lead or admin may, and each save is in the audit trail, written in
the same transaction. An empty database of each kind."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.actors import Actor, Forbidden
from domain.audit import AuditFilter
from domain.roles import Role
from kpis.notes import NoteError
from services.audit import read_events
from services.notes import TEXT_LIMIT, save_commentary, save_return_entries
from storage.models import AuditEvent, Commentary, ReturnEntry
from tests.councils import NORFOLK_CODE

LEAD = Actor("lead@example.org", Role.PROGRAMME_LEAD, "198.51.100.7", NORFOLK_CODE)
OFFICER = Actor("officer@example.org", Role.FINANCE_OFFICER, "198.51.100.8", NORFOLK_CODE)


def _trail(engine) -> list[tuple]:
    return [
        (e.actor, e.action, e.outcome, e.target, json.loads(e.detail), e.address)
        for e in reversed(read_events(engine, NORFOLK_CODE, AuditFilter()))
    ]


def _count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_not001_commentary_is_kept_as_written_by_the_account_and_recorded(engine):
    save_commentary(
        engine, LEAD, NORFOLK_CODE, ref=1, period="Summer 2026", text=" Rising\x07 again "
    )

    with Session(engine) as session:
        row = session.scalars(select(Commentary)).one()
    # the bell character is dropped and the ends trimmed: "Rising again", 12 characters
    assert (row.council, row.ref, row.period, row.text, row.written_by) == (
        NORFOLK_CODE,
        1,
        "Summer 2026",
        "Rising again",
        "lead@example.org",
    )
    assert _trail(engine) == [
        (
            "lead@example.org",
            "commentary",
            "ok",
            "measure 1 period Summer 2026",
            {"characters": 12},
            "198.51.100.7",
        )
    ]


def test_not002_a_finance_officer_may_not_write_and_nothing_is_kept_or_recorded(engine):
    with pytest.raises(Forbidden):
        save_commentary(engine, OFFICER, NORFOLK_CODE, ref=1, period="Summer 2026", text="Rising")
    with pytest.raises(Forbidden):
        save_return_entries(
            engine,
            OFFICER,
            NORFOLK_CODE,
            round_name="June 2026",
            entries={"question-1": (None, "Yes")},
        )

    assert _count(engine, Commentary) == _count(engine, ReturnEntry) == 0
    assert _count(engine, AuditEvent) == 0


def test_not003_return_entries_are_saved_together_and_recorded_with_the_items(engine):
    save_return_entries(
        engine,
        LEAD,
        NORFOLK_CODE,
        round_name="June 2026",
        entries={"question-1": (None, "Yes"), "condition-4": ("amber", "Teams recruited")},
    )
    save_return_entries(
        engine, LEAD, NORFOLK_CODE, round_name="June 2026", entries={}
    )  # nothing changed

    with Session(engine) as session:
        rows = session.execute(
            select(
                ReturnEntry.council, ReturnEntry.item, ReturnEntry.rag, ReturnEntry.written_by
            ).order_by(ReturnEntry.item)
        ).all()
    assert rows == [
        (NORFOLK_CODE, "condition-4", "amber", "lead@example.org"),
        (NORFOLK_CODE, "question-1", None, "lead@example.org"),
    ]
    assert _trail(engine) == [
        (
            "lead@example.org",
            "return_entry",
            "ok",
            "June 2026",
            {"items": ["condition-4", "question-1"]},
            "198.51.100.7",
        )
    ]


def test_not004_too_long_a_text_is_refused_and_nothing_recorded(engine):
    with pytest.raises(NoteError, match="20,000 characters or fewer"):
        save_commentary(
            engine, LEAD, NORFOLK_CODE, ref=1, period="Summer 2026", text="x" * (TEXT_LIMIT + 1)
        )
    with pytest.raises(NoteError, match="Enter the commentary"):
        save_commentary(engine, LEAD, NORFOLK_CODE, ref=1, period="Summer 2026", text=" \x00 ")

    assert _count(engine, Commentary) == _count(engine, AuditEvent) == 0
