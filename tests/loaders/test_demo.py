"""lfi demo: every family for every term from the demo's first term, plausible, labelled,
loadable; each council's demo in its own plan lines, years and measures (Norfolk's from Autumn
2022; Suffolk's, the second demo council's, from Summer 2024)."""

import io
import os
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from domain.periods import Term
from domain.vocabulary import EHCP_ITEMS
from kpis.council import read_council
from loaders.demo import build_demo_workbooks, demo_terms
from loaders.demo_spec import DemoSpecError, fit_problems, read_demo_spec
from loaders.submissions import check_workbook
from storage.models import EhcpFigure, Submission
from tests.cli import LFI
from tests.councils import COUNCILS_DIR, NORFOLK, NORFOLK_CODE, NORFOLK_SHAPE

NORFOLK_DEMO = read_demo_spec(COUNCILS_DIR / NORFOLK_CODE / "demo")
SUFFOLK_CODE = "E10000029"  # Suffolk County Council, the second demo council
SUFFOLK = read_council(COUNCILS_DIR / SUFFOLK_CODE)
SUFFOLK_DEMO = read_demo_spec(COUNCILS_DIR / SUFFOLK_CODE / "demo")
TODAY = date(2026, 11, 22)  # the Autumn term is under way; Summer 2026 ended on 31 August


def test_dem001_terms_run_from_autumn_2022_to_the_latest_complete_term():
    terms = demo_terms(TODAY, NORFOLK_DEMO.first_term)
    assert (terms[0], terms[-1], len(terms)) == (Term(2022, "Autumn"), Term(2026, "Summer"), 12)
    # On 1 January 2027 the Autumn 2026 term has ended too.
    assert demo_terms(date(2027, 1, 1), NORFOLK_DEMO.first_term)[-1] == Term(2026, "Autumn")


