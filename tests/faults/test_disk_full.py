"""The disk full under SQLite (issue 13, point 4): a write that does not fit is refused with a
message saying so, on the command line and on the web, and the database is left whole: every
figure as it was, the integrity check clean, and loads work again once there is room.

The database sits on a small tmpfs of its own, filled to the last byte: a real disk full, not a
simulated error (mounting needs root, as scripts/test runs on CI)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.roles import Role
from domain.storage_full import StorageFull
from loaders.templates import write_ehcp_workbook
from services.submissions import load_workbook
from storage.database import create_database_engine, upgrade_database
from tests.cli import lfi_runner
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.fixtures.build_fixtures import COUNTS, NEEDS
from tests.layouts.conftest import app_on
from tests.signin import PASSWORD, add_account, form_token, signed_in_client

DISK_MB = 16  # room for the schema and a few small returns
MESSAGE = "The database's disk is full, so nothing was stored"


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}M", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"The disk-full test mounts a {DISK_MB} MB tmpfs and needs root to do it "
            f"(run scripts/test as root, as CI does): {mounted.stderr.strip()}",
            pytrace=False,
        )
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def _fill(disk: Path) -> Path:
    """Every free byte of ``disk`` taken by one file; the file, to remove for room again."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 20, 1 << 12, 1):  # big writes, then the last partial blocks
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    assert os.statvfs(disk).f_bavail == 0
    return filler


def _ehcp(term: str) -> bytes:
    buffer = io.BytesIO()
    write_ehcp_workbook(buffer, term=term, counts=dict(COUNTS), needs=dict(NEEDS))
    return buffer.getvalue()


def _load(engine, term: str):
    return load_workbook(
        engine,
        _ehcp(term),
        file_name=f"ehcp-{term.lower().replace(' ', '-')}.xlsx",
        council=NORFOLK,
        max_bytes=10_000_000,
        loaded_by="Test Officer",
    )


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read straight from the file."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def test_flt001_a_load_that_does_not_fit_is_refused_whole(small_disk):
    path = small_disk / "lfi.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    assert _load(engine, "Autumn 2024").stored_id is not None
    engine.dispose()
    before = _rows(path)
    filler = _fill(small_disk)

    engine = create_database_engine(f"sqlite:///{path}")
    with pytest.raises(StorageFull, match=MESSAGE):
        _load(engine, "Spring 2025")
    engine.dispose()
    lfi = lfi_runner(small_disk.parent, LFI_DATABASE_URL=f"sqlite:///{path}")
    refused = lfi("--council", NORFOLK_CODE, "load", str(_write(small_disk.parent, "Spring 2025")))
    assert refused.returncode == 1
    assert MESSAGE in refused.stderr and "Traceback" not in refused.stderr

    filler.unlink()
    assert _integrity(path) == "ok"
    assert _rows(path) == before  # not one row more, none changed
    engine = create_database_engine(f"sqlite:///{path}")
    assert _load(engine, "Spring 2025").stored_id is not None  # room again: loads work
    engine.dispose()


def _write(folder: Path, term: str) -> Path:
    target = folder / f"ehcp-{term.lower().replace(' ', '-')}.xlsx"
    target.write_bytes(_ehcp(term))
    return target


def test_flt002_the_web_says_the_disk_is_full_and_keeps_the_database(small_disk):
    app = app_on(small_disk, load_demo=False)
    email = add_account(app, Role.VIEWER)
    client = signed_in_client(app, None)
    token = form_token(client, "/sign-in")
    path = small_disk / "lfi.sqlite3"
    before = _rows(path)
    filler = _fill(small_disk)
    # signing in writes a session and an audit record: there is no room for either
    answer = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 507
    assert MESSAGE in answer.get_data(as_text=True)
    filler.unlink()
    assert _integrity(path) == "ok"
    assert _rows(path) == before
