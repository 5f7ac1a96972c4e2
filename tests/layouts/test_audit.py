"""A council's audit page and its CSV download: its admins only, its own events only, newest
first, filtered through the address, at most 500 rows on the page, and text a spreadsheet will
not run. Three events of Norfolk's in January 2020 are written by hand, and one of another
council's; the accounts and sign-ins the tests make happen now, outside that range."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from dash import html

from domain.audit import Action
from domain.roles import Role
from storage.database import write_session
from storage.models import AuditEvent
from tests.councils import NORFOLK_CODE
from tests.layouts.conftest import app_on, request_as
from tests.layouts.test_static_pages import text_of, walk
from tests.routing import council_address as at
from tests.signin import email_for, signed_in_client

INJECTION = "=cmd|' /C calc'!A0"
# layouts.audit's ids (the page registers itself when the app is made, so it is imported later)
TABLE_ID, COUNT_ID = "audit-table", "audit-count"
JANUARY = {"from": "2020-01-05", "to": "2020-01-07"}


OTHER_COUNCIL = "E10000008"  # another council's event, which Norfolk's trail never shows


def _event(
    when: datetime,
    actor: str,
    action: str,
    outcome: str,
    target=None,
    detail=None,
    council: str = NORFOLK_CODE,
):
    return AuditEvent(
        at=when,
        actor=actor,
        action=action,
        outcome=outcome,
        target=target,
        detail=detail,
        address="10.0.0.1",
        council=council,
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = app_on(tmp_path_factory.mktemp("audit"), load_demo=False)
    with write_session(app.server.extensions["lfi"].engine) as session:
        session.add_all(
            [
                _event(
                    datetime(2020, 1, 5, 9, 0, tzinfo=UTC), "alice@example.org", "sign_in", "ok"
                ),
                _event(
                    datetime(2020, 1, 6, 10, 30, tzinfo=UTC),
                    "bob@example.org",
                    "upload",
                    "refused",
                    target=INJECTION,
                    detail='{"why": "a macro"}',
                ),
                _event(
                    datetime(2020, 1, 7, 23, 59, 59, tzinfo=UTC),
                    "alice@example.org",
                    "export",
                    "ok",
                    target="lfi-measure-1.csv",
                ),
                _event(
                    datetime(2020, 1, 6, 11, 0, tzinfo=UTC),
                    "dave@example.org",
                    "export",
                    "ok",
                    target="lfi-other-council.csv",
                    council=OTHER_COUNCIL,
                ),
            ]
        )
    return app


@pytest.fixture(scope="module")
def admin(app):
    client = signed_in_client(app, Role.ADMIN)
    return client


def _page(app, **query):
    from layouts.audit import layout

    with request_as(app, Role.ADMIN):
        return layout(council=NORFOLK_CODE, **query)


def _rows(page) -> list[list[str]]:
    table = next(n for n in walk(page) if getattr(n, "id", None) == TABLE_ID)
    body = next(n for n in walk(table) if isinstance(n, html.Tbody))
    return [[text_of(cell) for cell in row.children] for row in body.children]


def _count(page) -> str:
    return text_of(next(n for n in walk(page) if getattr(n, "id", None) == COUNT_ID))


def _download(page) -> str | None:
    link = next(
        (n for n in walk(page) if isinstance(n, html.A) and text_of(n) == "Download as CSV"), None
    )
    return link.href if link is not None else None


def test_aud001_the_trail_is_newest_first_with_every_field(app):
    page = _page(app, **JANUARY)
    # the other council's export of 6 January at 11:00 is not Norfolk's: it is not shown
    assert _rows(page) == [
        ["2020-01-07 23:59:59", "alice@example.org", "export", "ok", "lfi-measure-1.csv", "–"]
        + ["10.0.0.1"],
        ["2020-01-06 10:30:00", "bob@example.org", "upload", "refused", INJECTION]
        + ['{"why": "a macro"}', "10.0.0.1"],
        ["2020-01-05 09:00:00", "alice@example.org", "sign_in", "ok", "–", "–", "10.0.0.1"],
    ]
    assert _count(page) == "3 events match the filters."
    assert _download(page) == at("/download/audit.csv?from=2020-01-05&to=2020-01-07")


def test_aud002_each_filter_narrows_the_rows(app):
    def whom(**query) -> list[tuple[str, str]]:
        return [(row[1], row[2]) for row in _rows(_page(app, **JANUARY, **query))]

    assert whom(actor="ALICE") == [
        ("alice@example.org", "export"),
        ("alice@example.org", "sign_in"),
    ]
    assert whom(action="upload") == [("bob@example.org", "upload")]
    assert whom(outcome="refused") == [("bob@example.org", "upload")]
    # the 'to' day is included to its last second, the 'from' day from its first
    assert [r[2] for r in _rows(_page(app, **{"from": "2020-01-07", "to": "2020-01-07"}))] == [
        "export"
    ]
    assert [r[2] for r in _rows(_page(app, **{"from": "2020-01-05", "to": "2020-01-06"}))] == [
        "upload",
        "sign_in",
    ]
    page = _page(app, **JANUARY, actor="carol")
    assert _count(page) == "0 events match the filters."
    assert "No events to show." in text_of(page)


def test_aud003_a_date_that_cannot_be_read_is_named_and_left_out(app):
    page = _page(app, **{"from": "2020-02-30", "to": "2020-01-05"})
    summary = next(n for n in walk(page) if getattr(n, "id", None) == "audit-errors")
    assert "Enter the 'from' date as a real date" in text_of(summary)
    assert next(n for n in walk(summary) if getattr(n, "href", None)).href == "#audit-from"
    # only the 'to' date filters: the sign-in of 5 January and nothing later
    assert [r[2] for r in _rows(page)] == ["sign_in"]
    assert _download(page) is None
    # what was typed is kept in the form
    typed = {
        n.id: n.value for n in walk(page) if getattr(n, "id", "") in ("audit-from", "audit-to")
    }
    assert typed == {"audit-from": "2020-02-30", "audit-to": "2020-01-05"}


def test_aud004_the_csv_has_the_same_events_and_no_formula_and_is_itself_recorded(app, admin):
    response = admin.get(at("/download/audit.csv?from=2020-01-05&to=2020-01-07&action=upload"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="lfi-audit.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows == [
        ["Time (UTC)", "Who", "Action", "Outcome", "Target", "Detail", "Address"],
        ["2020-01-06 10:30:00", "bob@example.org", "upload", "refused", "'" + INJECTION]
        + ['{"why": "a macro"}', "10.0.0.1"],
    ]
    newest = _rows(_page(app, action=Action.EXPORT))[0]
    assert newest[1:5] == [email_for(Role.ADMIN), "export", "ok", "lfi-audit.csv"]


def test_aud005_a_csv_with_a_filter_that_cannot_be_read_goes_back_to_the_page(admin):
    response = admin.get(at("/download/audit.csv?from=yesterday&actor=bob"))
    assert response.status_code == 303
    assert response.headers["Location"] == at("/audit?actor=bob&from=yesterday#audit-errors")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE_OFFICER, Role.PROGRAMME_LEAD])
def test_aud006_only_admins_reach_the_trail(app, role):
    client = signed_in_client(app, role)
    assert client.get(at("/download/audit.csv")).status_code == 403
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": at("/audit")},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    assert client.post("/_dash-update-component", json=body).status_code == 403
    anonymous = signed_in_client(app, None)
    assert anonymous.get(at("/download/audit.csv")).status_code == 302


def test_aud007_at_most_500_rows_are_shown_and_the_page_says_so(tmp_path):
    app = app_on(tmp_path, load_demo=False)
    start = datetime(2020, 3, 1, tzinfo=UTC)
    with write_session(app.server.extensions["lfi"].engine) as session:
        session.add_all(
            _event(start + timedelta(minutes=n), f"user{n}@example.org", "sign_in", "ok")
            for n in range(501)
        )
    page = _page(app, **{"from": "2020-03-01", "to": "2020-03-01"})
    rows = _rows(page)
    assert len(rows) == 500
    # newest first: the 501st event (minute 500, 08:20) leads; the first (00:00) is left off
    assert rows[0][:2] == ["2020-03-01 08:20:00", "user500@example.org"]
    assert rows[-1][:2] == ["2020-03-01 00:01:00", "user1@example.org"]
    assert _count(page).startswith("More than 500 events match the filters: the newest 500")


def test_aud008_each_download_is_recorded_as_an_export_by_whoever_took_it(app):
    viewer = signed_in_client(app, Role.VIEWER)
    assert viewer.get(at("/download/table/measure-1.csv")).status_code == 200
    # the pack is the programme lead's: a viewer is refused, and nothing is exported
    assert viewer.get(at("/download/pack.pdf?period=Summer+2026")).status_code == 403
    exports = _rows(_page(app, action=Action.EXPORT, actor="viewer@"))
    assert [row[1:5] for row in exports] == [
        [email_for(Role.VIEWER), "export", "ok", "lfi-measure-1.csv"]
    ]
