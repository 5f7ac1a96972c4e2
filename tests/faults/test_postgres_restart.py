"""PostgreSQL restarted (issue 13, point 4): the connections the app holds die with the server;
the next use reconnects without anyone doing anything; and a load under way when the server goes
is rolled back whole, then loads again. On a server of the test's own, really stopped."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import MetaData, event, select, text
from sqlalchemy.exc import DBAPIError

from loaders.templates import write_ehcp_workbook
from services.measures import MeasureService
from services.submissions import load_workbook
from storage.database import create_database_engine, upgrade_database
from tests.councils import NORFOLK
from tests.fixtures.build_fixtures import COUNTS, NEEDS

pytestmark = pytest.mark.postgres


def _ehcp(term: str, caseload: int = 12_147) -> bytes:
    buffer = io.BytesIO()
    write_ehcp_workbook(
        buffer, term=term, counts={**COUNTS, "ehcp_caseload": caseload}, needs=dict(NEEDS)
    )
    return buffer.getvalue()


def _load(engine, term: str, caseload: int = 12_147):
    return load_workbook(
        engine,
        _ehcp(term, caseload),
        file_name=f"ehcp-{term.lower().replace(' ', '-')}.xlsx",
        council=NORFOLK,
        max_bytes=10_000_000,
        loaded_by="Test Officer",
    )


def _every_row(engine) -> dict[str, list]:
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for name, table in tables.tables.items()
        }


def test_flt003_connections_recover_after_a_restart(own_postgres):
    engine = create_database_engine(own_postgres.url)
    upgrade_database(engine)
    assert _load(engine, "Autumn 2024").stored_id is not None
    measures = MeasureService(engine=engine, council=NORFOLK)
    assert measures.snapshot().latest(1).value == 12_147
    with engine.connect() as connection:  # a connection now in the pool, which dies with it
        before = connection.scalar(text("SELECT pg_backend_pid()"))
    own_postgres.restart()
    assert _load(engine, "Spring 2025", 12_300).stored_id is not None  # no one reconnected it
    assert measures.snapshot().latest(1).value == 12_300
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT pg_backend_pid()")) != before
    engine.dispose()


def test_flt004_a_load_in_flight_when_the_server_stops_is_rolled_back_whole(own_postgres):
    engine = create_database_engine(own_postgres.url)
    upgrade_database(engine)
    assert _load(engine, "Autumn 2024").stored_id is not None
    before = _every_row(engine)
    inserts: list[str] = []

    def stop_the_server_mid_load(conn, cursor, statement, parameters, context, many):
        if statement.lstrip().upper().startswith("INSERT"):
            inserts.append(statement)
            if len(inserts) == 2:  # the submission is written, its figures not yet
                own_postgres.stop("immediate")

    event.listen(engine, "before_cursor_execute", stop_the_server_mid_load)
    with pytest.raises(DBAPIError):
        _load(engine, "Spring 2025", 12_300)
    event.remove(engine, "before_cursor_execute", stop_the_server_mid_load)
    assert len(inserts) == 2
    own_postgres.start()
    assert _every_row(engine) == before  # nothing of the interrupted load
    assert _load(engine, "Spring 2025", 12_300).stored_id is not None  # and it loads again
    assert MeasureService(engine=engine, council=NORFOLK).snapshot().latest(1).value == 12_300
    engine.dispose()
