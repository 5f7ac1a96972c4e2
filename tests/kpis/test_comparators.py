"""The council's own SEN2 figure, England's and its statistical neighbours' average, on one basis.

Every expected figure is worked by hand from the files in data/public, as a spreadsheet would:

    council (LA code)          new plans 2024  ceased 2024  plans Jan 2025  (sen2-assessments.csv
    Norfolk (E10000020)                 2,031          665          12,147   assess_issued,
    England (National row)             98,547       44,862         638,745   sen2-ceased-plans.csv
    Norfolk's 2025 neighbours (statistical-neighbours.csv, rank order):       total_ceased,
    Suffolk (E10000029)                 1,782          272           8,837   sen2-caseload-by-
    Cornwall (E06000052)                  938          220           4,949   primary-need.csv
    Devon (E10000008)                   1,399          722           9,848   ehc_plans)
    Derbyshire (E10000007)              1,374          321           7,625
    Northumberland (E06000057)            751          200           3,873
    Kent (E10000016)                    2,695        2,081          20,635
    Somerset (E10000027)                  735          610           5,725
    Lincolnshire (E10000019)            1,301          616           8,420
    Nottinghamshire (E10000024)         1,286          453           5,422
    Medway (E06000035)                    377          173           3,041
"""

import shutil
from dataclasses import replace
from decimal import Decimal as D

import pytest

from kpis import comparators
from kpis.catalogue import COMPARATORS
from kpis.comparators import ComparatorError, compare, public_data, read_public_data
from kpis.measures import compute_measures
from kpis.returns import Returns
from tests import councils

NORFOLK, DEVON = "E10000020", "E10000008"
# (new plans 2024, ceased 2024, plans at January 2025), typed from the files as in the table above
NEIGHBOURS = {
    "E10000029": (1782, 272, 8837),
    "E06000052": (938, 220, 4949),
    "E10000008": (1399, 722, 9848),
    "E10000007": (1374, 321, 7625),
    "E06000057": (751, 200, 3873),
    "E10000016": (2695, 2081, 20635),
    "E10000027": (735, 610, 5725),
    "E10000019": (1301, 616, 8420),
    "E10000024": (1286, 453, 5422),
    "E06000035": (377, 173, 3041),
}


def new_rate(issued, ceased, plans):
    return D(issued) * 1000 / D(plans)


def net_rate(issued, ceased, plans):
    return D(issued - ceased) * 1000 / D(plans)


def test_cmp001_new_plans_per_1000_for_norfolk_england_and_its_ten_neighbours():
    found = compare("new_plans_rate", NORFOLK, "lower_is_better", public_data())
    # Norfolk 2,031 / 12,147 x 1,000 = 167.20; England 98,547 / 638,745 x 1,000 = 154.28
    assert found.council_value == D(2031) * 1000 / D(12147)
    assert round(found.council_value, 2) == D("167.20")
    assert found.england == D(98547) * 1000 / D(638745)
    assert round(found.england, 2) == D("154.28")
    # neighbours: 201.65, 189.53, 142.06, 180.20, 193.91, 130.60, 128.38, 154.51, 237.18, 123.97;
    # their simple average 1,682.00 / 10 = 168.20
    rates = [new_rate(*figures) for figures in NEIGHBOURS.values()]
    assert found.neighbours == sum(rates) / 10
    assert round(found.neighbours, 2) == D("168.20")
    assert found.members == tuple(NEIGHBOURS) and found.missing == ()
    record = found.neighbours_record()
    assert (record["reported"], record["of"], record["model"]) == (10, 10, "2025")
    assert record["member_names"][:3] == ["Suffolk", "Cornwall", "Devon"]
    assert record["period"] == "calendar year 2024; plans maintained at January 2025"
    assert record["unit"] == "per 1,000 plans maintained"


def test_cmp002_net_plans_per_1000_and_as_a_share():
    data = public_data()
    rate = compare("net_plans_rate", NORFOLK, "lower_is_better", data)
    share = compare("net_plans_share", NORFOLK, "lower_is_better", data)
    # Norfolk (2,031 - 665) / 12,147 x 1,000 = 112.46; England (98,547 - 44,862) / 638,745 = 84.05
    assert round(rate.council_value, 2) == D("112.46")
    assert rate.england == D(98547 - 44862) * 1000 / D(638745)
    assert round(rate.england, 2) == D("84.05")
    # neighbours: 170.87, 145.08, 68.74, 138.10, 142.27, 29.76, 21.83, 81.35, 153.63, 67.08;
    # average 1,018.72 / 10 = 101.87
    assert rate.neighbours == sum(net_rate(*f) for f in NEIGHBOURS.values()) / 10
    assert round(rate.neighbours, 2) == D("101.87")
    # the same as a share (a fraction): 0.1125, 0.0840, 0.1019
    assert share.council_value == rate.council_value / 1000
    assert share.neighbours_record()["unit"] == "%"
    assert "transferred in" in share.council_record()["note"]


