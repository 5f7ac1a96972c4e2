"""The overview's filters and sorting, on a snapshot built by hand."""

from decimal import Decimal as D

import dash
import pytest

from domain.actors import Actor
from domain.roles import Role
from kpis.measures import MeasureValue
from kpis.snapshot import Snapshot
from tests.councils import NORFOLK

CATALOGUE = NORFOLK.catalogue
WORKSTREAMS = (1, 2, 3, 4, 5)  # Norfolk's profile: workstreams 1 to 5


@pytest.fixture(scope="module")
def overview():
    # Dash pages register themselves against an app; importing the module needs one.
    dash.Dash(__name__, use_pages=True, pages_folder="")
    import layouts.overview as module

    return module


def judged(ref, amount, plan, status):
    return MeasureValue(
        measure=CATALOGUE.by_ref(ref),
        period="Autumn 2024",
        value=D(amount),
        basis="actual",
        plan_value=D(plan),
        variance=D(amount) - D(plan),
        status=status,
        submission_id=1,
    )


# 1: 10% over a lower-is-better target (red); 9: 0.4 points under a higher-is-better target
# (amber, 3.1% short of it); 44: on target (green); 17: nothing loaded (no status).
SNAPSHOT = Snapshot(
    version=(3, 3),
    measures=(),
    plan_view=None,
    submissions=(),
    by_ref={
        1: (judged(1, "12760", "11600", "red"),),
        9: (judged(9, "0.1356", "0.14", "amber"),),
        44: (judged(44, "0.25", "0.25", "green"),),
    },
)
MEASURES = tuple(CATALOGUE.by_ref(r) for r in (1, 9, 17, 44))
ALL = dict(category="all", workstream="all", status="all", sort="paper")


def refs(overview, **chosen):
    from layouts._shared.viewer import Viewer

    viewer = Viewer(Actor("viewer@example.org", Role.VIEWER), threshold=4)
    return [
        m.ref
        for m in overview.select_measures(SNAPSHOT, MEASURES, viewer=viewer, **{**ALL, **chosen})
    ]


def test_ovr001_no_filter_keeps_the_paper_order(overview):
    assert refs(overview) == [1, 9, 17, 44]


def test_ovr002_each_filter_narrows_the_table(overview):
    assert refs(overview, category="EHCP") == [1, 9]
    assert refs(overview, workstream="3") == [9, 44]
    assert refs(overview, workstream="none") == [17]
    # 17 has no figure loaded: it is counted apart from measures that lack only a target
    assert refs(overview, status="no_figure") == [17]
    assert refs(overview, status="no_target") == []
    assert refs(overview, category="EHCP", status="amber") == [9]


def test_ovr003_sorting_puts_the_worst_first(overview):
    assert refs(overview, sort="status") == [1, 9, 44, 17]
    # 1 is 10% over; 9 is 3.1% short (0.0044 / 0.14); 44 is on target; 17 has no figure
    assert refs(overview, sort="variance") == [1, 9, 44, 17]


def test_ovr004_an_address_with_unknown_choices_shows_everything(overview):
    assert (
        overview._chosen({"status": "purple", "sort": "x", "workstream": "9"}, WORKSTREAMS) == ALL
    )
    assert overview._chosen({"category": "DSG", "sort": "status"}, WORKSTREAMS) == {
        **ALL,
        "category": "DSG",
        "sort": "status",
    }


def test_ovr005_the_workstream_filter_offers_the_councils_own_workstreams(overview):
    # a council whose profile names workstreams 1 and 2 only: 3 is not one of its choices
    assert overview._chosen({"workstream": "3"}, (1, 2))["workstream"] == "all"
    assert overview._chosen({"workstream": "2"}, (1, 2))["workstream"] == "2"
    # a council that names none has only the programme as a whole
    assert overview._chosen({"workstream": "1"}, ())["workstream"] == "all"
    assert overview._chosen({"workstream": "none"}, ())["workstream"] == "none"
