"""The measures the pages read: kept per data version, fresh after a store, and the figures of
superseded files worked out on request. SQLite and PostgreSQL."""

import io
from decimal import Decimal

from loaders.templates import write_ehcp_workbook
from services.measures import MeasureService
from services.submissions import load_workbook
from tests.councils import NORFOLK
from tests.fixtures.build_fixtures import COUNTS, NEEDS


def _ehcp(caseload: int, unknown_need: int) -> bytes:
    buffer = io.BytesIO()
    write_ehcp_workbook(
        buffer,
        term="Autumn 2024",
        counts={**COUNTS, "ehcp_caseload": caseload},
        needs={**NEEDS, "NSA": unknown_need},
    )
    return buffer.getvalue()


def _load(engine, data: bytes, name: str, reason: str | None = None):
    outcome = load_workbook(
        engine,
        data,
        file_name=name,
        council=NORFOLK,
        max_bytes=10_000_000,
        reason=reason,
        loaded_by="Test Officer",
    )
    assert outcome.stored_id is not None, [str(i) for i in outcome.report.issues]
    return outcome


def test_svc001_measures_are_kept_until_a_submission_is_stored(engine):
    service = MeasureService(engine=engine, council=NORFOLK)
    empty = service.snapshot()
    assert service.snapshot() is empty
    assert empty.latest(1) is None
    # the fixture's plans by need add up to 12,147, the caseload
    _load(engine, _ehcp(12_147, 1), "ehcp-autumn-2024.xlsx")
    loaded = service.snapshot()
    assert loaded is not empty
    assert loaded.latest(1).value == Decimal(12_147)
    assert loaded.latest(1).period == "Autumn 2024"
    record = loaded.submission(loaded.latest(1).submission_id)
    assert (record.file_name, record.loaded_by, record.status) == (
        "ehcp-autumn-2024.xlsx",
        "Test Officer",
        "current",
    )
    assert service.snapshot() is loaded


def test_svc002_with_the_cache_off_every_call_recomputes(engine):
    service = MeasureService(engine=engine, council=NORFOLK, cache=False)
    assert service.snapshot() is not service.snapshot()


def test_svc003_a_correction_replaces_the_figure_and_the_old_one_stays_on_request(engine):
    service = MeasureService(engine=engine, council=NORFOLK)
    first = _load(engine, _ehcp(12_147, 1), "ehcp-autumn-2024.xlsx")
    assert service.superseded(1) == []
    # three more plans with no specific need recorded: 12,150 in all
    _load(engine, _ehcp(12_150, 4), "ehcp-autumn-2024-v2.xlsx", reason="late plans")
    assert service.snapshot().latest(1).value == Decimal(12_150)
    history = service.superseded(1)
    assert len(history) == 1
    record, value = history[0]
    assert record.id == first.stored_id
    assert record.supersede_reason == "late plans"
    assert (value.period, value.value) == ("Autumn 2024", Decimal(12_147))
    # measure 2 (% change in plans) needs two terms, so the one term has no figure to supersede
    assert service.superseded(2) == []
