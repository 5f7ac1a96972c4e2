"""What a published output withholds: counts of 1 to 4, and rates and averages built on them."""

from decimal import Decimal as D

from exports.publish import shown, shown_variance, withheld, without_withheld
from exports.tables import measure_table
from kpis.catalogue import load_catalogue
from kpis.measures import MeasureValue
from kpis.service import Snapshot

CATALOGUE = load_catalogue()


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