def test_cmp003_quartile_among_every_english_council_with_which_end_is_better():
    data = public_data()
    # Of the 153 councils reporting, 107 have fewer new plans per 1,000 than Norfolk (167.20):
    # 1 + floor(4 x 107 / 153) = 1 + 2 = quartile 3. Net: 117 below, 1 + floor(468 / 153) = 4.
    new = compare("new_plans_rate", NORFOLK, "lower_is_better", data)
    net = compare("net_plans_rate", NORFOLK, "lower_is_better", data)
    assert new.quartile_record() == {
        "period": "calendar year 2024; plans maintained at January 2025",
        "value": 3,
        "of": 153,
        "better": "lower",
    }
    assert net.quartile == 4
    assert compare("new_plans_rate", NORFOLK, "neutral", data).better is None


@pytest.mark.parametrize(
    ("below", "count", "expected"), [(0, 153, 1), (38, 153, 1), (39, 153, 2), (152, 153, 4)]
)
def test_cmp004_quartile_counts_the_councils_below(below, count, expected):
    # 1 + floor(4 x 38 / 153) = 1 + 0; 1 + floor(4 x 39 / 153) = 1 + 1; 1 + floor(608 / 153) = 4
    others = [D(n) for n in range(count)]
    assert comparators.quartile(D(below), others) == expected


def test_cmp005_another_councils_code_gives_its_own_neighbours_without_itself():
    found = compare("new_plans_rate", DEVON, "lower_is_better", public_data())
    # Devon's 2025 neighbours (statistical-neighbours.csv): East Sussex, Dorset, Norfolk, Kent,
    # Somerset, Suffolk, West Sussex, Derbyshire, Essex, Worcestershire
    assert found.members == (
        "E10000011",
        "E06000059",
        "E10000020",
        "E10000016",
        "E10000027",
        "E10000029",
        "E10000032",
        "E10000007",
        "E10000012",
        "E10000034",
    )
    assert DEVON not in found.members
    # Devon 1,399 / 9,848 x 1,000 = 142.06; 61 of 153 councils below: 1 + floor(244 / 153) = 2
    assert round(found.council_value, 2) == D("142.06")
    assert found.quartile == 2
    assert found.council_record()["name"] == "Devon"


def test_cmp006_a_neighbour_without_a_figure_is_left_out_and_counted(tmp_path):
    source = comparators.PUBLIC_DIR
    for path in source.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    # Devon's 2024 new plans suppressed ("c") in a copy of the file
    assessments = tmp_path / "sen2-assessments.csv"
    lines = assessments.read_text(encoding="utf-8").splitlines()
    devon = next(i for i, line in enumerate(lines) if line.startswith("2024,") and DEVON in line)
    cells = lines[devon].split(",")
    assert cells[13] == "1399"  # assess_issued, the 14th column
    cells[13] = "c"
    lines[devon] = ",".join(cells)
    assessments.write_text("\n".join(lines) + "\n", encoding="utf-8")

    found = compare("new_plans_rate", NORFOLK, "lower_is_better", read_public_data(tmp_path))
    kept = {code: f for code, f in NEIGHBOURS.items() if code != DEVON}
    assert found.members == tuple(kept)
    assert found.missing == (DEVON,)
    # the nine others: (1,682.00 - 142.06) / 9 = 171.10
    assert found.neighbours == sum(new_rate(*f) for f in kept.values()) / 9
    assert round(found.neighbours, 2) == D("171.10")
    record = found.neighbours_record()
    assert (record["reported"], record["of"], record["missing_names"]) == (9, 10, ["Devon"])
    # Devon drops out of the ranking too: 152 councils
    assert found.ranked == 152


