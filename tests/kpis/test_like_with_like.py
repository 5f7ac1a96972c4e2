"""Like with like: flows against the same term a year earlier, yearly targets against twelve
months, forecasts never taken for outturn, the sign measure 11's label states, no part years.
Every expected value is worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal as D

import pandas as pd

from kpis.measures import compute_measures, forecast_of, headline_of, reported_of
from kpis.returns import Returns, placements_frame
from kpis.wording import status_key
from tests.councils import NORFOLK
from tests.kpis.helpers import paper_plan, position, with_extra_spending

CATALOGUE = NORFOLK.catalogue
TERMS = ["Summer 2024", "Autumn 2024", "Spring 2025", "Summer 2025", "Autumn 2025", "Spring 2026"]


def _by_ref(values, ref):
    return {v.period: v for v in values if v.measure.ref == ref}


def _spend_returns(pounds: list[int]) -> Returns:
    """HNB spend per term on one line, direct only, in pounds."""
    returns = Returns()
    for term, amount in zip(TERMS, pounds, strict=True):
        returns.spend[term] = {"special_schools": (amount * 100, 0)}
        returns.submissions[("hnb", term)] = 1
    return returns


def test_lwl001_a_termly_flow_is_compared_with_the_same_term_a_year_earlier():
    # Summer terms are long and Spring terms short: 500, 400, 300 then 480, 420, 280.
    # Summer 2025 (480) is below Summer 2024 (500): improving, though it is above Spring 2025.
    returns = _spend_returns([500, 400, 300, 480, 420, 280])
    spend = _by_ref(compute_measures(CATALOGUE, None, returns), 12)
    assert (spend["Summer 2025"].direction_of_travel, spend["Summer 2025"].compared_with) == (
        "improving",
        "Summer 2024",
    )
    # Autumn 2025 (420) against Autumn 2024 (400): worse
    assert spend["Autumn 2025"].direction_of_travel == "worsening"
    # Autumn 2024 has no Autumn a year earlier: nothing to compare
    assert spend["Autumn 2024"].direction_of_travel is None


def test_lwl002_a_yearly_target_for_a_flow_is_judged_on_twelve_months():
    # Target £1,300 a year. Spring 2026 closes 2025-26: 480 + 420 + 280 = £1,180, £120 under:
    # green (lower is better). One term alone (£280) would have looked £1,020 under target.
    returns = _spend_returns([500, 400, 300, 480, 420, 280])
    returns.targets[12] = {"2025-26": D(1300), "2024-25": D(1100)}
    returns.target_per[12] = "year"
    spend = _by_ref(compute_measures(CATALOGUE, None, returns), 12)
    spring = spend["Spring 2026"]
    assert spring.extra["judged_value"] == D(1180)
    assert (spring.variance, spring.status) == (D(-120), "green")
    # Summer 2025: 400 + 300 + 480 = 1,180 against 2025-26's 1,300 -> green; Autumn 2024 has no
    # twelve months behind it (Spring 2024 missing), so it is not judged
    assert spend["Summer 2025"].extra["judged_value"] == D(1180)
    assert spend["Autumn 2024"].status == "none"
    # Spring 2025: 500 + 400 + 300 = 1,200 against 2024-25's 1,100: £100 over, 9.1% of the
    # target: amber (5% < 9.1% <= 10%)
    assert (spend["Spring 2025"].variance, spend["Spring 2025"].status) == (D(100), "amber")


def test_lwl003_a_termly_target_for_a_flow_is_judged_on_the_term():
    returns = _spend_returns([500, 400, 300, 480, 420, 280])
    returns.targets[12] = {"2025-26": D(400)}
    returns.target_per[12] = "term"
    spring = _by_ref(compute_measures(CATALOGUE, None, returns), 12)["Spring 2026"]
    assert (spring.variance, spring.status) == (D(-120), "green")


def test_lwl004_measure_11_is_a_forecast_with_a_surplus_positive():
    # The paper's plan with £2.4m more spending in 2026-27 than planned, forecast in Summer 2026
    plan = paper_plan()
    forecast = with_extra_spending(plan, {"2026-27": "2.4"})
    dsg = position(plan, forecast, "Summer 2026")
    returns = Returns(dsg_by_term={"Summer 2026": dsg})
    eleven = _by_ref(compute_measures(CATALOGUE, dsg, returns), 11)["Summer 2026"]
    sixteen = _by_ref(compute_measures(CATALOGUE, dsg, returns), 16)["2026-27"]
    # the same in-year position, with the sign each label states: 16 is deficit (+)/surplus (-),
    # 11 is surplus (+)/deficit (-)
    assert eleven.value == -sixteen.value
    assert eleven.basis == "forecast" and eleven.extra["made_in"] == "Summer 2026"
    assert CATALOGUE.by_ref(11).direction == "higher_is_better"


def test_lwl005_the_headline_is_the_latest_outturn_and_the_forecast_is_beside_it():
    plan = paper_plan()
    dsg = position(plan, with_extra_spending(plan, {"2026-27": "1.0"}), "Summer 2026")
    values = [v for v in compute_measures(CATALOGUE, dsg, Returns()) if v.measure.ref == 18]
    # Summer 2026 falls in 2026-27: 2025-26 has ended (outturn), 2026-27 is the nearest forecast
    assert (headline_of(values).period, headline_of(values).basis) == ("2025-26", "actual")
    assert (forecast_of(values).period, forecast_of(values).basis) == ("2026-27", "forecast")
    assert forecast_of(values).extra["made_in"] == "Summer 2026"
    assert reported_of(values) is headline_of(values)


def _placements(terms: list[str]) -> pd.DataFrame:
    rows = [
        (t, 12.0, None, "independent_special", "ASD", f"P{i}", True, 5_000_000, None, None, None)
        for t in terms
        for i in range(3)
    ]
    frame = placements_frame(rows)
    frame["start"] = pd.to_datetime("2020-01-01")
    return frame


def test_lwl006_a_year_counted_from_part_of_its_terms_is_not_shown():
    # 2025-26 has all three terms (Summer 2025, Autumn 2025, Spring 2026); 2026-27 only Summer 2026
    terms = ["Summer 2025", "Autumn 2025", "Spring 2026", "Summer 2026"]
    returns = Returns(placements=_placements(terms))
    providers = _by_ref(compute_measures(CATALOGUE, None, returns), 40)
    assert set(providers) == {"2025-26"}
    assert providers["2025-26"].value == D(3)


def test_lwl007_a_target_typed_as_measure_11s_label_reads_judges_an_on_plan_council_green():
    # The paper plans a £0.300m in-year deficit in 2026-27. Measure 11's label, "HNB surplus (+)
    # / deficit (-)", writes it -0.300, and so does a finance officer typing its target. A
    # forecast exactly on plan is then on target: green, nil difference.
    plan = paper_plan()
    on_plan = position(plan, plan, "Summer 2026")
    returns = Returns(dsg_by_term={"Summer 2026": on_plan})
    returns.targets[11] = {"2026-27": D("-0.300")}
    eleven = _by_ref(compute_measures(CATALOGUE, on_plan, returns), 11)["Summer 2026"]
    # the plan's lines, each rounded to £0.001m in the paper, add to 0.301: £1,000 off the target
    assert (eleven.value, eleven.variance, eleven.status) == (D("-0.301"), D("-0.001"), "green")
    # £2.4m more spending than planned: -2.700 against -0.300 is £2.4m worse, beyond the £2.0m red
    # threshold
    over = position(plan, with_extra_spending(plan, {"2026-27": "2.4"}), "Summer 2026")
    returns.dsg_by_term = {"Summer 2026": over}
    eleven = _by_ref(compute_measures(CATALOGUE, over, returns), 11)["Summer 2026"]
    assert (eleven.value, eleven.status) == (D("-2.701"), "red")


def test_lwl008_savings_are_read_for_a_term_whose_spend_sheet_was_left_blank():
    # Autumn 2025's HNB return had no spending entered but £40,000 of savings under 16
    returns = Returns(savings={"Autumn 2025": {"under_16": 4_000_000}})
    returns.submissions[("hnb", "Autumn 2025")] = 7
    values = compute_measures(CATALOGUE, None, returns)
    assert _by_ref(values, 23)["Autumn 2025"].value == D(40000)
    assert _by_ref(values, 12)["Autumn 2025"].value is None


def test_lwl009_a_yearly_target_is_shown_with_the_twelve_months_it_was_judged_on():
    from kpis.wording import target_phrase

    returns = _spend_returns([500, 400, 300, 480, 420, 280])
    returns.targets[12] = {"2025-26": D(1300)}
    returns.target_per[12] = "year"
    spring = _by_ref(compute_measures(CATALOGUE, None, returns), 12)["Spring 2026"]
    assert target_phrase(spring) == (
        "£1,300 for the year, against £1,180 in the twelve months to the end of Spring 2026"
    )
    assert target_phrase(spring, short=True) == "£1,300 a year, against £1,180 over 12 months"
    # Autumn 2024 has a target for 2024-25 but no twelve months of terms behind it yet
    returns.targets[12]["2024-25"] = D(1100)
    autumn = _by_ref(compute_measures(CATALOGUE, None, returns), 12)["Autumn 2024"]
    assert status_key(autumn, autumn.measure) == "part_year"
    assert target_phrase(autumn) == (
        "£1,100 for the year (judged once twelve months of terms are loaded)"
    )


def test_lwl010_a_difference_says_better_or_worse_whatever_the_sign_convention():
    from kpis.wording import difference_phrase

    plan = paper_plan()
    over = position(plan, with_extra_spending(plan, {"2026-27": "2.4"}), "Summer 2026")
    returns = Returns(dsg_by_term={"Summer 2026": over})
    returns.targets[11] = {"2026-27": D("-0.301")}
    values = compute_measures(CATALOGUE, over, returns)
    eleven = _by_ref(values, 11)["Summer 2026"]
    sixteen = _by_ref(values, 16)["2026-27"]
    # the same £2.4m overspend: -2.4 on measure 11 (surplus +), +2.4 on measure 16 (deficit +)
    assert (eleven.variance, sixteen.variance) == (D("-2.400"), D("2.400"))
    assert difference_phrase(eleven) == difference_phrase(sixteen) == "£2.400m worse"
    # savings, higher is better: £212,806 above the target is better
    returns = _spend_returns([500, 400, 300, 480, 420, 280])
    returns.savings = {"Spring 2026": {"under_16": 21_280_600}}
    returns.targets[23] = {"2025-26": D("0")}
    savings = _by_ref(compute_measures(CATALOGUE, None, returns), 23)["Spring 2026"]
    assert difference_phrase(savings) == "£212,806 better"


def test_lwl011_a_forecasts_direction_of_travel_is_in_the_future_tense():
    from kpis.wording import travel_phrase

    plan = paper_plan()
    dsg = position(plan, with_extra_spending(plan, {"2026-27": "1.0"}), "Summer 2026")
    values = _by_ref(compute_measures(CATALOGUE, dsg, Returns()), 18)
    # 2026-27 is a forecast: the plan's cumulative balance falls from 67.618 to 56.418, and
    # £1.0m more spending still leaves it lower than 2025-26's outturn
    assert travel_phrase(values["2026-27"]) == "Forecast to improve on 2025-26"
    assert travel_phrase(values["2025-26"]).startswith("Improving against 2024-25")
