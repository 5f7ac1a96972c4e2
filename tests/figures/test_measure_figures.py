"""A measure's chart, title, summary and sparkline, on series built by hand."""

from decimal import Decimal as D

from figures.measure import (
    build_measure_figure,
    describe_sparkline,
    measure_title,
    sparkline_svg,
    summarise_measure,
)
from kpis.catalogue import load_catalogue
from kpis.measures import MeasureValue

CATALOGUE = load_catalogue()


def value(ref, period, amount, plan=None, status="none", projection=None):
    measure = CATALOGUE.by_ref(ref)
    amount = None if amount is None else D(amount)
    plan = None if plan is None else D(plan)
    return MeasureValue(
        measure=measure,
        period=period,
        value=amount,
        basis="actual",
        plan_value=plan,
        variance=amount - plan if amount is not None and plan is not None else None,
        status=status,
        submission_id=1,
        projection=projection,
    )


CASELOAD = [
    value(1, "Autumn 2024", "12147", plan="11600", status="green"),
    value(1, "Spring 2025", "12344", plan="11600", status="amber"),
]


def test_mfg001_the_title_states_the_latest_figure_against_its_target():
    # 12,344 - 11,600 = 744 above
    assert measure_title(CASELOAD) == "12,344 in Spring 2025, 744 above target"


def test_mfg002_a_percentage_title_speaks_of_points():
    # 13.6% against 14.0%: 0.4 of a percentage point below
    series = [value(9, "Autumn 2024", "0.1356", plan="0.14", status="amber")]
    assert measure_title(series) == "13.6% in Autumn 2024, 0.4 points below target"


def test_mfg003_with_no_target_the_title_compares_with_the_period_before():
    series = [value(44, "Autumn 2024", "0.31"), value(44, "Spring 2025", "0.27")]
    assert measure_title(series) == "0.27 in Spring 2025, down 0.04 on Autumn 2024"
    same = [value(44, "Autumn 2024", "0.271"), value(44, "Spring 2025", "0.269")]
    assert measure_title(same) == "0.27 in Spring 2025, unchanged on Autumn 2024"


def test_mfg004_titles_have_ten_words_or_fewer_even_for_the_longest_figures():
    series = [value(17, "2027-28", "-114226.123", plan="102426.5", status="red")]
    title = measure_title(series)
    assert title == "-£114,226.123m in 2027-28, £216,652.623m below plan"
    assert len(title.split()) <= 10


def test_mfg005_the_summary_is_one_sentence_with_target_start_and_projection():
    projection = {"period": "2028-29", "value": 14172.4, "method": "straight line"}
    series = [*CASELOAD[:-1], value(1, "Spring 2025", "12344", "11600", "amber", projection)]
    assert summarise_measure(series) == (
        "Actual EHCPs was 12,344 in Spring 2025, against a target of 11,600 (at risk), "
        "from 12,147 in Autumn 2024, and on its recent trend would be 14,172 by 2028-29."
    )
    assert summarise_measure([]).endswith("nothing to chart.")


def test_mfg006_the_chart_orders_periods_in_time_and_plots_percentages_as_shown():
    series = [
        value(9, "Autumn 2024", None, plan="0.14"),
        value(9, "Spring 2025", "0.1356", plan="0.14", status="amber"),
    ]
    figure = build_measure_figure(series)
    target, actual = figure.data
    assert list(figure.layout.xaxis.categoryarray) == ["Autumn 2024", "Spring 2025"]
    assert list(target.y) == [14.0, 14.0]
    assert list(actual.x) == ["Spring 2025"] and list(actual.y) == [13.56]
    assert figure.layout.yaxis.ticksuffix == "%"


def test_mfg007_the_sparkline_spans_its_box_from_lowest_to_highest():
    series = [value(44, p, v) for p, v in (("A", "10"), ("B", "20"), ("C", "15"))]
    svg = sparkline_svg(series)
    # 96 x 24 box with 2 px inset: x at 2, 48, 94; the lowest at y 22, the highest at y 2
    assert 'points="2.0,22.0 48.0,2.0 94.0,12.0"' in svg
    assert '<circle cx="94.0" cy="12.0"' in svg
    assert describe_sparkline(series) == "Trend from 10.00 in A to 15.00 in C"
    assert sparkline_svg(series[:1]) == ""
