"""Commentary and the DfE return's answers entered through their forms, kept with history; and
the downloads every page offers. Through Flask's test client on the demo data."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from tests.layouts.conftest import app_on


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_on(tmp_path_factory.mktemp("forms"), load_demo=True)


@pytest.fixture
def client(app):
    return app.server.test_client()


def _token(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


def _service(app):
    return app.server.extensions["lfi"]


def test_frm001_a_post_without_the_forms_token_is_refused(client):
    response = client.post("/measure/1/commentary", data={"text": "x", "written_by": "y"})
    assert response.status_code == 400


def test_frm002_a_missing_name_is_named_in_an_error_summary_and_nothing_is_saved(app, client):
    token = _token(client, "/measure/2/commentary")
    response = client.post(
        "/measure/2/commentary", data={"token": token, "text": "Rising", "written_by": " "}
    )
    assert response.status_code == 400
    assert "<title>Error: Commentary on measure 2 - Local First Inclusion</title>" in response.text
    assert '<a href="#written_by">Enter your name</a>' in response.text
    # what was typed is kept on the page, and nothing is stored
    assert ">Rising</textarea>" in response.text
    service = _service(app)
    assert service.commentary_history(2, service.snapshot().latest_term()) == []


def test_frm003_commentary_is_saved_and_every_version_kept(app, client):
    service = _service(app)
    term = service.snapshot().latest_term()
    for text in ("First view", "=HYPERLINK(1) second view"):
        token = _token(client, "/measure/1/commentary")
        response = client.post(
            "/measure/1/commentary",
            data={"token": token, "text": text, "written_by": "Officer C"},
        )
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/measure/1#commentary")
    history = service.commentary_history(1, term)
    assert [n.text for n in history] == ["=HYPERLINK(1) second view", "First view"]
    assert service.commentary(term)[1].text == "=HYPERLINK(1) second view"


def test_frm004_a_condition_with_progress_needs_its_rag_and_nothing_is_saved(app, client):
    token = _token(client, "/return/june-2026/edit")
    response = client.post(
        "/return/june-2026/edit",
        data={
            "token": token,
            "question-1": "Yes",
            "condition-4-text": "Teams recruited",
            "written_by": "Officer D",
        },
    )
    assert response.status_code == 400
    assert "Choose red, amber or green for condition 4" in response.text
    # the whole form is refused: not even the answered question is kept
    assert _service(app).return_entries("June 2026") == {}


def test_frm005_the_return_saves_only_what_changed(app, client):
    service = _service(app)
    form = {
        "condition-4-rag": "amber",
        "condition-4-text": "Teams recruited",
        "question-1": "Yes",
        "written_by": "Officer D",
    }
    for answer in ("Yes", "Yes, with risks"):
        token = _token(client, "/return/september-2026/edit")
        response = client.post(
            "/return/september-2026/edit", data={**form, "question-1": answer, "token": token}
        )
        assert response.status_code == 303
    entries = service.return_entries("September 2026")
    assert [n.text for n in entries["question-1"]] == ["Yes, with risks", "Yes"]
    assert [(n.rag, n.text) for n in entries["condition-4"]] == [("amber", "Teams recruited")]
    assert "condition-5" not in entries


def test_dwn001_a_measure_table_downloads_as_csv_and_xlsx(client):
    response = client.get("/download/table/measure-1.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="lfi-measure-1.csv"'
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Period", "Value", "Basis", "Plan or target", "Difference"]
    # the demo's EHCP returns start in Autumn 2022
    assert rows[1][0] == "Autumn 2022" and rows[1][1].isdigit()
    book = openpyxl.load_workbook(io.BytesIO(client.get("/download/table/measure-1.xlsx").data))
    assert book.sheetnames == ["Data", "Notes"]
    assert isinstance(book["Data"]["B2"].value, int | float)


def test_dwn002_text_typed_by_people_cannot_run_as_a_formula(app, client):
    from datetime import date

    from loaders.demo import build_demo_workbooks
    from services.submissions import load_workbook

    files = dict(build_demo_workbooks(date(2027, 1, 10)))
    load_workbook(
        _service(app).engine,
        files["demo-ehcp-2026-autumn.xlsx"],
        file_name="-1+1.xlsx",
        years=("2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29"),
        max_bytes=20_000_000,
        loaded_by="=2+3",
    )
    rows = list(
        csv.reader(
            io.StringIO(client.get("/download/table/submissions.csv").data.decode("utf-8-sig"))
        )
    )
    assert rows[1][0] == "'-1+1.xlsx" and rows[1][7] == "'=2+3"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/download/table/submissions.xlsx").data))[
        "Data"
    ]
    assert sheet["H2"].value == "'=2+3" and sheet["H2"].data_type == "s"


def test_dwn003_unknown_downloads_are_not_found(client):
    assert client.get("/download/table/nonsense.csv").status_code == 404
    assert client.get("/download/table/measure-1.exe").status_code == 404
    assert client.get("/download/chart/measure-99.png").status_code == 404
    assert client.get("/download/return/juneish-2026/annex.xlsx").status_code == 404
    response = client.get("/download/pack.pdf?period=Winter+2026")
    assert response.status_code == 404 and "Winter 2026" in response.text


def test_dwn004_a_chart_downloads_with_its_alt_text(client):
    response = client.get("/download/chart/measure-1.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "<desc>Actual EHCPs was " in response.data.decode()


def test_dwn005_the_return_annex_downloads(client):
    response = client.get("/download/return/september-2026/annex.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book["KPIs"].max_row == 47


def _page_content(client, path: str) -> str:
    """What Dash's routing callback answers for ``path``: the page's whole content."""
    body = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [
            {"id": "_pages_content", "property": "children"},
            {"id": "_pages_store", "property": "data"},
        ],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.data.decode()


def test_frm006_a_kept_page_shows_commentary_saved_after_it_was_kept(app, client):
    client.get("/")  # Dash sets up its page routing on the first request
    before = _page_content(client, "/measure/7")
    assert "No commentary for" in before
    assert _page_content(client, "/measure/7") == before  # kept
    token = _token(client, "/measure/7/commentary")
    client.post(
        "/measure/7/commentary",
        data={"token": token, "text": "Parents' requests are rising", "written_by": "Officer E"},
    )
    assert "Parents' requests are rising" in _page_content(client, "/measure/7")


def test_dwn005_a_meeting_date_that_is_not_a_date_goes_back_to_the_form_with_all_kept(app, client):
    from urllib.parse import parse_qsl, urlsplit

    from layouts.schools_forum import layout
    from tests.layouts.test_static_pages import text_of, walk

    response = client.get(
        "/download/pack.pdf?period=Summer+2026&meeting=Schools+Forum&meeting_date=2026-02-30"
        "&agenda_item=5"
    )
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert (target.path, target.fragment) == ("/schools-forum", "pack-errors")
    query = dict(parse_qsl(target.query))
    assert query == {
        "period": "Summer 2026",
        "meeting": "Schools Forum",
        "meeting_date": "2026-02-30",
        "agenda_item": "5",
    }
    with app.server.test_request_context():
        page = layout(**query)
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
