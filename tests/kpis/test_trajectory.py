"""One test per status colour and per direction, with thresholds written in the test."""

from decimal import Decimal as D

import pytest

from kpis.catalogue import Measure, Thresholds
from kpis.trajectory import describe_thresholds, rag_status


def measure(direction: str, amber: str = "1.0", red: str = "3.0", unit: str = "£m") -> Measure:
    return Measure(
        ref=99,
        paper_ref=99,
        id="m",
        label="m",
        category="DSG",
        workstreams=(),
        schools_forum=False,
        source="s",
        regularity="annual",
        unit=unit,
        direction=direction,
        formula="f",
        thresholds=Thresholds(D(amber), D(red)) if direction != "neutral" else None,
    )


@pytest.mark.parametrize(
    ("value", "plan", "status"),
    [
        ("10.0", "10.0", "green"),  # on plan
        ("8.0", "10.0", "green"),  # better: lower
        ("11.0", "10.0", "green"),  # worse by exactly the amber threshold
        ("11.5", "10.0", "amber"),  # worse by 1.5
        ("13.0", "10.0", "amber"),  # worse by exactly the red threshold
        ("13.1", "10.0", "red"),
    ],  # worse by 3.1
)
def test_tra001_lower_is_better(value, plan, status):
    assert rag_status(value=D(value), plan=D(plan), measure=measure("lower_is_better")) == status


@pytest.mark.parametrize(
    ("value", "plan", "status"),
    [
        ("12.0", "10.0", "green"),  # better: higher
        ("8.5", "10.0", "amber"),  # worse by 1.5
        ("6.0", "10.0", "red"),
    ],  # worse by 4.0
)
def test_tra002_higher_is_better(value, plan, status):
    assert rag_status(value=D(value), plan=D(plan), measure=measure("higher_is_better")) == status


def test_tra003_neutral_measures_and_missing_values_have_no_status():
    assert rag_status(value=D(5), plan=D(1), measure=measure("neutral")) == "none"
    assert rag_status(value=None, plan=D(1), measure=measure("lower_is_better")) == "none"


def test_tra004_a_zero_amber_threshold_makes_any_shortfall_amber():
    strict = measure("higher_is_better", amber="0", red="0.5")
    assert rag_status(value=D("5.499"), plan=D("5.5"), measure=strict) == "amber"
    assert rag_status(value=D("5.5"), plan=D("5.5"), measure=strict) == "green"


def test_tra005_the_rule_is_explained_in_words():
    assert describe_thresholds(measure("lower_is_better")) == (
        "Green when on plan, better, or worse by no more than £1.000m; amber when worse by more "
        "than £1.000m and up to £3.000m; red when worse by more than £3.000m. Worse means higher "
        "than the plan."
    )
    assert describe_thresholds(measure("lower_is_better", "0.005", "0.02", unit="%")).startswith(
        "Green when on plan, better, or worse by no more than 0.5 percentage points;"
    )


@pytest.mark.parametrize(
    ("value", "previous", "direction", "travel"),
    [
        ("90", "100", "lower_is_better", "improving"),
        ("110", "100", "lower_is_better", "worsening"),
        ("110", "100", "higher_is_better", "improving"),
        ("90", "100", "higher_is_better", "worsening"),
        ("100", "100", "lower_is_better", "no change"),
        ("110", "100", "neutral", "not judged"),
    ],
)
def test_tra006_direction_of_travel_against_the_previous_period(value, previous, direction, travel):
    from kpis.trajectory import direction_of_travel

    assert direction_of_travel(D(value), D(previous), direction) == travel


def test_tra007_no_direction_of_travel_without_a_previous_value():
    from kpis.trajectory import direction_of_travel

    assert direction_of_travel(D(5), None, "lower_is_better") is None


def test_tra010_relative_thresholds_are_shares_of_the_plan():
    relative = Measure(
        ref=99,
        paper_ref=99,
        id="m",
        label="m",
        category="EHCP",
        workstreams=(),
        schools_forum=False,
        source="s",
        regularity="termly",
        unit="count",
        direction="lower_is_better",
        computation="count",
        thresholds=Thresholds(D("0.05"), D("0.10"), relative=True),
    )
    # plan 1,000: up to 1,050 green, up to 1,100 amber, beyond red
    assert rag_status(value=D(1050), plan=D(1000), measure=relative) == "green"
    assert rag_status(value=D(1080), plan=D(1000), measure=relative) == "amber"
    assert rag_status(value=D(1101), plan=D(1000), measure=relative) == "red"
