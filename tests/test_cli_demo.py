"""Demo data only when asked, and removable before real figures are loaded (issue 11, point 8):
a production start (the environment's defaults) loads none into an empty database;
`lfi demo --remove` deletes every demo workbook and every figure stored from it, and nothing else."""

import dataclasses
import getpass
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import create_app
from loaders.demo import DemoDataError
from loaders.submissions import check_workbook
from services.demo import remove_demo_data
from services.submissions import store_checked
from storage.database import create_database_engine, write_session
from storage.models import Base
from tests import paper
from tests.test_cli import filled, lfi  # noqa: F401 - fixtures

YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29")


def _rows(database_url: str) -> dict[str, int]:
    """Rows in every table stored from submissions, and the submissions."""
    engine = create_database_engine(database_url)
    try:
        with Session(engine) as session:
            return {
                table.name: session.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
                if table.name == "submissions" or "submission_id" in table.c
            }
    finally:
        engine.dispose()


def test_dem001_a_production_start_loads_no_demo_data(monkeypatch, tmp_path):
    monkeypatch.delenv("LFI_LOAD_DEMO", raising=False)
    url = f"sqlite:///{tmp_path / 'lfi.sqlite3'}"
    monkeypatch.setenv("LFI_DATABASE_URL", url)
    create_app()
    assert set(_rows(url).values()) == {0}


def test_dem002_demo_remove_leaves_an_empty_database(lfi, database_url):  # noqa: F811
    loaded = lfi("demo")
    assert loaded.returncode == 0, loaded.stderr
    stored = _rows(database_url)["submissions"]
    assert stored >= 3 * 12  # a workbook of each family for every term, Autumn 2022 to Summer 2026

    removed = lfi("demo", "--remove")

    assert removed.returncode == 0, removed.stderr
    assert f"Removed the demo data: {stored} workbooks" in removed.stdout
    assert set(_rows(database_url).values()) == {0}
    again = lfi("demo", "--remove")
    assert again.returncode == 0 and "nothing was removed" in again.stdout
    # the load and the removal are in the audit trail, as the operating-system user
    trail = json.loads(lfi("audit", "--format", "json", "--action", "demo").stdout)
    user = f"os:{getpass.getuser()}"
    assert [(r["actor"], r["target"]) for r in trail] == [(user, "remove"), (user, "load")]
    removal, load = (json.loads(r["detail"])["submissions"] for r in trail)
    assert removal == load and len(load) == stored


def test_dem003_a_real_file_loaded_after_the_demo_stays_whole(lfi, filled, database_url):  # noqa: F811
    assert lfi("demo").returncode == 0
    loaded = lfi("load", str(filled))
    assert loaded.returncode == 0, loaded.stderr
    before = _rows(database_url)

    assert lfi("demo", "--remove").returncode == 0

    after = _rows(database_url)
    assert after["submissions"] == 1
    # the paper's plan: 7 years of every line it prints, and its statement
    assert after["dsg_statements"] == 1 and after["submission_files"] == 1
    assert 0 < after["dsg_figures"] < before["dsg_figures"]
    assert after["placements"] == after["ehcp_figures"] == after["hnb_spend"] == 0
    records = json.loads(lfi("measures", "--format", "json").stdout)
    balance = {r["period"]: r for r in records if r["ref"] == 18}
    for year, printed in paper.by_year(paper.CUMULATIVE_BALANCE).items():
        assert abs(balance[year]["value"] - float(printed)) <= 0.005, year


def test_dem004_council_data_corrected_by_demo_data_is_not_left_dangling(
    engine,
    database_url,
    filled,  # noqa: F811
):
    """A council file superseded by a demo file would be left superseded by nothing: refused,
    nothing removed."""
    data = filled.read_bytes()
    real = check_workbook(data, file_name="plan.xlsx", years=YEARS, max_bytes=20_000_000)
    demo = dataclasses.replace(
        real,
        file_name="demo-plan.xlsx",
        data=b"demo " + data,
        content=dataclasses.replace(real.content, opening_balance=real.content.opening_balance + 1),
    )
    with write_session(engine) as session:
        store_checked(session, real)
    with write_session(engine) as session:
        outcome = store_checked(session, demo, reason="demo", is_demo=True)
    assert outcome.stored_id is not None, demo.report.issues
    before = _rows(database_url)

    with pytest.raises(DemoDataError, match="plan.xlsx .council data. was corrected by demo"):
        remove_demo_data(engine)

    assert _rows(database_url) == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM submissions")).scalar() == 2
