import csv
from pathlib import Path

import pytest

from kpis.catalogue import CatalogueError, load_catalogue, parse_catalogue, stated_sign
from kpis.formulas import FORMULAS, TERM_FORMULAS

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "source" / "kpi-catalogue.csv"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def source_rows():
    with SOURCE.open(encoding="utf-8") as handle:
        return {int(row["ref"]): row for row in csv.DictReader(handle)}


def test_cat001_all_46_measures_are_declared_once(catalogue):
    assert [m.ref for m in catalogue.measures] == list(range(1, 47))
    assert len({m.id for m in catalogue.measures}) == 46


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
            assert m.inputs.get("source"), m.ref
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
    entries[6] = _entry(7, computation="ratio", direction="neutral")
    entries[9]["id"] = "measure_1"
    del entries[45]
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(entries, formulas=FORMULAS)
    assert raised.value.problems == [
        "measure 2 (measure_2): regularity 'weekly' is not one of ['annual', 'termly', 'unknown']",
        "measure 5 (measure_5): unit 'furlongs' is not one of ['%', 'count', 'ratio', '£', '£m']",
        "measure 5 (measure_5): formula 'no_such_function' has no function in kpis/formulas.py",
        "measure 5 (measure_5): status needs 0 <= amber_beyond <= red_beyond",
        "measure 7 (measure_7): a ratio measure needs a denominator",
        "measure 7 (measure_7): a neutral measure has no status thresholds",
        "catalogue: measure 46 appears 0 times",
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
        parse_catalogue(entries, formulas=FORMULAS)
    assert raised.value.problems == [
        "measure 3 (measure_3): nature 'weekly' is not one of ['flow', 'snapshot']",
        "measure 4 (measure_4): a termly measure says whether it is a flow or a snapshot",
        "measure 11 (measure_11): the label states a surplus is positive (+), a deficit negative "
        "(-); sign must be 'surplus_positive'",
        "measure 16 (measure_16): a surplus or deficit in £m says which sign is a deficit (sign)",
    ]


def test_cat011_every_sign_the_catalogues_labels_state_is_the_sign_stored():
    catalogue = load_catalogue()
    for measure in catalogue.measures:
        stated = stated_sign(measure.label)
        if stated:
            assert measure.sign == stated, measure.ref
    assert catalogue.by_ref(11).sign == "surplus_positive"
    assert {catalogue.by_ref(r).sign for r in (16, 17, 18)} == {"deficit_positive"}
