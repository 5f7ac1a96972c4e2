"""A term's placement list reduced to what the placement measures read (kpis/tallies.py): counts,
money totals and value counts, worked out by hand on a small list; a stored list's tally counts
only while its list is the term's current one; and the measures read from stored tallies equal
those read from the rows."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from kpis.measures import compute_measures
from kpis.returns import Returns, placements_frame
from kpis.specs import PlacementFilter
from kpis.tallies import Questions, TermTally, placement_questions, tally_frame, term_tallies
from tests.councils import NORFOLK

AUTUMN, SPRING = "Autumn 2023", "Spring 2024"  # 1 Sep - 31 Dec 2023; 1 Jan - 31 Mar 2024
INDEPENDENT = PlacementFilter(provision=("independent_special",))
SAVED = PlacementFilter(provision=("independent_special",), has="renegotiation_saving")
OLDER = PlacementFilter(provision=("independent_special",), age="16_and_over")
UNDER_16 = PlacementFilter(age="under_16")
SEMH = PlacementFilter(need=("SEMH",))


def row(term, provision, age, need, provider, in_county, pounds, start, **more):
    """(term, age, NC year, provision, need, provider, in county, cost pence, start, end, saving
    pence), as services/sources.py reads a placement."""
    saving = more.get("saving")
    return (
        term,
        age,
        more.get("nc_year"),
        provision,
        need,
        provider,
        in_county,
        pounds * 100,
        start,
        more.get("end"),
        None if saving is None else saving * 100,
    )


A = ("independent_special", 12, "SEMH", "Ind One", False, 60_000, date(2022, 1, 10))
ROWS = [
    row(AUTUMN, *A, saving=3_000),
    # B: began in the Autumn term
    row(AUTUMN, "independent_special", 17, "ASD", "Ind One", True, 50_000, date(2023, 9, 15)),
    # C: ended in it
    row(
        AUTUMN,
        "independent_special",
        14,
        "SEMH",
        "Ind Two",
        False,
        70_000,
        date(2021, 9, 1),
        end=date(2023, 11, 30),
        saving=5_000,
    ),
    row(AUTUMN, "maintained_special", 10, "SEMH", "Special", True, 20_000, date(2020, 9, 1)),
    # E: no age given; its NC year 10 makes it 15
    row(
        AUTUMN,
        "alternative_provision",
        None,
        "SEMH",
        "AP",
        True,
        15_000,
        date(2023, 4, 17),
        nc_year=10,
    ),
    row(SPRING, *A, saving=3_000),
]
QUESTIONS = Questions(
    selections=((INDEPENDENT, "active"), (OLDER, "new"), (SEMH, "ceased"), (UNDER_16, "active")),
    totals=(((SAVED, "active"), "saving"), ((UNDER_16, "active"), "cost")),
    values=((INDEPENDENT, "provider"),),
)


def test_tal001_a_list_is_tallied_term_by_term():
    tallies = tally_frame(placements_frame(ROWS), QUESTIONS)
    assert list(tallies) == [AUTUMN, SPRING]
    autumn, spring = tallies[AUTUMN], tallies[SPRING]
    # independent: A, B, C in the Autumn term, A alone in Spring
    assert autumn.rows[(INDEPENDENT, "active")] == 3
    assert spring.rows[(INDEPENDENT, "active")] == 1
    # independent, 16 and over, begun in the term: B (17, from 15 September 2023)
    assert autumn.rows[(OLDER, "new")] == 1
    assert spring.rows[(OLDER, "new")] == 0
    # SEMH, ended in the term: C (30 November 2023)
    assert autumn.rows[(SEMH, "ceased")] == 1
    # under 16: A (12), C (14), D (10), E (15 from NC year 10)
    assert autumn.rows[(UNDER_16, "active")] == 4
    # savings on independent placements: A £3,000 + C £5,000, in pence, two with a saving
    assert autumn.totals[((SAVED, "active"), "saving")] == (800_000, 2)
    assert spring.totals[((SAVED, "active"), "saving")] == (300_000, 1)
    # cost under 16: £60,000 + £70,000 + £20,000 + £15,000 = £165,000
    assert autumn.totals[((UNDER_16, "active"), "cost")] == (16_500_000, 4)
    assert autumn.values[(INDEPENDENT, "provider")] == {"Ind One": 2, "Ind Two": 1}
    assert spring.values[(INDEPENDENT, "provider")] == {"Ind One": 1}


def test_tal002_no_list_no_tally():
    assert tally_frame(placements_frame([]), QUESTIONS) == {}


def test_tal003_a_stored_tally_counts_only_while_its_list_is_the_terms_current_one():
    stored = TermTally(submission_id=7, rows={(INDEPENDENT, "active"): 9})
    current = Returns(placement_tallies={AUTUMN: stored}, submissions={("hnb", AUTUMN): 7})
    assert term_tallies(current, QUESTIONS) == {AUTUMN: stored}
    # an upload being previewed takes the term's place: it has no submission yet
    previewed = replace(current, submissions={("hnb", AUTUMN): 0})
    assert term_tallies(previewed, QUESTIONS) == {}
    # and its rows, held in memory, are tallied instead of the stored list
    with_rows = replace(previewed, placements=placements_frame(ROWS[:1]))
    assert term_tallies(with_rows, QUESTIONS)[AUTUMN].rows[(INDEPENDENT, "active")] == 1


def _placement_values(returns: Returns) -> dict:
    return {
        (v.measure.ref, v.period): (v.value, v.extra.get("base"))
        for v in compute_measures(NORFOLK.catalogue, None, returns)
        if v.measure.inputs.get("source") == "placements"
    }


def test_tal004_measures_read_from_stored_tallies_equal_those_read_from_rows():
    frame = placements_frame(ROWS)
    ids = {AUTUMN: 11, SPRING: 12}
    questions = placement_questions(NORFOLK.catalogue.computed)
    tallied = {
        term: replace(tally, submission_id=ids[term])
        for term, tally in tally_frame(frame, questions).items()
    }
    submissions = {("hnb", term): sid for term, sid in ids.items()}
    from_rows = _placement_values(Returns(placements=frame, submissions=submissions))
    stored = _placement_values(Returns(placement_tallies=tallied, submissions=submissions))
    assert stored == from_rows
    # measure 42, independent placements: A, B, C in the Autumn term
    assert stored[(42, AUTUMN)] == (D(3), None)
    # measure 39, the average renegotiation saving: (£3,000 + £5,000) / 2 over two placements
    assert stored[(39, AUTUMN)] == (D(4_000), 2)