def test_dem002_the_same_day_gives_the_same_workbooks():
    first = build_demo_workbooks(TODAY, NORFOLK_SHAPE, NORFOLK_DEMO)
    again = build_demo_workbooks(TODAY, NORFOLK_SHAPE, NORFOLK_DEMO)
    assert [name for name, _ in first] == [name for name, _ in again]
    assert len(first) == 36  # three families, twelve terms


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    result = subprocess.run(
        [str(LFI), "--council", NORFOLK_CODE, "demo"],
        env={**os.environ, "LFI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # three families for every term from Autumn 2022 to the latest complete term
    terms = demo_terms(date.today(), Term(2022, "Autumn"))
    assert f"{3 * len(terms)} workbooks" in result.stdout
    workbooks = folder / "workbooks"
    workbooks.mkdir()
    for name, data in build_demo_workbooks(date.today(), NORFOLK_SHAPE, NORFOLK_DEMO):
        (workbooks / name).write_bytes(data)
    return url, workbooks


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


def test_dem004_demo_refuses_a_council_that_already_has_data(demo_database):
    url, _ = demo_database
    again = subprocess.run(
        [str(LFI), "--council", NORFOLK_CODE, "demo"],
        env={**os.environ, "LFI_DATABASE_URL": url},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert again.returncode == 1
    assert again.stderr == (
        "Norfolk County Council already has submissions; the demo data loads only into a council "
        "that has none.\n"
    )


@pytest.mark.parametrize("family", ["dsg", "ehcp", "hnb"])
def test_dem005_each_familys_demo_workbook_loads_with_lfi_load(demo_database, tmp_path, family):
    _, workbooks = demo_database
    path = sorted(workbooks.glob(f"demo-{family}-*.xlsx"))[-1]
    env = {**os.environ, "LFI_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    result = subprocess.run(
        [str(LFI), "--council", NORFOLK_CODE, "load", str(path)],
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
        [str(LFI), "--council", NORFOLK_CODE, "measures", "--format", "json"],
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
    catalogue = NORFOLK.catalogue.measures
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
        [str(LFI), "--council", NORFOLK_CODE, "measures", "--format", "json"],
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
    assert len(figures) == len(demo_terms(date.today(), NORFOLK_DEMO.first_term))
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
    # every term has some
    assert len(by_term) == len(demo_terms(date.today(), NORFOLK_DEMO.first_term))
    for _, places, mean_pence, least_pence in by_term:
        # specialist post-16 institutions charge some £30,000-£70,000 a year
        assert places >= 20
        assert 35_000_00 <= mean_pence <= 60_000_00 and least_pence >= 2_000_00


def test_dem011_the_all_hnb_savings_target_is_the_sum_of_its_cohorts():
    targets = NORFOLK_DEMO.targets
    # measure 25 (all HNB) is measures 23 (under 16), 24 (over 16) and 26 (AP) added together
    assert len(targets[25].yearly) == 7
    for year, total in enumerate(targets[25].yearly):
        assert sum(targets[ref].yearly[year] for ref in (23, 24, 26)) == total, year
    # in 2022-23, the first plan year: 1,500,000 + 600,000 + 300,000
    assert targets[25].yearly[0] == 2_400_000


# ---- the second demo council: Suffolk, a differently shaped plan ------------------------------


@pytest.fixture(scope="module")
def suffolk_workbooks() -> dict[str, bytes]:
    return dict(build_demo_workbooks(TODAY, SUFFOLK.shape, SUFFOLK_DEMO))


def _cells(data: bytes) -> list[str]:
    """Every filled cell's text, but for the placement list (the generator's own rows, the same
    for every council but for their number)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [
        str(value)
        for sheet in book.worksheets
        if sheet.title != "Placements"
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def test_dem012_suffolks_demo_runs_from_summer_2024_in_its_own_years():
    # Suffolk's plan runs 2024-25 to 2030-31; its first term is the first of 2024-25
    assert (
        SUFFOLK.plan_years
        == SUFFOLK_DEMO.years
        == (
            "2024-25",
            "2025-26",
            "2026-27",
            "2027-28",
            "2028-29",
            "2029-30",
            "2030-31",
        )
    )
    terms = demo_terms(TODAY, SUFFOLK_DEMO.first_term)
    # Summer 2024, Autumn 2024, Spring 2025, Summer 2025, Autumn 2025, Spring 2026, Summer 2026
    assert (terms[0], terms[-1], len(terms)) == (Term(2024, "Summer"), Term(2026, "Summer"), 7)
    assert fit_problems(SUFFOLK_DEMO, SUFFOLK.shape) == []


def test_dem013_suffolks_demo_workbooks_load_against_suffolks_shape_with_no_errors(
    suffolk_workbooks,
):
    assert len(suffolk_workbooks) == 21  # three families, seven terms
    for name, data in suffolk_workbooks.items():
        result = check_workbook(
            data, file_name=name, shape=SUFFOLK.shape, max_bytes=20_000_000, today=TODAY
        )
        assert result.report.errors == [], (name, [str(i) for i in result.report.errors[:3]])
        assert result.content is not None


def test_dem014_suffolks_plan_clears_its_deficit_in_2029_30(suffolk_workbooks):
    data = suffolk_workbooks["demo-dsg-2024-summer.xlsx"]
    checked = check_workbook(
        data, file_name="plan.xlsx", shape=SUFFOLK.shape, max_bytes=20_000_000, today=TODAY
    )
    plan = checked.content
    derived = SUFFOLK.plan_lines.derive_years(
        plan.plan, opening_balance=plan.opening_balance, years=plan.years
    )
    # worked by hand in the plan file's comment: £48.500m brought forward, then each year's
    # in-year deficit (spending + income) and contributions
    before = ["56.000", "63.400", "68.550", "69.550", "66.100", "58.900", "48.350"]
    after = ["45.250", "41.400", "35.300", "25.050", "10.350", "-1.600", "-12.900"]
    assert plan.opening_balance == 48_500_000_00
    for year, by_hand, with_contributions in zip(plan.years, before, after, strict=True):
        pence = derived[year]
        assert pence.cumulative_before_contributions == Decimal(by_hand) * 100_000_000, year
        assert pence.cumulative_after_contributions == Decimal(with_contributions) * 100_000_000
    cleared = [y for y in plan.years if derived[y].cumulative_after_contributions <= 0]
    assert cleared[0] == "2029-30"  # a year after Norfolk's plan, which clears in 2028-29


def test_dem015_suffolks_files_hold_its_own_labels_and_none_of_norfolks(suffolk_workbooks):
    norfolk_labels = set(NORFOLK.plan_lines.labels)
    plan_sheet = load_workbook(io.BytesIO(suffolk_workbooks["demo-dsg-2025-autumn.xlsx"]))["Plan"]
    first_column = {row[0] for row in plan_sheet.iter_rows(values_only=True) if row[0]}
    assert {"SCC contribution", "High Needs Block grant", "Health contribution"} < first_column
    assert "Suffolk County Council: DSG High Needs Block recovery plan (£m)" in first_column
    for name, data in suffolk_workbooks.items():
        cells = _cells(data)
        assert not norfolk_labels & set(cells), name
        assert not [c for c in cells if "Norfolk" in c or "NCC" in c], name
    spend = _cells(suffolk_workbooks["demo-hnb-2026-summer.xlsx"])
    assert "Mainstream top-up (EHCP)" in spend and "Other high needs" in spend


def test_dem016_suffolks_targets_are_for_its_own_measures_only(suffolk_workbooks):
    book = load_workbook(io.BytesIO(suffolk_workbooks["demo-dsg-2026-summer.xlsx"]))
    rows = list(book["Targets"].iter_rows(min_row=2, values_only=True))
    # 20 measures; 9-14 follow the plan and are left out of the Targets sheet
    assert [row[0] for row in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 18, 19, 20]
    assert all(row[3] is not None for row in rows)  # a baseline for each
    savings = next(row for row in rows if row[0] == 15)
    assert savings[1] == "Savings and mitigation - all HNB" and savings[2] == "year"
    # seven yearly targets, 2024-25 to 2030-31
    assert savings[5:] == (
        1_170_000,
        2_900_000,
        3_600_000,
        4_400_000,
        5_000_000,
        5_400_000,
        5_700_000,
    )


def test_dem017_suffolks_ehcp_returns_start_from_its_own_published_figures(suffolk_workbooks):
    # Suffolk's SEN2 census of January 2025 counted 8,837 plans (E10000029 in the public file);
    # the end of Autumn 2024 is anchored on it
    cells = _cells(suffolk_workbooks["demo-ehcp-2024-autumn.xlsx"])
    label = EHCP_ITEMS["ehcp_caseload"]
    assert cells[cells.index(label) + 1] == "8837"
    # placements scaled to three quarters of the generator's counts, kind by kind: in the first
    # term 675 + 450 + 518 + 34 + 240 + 390 + 90 + 158 (of 900, 600, 690, 45, 320, 520, 120, 210)
    book = load_workbook(io.BytesIO(suffolk_workbooks["demo-hnb-2024-summer.xlsx"]))
    assert book["Placements"].max_row - 1 == 2_555


def test_dem018_norfolks_demo_does_not_fit_suffolks_plan():
    problems = fit_problems(NORFOLK_DEMO, SUFFOLK.shape)
    assert problems[0] == (
        "the demo's plan runs 2022-23 to 2028-29, but the council's runs 2024-25 to 2030-31"
    )
    assert any("no figures for the lines hnb_grant" in p for p in problems)
    assert any("target 46: the council's Targets sheet lists no measure 46" == p for p in problems)


BAD_PLAN = """# a plan with a stray year and a word for a figure
line,2024-25,2025-26
opening_balance,10.000,
hnb_grant,-100.000,lots
special_schools,90.000,95.000
"""

BAD_SPEC = """
history_la_code = "Suffolk"
seed = -1
first_term = "Winter 2024"
renegotiations_from = "2024-25"
placement_scale = 0
colour = "blue"

[plan]
file = "plan.csv"
first_year = "2024-25"
last_year = "2026-27"

[overspend]
line = "independent_special_schools"
full_from = "Autumn 2025"
by_year = { "2031-32" = "1.000" }

[projected]
new_plans = { 2025 = 1700 }
ceased = { 2025 = "many" }

[savings]
under_16 = { base = 1000, spread = 2 }
over_16 = { base = 1000 }

[[target]]
ref = 1
baseline = 10
baseline_period = "2024-25"
yearly = [1, 2]
per = "month"
"""


def test_dem019_a_demo_folder_with_several_problems_lists_each(tmp_path):
    (tmp_path / "demo.toml").write_text(BAD_SPEC, encoding="utf-8")
    (tmp_path / "plan.csv").write_text(BAD_PLAN, encoding="utf-8")

    with pytest.raises(DemoSpecError) as raised:
        read_demo_spec(tmp_path)

    problems = raised.value.problems
    assert raised.value.where == str(tmp_path / "demo.toml")
    for expected in (
        "missing schools",
        "unknown keys ['colour']",
        "history_la_code 'Suffolk' is not a new-style LA code (E and eight digits)",
        "plan.csv: the columns are 2024-25, 2025-26; the plan runs 2024-25, 2025-26, 2026-27",
        "plan.csv: hnb_grant, 2025-26: 'lots' is no number",
        "first_term: 'Winter 2024' is not a school term such as 'Autumn 2024'",
        "overspend: line 'independent_special_schools' is not a line of the plan file",
        "overspend: 2031-32 is not a plan year",
        "placement_scale 0 is not a number above 0",
        "seed: -1 is not a whole number from 0",
        "projected: ceased: 2025: 'many' is not a whole number from 0",
        "savings: no alternative_provision cohort",
        "savings: under_16: spread 2 is not a share below 1",
        "schools: population: None is not a whole number from 1",
        "target 1: yearly must hold one target for each of the 3 plan years",
        "target 1: per 'month' must be 'term' or 'year'",
    ):
        assert expected in problems, (expected, problems)
    assert len(problems) == 16
