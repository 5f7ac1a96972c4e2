"""What a published output withholds: counts of 1 to 4, and rates and averages built on them."""

from decimal import Decimal as D

from exports.publish import shown, shown_variance, withheld, without_withheld
from exports.tables import measure_table
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from tests.councils import NORFOLK

CATALOGUE = NORFOLK.catalogue


def value(ref, amount, *, base=None, plan=None, basis="actual"):
    amount = D(amount)
    plan = D(plan) if plan else None
    return MeasureValue(
        measure=CATALOGUE.by_ref(ref),
        period="Summer 2026",
        value=amount,
        basis=basis,
        plan_value=plan,
        variance=amount - plan if plan else None,
        status="none",
        submission_id=None,
        extra={"base": base} if base is not None else {},
    )


def test_pub001_small_counts_are_withheld_and_zero_and_five_are_not():
    # measure 45: permanent exclusions, a count
    assert [withheld(value(45, n), 4) for n in ("0", "1", "4", "5")] == [False, True, True, False]
    assert shown(value(45, "3"), 4) == "[c]"
    assert shown(value(45, "5"), 4) == "5"
    # a threshold of 9 withholds 5
    assert withheld(value(45, "5"), 9)


def test_pub002_an_average_on_one_placement_is_withheld_with_its_difference():
    # measure 36: an average cost of placements; one placement's cost is that child's cost
    single = value(36, "84374.23", base=1, plan="80000")
    assert shown(single, 4) == "[c]"
    assert shown_variance(single, 4) == "[c]"
    assert shown(value(36, "84374.23", base=5), 4) == "£84,374"
    # money is not a count of anyone: £3 spent is shown
    assert not withheld(value(12, "3"), 4)


def test_pub003_a_chart_of_a_published_series_leaves_the_withheld_point_out():
    series = [value(45, "63"), value(45, "2")]
    charted = without_withheld(series, 4)
    assert [v.value for v in charted] == [D(63), None]


def test_pub004_a_measure_table_withholds_the_value_and_its_difference():
    rows = (value(36, "84374.23", base=1, plan="80000"), value(36, "62288.51", base=12))
    snapshot = Snapshot(
        version=(2, 2), measures=rows, plan_view=None, submissions=(), by_ref={36: rows}
    )
    table = measure_table(CATALOGUE.by_ref(36), snapshot, threshold=4)
    assert table.rows[0][1] == "[c]" and table.rows[0][4] == "[c]"
    # money to the penny, as exported
    assert table.rows[1][1] == D("62288.51")
    assert any(note.startswith("[c] confidential") for note in table.notes)


def _snapshot(ref, *values):
    rows = tuple(values)
    return Snapshot(
        version=(1, 1), measures=rows, plan_view=None, submissions=(), by_ref={ref: rows}
    )


def _pex(period, amount, projection=None):
    v = value(45, amount)
    return MeasureValue(
        v.measure, period, v.value, "actual", None, None, "none", None, projection=projection
    )


def test_pub005_a_projection_through_a_withheld_figure_is_not_published():
    # [9, 3, 8]: a straight line through them, carried on, would let 3 be worked out
    series = [
        _pex("Autumn 2025", "9"),
        _pex("Spring 2026", "3"),
        _pex("Summer 2026", "8", projection={"period": "2028-29", "value": 5.0}),
    ]
    assert [v.projection for v in without_withheld(series, 4)] == [None, None, None]
    shown_all = [
        _pex("Autumn 2025", "9"),
        _pex("Summer 2026", "8", projection={"period": "2028-29", "value": 5.0}),
    ]
    assert without_withheld(shown_all, 4)[-1].projection["value"] == 5.0


def test_pub007_a_trend_fitted_on_other_terms_than_the_withheld_one_is_published():
    # measure 37's shape: the trend is fitted on Spring terms only, beside a withheld Summer
    spring_trend = {"period": "Spring 2028", "value": 7.0, "fitted": ["Spring 2025", "Spring 2026"]}
    series = [
        _pex("Spring 2025", "9"),
        _pex("Summer 2025", "2"),  # withheld: 1 to 4
        _pex("Spring 2026", "8", projection=spring_trend),
    ]
    published = without_withheld(series, 4)
    assert published[1].value is None
    assert published[2].projection == spring_trend
    # fitted through the withheld term, it goes
    through = {**spring_trend, "fitted": ["Spring 2025", "Summer 2025", "Spring 2026"]}
    series[2] = _pex("Spring 2026", "8", projection=through)
    assert without_withheld(series, 4)[2].projection is None


def test_pub006_a_chart_download_does_not_show_a_withheld_figure():
    from exports.charts import chart

    snapshot = _snapshot(45, _pex("Spring 2026", "63"), _pex("Summer 2026", "3"))
    item = chart("measure-45", snapshot, CATALOGUE, threshold=4)
    plotted = [y for trace in item.figure.data for y in trace.y if y is not None]
    assert plotted == [63.0]
    assert "3 in Summer 2026" not in item.title and " 3 " not in item.summary
    assert item.title == "63 in Spring 2026 (outturn)"


def test_pub007_the_return_withholds_a_small_baseline():
    from datetime import date

    from exports.dfe_return import ReturnRequest, kpi_table
    from kpis.rounds import parse_round

    # no Targets sheet, so the baseline is the first figure held: 2 exclusions in Autumn 2025
    snapshot = _snapshot(45, _pex("Autumn 2025", "2"), _pex("Summer 2026", "63"))
    request = ReturnRequest(
        parse_round("September 2026"),
        snapshot,
        CATALOGUE,
        {},
        4,
        date(2026, 11, 22),
        NORFOLK.profile,
    )
    row = kpi_table(request).rows[44]
    assert row[0] == 45 and row[3] == "Autumn 2025" and row[4] == "[c]"
    # the latest figure, its period and basis: Summer 2026's 63, an outturn
    assert (row[5], row[6], row[7]) == ("Summer 2026", "Outturn", D(63))
