"""A measure's chart, title, summary and sparkline, on series built by hand from the catalogue's
measures. Every expected sentence and number is worked out by hand in the comment beside it."""

import json
import math
from decimal import Decimal as D

import plotly.io

from figures.measure import (
    SEASON_NOTE,
    build_measure_figure,
    build_measure_json,
    describe_sparkline,
    measure_title,
    plotted,
    shown,
    sparkline_svg,
    summarise_measure,
    y_axis_title,
)
from kpis.measures import MeasureValue
from tests.councils import NORFOLK

CATALOGUE = NORFOLK.catalogue


def value(ref, period, amount, plan=None, status="none", *, basis="actual", made_in=None, **more):
    measure = CATALOGUE.by_ref(ref)
    amount = None if amount is None else D(amount)
    plan = None if plan is None else D(plan)
    return MeasureValue(
        measure=measure,
        period=period,
        value=amount,
        basis=basis,
        plan_value=plan,
        variance=amount - plan if amount is not None and plan is not None else None,
        status=status,
        submission_id=1,
        extra={"made_in": made_in} if made_in else {},
        **more,
    )


def legend(figure):
    """The traces in the order the legend lists them (by legend rank, then as drawn)."""
    ranked = sorted(enumerate(figure.data), key=lambda it: (it[1].legendrank or 1000, it[0]))
    return [trace for _, trace in ranked]


CASELOAD = [
    value(1, "Autumn 2024", "12147", plan="11600", status="green"),
    value(1, "Spring 2025", "12344", "11600", "amber", compared_with="Autumn 2024"),
]
# Measure 18, the paper's shape: outturn to 2025-26, then the Summer 2026 forecast.
CUMULATIVE = [
    value(18, "2024-25", "70.695", "68.195", "amber"),
    value(18, "2025-26", "72.320", "67.620", "red", compared_with="2024-25",
          direction_of_travel="worsening"),
    value(18, "2026-27", "63.521", "56.421", "red", basis="forecast", made_in="Summer 2026"),
    value(18, "2028-29", "11.803", "0.003", "red", basis="forecast", made_in="Summer 2026"),
]  # fmt: skip
# The Summer terms' requests 452, 516, 512, 501 (2023-2026), at 31 August each year (days 0, 366,
# 731, 1,096): least squares gives 0.0392 a day, 473.770 on the line at Summer 2023, 516.710 at
# Summer 2026 and 545.350 at Summer 2028 (day 1,827).
SUMMER_TREND = {
    "period": "Summer 2028",
    "value": 545.349587,
    "basis": "trend",
    "from_period": "Summer 2026",
    "from_value": 516.710058,
    "first_value": 473.770353,
    "fitted": ["Summer 2023", "Summer 2024", "Summer 2025", "Summer 2026"],
}
REFERRALS = [
    value(6, "Summer 2025", "512"),
    value(6, "Autumn 2025", "471"),
    value(6, "Spring 2026", "418"),
    value(6, "Summer 2026", "501", compared_with="Summer 2025", projection=SUMMER_TREND),
]


def test_mfg001_the_title_leads_with_the_latest_outturn_its_period_and_basis():
    # 12,344 - 11,600 = 744 above
    assert measure_title(CASELOAD) == "12,344 in Spring 2025 (outturn), 744 above target"


def test_mfg002_a_percentage_title_speaks_of_points():
    # 13.6% against 14.0%: 0.4 of a percentage point below
    series = [value(9, "Autumn 2024", "0.1356", plan="0.14", status="amber")]
    assert measure_title(series) == "13.6% in Autumn 2024 (outturn), 0.4 points below target"


def test_mfg003_with_no_target_the_title_names_the_period_it_compares_with():
    series = [value(44, "Autumn 2024", "0.31"), value(44, "Spring 2025", "0.27",
                                                       compared_with="Autumn 2024")]  # fmt: skip
    assert measure_title(series) == "0.27 in Spring 2025 (outturn), down 0.04 on Autumn 2024"
    # a flow is compared with the same term a year earlier (512), never the term before (418)
    assert measure_title(REFERRALS) == "501 in Summer 2026 (outturn), down 11 on Summer 2025"


