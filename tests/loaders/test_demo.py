"""lfi demo: every family for every term from Autumn 2022, plausible, labelled, loadable."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from loaders.demo import build_demo_workbooks, demo_terms
from storage.models import EhcpFigure, Submission
from storage.periods import Term

LFI = Path(sys.executable).parent / "lfi"


def test_dem001_terms_run_from_autumn_2022_to_the_latest_complete_term():
    # On 22 November 2026 the Autumn term is under way; Summer 2026 ended on 31 August.
    terms = demo_terms(date(2026, 11, 22))
    assert (terms[0], terms[-1], len(terms)) == (Term(2022, "Autumn"), Term(2026, "Summer"), 12)
    # On 1 January 2027 the Autumn 2026 term has ended too.
    assert demo_terms(date(2027, 1, 1))[-1] == Term(2026, "Autumn")


def test_dem002_the_same_day_gives_the_same_workbooks():
    first = build_demo_workbooks(date(2026, 11, 22))
    again = build_demo_workbooks(date(2026, 11, 22))
    assert [name for name, _ in first] == [name for name, _ in again]
    assert len(first) == 36  # three families, twelve terms


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    result = subprocess.run(
        [str(LFI), "demo", "--write", str(folder / "workbooks")],
        env={**os.environ, "LFI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "36 workbooks" in result.stdout
    return url, folder / "workbooks"


def test_dem003_the_demo_is_a_large_county_and_is_labelled_as_demo(demo_database):
    url, _ = demo_database
    engine = create_engine(url)
    with Session(engine) as session:
        assert set(session.scalars(select(Submission.is_demo))) == {True}
        caseloads = session.scalars(
            select(EhcpFigure.count).where(EhcpFigure.item == "ehcp_caseload")
        ).all()
    # Norfolk's census of January 2025 counted 12,147 plans (SEN2); the demo anchors on it.
    assert 12_147 in caseloads
    assert all(8_500 <= count <= 13_500 for count in caseloads), caseloads
    engine.dispose()


def test_dem004_demo_refuses_a_database_that_already_has_data(demo_database):
    url, _ = demo_database
    again = subprocess.run(
        [str(LFI), "demo"],
        env={**os.environ, "LFI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert again.returncode == 1
    assert "loads only into an empty database" in again.stderr


@pytest.mark.parametrize("family", ["dsg", "ehcp", "hnb"])
def test_dem005_each_familys_demo_workbook_loads_with_lfi_load(demo_database, tmp_path, family):
    _, workbooks = demo_database
    path = sorted(workbooks.glob(f"demo-{family}-*.xlsx"))[-1]
    env = {**os.environ, "LFI_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    result = subprocess.run(
        [str(LFI), "load", str(path)],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stored as submission 1" in result.stdout


def test_dem006_the_demo_gives_a_value_for_every_one_of_the_46_measures(demo_database):
    import json

    url, _ = demo_database
    result = subprocess.run(
        [str(LFI), "measures", "--format", "json"],
        env={**os.environ, "LFI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    with_value = {r["ref"] for r in records if r["value"] is not None}
    assert with_value == set(range(1, 47))
    assert any(r["projection"] for r in records) and any(r["england"] for r in records)
