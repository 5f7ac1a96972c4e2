"""lfi demo: every family for every term from Autumn 2022, plausible, labelled, loadable."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from domain.periods import Term
from loaders.demo import build_demo_workbooks, demo_terms
from storage.models import EhcpFigure, Submission

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


def _latest_dsg(session) -> int:
    from storage.models import DsgStatement

    return session.scalar(select(func.max(DsgStatement.submission_id)))


def test_dem007_every_measure_with_a_direction_has_a_baseline_and_a_target_for_every_year(
    demo_database,
):
    from kpis.catalogue import load_catalogue
    from storage.models import MeasureTarget

    url, _ = demo_database
    engine = create_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(MeasureTarget.ref, MeasureTarget.year, MeasureTarget.per).where(
                MeasureTarget.submission_id == _latest_dsg(session)
            )
        ).all()
    engine.dispose()
    years = {ref: {year for r, year, _ in rows if r == ref} for ref, _, _ in rows}
    catalogue = load_catalogue().measures
    directed = {m.ref for m in catalogue if m.direction != "neutral" and not 16 <= m.ref <= 22}
    # a baseline (year None) and every plan year, 2022-23 to 2028-29
    every_year = {None, "2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29"}
    assert set(years) == directed
    assert all(years[ref] == every_year for ref in directed)
    # termly flows that add up over a year (requests, spending, savings, exclusions) are set for
    # the year and judged on twelve months; averages of placements starting or ending (36-38)
    # are set per term; every other measure is set for the year
    flows = {m.ref for m in catalogue if m.grain == "term" and m.nature == "flow"}
    assert {ref for ref, _, per in rows if per == "term"} == {36, 37, 38}
    assert {36, 37, 38} < flows
    assert {ref for ref, _, per in rows if per == "year"} == directed - {36, 37, 38}


def test_dem008_the_latest_figures_show_mostly_green_some_amber_and_a_few_red(demo_database):
    import json
    from collections import Counter

    url, _ = demo_database
    result = subprocess.run(
        [str(LFI), "measures", "--format", "json"],
        env={**os.environ, "LFI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    records = [r for r in json.loads(result.stdout) if r["basis"] != "plan"]
    latest = {}
    for record in records:  # in period order within each measure
        if record["value"] is not None:
            latest[record["ref"]] = record["status"]
    statuses = Counter(status for ref, status in latest.items() if not 16 <= ref <= 22)
    # 37 measures other than 16-22 have a direction; each now has a target to be judged by
    assert sum(statuses[s] for s in ("green", "amber", "red")) >= 35
    assert statuses["green"] > 2 * (statuses["amber"] + statuses["red"])
    assert statuses["amber"] >= 2 and statuses["red"] >= 2


def test_dem009_pupils_with_a_plan_are_a_share_of_plans_and_of_pupils_on_roll(demo_database):
    url, _ = demo_database
    engine = create_engine(url)
    with Session(engine) as session:
        figures: dict[int, dict[str, int]] = {}
        for sid, item, count in session.execute(
            select(EhcpFigure.submission_id, EhcpFigure.item, EhcpFigure.count)
        ):
            figures.setdefault(sid, {})[item] = count
    engine.dispose()
    assert len(figures) == len(demo_terms(date.today()))
    for counts in figures.values():
        # plans cover ages 0-25; those held by pupils in the county's schools are some 40-45%
        # of them, and some 3-5% of the pupils on roll
        with_plan = counts["pupils_with_ehcp"]
        assert 0.40 <= with_plan / counts["ehcp_caseload"] <= 0.45
        assert 0.03 <= with_plan / counts["school_population"] <= 0.05


def test_dem010_there_are_in_county_specialist_post_16_places_at_plausible_costs(demo_database):
    from storage.models import Placement

    url, _ = demo_database
    engine = create_engine(url)
    with Session(engine) as session:
        by_term = session.execute(
            select(
                Placement.submission_id,
                func.count(),
                func.avg(Placement.annual_cost_pence),
                func.min(Placement.annual_cost_pence),
            )
            .where(
                Placement.provision_type == "specialist_post16",
                Placement.in_county.is_(True),
                Placement.age >= 16,
            )
            .group_by(Placement.submission_id)
        ).all()
    engine.dispose()
    assert len(by_term) == len(demo_terms(date.today()))  # every term has some
    for _, places, mean_pence, least_pence in by_term:
        # specialist post-16 institutions charge some £30,000-£70,000 a year
        assert places >= 20
        assert 35_000_00 <= mean_pence <= 60_000_00 and least_pence >= 2_000_00


def test_dem011_the_all_hnb_savings_target_is_the_sum_of_its_cohorts():
    from loaders.demo import DEMO_TARGETS

    # measure 25 (all HNB) is measures 23 (under 16), 24 (over 16) and 26 (AP) added together
    years = [key for key in DEMO_TARGETS[25] if key[:2] == "20"]
    assert len(years) == 7
    for year in years:
        parts = sum(DEMO_TARGETS[ref][year] for ref in (23, 24, 26))
        assert parts == DEMO_TARGETS[25][year], year