def test_mfg004_a_dsg_measure_leads_with_its_outturn_and_names_the_forecast_in_the_future():
    # 72.320 - 67.620 = 4.700 worse than plan; the 2028-29 forecast is not the headline
    assert (
        measure_title(CUMULATIVE)
        == "£72.320m deficit in 2025-26 (outturn), £4.700m worse than plan"
    )
    assert summarise_measure(CUMULATIVE) == (
        "Cumulative DSG surplus/deficit - after safety valve funding was £72.320m deficit in "
        "2025-26 (outturn), against a plan of £67.620m deficit (off track), worse than £70.695m "
        "deficit in 2024-25, and is forecast to be £63.521m deficit in 2026-27 (forecast made in "
        "Summer 2026)."
    )


def test_mfg005_a_measure_with_only_forecasts_leads_with_the_latest_and_draws_no_trend():
    series = [
        value(11, "Spring 2026", "-13.125", basis="forecast", made_in="Spring 2026"),
        value(11, "Summer 2026", "-2.701", basis="forecast", made_in="Summer 2026",
              compared_with="Spring 2026", direction_of_travel="improving",
              projection=SUMMER_TREND),
    ]  # fmt: skip
    # -2.701 - -13.125 = 10.424 better: surplus is positive for measure 11
    assert measure_title(series) == (
        "£2.701m deficit in Summer 2026 (forecast made in Summer 2026), "
        "£10.424m better than Spring 2026"
    )
    assert summarise_measure(series) == (
        "HNB surplus (+) / deficit (-) is forecast to be £2.701m deficit in Summer 2026 "
        "(forecast made in Summer 2026), better than £13.125m deficit in Spring 2026."
    )
    names = [trace.name for trace in build_measure_figure(series).data]
    assert names == ["Forecast (each made in the term shown)"]


def test_mfg006_a_trend_is_named_as_a_trend_with_the_terms_it_was_fitted_on():
    assert summarise_measure(REFERRALS) == (
        "EHCP referral rates from schools (requests received in the term) was 501 in Summer "
        "2026 (outturn), down from 512 in Summer 2025; on the trend of the last 4 Summer terms "
        "it would be about 545 by Summer 2028; a trend, not a forecast."
    )
    assert summarise_measure([]).endswith("nothing to chart.")


def test_mfg007_the_chart_sits_on_a_time_axis_and_plots_percentages_as_shown():
    series = [
        value(9, "Autumn 2024", None, plan="0.14"),
        value(9, "Spring 2025", "0.1356", plan="0.14", status="amber"),
    ]
    figure = build_measure_figure(series)
    target, outturn = legend(figure)
    assert figure.layout.xaxis.type == "date"
    # the last days of the Autumn 2024 and Spring 2025 terms
    assert list(target.x) == ["2024-12-31", "2025-03-31"] and list(target.y) == [14.0, 14.0]
    assert list(outturn.x) == ["2025-03-31"] and list(outturn.y) == [13.56]
    assert list(figure.layout.xaxis.ticktext) == ["Autumn<br>2024", "Spring<br>2025"]
    assert figure.layout.yaxis.ticksuffix == "%"
    assert figure.layout.yaxis.title.text == "Per cent"


def test_mfg008_outturn_and_forecast_are_drawn_differently_with_a_marker_between():
    figure = build_measure_figure(CUMULATIVE)
    plan, outturn, forecast = legend(figure)
    assert [plan.name, outturn.name, forecast.name] == [
        "Plan", "Outturn", "Forecast (made in Summer 2026)"]  # fmt: skip
    # drawn forecast, outturn, then the plan on top, so a plan met exactly is not hidden
    assert [t.name for t in figure.data] == [forecast.name, "Outturn", "Plan"]
    assert outturn.line.dash in (None, "solid") and outturn.marker.symbol == "circle"
    assert forecast.line.dash == "longdash" and forecast.marker.symbol == "circle-open"
    assert plan.line.dash == "dash" and plan.marker.symbol == "diamond-open"
    # the forecast joins on from the last outturn (31 March 2026) with no marker there
    assert list(forecast.x) == ["2026-03-31", "2027-03-31", "2029-03-31"]
    assert list(forecast.marker.size) == [0, 10, 10]
    # 2028-29 sits two years after 2026-27, not one step: a real date axis
    assert figure.layout.annotations[0].text == "Outturn to 2025-26 | forecast from 2026-27"
    # halfway between 31 March 2026 and 31 March 2027: 182 days on, 29 September 2026
    assert str(figure.layout.shapes[0].x0) == "2026-09-29"
    assert figure.layout.yaxis.title.text == "£ millions: deficit (+) / surplus (-)"


