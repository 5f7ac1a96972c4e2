"""England and statistical neighbours from the published SEN2 extracts."""

from decimal import Decimal as D

from kpis import comparators

# Plans at the January 2025 census, typed from sen2-caseload-by-primary-need.csv: the fourteen
# statistical neighbours in the file (Norfolk itself left out).
NEIGHBOURS_2025 = [
    7625,
    5422,
    8420,
    8837,
    3873,
    4939,
    20635,
    3041,
    1799,
    4333,
    9848,
    4949,
    5725,
    3016,
]


def test_cmp001_caseload_against_england_and_the_neighbour_average():
    found = comparators.caseload()
    assert found.period == "January 2025"
    assert found.england == D(638745)
    assert found.neighbours == D(sum(NEIGHBOURS_2025)) / len(NEIGHBOURS_2025)  # 6,603.0


def test_cmp002_new_plans_by_calendar_year_and_none_beyond_the_published_years():
    # England issued 53,899 new plans in 2019 (sen2-assessments.csv)
    assert comparators.new_plans(2019).england == D(53899)
    assert comparators.new_plans(2031) is None
