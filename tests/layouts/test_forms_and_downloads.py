"""Commentary and the DfE return's answers entered through their forms, kept with history; and
the downloads every page offers, each under its council's address. Through Flask's test client
on Norfolk's demo data."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from domain.roles import Role
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.layouts.conftest import app_on
from tests.routing import council_address as at
from tests.routing import routing_request
from tests.signin import email_for, form_token, signed_in_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_on(tmp_path_factory.mktemp("forms"), load_demo=True)


@pytest.fixture
def client(app):
    return app.server.test_client()


def _token(client, url: str) -> str:
    return form_token(client, url)


def _service(app):
    return app.server.extensions["lfi"].service(NORFOLK_CODE)


@pytest.fixture
def lead(app):
    """A programme lead, signed in: the role that writes commentary and the return."""
    return signed_in_client(app, Role.PROGRAMME_LEAD)


LEAD = email_for(Role.PROGRAMME_LEAD)  # programme.lead@example.org


def test_frm001_a_post_without_the_sessions_token_is_refused_and_nothing_saved(app, lead):
    service = _service(app)
    before = service.commentary_history(1, service.snapshot().latest_term())
    response = lead.post(
        at("/measure/1/commentary"), data={"text": "x"}, headers={"X-CSRFToken": "forged"}
    )
    assert response.status_code == 403
    assert service.commentary_history(1, service.snapshot().latest_term()) == before


def test_frm002_empty_commentary_is_named_in_an_error_summary_and_nothing_is_saved(app, lead):
    page = lead.get(at("/measure/2/commentary")).text
    # no name to type: the form says who the text is kept as
    assert 'name="written_by"' not in page and "Your name" not in page
    assert f"Saved as you, {LEAD}." in page
    response = lead.post(
        at("/measure/2/commentary"),
        data={"csrf_token": _token(lead, at("/measure/2/commentary")), "text": "  "},
    )
    assert response.status_code == 400
    assert "<title>Error: Commentary on measure 2 - Local First Inclusion</title>" in response.text
    assert '<a href="#text">Enter the commentary</a>' in response.text
    service = _service(app)
    assert service.commentary_history(2, service.snapshot().latest_term()) == []


def test_frm003_commentary_is_saved_as_the_account_and_every_version_kept(app, lead):
    service = _service(app)
    term = service.snapshot().latest_term()
    for text in ("First view", "=HYPERLINK(1) second view"):
        token = _token(lead, at("/measure/1/commentary"))
        response = lead.post(
            at("/measure/1/commentary"),
            # a typed name, as the old form sent, is ignored
            data={"csrf_token": token, "text": text, "written_by": "Officer C"},
        )
        assert response.status_code == 303
        assert response.headers["Location"].endswith(at("/measure/1#commentary"))
    history = service.commentary_history(1, term)
    assert [n.text for n in history] == ["=HYPERLINK(1) second view", "First view"]
    assert [n.written_by for n in history] == [LEAD, LEAD]
    assert service.commentary(term)[1].text == "=HYPERLINK(1) second view"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE_OFFICER])
def test_frm007_roles_below_programme_lead_get_403_from_the_forms_and_save_nothing(app, role):
    client = signed_in_client(app, role)
    service = _service(app)
    term = service.snapshot().latest_term()
    assert client.get(at("/measure/3/commentary")).status_code == 403
    assert client.get(at("/return/june-2027/edit")).status_code == 403
    response = client.post(at("/measure/3/commentary"), data={"text": "Falling"})
    assert response.status_code == 403
    response = client.post(at("/return/june-2027/edit"), data={"question-1": "No"})
    assert response.status_code == 403
    assert service.commentary_history(3, term) == []
    assert service.return_entries("June 2027") == {}


def test_frm004_a_condition_with_progress_needs_its_rag_and_nothing_is_saved(app, lead):
    token = _token(lead, at("/return/june-2026/edit"))
    response = lead.post(
        at("/return/june-2026/edit"),
        data={
            "csrf_token": token,
            "question-1": "Yes",
            "condition-4-text": "Teams recruited",
        },
    )
    assert response.status_code == 400
    assert "Choose red, amber or green for condition 4" in response.text
    # the whole form is refused: not even the answered question is kept
    assert _service(app).return_entries("June 2026") == {}


def test_frm005_the_return_saves_only_what_changed_as_the_account(app, lead):
    service = _service(app)
    form = {
        "condition-4-rag": "amber",
        "condition-4-text": "Teams recruited",
        "question-1": "Yes",
    }
    for answer in ("Yes", "Yes, with risks"):
        token = _token(lead, at("/return/september-2026/edit"))
        response = lead.post(
            at("/return/september-2026/edit"),
            data={**form, "question-1": answer, "csrf_token": token},
        )
        assert response.status_code == 303
    entries = service.return_entries("September 2026")
    assert [n.text for n in entries["question-1"]] == ["Yes, with risks", "Yes"]
    assert [(n.rag, n.text) for n in entries["condition-4"]] == [("amber", "Teams recruited")]
    assert {n.written_by for notes in entries.values() for n in notes} == {LEAD}
    assert "condition-5" not in entries


@pytest.fixture
def reader(app):
    """A viewer, signed in: every download but the pack is theirs."""
    return signed_in_client(app, Role.VIEWER)


def test_dwn001_a_measure_table_downloads_as_csv_and_xlsx(reader):
    client = reader
    response = client.get(at("/download/table/measure-1.csv"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="lfi-measure-1.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Period", "Value", "Basis", "Plan or target", "Difference"]
    # the demo's EHCP returns start in Autumn 2022
    assert rows[1][0] == "Autumn 2022" and rows[1][1].isdigit()
    book = openpyxl.load_workbook(io.BytesIO(client.get(at("/download/table/measure-1.xlsx")).data))
    assert book.sheetnames == ["Data", "Notes"]
    assert isinstance(book["Data"]["B2"].value, int | float)


def test_dwn002_text_typed_by_people_cannot_run_as_a_formula(app, reader):
    client = reader
    from datetime import date

    from services.demo import build_council_demo
    from services.submissions import load_workbook

    files = dict(build_council_demo(NORFOLK, date(2027, 1, 10)))
    load_workbook(
        _service(app).engine,
        files["demo-ehcp-2026-autumn.xlsx"],
        file_name="-1+1.xlsx",
        council=NORFOLK,
        max_bytes=20_000_000,
        loaded_by="=2+3",
    )
    rows = list(
        csv.reader(
            io.StringIO(client.get(at("/download/table/submissions.csv")).data.decode("utf-8-sig"))
        )
    )
    assert rows[1][0] == "'-1+1.xlsx" and rows[1][7] == "'=2+3"
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(at("/download/table/submissions.xlsx")).data)
    )["Data"]
    assert sheet["H2"].value == "'=2+3" and sheet["H2"].data_type == "s"


def test_dwn003_unknown_downloads_are_not_found(reader, lead):
    client = reader
    assert client.get(at("/download/table/nonsense.csv")).status_code == 404
    assert client.get(at("/download/table/measure-1.exe")).status_code == 404
    assert client.get(at("/download/chart/measure-99.png")).status_code == 404
    assert client.get(at("/download/return/juneish-2026/annex.xlsx")).status_code == 404
    response = lead.get(at("/download/pack.pdf?period=Winter+2026"))
    assert response.status_code == 404 and "Winter 2026" in response.text


def test_dwn004_a_chart_downloads_with_its_alt_text(reader):
    client = reader
    response = client.get(at("/download/chart/measure-1.svg"))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "<desc>Actual EHCPs was " in response.data.decode()


def test_dwn005_the_return_annex_downloads(reader):
    client = reader
    response = client.get(at("/download/return/september-2026/annex.xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book["KPIs"].max_row == 47


def _page_content(client, path: str) -> str:
    """What Dash's routing callback answers for ``path``: the page's whole content."""
    body = routing_request(path)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.data.decode()


def test_frm006_a_kept_page_shows_commentary_saved_after_it_was_kept(app, lead):
    before = _page_content(lead, at("/measure/7"))
    assert "No commentary for" in before
    assert _page_content(lead, at("/measure/7")) == before  # kept
    token = _token(lead, at("/measure/7/commentary"))
    lead.post(
        at("/measure/7/commentary"),
        data={"csrf_token": token, "text": "Parents' requests are rising"},
    )
    assert "Parents' requests are rising" in _page_content(lead, at("/measure/7"))


def test_dwn005_a_meeting_date_that_is_not_a_date_goes_back_to_the_form_with_all_kept(app, lead):
    from urllib.parse import parse_qsl, urlsplit

    from layouts.schools_forum import layout
    from tests.layouts.conftest import request_as
    from tests.layouts.test_static_pages import text_of, walk

    response = lead.get(
        at(
            "/download/pack.pdf?period=Summer+2026&meeting=Schools+Forum&meeting_date=2026-02-30"
            "&agenda_item=5"
        )
    )
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert (target.path, target.fragment) == (at("/schools-forum"), "pack-errors")
    query = dict(parse_qsl(target.query))
    assert query == {
        "period": "Summer 2026",
        "meeting": "Schools Forum",
        "meeting_date": "2026-02-30",
        "agenda_item": "5",
    }
    with request_as(app, Role.PROGRAMME_LEAD):
        page = layout(council=NORFOLK_CODE, **query)
    summary = next(n for n in walk(page) if getattr(n, "id", None) == "pack-errors")
    assert "'2026-02-30' is not a real date" in text_of(summary)
    link = next(n for n in walk(summary) if getattr(n, "href", None))
    assert link.href == "#sf-pack-meeting_date"
    inputs = {
        n.id: getattr(n, "value", None)
        for n in walk(page)
        if str(getattr(n, "id", "")).startswith("sf-pack-")
    }
    assert inputs["sf-pack-meeting"] == "Schools Forum" and inputs["sf-pack-agenda_item"] == "5"
    assert inputs["sf-pack-meeting_date"] == "2026-02-30"