def test_mfg009_a_termly_flow_draws_one_line_per_season_and_says_why():
    figure = build_measure_figure(REFERRALS)
    names = [t.name for t in legend(figure)]
    assert names == ["Autumn terms", "Spring terms", "Summer terms", "Trend (not a forecast)"]
    autumn, spring, summer, trend = legend(figure)
    # the trend is drawn first, under the terms' lines, so it hides none of their figures
    assert figure.data[0].name == "Trend (not a forecast)"
    assert list(summer.x) == ["2025-08-31", "2026-08-31"] and list(summer.y) == [512, 501]
    colours = {t.line.color for t in (autumn, spring, summer)}
    symbols = {t.marker.symbol for t in (autumn, spring, summer)}
    assert len(colours) == 3 and len(symbols) == 3
    assert SEASON_NOTE in [a.text for a in figure.layout.annotations]
    assert (
        SEASON_NOTE == "Each line joins the same term in successive years: terms differ in length"
    )
    # the fitted line from the first Summer it was fitted on to its value at Summer 2028, dotted,
    # so it reads as the line through those figures and not as a series of its own
    assert list(trend.x) == ["2023-08-31", "2028-08-31"]
    assert list(trend.y) == [473.770353, 545.349587] and trend.line.dash == "dot"


def test_mfg010_many_terms_are_labelled_by_financial_year_so_labels_do_not_overlap():
    terms = [f"{s} {y}" for y in (2023, 2024, 2025, 2026) for s in ("Spring", "Summer", "Autumn")]
    series = [value(1, t, "12000") for t in terms]
    axis = build_measure_figure(series).layout.xaxis
    # Spring 2023 falls in 2022-23, Autumn 2026 in 2026-27: five years, one label each
    assert list(axis.ticktext) == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]
    assert axis.title.text.startswith("Financial year")


def test_mfg011_every_axis_is_titled_in_the_measures_one_unit():
    assert y_axis_title(CATALOGUE.by_ref(11)) == "£ millions: surplus (+) / deficit (-)"
    assert y_axis_title(CATALOGUE.by_ref(16)) == "£ millions: deficit (+) / surplus (-)"
    assert y_axis_title(CATALOGUE.by_ref(6)) == "Requests received in the term"
    assert y_axis_title(CATALOGUE.by_ref(12)) == "£"
    assert y_axis_title(CATALOGUE.by_ref(1)) == "Number"


def test_mfg012_zero_is_never_written_or_plotted_with_a_minus_sign():
    ratio = CATALOGUE.by_ref(44)
    assert shown(D("-0.001"), ratio) == "0.00"
    assert math.copysign(1, plotted(D("-0.000"), "ratio")) == 1.0
    assert figure_has_no_negative_zero(build_measure_figure(CUMULATIVE))


def figure_has_no_negative_zero(figure) -> bool:
    return (
        all(math.copysign(1, y) == 1 for trace in figure.data for y in trace.y if y == 0)
        and figure.layout.yaxis.tickformat == ",~f"
    )


def test_mfg013_the_sparkline_spans_its_box_from_lowest_to_highest():
    series = [value(44, p, v) for p, v in (("A", "10"), ("B", "20"), ("C", "15"))]
    svg = sparkline_svg(series)
    # 96 x 24 box with 2 px inset: x at 2, 48, 94; the lowest at y 22, the highest at y 2
    assert 'points="2.0,22.0 48.0,2.0 94.0,12.0"' in svg
    assert '<circle cx="94.0" cy="12.0"' in svg
    assert describe_sparkline(series) == "From 10.00 in A (outturn) to 15.00 in C (outturn)"
    assert sparkline_svg(series[:1]) == ""


def test_mfg014_a_flows_sparkline_joins_the_latest_figures_season_only():
    # Summer 2025 512 and Summer 2026 501: two points, the Autumn and Spring terms left out
    assert 'points="2.0,2.0 94.0,22.0"' in sparkline_svg(REFERRALS)
    assert describe_sparkline(REFERRALS) == (
        "Summer terms from 512 in Summer 2025 (outturn) to 501 in Summer 2026 (outturn)"
    )


