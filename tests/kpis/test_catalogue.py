import csv
from pathlib import Path

import pytest

from kpis.catalogue import CatalogueError, load_catalogue, parse_catalogue, stated_sign
from kpis.formulas import FORMULAS, TERM_FORMULAS
from kpis.specs import (
    EhcpCount,
    EhcpRatio,
    EhcpSum,
    MeasureChange,
    PlacementAverage,
    PlacementCount,
    PlacementFilter,
    PlacementRatio,
    SavingsSum,
    SpendSum,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "fixtures" / "source" / "kpi-catalogue.csv"
NORFOLK = ROOT / "councils" / "E10000020" / "measures.toml"
WORKSTREAMS = range(1, 6)  # Norfolk's five workstreams
# From the Schools Forum paper (17 May 2023, item 3): its appendix lists 46 measures, and 15 of
# them (the first list's lines 8-17 and 33-37) go to every Schools Forum.
PAPER_MEASURES = 46
PAPER_SCHOOLS_FORUM = 15


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(NORFOLK, workstreams=WORKSTREAMS)


@pytest.fixture(scope="module")
def source_rows():
    with SOURCE.open(encoding="utf-8") as handle:
        return {int(row["ref"]): row for row in csv.DictReader(handle)}


def test_cat001_all_46_measures_are_declared_once(catalogue):
    assert [m.ref for m in catalogue.measures] == list(range(1, PAPER_MEASURES + 1))
    assert len({m.id for m in catalogue.measures}) == PAPER_MEASURES
    assert len(catalogue.schools_forum_subset) == PAPER_SCHOOLS_FORUM


def test_cat002_every_entry_carries_the_papers_metadata(catalogue, source_rows):
    for measure in catalogue.measures:
        row = source_rows[measure.ref]
        assert measure.paper_ref == int(row["paper_ref"]), measure.ref
        assert measure.category == row["category"], measure.ref
        assert list(measure.workstreams) == [int(w) for w in row["workstreams"].split(";") if w]
        assert measure.schools_forum == (row["schools_forum_subset"] == "yes"), measure.ref


def test_cat003_the_schools_forum_subset_is_the_papers_lines_8_to_17_and_33_to_37(catalogue):
    subset = sorted(m.paper_ref for m in catalogue.measures if m.schools_forum)
    assert subset == [*range(8, 18), *range(33, 38)]


def test_cat004_every_measure_is_computed_and_fully_defined(catalogue):
    assert [m.ref for m in catalogue.computed] == list(range(1, 47))
    for m in catalogue.measures:
        for text in (m.definition, m.numerator, m.population, m.period, m.caveats):
            assert text and len(text) > 3, m.ref
        assert m.unit and m.direction and m.grain and m.display, m.ref
        if m.computation == "derived":
            assert m.formula in FORMULAS or m.formula in TERM_FORMULAS, m.ref
        else:
            assert m.spec is not None, m.ref
        if m.computation in ("ratio", "average", "change"):
            assert m.denominator, m.ref
        assert (m.thresholds is None) == (m.direction == "neutral"), m.ref


def test_cat005_the_readings_chosen_for_ambiguous_names_are_written_down(catalogue):
    # "referral rates" could be a count per term or a rate per 10,000 children
    assert "count per term is used" in catalogue.by_ref(6).caveats
    assert (
        catalogue.by_ref(6).unit == catalogue.by_ref(7).unit == catalogue.by_ref(8).unit == "count"
    )
    # "% change" could be against the previous term or the same term a year earlier
    assert "same term a year earlier" in catalogue.by_ref(2).caveats


def _entry(ref: int, **changes) -> dict:
    entry = {
        "ref": ref,
        "paper_ref": ref,
        "id": f"measure_{ref}",
        "label": f"Measure {ref}",
        "category": "EHCP",
        "workstreams": [1],
        "schools_forum": ref <= 15,
        "source": "manual",
        "regularity": "termly",
        "grain": "term",
        "nature": "snapshot",
        "unit": "count",
        "display": "count",
        "direction": "lower_is_better",
        "computation": "count",
        "inputs": {"source": "ehcp", "item": "ehcp_caseload"},
        "numerator": "plans",
        "population": "all",
        "period": "the term",
        "definition": "Plans.",
        "caveats": "None.",
        "status": {"amber_beyond": "5%", "red_beyond": "10%"},
    }
    entry.update(changes)
    return entry


def test_cat006_every_problem_in_a_broken_catalogue_is_listed_with_its_entry():
    entries = [_entry(ref) for ref in range(1, 47)]
    entries[1] = _entry(2, regularity="weekly")
    entries[4] = _entry(
        5,
        computation="derived",
        formula="no_such_function",
        unit="furlongs",
        status={"amber_beyond": "2", "red_beyond": "1"},
    )
    del entries[4]["inputs"]
    entries[6] = _entry(
        7,
        computation="ratio",
        direction="neutral",
        inputs={"source": "ehcp", "numerator": "sen_support", "denominator": "school_population"},
    )
    entries[9]["id"] = "measure_1"
    del entries[20]  # a lost measure: 45 entries, numbered 1-20 and 22-46
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(entries, formulas=FORMULAS, workstreams=WORKSTREAMS)
    assert raised.value.problems == [
        "measure 2 (measure_2): regularity 'weekly' is not one of ['annual', 'termly', 'unknown']",
        "measure 5 (measure_5): unit 'furlongs' is not one of ['%', 'count', 'ratio', '£', '£m']",
        "measure 5 (measure_5): formula 'no_such_function' has no function in kpis/formulas.py",
        "measure 5 (measure_5): status needs 0 <= amber_beyond <= red_beyond",
        "measure 7 (measure_7): a ratio measure needs a denominator",
        "measure 7 (measure_7): a neutral measure has no status thresholds",
        "catalogue: measure 21 appears 0 times",
        "catalogue: refs outside 1-45: [46]",
        "catalogue: id 'measure_1' is used more than once",
    ]


def test_cat010_a_label_that_states_a_sign_must_match_the_stored_sign():
    # "HNB surplus (+) / deficit (-)" says a surplus is positive; storing it the other way round
    # (as the first release did) is a catalogue error
    entries = [_entry(ref) for ref in range(1, 47)]
    entries[10] = _entry(
        11,
        label="HNB surplus (+) / deficit (-)",
        unit="£m",
        display="money_m_3dp",
        sign="deficit_positive",
    )
    entries[15] = _entry(16, label="In Year DSG surplus/deficit", unit="£m", display="money_m_3dp")
    entries[2] = _entry(3, nature="weekly")
    del entries[3]["nature"]
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(entries, formulas=FORMULAS, workstreams=WORKSTREAMS)
    assert raised.value.problems == [
        "measure 3 (measure_3): nature 'weekly' is not one of ['flow', 'snapshot']",
        "measure 4 (measure_4): a termly measure says whether it is a flow or a snapshot",
        "measure 11 (measure_11): the label states a surplus is positive (+), a deficit negative "
        "(-); sign must be 'surplus_positive'",
        "measure 16 (measure_16): a surplus or deficit in £m says which sign is a deficit (sign)",
    ]


def test_cat011_every_sign_the_catalogues_labels_state_is_the_sign_stored(catalogue):
    for measure in catalogue.measures:
        stated = stated_sign(measure.label)
        if stated:
            assert measure.sign == stated, measure.ref
    assert catalogue.by_ref(11).sign == "surplus_positive"
    assert {catalogue.by_ref(r).sign for r in (16, 17, 18)} == {"deficit_positive"}


# The names the returns use, as the problems list them (sorted).
EHCP_NAMES = (
    "['ceased_plans', 'ehcp_caseload', 'movers_in', 'movers_out', 'new_plans', "
    "'permanent_exclusions', 'pupils_with_ehcp', 'requests_parents', 'requests_professionals', "
    "'requests_schools', 'school_based_ap', 'school_population', 'sen_support']"
)
PROVISION_NAMES = (
    "['academy_special', 'alternative_provision', 'fe_college', 'independent_special', "
    "'mainstream', 'maintained_special', 'non_maintained_special', 'other', 'specialist_post16', "
    "'srb']"
)
NEED_NAMES = (
    "['ASD', 'HI', 'MLD', 'MSI', 'NSA', 'OTH', 'PD', 'PMLD', 'SEMH', 'SLCN', 'SLD', 'SPLD', 'VI']"
)
FILTER_FIELDS = "['age', 'county', 'has', 'need', 'provision']"


def _problems(entries: list[dict]) -> list[str]:
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(entries, formulas=[*FORMULAS, *TERM_FORMULAS], workstreams=WORKSTREAMS)
    return raised.value.problems


def _change(ref: int, of: str) -> dict:
    return _entry(
        ref,
        computation="change",
        unit="%",
        display="percent_1dp",
        denominator="the figure a year earlier",
        inputs={"source": "measure", "of": of, "against": "same term a year earlier"},
    )


def _average(ref: int, **inputs) -> dict:
    return _entry(
        ref,
        computation="average",
        unit="£",
        display="money_0dp",
        denominator="placements",
        inputs={"source": "placements", "field": "annual_cost", **inputs},
    )


def test_cat012_an_input_the_computation_does_not_read_is_reported_with_its_entry():
    # given a count that also lists items, and a placement filter with a field filters lack
    entries = [
        _entry(1),
        _entry(2, inputs={"source": "ehcp", "item": "new_plans", "items": ["new_plans"]}),
        _entry(
            3,
            computation="ratio",
            denominator="all placements",
            inputs={
                "source": "placements",
                "numerator": {"provision": ["independent_special"], "kind": "day"},
                "denominator": {},
            },
        ),
    ]
    # then each unknown field is named with its entry and what the computation reads
    assert _problems(entries) == [
        "measure 2 (measure_2): inputs.items is not read by a count from the EHCP return, "
        "which reads ['item', 'source']",
        "measure 3 (measure_3): inputs.numerator.kind is not read by a placement filter, "
        f"which reads {FILTER_FIELDS}",
    ]


def test_cat013_an_input_of_the_wrong_type_is_reported_with_its_entry():
    entries = [
        _entry(1, inputs={"source": "ehcp", "item": 3}),
        _entry(2, computation="sum", inputs={"source": "spend", "columns": "direct"}),
        _entry(
            3,
            grain="financial_year",
            inputs={"source": "placements", "distinct": "provider", "more_than": "1"},
        ),
        _average(4, age=[18, 2]),
        _entry(
            5,
            computation="ratio",
            denominator="all placements",
            inputs={
                "source": "placements",
                "numerator": ["independent_special"],
                "denominator": {},
            },
        ),
        _entry(6, label=6, schools_forum="yes"),
    ]
    assert _problems(entries) == [
        "measure 1 (measure_1): inputs.item must be a name in quotes, not 3",
        "measure 2 (measure_2): inputs.columns must be a list of one or more names in quotes, "
        "not 'direct'",
        "measure 3 (measure_3): inputs.more_than must be a whole number, 0 or more, not '1'",
        "measure 4 (measure_4): inputs.age must be one of ['under_16', '16_and_over'] or "
        "[youngest, oldest] in whole years, not [18, 2]",
        "measure 5 (measure_5): inputs.numerator must be a table such as { provision = [...] }, "
        "not ['independent_special']",
        "measure 6 (measure_6): label must be text in quotes, not 6",
        "measure 6 (measure_6): schools_forum must be true or false, not 'yes'",
    ]


def test_cat014_an_item_or_cohort_that_names_nothing_is_an_error_not_a_missing_figure():
    entries = [
        _entry(1, inputs={"source": "ehcp", "item": "ehcp_caseloda"}),
        _entry(
            2,
            computation="sum",
            grain="financial_year",
            inputs={"source": "ehcp", "items": ["new_plans"], "less": ["ceased_plan"]},
        ),
        _entry(
            3, computation="sum", inputs={"source": "savings", "cohorts": ["under_16", "over_18"]}
        ),
        _entry(
            4,
            computation="ratio",
            denominator="pupils",
            inputs={"source": "ehcp", "numerator": "sen_support", "denominator": "pupils"},
        ),
    ]
    assert _problems(entries) == [
        f"measure 1 (measure_1): inputs.item 'ehcp_caseloda' is not one of {EHCP_NAMES}",
        f"measure 2 (measure_2): inputs.less 'ceased_plan' is not one of {EHCP_NAMES}",
        "measure 3 (measure_3): inputs.cohorts 'over_18' is not one of "
        "['alternative_provision', 'over_16', 'under_16']",
        f"measure 4 (measure_4): inputs.denominator 'pupils' is not one of {EHCP_NAMES}",
    ]


def test_cat015_a_change_must_name_an_earlier_termly_measure_of_the_catalogue():
    entries = [
        _entry(1),
        _change(2, of="measure_9"),  # no measure has that id
        _change(3, of="measure_4"),  # computed after measure 3
        _entry(4),
        _entry(
            5,
            computation="sum",
            grain="financial_year",
            inputs={"source": "ehcp", "items": ["new_plans"]},
        ),
        _change(6, of="measure_5"),  # a financial-year figure has no terms to compare
        _change(7, of="measure_7"),
    ]
    assert _problems(entries) == [
        "measure 2 (measure_2): inputs.of 'measure_9' names no measure in the catalogue",
        "measure 3 (measure_3): inputs.of 'measure_4' is measure 4, after this one; measures "
        "are computed in order, so the base must come first",
        "measure 6 (measure_6): inputs.of 'measure_5' is given by financial_year; a change "
        "compares a term with the same term a year earlier",
        "measure 7 (measure_7): inputs.of names the measure itself",
    ]


def test_cat016_a_placement_filter_value_the_placement_list_does_not_use_is_an_error():
    entries = [
        _average(
            1,
            provision=["independent"],
            need=["SEMH", "ADHD"],
            county="inside",
            flow="started",
            has="saving",
        ),
        _entry(2, grain="financial_year", inputs={"source": "placements", "distinct": "providers"}),
        _average(3, field="cost"),
    ]
    assert _problems(entries) == [
        "measure 1 (measure_1): inputs.flow 'started' is not one of ['active', 'ceased', 'new']",
        "measure 1 (measure_1): inputs.county 'inside' is not one of ['in', 'out']",
        f"measure 1 (measure_1): inputs.provision 'independent' is not one of {PROVISION_NAMES}",
        f"measure 1 (measure_1): inputs.need 'ADHD' is not one of {NEED_NAMES}",
        "measure 1 (measure_1): inputs.has 'saving' is not one of "
        "['annual_cost', 'renegotiation_saving']",
        "measure 2 (measure_2): inputs.distinct 'providers' is not one of "
        "['need', 'provider', 'provision']",
        "measure 3 (measure_3): inputs.field 'cost' is not one of "
        "['annual_cost', 'renegotiation_saving']",
    ]


def test_cat017_a_spend_column_the_hnb_return_does_not_have_is_an_error():
    entries = [
        _entry(
            1,
            id="spend_total",
            computation="sum",
            unit="£m",
            display="money_m_3dp",
            inputs={"source": "spend", "columns": ["direkt", "direct", "direct"]},
        )
    ]
    assert _problems(entries) == [
        "measure 1 (spend_total): inputs.columns 'direkt' is not one of ['central', 'direct']",
        "measure 1 (spend_total): inputs.columns names 'direct' more than once",
    ]


def test_cat018_inputs_must_suit_the_kind_of_computation_and_the_measures_grain():
    entries = [
        _entry(1, computation="sum", grain="financial_year", inputs={"source": "placements"}),
        _entry(2, computation="sum", inputs={"source": "ehcp", "items": ["new_plans"]}),
        _entry(3, grain="financial_year", inputs={"source": "placements"}),
        _entry(4, inputs={"source": "placements", "distinct": "provider", "more_than": 1}),
        _entry(5, inputs={"source": "placements", "more_than": 1}),
        _entry(6, computation="derived", formula="dsg_block_transfer"),
        _entry(7, formula="dsg_block_transfer"),
        _entry(8),
        _entry(9, computation="sum", grain="financial_year", inputs={"source": "ehcp"}),
    ]
    entries.append(_change(10, of="measure_8"))
    entries[9]["inputs"]["against"] = "the previous term"
    del entries[7]["inputs"]
    assert _problems(entries) == [
        "measure 1 (measure_1): inputs.source 'placements' is not one of "
        "['ehcp', 'savings', 'spend'], the sources a sum reads",
        "measure 2 (measure_2): grain 'term' does not fit its inputs: a sum of EHCP return items "
        "over a year gives values by financial_year",
        "measure 3 (measure_3): grain 'financial_year' does not fit its inputs: a count of "
        "placements gives values by term",
        "measure 4 (measure_4): grain 'term' does not fit its inputs: a count of placements "
        "gives values by financial_year",
        "measure 5 (measure_5): inputs.more_than counts the distinct values of a column: "
        "it needs distinct",
        "measure 6 (measure_6): a derived measure takes no inputs; its formula reads them",
        "measure 7 (measure_7): a count measure has no formula; only a derived one does",
        "measure 8 (measure_8): a count measure needs inputs with a source",
        "measure 9 (measure_9): inputs.items is missing: a sum adds items, takes away items "
        "(less), or both",
        "measure 10 (measure_10): inputs.against 'the previous term' is not one of "
        "['same term a year earlier']",
    ]


def test_cat019_every_problem_of_every_kind_in_one_catalogue_is_listed():
    # given one catalogue with a problem of each kind in a different entry, and one of the whole
    entries = [_entry(ref) for ref in range(1, 8)]
    entries[1] = _entry(2, inputs={"source": "ehcp", "item": "new_plans", "colour": "red"})
    entries[2] = _entry(3, inputs={"source": "ehcp", "item": ["new_plans"]})
    entries[3] = _entry(4, inputs={"source": "ehcp", "item": "new_plan"})
    entries[4] = _change(5, of="measure_99")
    entries[5] = _entry(6, inputs={"source": "placements", "county": "elsewhere"})
    entries[6] = _entry(7, computation="sum", inputs={"source": "spend", "columns": ["total"]})
    entries[0]["id"] = "measure_2"
    # then every one is listed, each with its entry, in catalogue order, the whole's last
    assert _problems(entries) == [
        "measure 2 (measure_2): inputs.colour is not read by a count from the EHCP return, "
        "which reads ['item', 'source']",
        "measure 3 (measure_3): inputs.item must be a name in quotes, not ['new_plans']",
        f"measure 4 (measure_4): inputs.item 'new_plan' is not one of {EHCP_NAMES}",
        "measure 5 (measure_5): inputs.of 'measure_99' names no measure in the catalogue",
        "measure 6 (measure_6): inputs.county 'elsewhere' is not one of ['in', 'out']",
        "measure 7 (measure_7): inputs.columns 'total' is not one of ['central', 'direct']",
        "catalogue: id 'measure_2' is used more than once",
    ]


def test_cat020_norfolks_catalogue_reads_every_input_as_its_typed_specification(catalogue):
    # as written in councils/E10000020/measures.toml
    assert catalogue.by_ref(1).spec == EhcpCount(item="ehcp_caseload")
    assert catalogue.by_ref(2).spec == MeasureChange(of="ehcp_caseload")
    assert catalogue.by_ref(3).spec == EhcpSum(
        items=("new_plans", "movers_in"), less=("ceased_plans", "movers_out")
    )
    assert catalogue.by_ref(5).spec == EhcpRatio(
        numerator="pupils_with_ehcp", denominator="school_population"
    )
    assert catalogue.by_ref(12).spec == SpendSum(columns=("direct", "central"))
    assert catalogue.by_ref(25).spec == SavingsSum(
        cohorts=("under_16", "over_16", "alternative_provision")
    )
    assert catalogue.by_ref(15).spec == PlacementAverage(
        where=PlacementFilter(age=(2, 18)), field="annual_cost"
    )
    assert catalogue.by_ref(32).spec == PlacementAverage(
        where=PlacementFilter(provision=("maintained_special", "academy_special"), in_county=False),
        field="annual_cost",
    )
    assert catalogue.by_ref(38).spec == PlacementAverage(
        where=PlacementFilter(provision=("independent_special",), age="under_16"),
        field="annual_cost",
        flow="ceased",
    )
    assert catalogue.by_ref(41).spec == PlacementCount(
        where=PlacementFilter(provision=("independent_special",)), distinct="provider", more_than=1
    )
    assert catalogue.by_ref(43).spec == PlacementRatio(
        numerator=PlacementFilter(provision=("independent_special",), need=("SEMH",)),
        denominator=PlacementFilter(need=("SEMH",)),
    )
    # the DSG plan's measures and the HNB position are derived: their formulas read the data
    assert [m.ref for m in catalogue.measures if m.spec is None] == [11, *range(16, 23)]


def test_cat021_a_catalogue_of_another_size_is_valid_and_counts_its_own_subset():
    entries = [_entry(1), _entry(2, schools_forum=False), _entry(3, schools_forum=False)]
    catalogue = parse_catalogue(entries, formulas=FORMULAS, workstreams=[1])
    assert [m.ref for m in catalogue.measures] == [1, 2, 3]
    assert [m.ref for m in catalogue.schools_forum_subset] == [1]


def test_cat022_a_council_catalogue_file_names_itself_in_every_problem(tmp_path):
    path = tmp_path / "measures.toml"
    path.write_text(
        """
[[measure]]
ref = 1
paper_ref = 1
id = "hnb_spend"
label = "HNB spend"
category = "HNB"
workstreams = [1]
schools_forum = true
source = "HNB return"
regularity = "termly"
grain = "term"
nature = "flow"
unit = "£m"
display = "money_m_3dp"
direction = "lower_is_better"
computation = "sum"
inputs = { source = "spend", columns = ["direkt"], lines = ["all"] }
numerator = "spending"
population = "the high needs block"
period = "the term"
definition = "Spending in the term."
caveats = "None."
status = { amber_beyond = "5%", red_beyond = "10%" }
""",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path, workstreams=WORKSTREAMS)
    assert raised.value.problems == [
        f"{path}: measure 1 (hnb_spend): inputs.lines is not read by a sum of HNB spending, "
        "which reads ['columns', 'source']",
        f"{path}: measure 1 (hnb_spend): inputs.columns 'direkt' is not one of "
        "['central', 'direct']",
    ]
