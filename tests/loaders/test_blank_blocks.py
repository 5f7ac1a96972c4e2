"""A sheet or block left blank is 'not available', never zero: a warning naming the sheet, nothing
stored for the block, and the measures that read it None for that term. A cell with an error is
reported once, as an error, and not again as missing."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.templates import write_ehcp_workbook, write_hnb_workbook
from services.measures import MeasureService
from services.submissions import load_workbook
from storage.models import EhcpFigure, HnbSaving, HnbSpend
from tests.councils import NORFOLK, NORFOLK_SHAPE
from tests.fixtures.build_fixtures import COUNTS, NEEDS, PLACEMENTS
from tests.loaders.conftest import MAX_BYTES

TODAY = date(2026, 11, 22)
SPEND = {
    "special_schools": (Decimal("18500000.00"), Decimal("120000.00")),
    "independent_special_schools": (Decimal("15210000.00"), Decimal(0)),
}
SAVINGS = {"under_16": Decimal("420000"), "over_16": Decimal("150000")}


def _hnb(term: str, *, spend=None, savings=None) -> bytes:
    buffer = io.BytesIO()
    placements = [dict(PLACEMENTS[0], end_date=None)]  # active in both terms
    write_hnb_workbook(
        buffer,
        shape=NORFOLK_SHAPE,
        term=term,
        spend=spend,
        savings=savings,
        placements=placements,
    )
    return buffer.getvalue()


def _load(engine, data: bytes, name: str):
    return load_workbook(
        engine, data, file_name=name, council=NORFOLK, max_bytes=MAX_BYTES, today=TODAY
    )


def _stored(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_blk001_a_blank_spend_sheet_is_a_warning_and_stores_no_spending(engine):
    outcome = _load(engine, _hnb("Autumn 2024", savings=SAVINGS), "hnb.xlsx")
    assert outcome.stored_id is not None
    assert [(w.location, w.found, w.fix) for w in outcome.report.warnings] == [
        (
            "Spend",
            "no spending entered",
            "Measures that read it will show 'not available' for this term.",
        )
    ]
    assert _stored(engine, HnbSpend) == 0
    assert _stored(engine, HnbSaving) == 2


def test_blk002_a_blank_savings_sheet_is_a_warning_and_stores_no_savings(engine):
    outcome = _load(engine, _hnb("Autumn 2024", spend=SPEND), "hnb.xlsx")
    assert [(w.location, w.found) for w in outcome.report.warnings] == [
        ("Savings", "no savings entered")
    ]
    assert _stored(engine, HnbSaving) == 0
    with Session(engine) as session:
        direct = session.scalar(select(func.sum(HnbSpend.direct_pence)))
    assert direct == (18_500_000 + 15_210_000) * 100


def test_blk003_measures_12_to_14_are_not_available_for_a_term_whose_spend_was_left_blank(engine):
    assert _load(engine, _hnb("Summer 2024", spend=SPEND), "summer.xlsx").stored_id
    assert _load(engine, _hnb("Autumn 2024", savings=SAVINGS), "autumn.xlsx").stored_id
    snapshot = MeasureService(engine=engine, council=NORFOLK).snapshot()
    by_term = {ref: {v.period: v.value for v in snapshot.series(ref)} for ref in (12, 13, 14)}
    # Summer 2024: direct 18,500,000 + 15,210,000; central 120,000 + 0
    assert by_term[13]["Summer 2024"] == Decimal("33710000")
    assert by_term[14]["Summer 2024"] == Decimal("120000")
    assert by_term[12]["Summer 2024"] == Decimal("33830000")
    assert [by_term[ref]["Autumn 2024"] for ref in (12, 13, 14)] == [None, None, None]


def test_blk004_a_count_left_blank_is_not_stored_never_zero(engine):
    buffer = io.BytesIO()
    counts = {k: v for k, v in COUNTS.items() if k != "movers_in"}
    write_ehcp_workbook(buffer, term="Autumn 2024", counts=counts, needs=NEEDS)
    outcome = _load(engine, buffer.getvalue(), "ehcp.xlsx")
    assert outcome.stored_id is not None
    assert [(w.location, w.found) for w in outcome.report.warnings] == [
        # the seventh measure, in row 11 (the table starts in row 5)
        (
            "Activity!B11",
            "no count for 'Children and young people with an EHC plan moving into the county'",
        ),
        # the fixture's counts leave this one out too
        (
            "Activity!B14",
            "no count for 'Pupils on roll in the county's state-funded schools with an EHC plan "
            "(census)'",
        ),
    ]
    with Session(engine) as session:
        items = set(session.scalars(select(EhcpFigure.item)))
    assert items == set(COUNTS) - {"movers_in"}  # the blank is absent, not 0


def test_blk005_a_count_cell_with_an_error_is_reported_once(engine):
    buffer = io.BytesIO()
    write_ehcp_workbook(buffer, term="Autumn 2024", counts=COUNTS, needs=NEEDS)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    book["Activity"]["B8"] = "about 480"
    spoilt = io.BytesIO()
    book.save(spoilt)
    outcome = _load(engine, spoilt.getvalue(), "ehcp.xlsx")
    assert [(i.level, i.found) for i in outcome.report.issues if i.location == "Activity!B8"] == [
        ("error", "'about 480'")
    ]
    assert _stored(engine, EhcpFigure) == 0
