"""The check page works out what a file would change without writing it (issue 11, point 8): its
figures are laid over the stored ones in memory. Whatever it shows must be what the measures show
once the file is stored, for every family, for a new term and for a correction.

The demo's workbooks up to Summer 2026 are stored; then each family's workbook for Autumn 2026 is
previewed and stored, one after another, and corrections of earlier files likewise."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy.orm import Session

from kpis.measures import compute_measures
from loaders.submissions import check_workbook
from services.demo import build_council_demo
from services.pending import with_pending
from services.sources import read_dsg_position, read_returns
from services.submissions import find_current, store_checked
from storage.database import create_database_engine, upgrade_database, write_session
from tests.councils import NORFOLK, NORFOLK_CODE, NORFOLK_SHAPE

TODAY = date(2027, 1, 10)  # the demo then runs to Autumn 2026
LAST = "2026-autumn"


@pytest.fixture(scope="module")
def catalogue():
    return NORFOLK.catalogue


@pytest.fixture(scope="module")
def workbooks():
    return {
        name: check_workbook(data, file_name=name, shape=NORFOLK_SHAPE, max_bytes=20_000_000)
        for name, data in build_council_demo(NORFOLK, TODAY)
    }


@pytest.fixture(scope="module")
def engine(tmp_path_factory, workbooks):
    engine = create_database_engine(f"sqlite:///{tmp_path_factory.mktemp('overlay') / 'db'}")
    upgrade_database(engine)
    with write_session(engine) as session:
        for name, checked in workbooks.items():
            if LAST not in name:
                store_checked(session, NORFOLK_CODE, checked)
    yield engine
    engine.dispose()


def _shown(values) -> list[str]:
    """What the pages show of each figure: everything but the id of the file it came from.
    Sorted: the measures list a term's DSG figures in the order the files were stored."""
    return sorted(
        repr(row)
        for row in [
            (v.measure.ref, v.period, v.value, v.basis, v.plan_value, v.variance, v.status)
            + (v.direction_of_travel, v.compared_with, v.projection)
            for v in values
        ]
    )


def _preview_then_store(engine, catalogue, checked, reason=None):
    with Session(engine) as session:
        position, returns = read_dsg_position(session, NORFOLK), read_returns(session, NORFOLK)
        replaced = find_current(session, NORFOLK_CODE, checked.family.name, checked.period)
    place = NORFOLK.place
    before = _shown(compute_measures(catalogue, position, returns, place))
    position, returns = with_pending(position, returns, checked, NORFOLK.plan_lines)
    previewed = _shown(compute_measures(catalogue, position, returns, place))
    with write_session(engine) as session:
        outcome = store_checked(session, NORFOLK_CODE, checked, reason=reason)
    assert outcome.stored_id is not None, checked.report.issues
    assert (outcome.superseded is not None) == (replaced is not None)
    with Session(engine) as session:
        stored = _shown(
            compute_measures(
                catalogue,
                read_dsg_position(session, NORFOLK),
                read_returns(session, NORFOLK),
                place,
            )
        )
    assert previewed != before, "the file changes no figure: the test would prove nothing"
    return previewed, stored


@pytest.mark.parametrize("family", ["ehcp", "hnb", "dsg"])
def test_upo001_a_new_terms_preview_is_what_storing_it_shows(engine, catalogue, workbooks, family):
    checked = workbooks[f"demo-{family}-{LAST}.xlsx"]
    previewed, stored = _preview_then_store(engine, catalogue, checked)
    assert previewed == stored


def _corrected(checked, **content):
    """The workbook with some figures changed, as an officer's corrected file would hold them."""
    return dataclasses.replace(
        checked,
        data=b"corrected " + checked.data,
        content=dataclasses.replace(checked.content, **content),
    )


def test_upo002_a_corrected_ehcp_return_previews_as_stored(engine, catalogue, workbooks):
    checked = workbooks["demo-ehcp-2026-summer.xlsx"]
    counts = {**checked.content.counts, "ehcp_caseload": checked.content.counts["ehcp_caseload"]}
    counts["new_plans"] += 40
    counts.pop("permanent_exclusions")  # left blank in the correction
    fixed = _corrected(checked, counts=counts)
    previewed, stored = _preview_then_store(engine, catalogue, fixed, reason="recount")
    assert previewed == stored


def test_upo003_a_corrected_placement_list_previews_as_stored(engine, catalogue, workbooks):
    checked = workbooks["demo-hnb-2026-spring.xlsx"]
    placements = {key: values[::2] for key, values in checked.content.placements.items()}
    savings = {cohort: pence + 100_000 for cohort, pence in checked.content.savings.items()}
    fixed = _corrected(checked, placements=placements, savings=savings)
    previewed, stored = _preview_then_store(engine, catalogue, fixed, reason="half the list")
    assert previewed == stored


def test_upo004_an_earlier_terms_dsg_forecast_corrected_late_previews_as_stored(
    engine, catalogue, workbooks
):
    """Autumn 2026's forecast stays the latest; Summer 2026's changes only that term's figures."""
    checked = workbooks["demo-dsg-2026-summer.xlsx"]
    forecast = {
        line: {year: pence + 50_000_000 for year, pence in years.items()}
        for line, years in checked.content.forecast.items()
    }
    fixed = _corrected(checked, forecast=forecast, targets=None)
    previewed, stored = _preview_then_store(engine, catalogue, fixed, reason="late correction")
    assert previewed == stored