def test_cmp007_a_council_without_its_own_figure_has_no_value_and_no_quartile():
    data = public_data()
    issued = {**data.issued[2024], NORFOLK: None}
    found = compare(
        "new_plans_rate", NORFOLK, "lower_is_better", replace(data, issued={2024: issued})
    )
    assert found.council_value is None and found.quartile is None
    assert found.england is not None and len(found.members) == 10


def test_cmp008_an_unknown_code_or_kind_is_refused_naming_it():
    with pytest.raises(ComparatorError, match=r"'926'.*statistical-neighbours\.csv"):
        compare("new_plans_rate", "926", "lower_is_better", public_data())
    with pytest.raises(ComparatorError, match="caseload"):
        compare("caseload", NORFOLK, "lower_is_better", public_data())


def test_cmp009_the_catalogue_names_exactly_the_kinds_computed():
    assert set(comparators.KINDS) == COMPARATORS
    catalogue = councils.NORFOLK.catalogue
    assert {m.ref: m.comparator for m in catalogue.measures if m.comparator} == {
        2: "net_plans_share",
        3: "net_plans_rate",
        4: "new_plans_rate",
    }


def ehcp(caseload, new, ceased):
    return {
        "ehcp_caseload": caseload,
        "new_plans": new,
        "ceased_plans": ceased,
        "movers_in": 0,
        "movers_out": 0,
    }


def test_cmp010_measures_carry_the_comparator_on_their_headline_only():
    returns = Returns()
    terms = ["Spring 2024", "Summer 2024", "Autumn 2024", "Spring 2025"]
    returns.ehcp = {t: ehcp(1000 + 10 * i, 30, 10) for i, t in enumerate(terms)}
    values = compute_measures(councils.NORFOLK.catalogue, None, returns, councils.NORFOLK.place)
    new_plans = [v for v in values if v.measure.ref == 4 and v.value is not None]
    # 2024-25 (Summer 2024 to Spring 2025) is the only complete year: 3 x 30 = 90 new plans
    assert [(v.period, v.value) for v in new_plans] == [("2024-25", D(90))]
    headline = new_plans[0]
    assert headline.england["value"] == pytest.approx(98547 * 1000 / 638745)
    assert headline.comparator_council["la_code"] == NORFOLK
    assert headline.as_record()["quartile"]["value"] == 3
    assert headline.as_record()["neighbours"]["members"] == list(NEIGHBOURS)
    change = [v for v in values if v.measure.ref == 2 and v.england]
    # Spring 2025 (1,030) on Spring 2024 (1,000): the headline, the only figure compared
    assert [v.period for v in change] == ["Spring 2025"]
    assert not any(v.england for v in values if v.measure.ref == 1)
    assert not any(v.england for v in compute_measures(councils.NORFOLK.catalogue, None, returns))


SUFFOLK, CORNWALL = "E10000029", "E06000052"


def test_cmp011_a_council_may_name_its_own_neighbours_and_is_never_its_own():
    found = compare(
        "new_plans_rate",
        NORFOLK,
        "lower_is_better",
        public_data(),
        neighbours=(SUFFOLK, NORFOLK, CORNWALL),
    )
    # Norfolk itself is left out; Suffolk 1,782 / 8,837 x 1,000 = 201.65 and Cornwall 938 /
    # 4,949 x 1,000 = 189.53 average (201.65 + 189.53) / 2 = 195.59
    assert found.members == (SUFFOLK, CORNWALL) and found.missing == ()
    assert (
        found.neighbours == (new_rate(*NEIGHBOURS[SUFFOLK]) + new_rate(*NEIGHBOURS[CORNWALL])) / 2
    )
    assert round(found.neighbours, 2) == D("195.59")
    # the council's own figure, England's and the quartile do not depend on the neighbours
    assert round(found.council_value, 2) == D("167.20") and found.quartile == 3


def test_cmp012_the_neighbours_a_councils_place_names_reach_its_headline():
    returns = Returns()
    terms = ["Summer 2024", "Autumn 2024", "Spring 2025"]
    returns.ehcp = {t: ehcp(1000, 30, 10) for t in terms}
    place = replace(councils.NORFOLK.place, neighbours=(SUFFOLK, CORNWALL))
    values = compute_measures(councils.NORFOLK.catalogue, None, returns, place)
    (headline,) = [v for v in values if v.measure.ref == 4 and v.england]
    record = headline.as_record()["neighbours"]
    assert record["member_names"] == ["Suffolk", "Cornwall"]
    assert record["value"] == pytest.approx(195.5927, abs=1e-4)
