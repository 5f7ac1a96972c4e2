"""Accounts and the audit trail from the command line (issue 11, points 2, 4 and 7): `lfi user`
adds and manages accounts, `lfi audit` prints the trail as JSON or CSV, and every command that
changes anything is recorded as the operating-system user ("os:NAME") or as the account named
by `--as`, which must exist (exit 2 otherwise)."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli import main
from storage.database import create_database_engine
from storage.models import Submission
from tests.test_cli import filled  # noqa: F401 - the fixture

LFI = Path(sys.executable).parent / "lfi"
PASSWORD = "plaid marble kettle orbit\n"
OS_USER = f"os:{getpass.getuser()}"


@pytest.fixture
def lfi(database_url, monkeypatch):
    """Run lfi's main() on the test's database, in this process (the command itself is run
    once, in test_cla001), with ``stdin`` as its standard input."""
    monkeypatch.setenv("LFI_DATABASE_URL", database_url)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    return run


def _trail(lfi, *args: str) -> list[dict]:
    result = lfi("audit", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _stored(database_url: str) -> list[tuple[str, str | None]]:
    engine = create_database_engine(database_url)
    try:
        with Session(engine) as session:
            return list(session.execute(select(Submission.file_name, Submission.loaded_by)))
    finally:
        engine.dispose()


def test_cla001_accounts_are_added_listed_changed_and_disabled(lfi, database_url):
    # the installed command, its password on standard input
    added = subprocess.run(
        [str(LFI), "user", "add", "x@example.org", "--role", "viewer", "--password-stdin"],
        env={**os.environ, "LFI_DATABASE_URL": database_url},
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added x@example.org as viewer.\n"
    assert lfi("user", "list").stdout == "x@example.org\tviewer\tlocal\tenabled\n"

    assert lfi("user", "set-role", "x@example.org", "finance officer").returncode == 0
    assert lfi("user", "list").stdout == "x@example.org\tfinance_officer\tlocal\tenabled\n"
    assert lfi("user", "disable", "x@example.org").stdout == "x@example.org is disabled.\n"
    assert lfi("user", "list").stdout == "x@example.org\tfinance_officer\tlocal\tdisabled\n"


def test_cla002_a_common_password_is_refused_and_no_account_added(lfi):
    added = lfi(
        "user", "add", "y@example.org", "--role", "admin", "--password-stdin", stdin="password\n"
    )
    assert added.returncode == 1
    assert lfi("user", "list").stdout == ""


def test_cla003_the_trail_prints_as_json_and_csv_with_the_same_rows(lfi):
    lfi("user", "add", "x@example.org", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    lfi("user", "set-role", "x@example.org", "programme_lead")
    lfi("user", "disable", "x@example.org")

    rows = _trail(lfi)

    # newest first, each by the operating-system user, from no address
    assert [(r["action"], r["actor"], r["outcome"], r["address"]) for r in rows] == [
        ("account_disable", OS_USER, "ok", None),
        ("account_role", OS_USER, "ok", None),
        ("account_add", OS_USER, "ok", None),
    ]
    assert {r["target"] for r in rows} == {"x@example.org"}
    assert [r["id"] for r in rows] == [3, 2, 1]
    printed = lfi("audit", "--format", "csv")
    assert printed.returncode == 0, printed.stderr
    table = list(csv.DictReader(io.StringIO(printed.stdout)))
    assert [{k: v or None for k, v in row.items()} for row in table] == [
        {k: None if v is None else str(v) for k, v in row.items()} for row in rows
    ]
    # filtered by action
    assert [r["action"] for r in _trail(lfi, "--action", "account_role")] == ["account_role"]


def test_cla004_lfi_load_records_the_operating_system_user(lfi, filled, database_url):  # noqa: F811
    loaded = lfi("load", str(filled))
    assert loaded.returncode == 0, loaded.stderr

    assert _stored(database_url) == [("plan-may-2023.xlsx", OS_USER)]
    (load,) = _trail(lfi, "--action", "load")
    assert (load["actor"], load["outcome"], load["target"]) == (OS_USER, "ok", "submission 1")
    assert json.loads(load["detail"]) == {"family": "dsg", "period": "plan", "submission": 1}


def test_cla005_as_an_account_the_load_is_theirs_and_their_role_decides(
    lfi,
    filled,  # noqa: F811
    database_url,
):
    for email, role in (("officer@example.org", "finance_officer"), ("v@example.org", "viewer")):
        lfi("user", "add", email, "--role", role, "--password-stdin", stdin=PASSWORD)

    refused = lfi("--as", "v@example.org", "load", str(filled))
    assert refused.returncode == 1
    assert refused.stderr == "lfi load: v@example.org may not upload\n"
    assert _stored(database_url) == []

    loaded = lfi("--as", "Officer@Example.org", "load", str(filled))
    assert loaded.returncode == 0, loaded.stderr
    assert _stored(database_url) == [("plan-may-2023.xlsx", "officer@example.org")]
    (load,) = _trail(lfi, "--action", "load")
    assert load["actor"] == "officer@example.org"


def test_cla006_as_an_unknown_account_is_a_usage_error_and_nothing_happens(
    lfi,
    filled,  # noqa: F811
    database_url,
):
    result = lfi("--as", "nobody@example.org", "load", str(filled))
    assert result.returncode == 2
    assert "--as nobody@example.org: there is no enabled account for that address" in result.stderr
    assert _stored(database_url) == []
    assert lfi("--as", "nobody@example.org", "user", "list").returncode == 2


def test_cla007_a_viewer_may_not_read_the_trail_nor_manage_accounts(lfi):
    lfi("user", "add", "v@example.org", "--role", "viewer", "--password-stdin", stdin=PASSWORD)

    audit = lfi("--as", "v@example.org", "audit")
    assert audit.returncode == 1 and audit.stdout == ""
    add = lfi(
        "--as",
        "v@example.org",
        "user",
        "add",
        "w@example.org",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert add.returncode == 1
    assert lfi("user", "list").stdout == "v@example.org\tviewer\tlocal\tenabled\n"
