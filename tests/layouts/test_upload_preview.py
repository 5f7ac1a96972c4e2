"""The upload check page for a valid file: what storing it changes, figure by figure with its
period, basis and status; the rows each sheet gave; the measures still waiting for data.

A small database: the paper's plan with targets for 2026-27, and the EHCP return for Summer 2026;
then an EHCP return for Autumn 2026, with figures chosen here, is uploaded but not confirmed."""

from __future__ import annotations

import importlib
import io

import pytest
from dash import html

from loaders.demo_spec import demo_folder, read_demo_spec
from loaders.templates import write_dsg_workbook, write_ehcp_workbook
from services.submissions import load_workbook
from tests.councils import COUNCILS_DIR, NORFOLK, NORFOLK_CODE
from tests.layouts.conftest import app_on
from tests.layouts.test_static_pages import text_of, walk
from tests.layouts.uploading import account, norfolk, signed_in_as

# Targets for 2026-27: plans in force (1), requests from schools (6), exclusions (45), pupils in
# school-based AP (46). Requests from parents (7) have none.
TARGETS = {1: {"2026-27": 12_000}, 6: {"2026-27": 500}, 45: {"2026-27": 40}, 46: {"2026-27": 300}}
SUMMER = {
    "ehcp_caseload": 12_300,
    "new_plans": 400,
    "ceased_plans": 150,
    "requests_schools": 510,
    "requests_parents": 320,
    "requests_professionals": 90,
    "movers_in": 30,
    "movers_out": 25,
    "school_population": 120_000,
    "pupils_with_ehcp": 6_000,
    "sen_support": 16_000,
    "permanent_exclusions": 30,
    # pupils in school-based AP left blank: measure 46 has no figure before Autumn
}
AUTUMN = {
    **SUMMER,
    "ehcp_caseload": 12_900,
    "requests_schools": 560,
    "requests_parents": 340,
    "permanent_exclusions": 50,
    "school_based_ap": 200,
}
AUTUMN_NEEDS = {"ASD": 6_000, "SEMH": 4_000, "SLCN": 2_900}  # 12,900 in all


def _bytes(writer, **figures) -> bytes:
    buffer = io.BytesIO()
    writer(buffer, **figures)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = app_on(tmp_path_factory.mktemp("upload-preview"), load_demo=False)
    # the paper's plan, as Norfolk's demo data set holds it
    spec = read_demo_spec(demo_folder(COUNCILS_DIR / NORFOLK_CODE))
    opening, plan = spec.opening_balance, spec.plan
    stored = [
        (
            "dsg-plan.xlsx",
            _bytes(
                write_dsg_workbook,
                shape=NORFOLK.shape,
                opening_balance=opening,
                plan=plan,
                targets=TARGETS,
            ),
        ),
        (
            "ehcp-summer-2026.xlsx",
            _bytes(write_ehcp_workbook, term="Summer 2026", counts=SUMMER, needs={"ASD": 12_300}),
        ),
    ]
    engine = app.server.extensions["lfi"].engine
    for name, data in stored:
        outcome = load_workbook(
            engine, data, file_name=name, council=NORFOLK, max_bytes=20_000_000, reason=None
        )
        assert outcome.stored_id is not None, outcome.report.issues
    return app


@pytest.fixture(scope="module")
def page(app):
    data = _bytes(write_ehcp_workbook, term="Autumn 2026", counts=AUTUMN, needs=AUTUMN_NEEDS)
    officer = account(app)
    token = norfolk(app).keep_upload(officer, "ehcp-autumn-2026.xlsx", data)
    module = importlib.import_module("layouts.upload_check")
    with signed_in_as(app, officer):
        return module.layout(council=NORFOLK_CODE, token=token)


def _table(page, table_id: str) -> html.Table:
    return next(
        node
        for node in walk(page)
        if isinstance(node, html.Table) and getattr(node, "id", None) == table_id
    )


def _rows(page, table_id: str) -> dict[str, list]:
    """Each body row's cells, by the measure's number."""
    body = next(node for node in walk(_table(page, table_id)) if isinstance(node, html.Tbody))
    rows = {}
    for row in body.children:
        cells = row.children
        rows[text_of(cells[0]).split(".")[0]] = cells
    return rows


def _statuses(cell) -> list[str]:
    """The statuses a cell shows, in order, each as a tag with its icon and word."""
    classes = [getattr(node, "className", None) or "" for node in walk(cell)]
    return [c.removeprefix("status status--") for c in classes if c.startswith("status status--")]


def test_upv001_a_new_terms_figure_is_shown_beside_the_previous_terms(page):
    row = _rows(page, "upload-changes")["1"]
    assert text_of(row[1]) == "Autumn 2026"
    assert text_of(row[2]) == "12,300Summer 2026, outturn"
    assert text_of(row[3]) == "12,900Autumn 2026, outturn"
    # 12,300 is 2.5% over the target of 12,000 (green: up to 5%); 12,900 is 7.5% over (amber:
    # over 5% and up to 10%)
    assert _statuses(row[4]) == ["green", "amber"]
    assert "Green: on track" in text_of(row[4]) and "Amber: at risk" in text_of(row[4])


def test_upv002_each_status_change_follows_the_catalogues_thresholds(page):
    rows = _rows(page, "upload-changes")
    # 6: 510 then 560 against 500: 2% over (green), then 12% over (red: beyond 10%)
    assert _statuses(rows["6"][4]) == ["green", "red"]
    # 45: 30 exclusions (better than 40), then 50: 25% over (red)
    assert _statuses(rows["45"][4]) == ["green", "red"]
    # 46: no earlier figure; 200 against 300, higher is better: 33% short (red)
    assert text_of(rows["46"][2]).startswith("not available")
    assert _statuses(rows["46"][4]) == ["none", "red"]
    assert text_of(rows["46"][4]).startswith("–No figure: nothing loaded yet")
    # 7: no target, so no status before or after
    assert text_of(rows["7"][4]) == "No change: –No target: none set yet"
    # 8: a new term's figure is listed even when it equals the previous term's
    assert [text_of(cell) for cell in rows["8"][2:4]] == [
        "90Summer 2026, outturn",
        "90Autumn 2026, outturn",
    ]
    # Summer 2026, already stored and unchanged, is not listed
    assert {text_of(cells[1]) for cells in rows.values()} == {"Autumn 2026"}


def test_upv003_the_summary_says_how_many_rows_each_sheet_gave(page):
    words = text_of(page)
    assert "Rows readActivity: 13 figures; Primary need: 3 needs" in words


def test_upv004_measures_still_waiting_for_data_say_why(page):
    rows = _rows(page, "upload-waiting")
    assert text_of(rows["4"][1]) == "2026-27"
    assert text_of(rows["4"][2]) == (
        "Needs all three terms of 2026-27: the EHCP return for Spring 2027 is not loaded yet"
    )
    assert text_of(rows["2"][2]) == "Needs the EHCP return for Autumn 2025"
    # the table is captioned and headed, for screen readers
    table = _table(page, "upload-waiting")
    assert text_of(table.children[0]) == "4 measures wait for more data"
    assert set(rows) == {"2", "3", "4", "10"}