def test_mfg015_a_difference_that_rounds_to_nothing_reads_on_target():
    # measure 44, a ratio shown to two places: 0.249 against 0.25 is 0.001 below, shown 0.00
    ratio = [value(44, "Summer 2026", "0.249", plan="0.25", status="green")]
    assert measure_title(ratio) == "0.25 in Summer 2026 (outturn), on target"
    # measure 9, a percentage to one place: 13.96% against 14.0% is 0.04 points, shown 0.0
    share = [value(9, "Summer 2026", "0.1396", plan="0.14", status="green")]
    assert measure_title(share) == "14.0% in Summer 2026 (outturn), on target"
    above = [value(9, "Summer 2026", "0.14049", plan="0.14", status="green")]
    assert measure_title(above) == "14.0% in Summer 2026 (outturn), on target"
    # 0.05 points above shows as 0.1: a difference, said as one
    assert measure_title([value(9, "Summer 2026", "0.1405", plan="0.14", status="amber")]) == (
        "14.1% in Summer 2026 (outturn), 0.1 points above target"
    )


def test_mfg016_a_balance_within_half_a_thousand_pounds_of_plan_is_on_plan():
    # measure 18 in £m to three places: £67.6204m against £67.620m is £0.0004m, shown £0.000m
    series = [value(18, "2025-26", "67.6204", "67.620", "green")]
    assert measure_title(series) == "£67.620m deficit in 2025-26 (outturn), on plan"


# A count whose line reaches zero on 12 October 2027, within 2027-28 (tests/kpis/test_timeline).
ZERO_TREND = {
    "period": "2027-28",
    "value": 0.0,
    "basis": "trend",
    "from_period": "2025-26",
    "from_value": 383.333333,
    "first_value": 883.333333,
    "fitted": ["2023-24", "2024-25", "2025-26"],
    "zero_date": "2027-10-12",
}
FALLING_TO_ZERO = [
    value(4, "2023-24", "900"),
    value(4, "2024-25", "600"),
    value(4, "2025-26", "400", compared_with="2024-25", projection=ZERO_TREND),
]


def test_mfg017_a_trend_that_reaches_zero_is_drawn_to_zero_and_no_further():
    series = FALLING_TO_ZERO
    trend = legend(build_measure_figure(series))[-1]
    assert list(trend.x) == ["2024-03-31", "2027-10-12"] and list(trend.y) == [883.333333, 0.0]
    assert summarise_measure(series).endswith(
        "on the trend of the last 3 financial years it would reach zero by 2027-28; a trend, "
        "not a forecast."
    )


def test_mfg018_pounds_reaching_a_million_are_charted_in_millions():
    # measure 12, HNB spend in pounds: £67,062,500 in Summer 2026 against £69,866,667 a year
    # earlier; plotted as 67.0625 and 69.866667 on an axis of "£ millions"
    series = [
        value(12, "Summer 2025", "69866667"),
        value(12, "Summer 2026", "67062500", compared_with="Summer 2025"),
    ]
    figure = build_measure_figure(series)
    summer = legend(figure)[0]
    assert list(summer.y) == [69.866667, 67.0625]
    assert list(summer.hovertext) == [
        "£69.867m in Summer 2025 (outturn)", "£67.063m in Summer 2026 (outturn)"]  # fmt: skip
    assert figure.layout.yaxis.title.text == "£ millions"
    # an average cost of a placement stays in pounds
    costs = build_measure_figure([value(36, "Summer 2026", "84374")])
    assert list(costs.data[0].y) == [84374] and costs.layout.yaxis.title.text == "£"


def test_mfg019_the_pages_chart_is_the_figure_plotly_validates_unchanged():
    # The pages draw build_measure_json's plain data, unvalidated, for speed: Plotly must accept
    # every property of it (a misspelt one raises) and change none of it, nor leave out the
    # theme its validated figure would carry, for each shape of chart: a stock with a target, a
    # cumulative balance with forecasts, a termly flow with a trend, pounds in millions, a
    # percentage, a trend that stops at zero, none.
    shapes = {
        "caseload": CASELOAD,
        "cumulative balance": CUMULATIVE,
        "termly flow": REFERRALS,
        "pounds": [value(12, "Summer 2025", "69866667"), value(12, "Summer 2026", "67062500")],
        "percentage": [
            value(9, "Autumn 2024", None, plan="0.14"),
            value(9, "Spring 2025", "0.1356", plan="0.14", status="amber"),
        ],
        "trend to zero": FALLING_TO_ZERO,
        "no figures": [],
    }
    for name, series in shapes.items():
        drawn = json.loads(plotly.io.to_json(build_measure_json(series)))
        validated = build_measure_figure(series)
        assert drawn == json.loads(plotly.io.to_json(validated)), name
        assert drawn["layout"]["template"]["layout"]["font"]["family"].startswith("Arial"), name
