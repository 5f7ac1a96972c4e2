"""Demo data only when asked, and removable before real figures are loaded (issue 11, point 8):
a production start (the environment's defaults) loads none into an empty database;
`lfi demo --remove` deletes every demo workbook and every figure stored from it, and nothing else.
Each council's demo loads into the council alone (issue 12): a second council's beside the
first's, each council's measures its own."""

import dataclasses
import getpass
import json
import shutil
import subprocess
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import create_app
from kpis.council import read_council
from loaders.demo import DemoDataError
from loaders.submissions import check_workbook
from services.demo import has_demo_data, load_demo_data, remove_demo_data
from services.submissions import store_checked
from storage.database import create_database_engine, write_session
from storage.models import Base, Submission
from tests import paper
from tests.cli import lfi_runner
from tests.councils import COUNCILS_DIR, NORFOLK, NORFOLK_CODE, NORFOLK_SHAPE
from tests.test_cli import filled  # noqa: F401 - fixture

SUFFOLK_CODE = "E10000029"  # Suffolk County Council, the second demo council


@pytest.fixture
def lfi(database_url, tmp_path) -> Callable[..., subprocess.CompletedProcess]:
    """The lfi command on the test's database, acting in Norfolk unless --council says another."""
    return lfi_runner(tmp_path, LFI_DATABASE_URL=database_url, LFI_COUNCIL=NORFOLK_CODE)


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


def _submissions_by_council(database_url: str) -> dict[str, int]:
    engine = create_database_engine(database_url)
    try:
        with Session(engine) as session:
            return dict(
                session.execute(
                    select(Submission.council, func.count()).group_by(Submission.council)
                ).all()
            )
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
    real = check_workbook(data, file_name="plan.xlsx", shape=NORFOLK_SHAPE, max_bytes=20_000_000)
    demo = dataclasses.replace(
        real,
        file_name="demo-plan.xlsx",
        data=b"demo " + data,
        content=dataclasses.replace(real.content, opening_balance=real.content.opening_balance + 1),
    )
    with write_session(engine) as session:
        store_checked(session, NORFOLK.la_code, real)
    with write_session(engine) as session:
        outcome = store_checked(session, NORFOLK.la_code, demo, reason="demo", is_demo=True)
    assert outcome.stored_id is not None, demo.report.issues
    before = _rows(database_url)

    with pytest.raises(DemoDataError, match="plan.xlsx .council data. was corrected by demo"):
        remove_demo_data(engine, NORFOLK.la_code)

    assert _rows(database_url) == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM submissions")).scalar() == 2


def _measures(lfi, code: str) -> list[dict]:  # noqa: F811
    result = lfi("--council", code, "measures", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_dem005_a_second_councils_demo_loads_beside_the_first_and_each_has_its_own_measures(
    lfi,  # noqa: F811
    database_url,
):
    assert lfi("--council", NORFOLK_CODE, "demo").returncode == 0
    norfolk_before = _measures(lfi, NORFOLK_CODE)

    loaded = lfi("--council", SUFFOLK_CODE, "demo")

    assert loaded.returncode == 0, loaded.stderr
    # Suffolk's plan runs from 2024-25: its demo starts in Summer 2024, seven terms to Summer
    # 2026 on the tests' clock, three families each
    assert "Loaded Suffolk County Council's demo data" in loaded.stdout
    counts = _submissions_by_council(database_url)
    assert set(counts) == {NORFOLK_CODE, SUFFOLK_CODE}
    assert counts[SUFFOLK_CODE] < counts[NORFOLK_CODE]
    assert f"{counts[SUFFOLK_CODE]} workbooks" in loaded.stdout
    # Norfolk's measures are as they were; Suffolk's are its own 20
    assert _measures(lfi, NORFOLK_CODE) == norfolk_before
    suffolk = _measures(lfi, SUFFOLK_CODE)
    assert {r["ref"] for r in suffolk if r["value"] is not None} == set(range(1, 21))
    assert {r["ref"] for r in norfolk_before if r["value"] is not None} == set(range(1, 47))
    # Suffolk's plan, as its demo folder works it out by hand: the cumulative balance after
    # contributions, 2024-25 to 2030-31, cleared in 2029-30
    balance = [r for r in suffolk if r["ref"] == 11]
    plan = {r["period"]: r["plan_value"] for r in balance}
    by_hand = [45.25, 41.4, 35.3, 25.05, 10.35, -1.6, -12.9]
    assert list(plan) == [
        "2024-25",
        "2025-26",
        "2026-27",
        "2027-28",
        "2028-29",
        "2029-30",
        "2030-31",
    ]
    assert all(abs(plan[y] - v) <= 0.0005 for y, v in zip(plan, by_hand, strict=True)), plan
    # its forecasts spend £9.5m above plan on mainstream top-ups (0.8 + 1.5 + 1.9 + 2.0 + 1.8
    # + 1.5), so the latest forecast clears the deficit a year late: -12.900 + 9.500 in 2030-31
    last = balance[-1]
    assert abs(last["value"] - -3.4) <= 0.0005
    assert last["projection"]["method"] == "the cumulative deficit is cleared in 2030-31"
    # its own plan's years, never Norfolk's
    assert not {r["period"] for r in suffolk} & {"2022-23", "2023-24"}
    # and the comparison with England and neighbours has quartiles for it
    assert any(r["quartile"] for r in suffolk)

    again = lfi("--council", SUFFOLK_CODE, "demo")
    assert again.returncode == 1
    assert "Suffolk County Council already has submissions" in again.stderr
    removed = lfi("--council", SUFFOLK_CODE, "demo", "--remove")
    assert removed.returncode == 0, removed.stderr
    assert _submissions_by_council(database_url) == {NORFOLK_CODE: counts[NORFOLK_CODE]}


def _council_copy(tmp_path, code: str, *, demo_from: str | None):
    """A copy of a shipped council's profile and catalogue, with another council's demo folder
    or none."""
    folder = tmp_path / code
    folder.mkdir()
    for name in ("council.toml", "measures.toml"):
        shutil.copy(COUNCILS_DIR / code / name, folder / name)
    if demo_from is not None:
        shutil.copytree(COUNCILS_DIR / demo_from / "demo", folder / "demo")
    return read_council(folder)


def test_dem006_a_council_without_a_demo_folder_gets_no_demo_data(engine, database_url, tmp_path):
    council = _council_copy(tmp_path, SUFFOLK_CODE, demo_from=None)

    assert not has_demo_data(council)
    assert load_demo_data(engine, council=council, max_bytes=20_000_000) == 0
    assert _rows(database_url)["submissions"] == 0


def test_dem007_a_demo_that_does_not_fit_its_council_is_refused_naming_each_problem(
    engine, database_url, tmp_path
):
    # Suffolk's profile with Norfolk's demo folder: other years, other lines, other measures
    council = _council_copy(tmp_path, SUFFOLK_CODE, demo_from=NORFOLK_CODE)

    with pytest.raises(DemoDataError) as refused:
        load_demo_data(engine, council=council, max_bytes=20_000_000)

    message = str(refused.value)
    assert message.startswith("Suffolk County Council's demo data does not fit its plan")
    assert "the demo's plan runs 2022-23 to 2028-29, but the council's runs 2024-25 to 2030-31" in (
        message
    )
    assert "no figures for the lines hnb_grant" in message
    assert "target 46: the council's Targets sheet lists no measure 46" in message
    assert _rows(database_url)["submissions"] == 0
