"""Every council's measures at once (services/national.py): the same snapshots as each council's
own MeasureService, and after a new submission only its council worked out again and only its
new list tallied. SQLite and PostgreSQL."""

import io
from datetime import date

from kpis.council import read_council
from loaders.templates import write_ehcp_workbook, write_hnb_workbook
from services.measures import MeasureService
from services.national import NationalMeasures
from services.submissions import load_workbook
from tests.conftest import DEVON_CODE
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.fixtures.build_fixtures import COUNTS, NEEDS, placement

TODAY = date(2025, 5, 10)


def _ehcp(term: str) -> bytes:
    buffer = io.BytesIO()
    write_ehcp_workbook(buffer, term=term, counts=COUNTS, needs=NEEDS)
    return buffer.getvalue()


def _hnb(council, term: str, count: int) -> bytes:
    buffer = io.BytesIO()
    placements = [placement(f"P{n}") for n in range(count)]  # independent, £64,250 each
    write_hnb_workbook(buffer, shape=council.shape, term=term, placements=placements)
    return buffer.getvalue()


def _load(engine, council, data: bytes, name: str) -> None:
    outcome = load_workbook(
        engine, data, file_name=name, council=council, max_bytes=10_000_000, today=TODAY
    )
    assert outcome.stored_id is not None, [str(i) for i in outcome.report.issues]


def _same(mine, theirs) -> bool:
    return (mine.version, mine.measures, mine.plan_view, mine.submissions, mine.baselines) == (
        theirs.version,
        theirs.measures,
        theirs.plan_view,
        theirs.submissions,
        theirs.baselines,
    )


def test_nat001_every_council_at_once_as_each_on_its_own(engine, two_councils_dir):
    devon = read_council(two_councils_dir / DEVON_CODE)
    norfolk = read_council(two_councils_dir / NORFOLK_CODE)
    _load(engine, norfolk, _ehcp("Autumn 2024"), "ehcp.xlsx")
    _load(engine, norfolk, _hnb(norfolk, "Autumn 2024", 3), "hnb.xlsx")
    _load(engine, devon, _hnb(devon, "Autumn 2024", 2), "hnb.xlsx")
    national = NationalMeasures(engine, [norfolk, devon])
    found = national.snapshots()
    for council in (norfolk, devon):
        assert _same(found[council.la_code], MeasureService(engine, council).snapshot())
    # measure 42, independent placements in the term: three in Norfolk's list, two in Devon's
    assert found[NORFOLK_CODE].latest(42).value == 3
    assert found[DEVON_CODE].latest(42).value == 2
    assert national.computed == 2
    assert national.tallies.tallied == 2


def test_nat002_a_new_submission_works_out_its_council_again_and_no_other(engine, two_councils_dir):
    devon = read_council(two_councils_dir / DEVON_CODE)
    norfolk = read_council(two_councils_dir / NORFOLK_CODE)
    _load(engine, norfolk, _hnb(norfolk, "Autumn 2024", 3), "hnb.xlsx")
    _load(engine, devon, _hnb(devon, "Autumn 2024", 2), "hnb.xlsx")
    national = NationalMeasures(engine, [norfolk, devon])
    before = national.snapshots()
    assert national.snapshots()[NORFOLK_CODE] is before[NORFOLK_CODE]
    assert (national.computed, national.tallies.tallied) == (2, 2)
    _load(engine, devon, _hnb(devon, "Spring 2025", 4), "hnb-spring.xlsx")
    after = national.snapshots()
    # Devon alone worked out again, and its new list alone tallied; Norfolk's kept as it was
    assert (national.computed, national.tallies.tallied) == (3, 3)
    assert after[NORFOLK_CODE] is before[NORFOLK_CODE]
    assert after[DEVON_CODE].latest(42).value == 4
    assert _same(after[DEVON_CODE], MeasureService(engine, devon).snapshot())


def test_nat003_norfolk_alone(engine):
    national = NationalMeasures(engine, [NORFOLK])
    assert national.snapshots()[NORFOLK_CODE].measures == ()
