"""What the upload preview says storing a file will change, from measure values built by hand:
the figure now (the previous term's for a new term) and after, the change of status, and the
measures still waiting for data."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kpis.measures import MeasureValue
from kpis.preview import preview_upload
from tests.councils import NORFOLK

TITLES = {"ehcp": "EHCP return", "hnb": "High Needs Block return", "dsg": "DSG plan and forecast"}


@pytest.fixture(scope="module")
def catalogue():
    return NORFOLK.catalogue


def value(catalogue, ref, period, number, *, status="none", basis="actual", plan=None):
    return MeasureValue(
        measure=catalogue.by_ref(ref),
        period=period,
        value=None if number is None else D(number),
        basis=basis,
        plan_value=None if plan is None else D(plan),
        variance=None,
        status=status,
        submission_id=None,
    )


def figure(value):
    """What a figure shows: its value, period and basis."""
    return None if value is None else (value.value, value.period, value.basis)


def preview(before, after, *, period="Autumn 2026", family="ehcp", loaded=()):
    return preview_upload(
        before, after, family=family, period=period, loaded=set(loaded), titles=TITLES
    )


def test_prv001_a_new_terms_figure_is_shown_beside_the_previous_terms(catalogue):
    # Given measure 1 has a figure for Summer 2026 and the file brings Autumn 2026
    summer = value(catalogue, 1, "Summer 2026", "12300", status="green", plan="12000")
    autumn = value(catalogue, 1, "Autumn 2026", "12900", status="amber", plan="12000")

    changes = preview([summer], [summer, autumn]).changes

    # Then one change: now is Summer's figure, labelled with its term, after is Autumn's
    assert len(changes) == 1
    change = changes[0]
    assert (change.measure.ref, change.period) == (1, "Autumn 2026")
    assert figure(change.now) == (D("12300"), "Summer 2026", "actual")
    assert figure(change.after) == (D("12900"), "Autumn 2026", "actual")
    assert (change.status_now, change.status_after) == ("green", "amber")
    assert change.status_changes


def test_prv002_a_corrected_figure_is_shown_beside_the_one_it_replaces(catalogue):
    # Given Autumn 2026 and Summer 2026 are stored, and a correction of Autumn 2026
    summer = value(catalogue, 7, "Summer 2026", "320")
    old = value(catalogue, 7, "Autumn 2026", "330")
    new = value(catalogue, 7, "Autumn 2026", "335")

    [change] = preview([summer, old], [summer, new]).changes

    # Then now is the figure for the same term, not the previous term's; no target either way
    assert figure(change.now) == (D("330"), "Autumn 2026", "actual")
    assert change.after.value == D("335")
    assert (change.status_now, change.status_after) == ("no_target", "no_target")
    assert not change.status_changes


def test_prv003_figures_that_stay_the_same_are_not_listed_but_a_changed_status_is(catalogue):
    # Given a file that leaves Summer 2026 as it is, and new targets turn Spring 2026 amber
    summer = value(catalogue, 1, "Summer 2026", "12300", status="green")
    spring_before = value(catalogue, 1, "Spring 2026", "12100", status="green")
    spring_after = value(catalogue, 1, "Spring 2026", "12100", status="amber")

    changes = preview([spring_before, summer], [spring_after, summer]).changes

    assert [(c.period, c.status_now, c.status_after) for c in changes] == [
        ("Spring 2026", "green", "amber")
    ]


def test_prv004_a_measure_with_no_earlier_figure_moves_from_no_figure(catalogue):
    # Given measure 46 has never had a figure, and the file gives one judged red
    summer = value(catalogue, 46, "Summer 2026", None)
    autumn = value(catalogue, 46, "Autumn 2026", "200", status="red", plan="300")

    [change] = preview([summer], [summer, autumn]).changes

    assert change.now is None
    assert (change.status_now, change.status_after) == ("no_figure", "red")
    assert change.status_changes


def test_prv005_a_plan_only_year_shows_its_plan_as_the_figure_now(catalogue):
    # Given 2027-28 has only its plan, and a forecast arrives for it
    planned = value(catalogue, 16, "2027-28", "-11.320", basis="plan", plan="-11.320")
    forecast = value(catalogue, 16, "2027-28", "-10.000", basis="forecast", plan="-11.320")

    [change] = preview([planned], [forecast], family="dsg").changes

    assert figure(change.now) == (D("-11.320"), "2027-28", "plan")
    assert figure(change.after) == (D("-10.000"), "2027-28", "forecast")
    # a plan alone is not a figure to judge
    assert change.status_now == "no_figure"


def test_prv006_a_year_measure_waits_for_all_three_terms(catalogue):
    # Given the EHCP returns for Summer and Autumn 2026 only
    loaded = {("ehcp", "Summer 2026"), ("ehcp", "Autumn 2026")}
    new_plans = value(catalogue, 4, "2026-27", None)

    [waiting] = preview([], [new_plans], loaded=loaded).waiting

    assert (waiting.ref, waiting.period) == (4, "2026-27")
    assert waiting.reason == (
        "needs all three terms of 2026-27: the EHCP return for Spring 2027 is not loaded yet"
    )


def test_prv007_a_change_on_a_year_earlier_waits_for_that_terms_return(catalogue):
    loaded = {("ehcp", "Summer 2026"), ("ehcp", "Autumn 2026")}
    change = value(catalogue, 2, "Autumn 2026", None)

    [waiting] = preview([], [change], loaded=loaded).waiting

    assert (waiting.ref, waiting.period) == (2, "Autumn 2026")
    assert waiting.reason == "needs the EHCP return for Autumn 2025"


def test_prv008_only_measures_the_file_feeds_are_said_to_wait(catalogue):
    # Given an EHCP return, and High Needs Block measures with no figure for its term
    loaded = {("ehcp", "Autumn 2026")}
    caseload = value(catalogue, 1, "Autumn 2026", "12900")
    spend = value(catalogue, 12, "Autumn 2026", None)

    assert preview([], [caseload, spend], loaded=loaded).waiting == ()
    # and a plan alone is for no term: nothing waits
    assert preview([], [spend], family="dsg", period="plan").waiting == ()
