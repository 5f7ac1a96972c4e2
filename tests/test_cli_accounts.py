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

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli import main
from storage.database import create_database_engine
from storage.models import Submission
from tests.cli import LFI
from tests.conftest import DEVON_CODE
from tests.councils import NORFOLK_CODE
from tests.test_cli import filled  # noqa: F401 - the fixture

PASSWORD = "plaid marble kettle orbit\n"
OS_USER = f"os:{getpass.getuser()}"


@pytest.fixture
def lfi(database_url, councils_dir, monkeypatch):
    """Run lfi's main() on the test's database, serving Norfolk alone, in this process (the
    command itself is run once, in test_cla001), with ``stdin`` as its standard input."""
    monkeypatch.setenv("LFI_DATABASE_URL", database_url)
    monkeypatch.setenv("LFI_COUNCILS_DIR", str(councils_dir))
    monkeypatch.delenv("LFI_COUNCIL", raising=False)

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


def test_cla001_accounts_are_added_listed_changed_and_disabled(lfi, database_url, councils_dir):
    # the installed command, its password on standard input
    added = subprocess.run(
        [str(LFI), "user", "add", "x@example.org", "--role", "viewer", "--password-stdin"],
        env={**os.environ, "LFI_DATABASE_URL": database_url, "LFI_COUNCILS_DIR": str(councils_dir)},
        input=PASSWORD,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    # in Norfolk, the only council held
    assert added.stdout == "Added x@example.org as viewer in E10000020.\n"
    assert lfi("user", "list").stdout == "x@example.org\tE10000020: viewer\tlocal\tenabled\n"

    changed = lfi("user", "set-role", "x@example.org", "finance officer")
    assert changed.stdout == "x@example.org is now finance officer in E10000020.\n"
    listed = lfi("user", "list").stdout
    assert listed == "x@example.org\tE10000020: finance_officer\tlocal\tenabled\n"
    assert lfi("user", "disable", "x@example.org").stdout == "x@example.org is disabled.\n"
    listed = lfi("user", "list").stdout
    assert listed == "x@example.org\tE10000020: finance_officer\tlocal\tdisabled\n"


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

    # newest first, each by the operating-system user acting in Norfolk, from no address
    assert [(r["action"], r["actor"], r["outcome"], r["address"], r["council"]) for r in rows] == [
        ("account_disable", OS_USER, "ok", None, NORFOLK_CODE),
        ("account_role", OS_USER, "ok", None, NORFOLK_CODE),
        ("account_add", OS_USER, "ok", None, NORFOLK_CODE),
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
    assert audit.stderr == "lfi audit: v@example.org may not read the audit trail in E10000020\n"
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
    assert lfi("user", "list").stdout == "v@example.org\tE10000020: viewer\tlocal\tenabled\n"


def _add(lfi, email: str, role: str, *where: str, as_email: str | None = None):
    who = ("--as", as_email) if as_email else ()
    return lfi(
        *who, "user", "add", email, "--role", role, "--password-stdin", *where, stdin=PASSWORD
    )


def test_cla008_with_all_councils_a_role_is_given_in_every_council(lfi):
    # Given the operating-system user, when they add an admin with --all-councils,
    added = _add(lfi, "root@example.org", "admin", "--all-councils")
    assert added.returncode == 0, added.stderr
    # then the admin is an admin in every council, listed so there and in Norfolk,
    assert added.stdout == "Added root@example.org as admin in every council.\n"
    everywhere = "root@example.org\tevery council: admin\tlocal\tenabled\n"
    assert lfi("user", "list", "--all-councils").stdout == everywhere
    assert lfi("user", "list").stdout == everywhere
    # and may give a role in Norfolk as themselves.
    given = _add(lfi, "x@example.org", "viewer", as_email="root@example.org")
    assert given.stdout == "Added x@example.org as viewer in E10000020.\n"
    (add,) = _trail(lfi, "--action", "account_add", "--actor", "root@")
    assert (add["actor"], add["council"]) == ("root@example.org", NORFOLK_CODE)
    assert json.loads(add["detail"]) == {"council": NORFOLK_CODE, "role": "viewer"}


def test_cla009_set_role_none_takes_the_role_away(lfi):
    _add(lfi, "x@example.org", "programme_lead")
    # When Norfolk's role is taken away,
    taken = lfi("user", "set-role", "x@example.org", "none")
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout == "x@example.org is now without a role in E10000020.\n"
    # then the account is not among Norfolk's, and holds no role anywhere.
    assert lfi("user", "list").stdout == ""
    listed = lfi("user", "list", "--all-councils").stdout
    assert listed == "x@example.org\tno role\tlocal\tenabled\n"


@pytest.fixture
def lfi_two(lfi, two_councils_dir, monkeypatch):
    """lfi, serving Norfolk and Devon."""
    monkeypatch.setenv("LFI_COUNCILS_DIR", str(two_councils_dir))
    return lfi


def test_cla010_a_councils_admin_manages_roles_in_that_council_only(lfi_two):
    lfi = lfi_two
    norfolk, devon = ("--council", NORFOLK_CODE), ("--council", DEVON_CODE)
    assert _add(lfi, "head@example.org", "admin", *norfolk).returncode == 0
    # Given Norfolk's admin, when they give a role in Norfolk, then it is given;
    assert (
        _add(lfi, "x@example.org", "viewer", *norfolk, as_email="head@example.org").returncode == 0
    )
    # in Devon, where they hold no role, they may not,
    refused = _add(lfi, "y@example.org", "viewer", *devon, as_email="head@example.org")
    assert (refused.returncode, refused.stderr) == (
        1,
        "lfi user add: head@example.org may not administer\n",
    )
    # nor in every council, nor read Devon's trail or every council's.
    refused = _add(
        lfi, "y@example.org", "viewer", *norfolk, "--all-councils", as_email="head@example.org"
    )
    assert refused.returncode == 1
    assert lfi("--as", "head@example.org", *devon, "audit").returncode == 1
    assert lfi("--as", "head@example.org", *norfolk, "audit", "--all-councils").returncode == 1
    # Devon lists no account; Norfolk lists both, each with its role there.
    assert lfi("user", "list", *devon).stdout == ""
    assert lfi("user", "list", *norfolk).stdout == (
        "head@example.org\tE10000020: admin\tlocal\tenabled\n"
        "x@example.org\tE10000020: viewer\tlocal\tenabled\n"
    )


def test_cla011_each_council_reads_its_own_trail_and_all_councils_read_every_one(lfi_two):
    lfi = lfi_two
    # Given an account added in each council by the operating-system user,
    _add(lfi, "x@example.org", "viewer", "--council", NORFOLK_CODE)
    _add(lfi, "y@example.org", "viewer", "--council", DEVON_CODE)
    # then each council's trail holds its own addition,
    norfolk = _trail(lfi, "--council", NORFOLK_CODE)
    devon = _trail(lfi, "--council", DEVON_CODE)
    assert [(r["target"], r["council"]) for r in norfolk] == [("x@example.org", NORFOLK_CODE)]
    assert [(r["target"], r["council"]) for r in devon] == [("y@example.org", DEVON_CODE)]
    # and the whole trail both.
    everything = _trail(lfi, "--council", NORFOLK_CODE, "--all-councils")
    assert [r["target"] for r in everything] == ["y@example.org", "x@example.org"]
