"""Stored placement lists tallied in the database (services/tallies.py) give the numbers worked
out by hand, and the same as the list tallied in memory; a kept tally is read again without the
database tallying the list again. SQLite and PostgreSQL."""

import io
from datetime import date

from sqlalchemy.orm import Session

from kpis.returns import placements_frame
from kpis.specs import PlacementFilter
from kpis.tallies import Questions, placement_questions, tally_frame
from loaders.templates import write_hnb_workbook
from services.shared_store import LocalStore
from services.submissions import load_workbook
from services.tallies import KeptTallies, read_tallies
from tests.councils import NORFOLK
from tests.fixtures.build_fixtures import placement

TERM = "Autumn 2024"  # 1 September to 31 December 2024
INDEPENDENT = PlacementFilter(provision=("independent_special",))
NEW_OLDER = (PlacementFilter(provision=("independent_special",), age="16_and_over"), "new")
CEASED = (PlacementFilter(need=("MLD",)), "ceased")
UNDER_16 = PlacementFilter(age="under_16")
QUESTIONS = Questions(
    selections=((INDEPENDENT, "active"), NEW_OLDER, CEASED),
    totals=(((UNDER_16, "active"), "cost"), ((INDEPENDENT, "active"), "saving")),
    values=((INDEPENDENT, "provider"),),
)
PLACEMENTS = [
    placement("P1"),  # independent, 12, SEMH, out of county, £64,250, from 4 September 2023
    placement(
        "P2",
        age=17,
        nc_year=None,
        primary_need="ASD",
        in_county="In",
        annual_cost=50_000.0,
        start_date=date(2024, 9, 16),  # began in the term
        renegotiation_saving=2_000.0,
    ),
    placement(
        "P3",
        age=None,
        nc_year=10,  # 15
        primary_need="MLD",
        provision_type="Maintained special school",
        provider="Special One",
        in_county="In",
        annual_cost=20_000.0,
        start_date=date(2020, 9, 1),
        end_date=date(2024, 10, 31),  # ended in the term
    ),
]


def _stored(engine) -> int:
    buffer = io.BytesIO()
    write_hnb_workbook(buffer, shape=NORFOLK.shape, term=TERM, placements=PLACEMENTS)
    outcome = load_workbook(
        engine,
        buffer.getvalue(),
        file_name="hnb-autumn-2024.xlsx",
        council=NORFOLK,
        max_bytes=10_000_000,
        today=date(2025, 1, 10),
    )
    assert outcome.stored_id is not None, [str(i) for i in outcome.report.issues]
    return outcome.stored_id


def test_tly001_a_stored_list_is_tallied_in_the_database(engine):
    sid = _stored(engine)
    with Session(engine) as session:
        tally = read_tallies(session, {sid: TERM}, QUESTIONS)[sid]
    assert tally.submission_id == sid
    assert tally.rows == {(INDEPENDENT, "active"): 2, NEW_OLDER: 1, CEASED: 1}
    # under 16: P1 (12) £64,250 and P3 (15 from its NC year) £20,000, in pence
    assert tally.totals[((UNDER_16, "active"), "cost")] == (8_425_000, 2)
    # one independent placement has a saving: P2's £2,000
    assert tally.totals[((INDEPENDENT, "active"), "saving")] == (200_000, 1)
    assert tally.values == {(INDEPENDENT, "provider"): {"Demo independent school 01": 2}}


def test_tly002_the_database_tallies_as_the_rows_in_memory_are_tallied(engine):
    sid = _stored(engine)
    questions = placement_questions(NORFOLK.catalogue.computed)
    with Session(engine) as session:
        stored = read_tallies(session, {sid: TERM}, questions)[sid]
    rows = [
        (
            TERM,
            p["age"],
            p["nc_year"],
            {"Independent special school": "independent_special"}.get(
                p["provision_type"], "maintained_special"
            ),
            p["primary_need"],
            p["provider"],
            p["in_county"] == "In",
            round(p["annual_cost"] * 100),
            p["start_date"],
            p["end_date"],
            None if p["renegotiation_saving"] is None else round(p["renegotiation_saving"] * 100),
        )
        for p in PLACEMENTS
    ]
    in_memory = tally_frame(placements_frame(rows), questions)[TERM]
    assert (stored.rows, stored.totals, stored.values) == (
        in_memory.rows,
        in_memory.totals,
        in_memory.values,
    )


def test_tly003_a_kept_tally_is_not_tallied_again(engine):
    sid = _stored(engine)
    kept = KeptTallies(LocalStore())
    lists = {sid: (TERM, "not the file's fingerprint")}
    with Session(engine) as session:
        first = kept.read(session, lists, QUESTIONS)
        assert kept.tallied == 1
        again = kept.read(session, lists, QUESTIONS)
        assert kept.tallied == 1
        assert again == first
        # other questions are another tally
        kept.read(session, lists, Questions(selections=((INDEPENDENT, "active"),)))
        assert kept.tallied == 2
