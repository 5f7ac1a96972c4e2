"""The first start: with the demo data asked for, the demo accounts are made and their password
shown once in a box; a production start makes none and says how to add the first administrator."""

import dataclasses
import re

import pytest

import app
from domain.roles import Role, Roles
from services.accounts import count_accounts, find_account
from settings import read_settings
from storage.database import create_database_engine
from tests.councils import NORFOLK_CODE


@pytest.fixture
def settings(monkeypatch, tmp_path, councils_dir):
    """The settings of a start serving Norfolk alone, on a new SQLite database."""
    monkeypatch.setenv("LFI_DATABASE_URL", f"sqlite:///{tmp_path / 'lfi.sqlite3'}")
    monkeypatch.setenv("LFI_COUNCILS_DIR", str(councils_dir))
    monkeypatch.delenv("LFI_COUNCIL", raising=False)
    monkeypatch.delenv("LFI_LOAD_DEMO", raising=False)
    monkeypatch.delenv("LFI_DEBUG", raising=False)
    # serve() sets prometheus_client's folder for gunicorn's workers; set here, it is taken away
    # again after the test, so no later test counts its metrics in a folder of files
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    return read_settings()


def _accounts(settings) -> int:
    engine = create_database_engine(settings.database_url)
    try:
        return count_accounts(engine)
    finally:
        engine.dispose()


def _roles(settings, email: str) -> Roles:
    engine = create_database_engine(settings.database_url)
    try:
        return find_account(engine, email).roles
    finally:
        engine.dispose()


def test_fst001_a_demo_start_shows_the_demo_accounts_and_password_once(settings, capsys):
    demo = dataclasses.replace(settings, load_demo=True)
    councils = app.served_councils(demo)
    assert list(councils) == [NORFOLK_CODE]

    app.prepare_database(demo, councils)
    first = capsys.readouterr().out
    app.prepare_database(demo, councils)
    second = capsys.readouterr().out

    lines = first.splitlines()
    assert lines[0] == lines[-1] and re.fullmatch(r"\+-+\+", lines[0])
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[1:-1])
    assert len({len(line) for line in lines}) == 1
    text = "\n".join(line[2:-2].rstrip() for line in lines[1:-1])
    assert text.splitlines()[:6] == [
        "Demo accounts, one for each role:",
        "",
        "  viewer@demo.example.org   viewer",
        "  finance@demo.example.org  finance officer",
        "  lead@demo.example.org     programme lead",
        "  admin@demo.example.org    admin",
    ]
    assert re.search(r"^Password for all four: [a-z2-9]{4}(-[a-z2-9]{4}){3}$", text, re.M)
    assert _accounts(demo) == 4
    # each role in the demo's council, the admin's in every council
    assert _roles(demo, "viewer@demo.example.org") == Roles(councils={NORFOLK_CODE: Role.VIEWER})
    assert _roles(demo, "lead@demo.example.org") == Roles(
        councils={NORFOLK_CODE: Role.PROGRAMME_LEAD}
    )
    assert _roles(demo, "admin@demo.example.org") == Roles(everywhere=Role.ADMIN)
    # the next start shows nothing: the password is not kept to show again
    assert second == ""


def test_fst002_a_production_start_makes_no_account_and_says_how_to_add_an_admin(
    settings, capsys, monkeypatch
):
    started = []
    monkeypatch.setattr(app.os, "execv", lambda path, argv: started.append(argv))
    monkeypatch.setattr(app.os, "chdir", lambda path: None)

    app.serve()

    out = capsys.readouterr().out
    assert "No one can sign in yet: there are no accounts." in out
    assert "  lfi user add EMAIL --role admin" in out
    assert "Demo accounts" not in out
    assert _accounts(settings) == 0
    assert started and started[0][-1] == "app:wsgi()"
