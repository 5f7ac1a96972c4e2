"""The plan page's tables fit the page's column and say which years are forecasts: the DSG
measures one line for the outturn and one for the forecast (nine columns side by side ran off
the page at 1,366 pixels), and the latest figures line by line with each year's basis."""

import dash
import pytest
from flask import Flask, g

from tests.councils import NORFOLK_CODE
from tests.figures.test_chart_visibility import plan_view
from tests.layouts.test_static_pages import text_of, walk


@pytest.fixture(scope="module")
def plan():
    # Dash pages register themselves against an app; importing the module needs one.
    dash.Dash(__name__, use_pages=True, pages_folder="")
    import layouts.plan as module

    return module


def _table(component):
    return next(c for c in walk(component) if type(c).__name__ == "Table")


def _headings(table) -> list[str]:
    head = next(c for c in walk(table) if type(c).__name__ == "Thead")
    return [text_of(th) for th in walk(head) if type(th).__name__ == "Th"]


def _built(build):
    with Flask(__name__).test_request_context():
        g.lfi_council = NORFOLK_CODE
        return build()


def test_pln001_each_dsg_measure_has_an_outturn_line_and_a_forecast_line(plan):
    view = plan_view()  # the paper's plan, a forecast made in Summer 2026
    table = _table(_built(lambda: plan._measures_section(view)))
    assert _headings(table) == [
        "Measure", "Figure", "Year and basis", "Plan", "Difference from plan", "Status"]  # fmt: skip
    body = next(c for c in walk(table) if type(c).__name__ == "Tbody")
    rows = [text_of(tr) for tr in body.children]
    # Norfolk's seven DSG measures (16 to 22), each twice
    assert len(rows) == 14
    # measure 18, after contributions: outturn for 2025-26; forecast for 2026-27 made in Summer 2026
    assert "2025-26 (outturn)" in rows[4] and rows[4].startswith("18. ")
    assert "2026-27 (forecast made in Summer 2026)" in rows[5] and rows[5].startswith("18. ")


def test_pln002_the_latest_figures_name_each_year_outturn_or_forecast(plan):
    view = plan_view()
    table = _table(
        _built(lambda: plan._lines_table(view.position.forecast, position=view.position))
    )
    # a forecast made in Summer 2026 (in 2026-27): the years before 2026-27 had ended
    assert _headings(table) == [
        "Line", "2022-23(outturn)", "2023-24(outturn)", "2024-25(outturn)", "2025-26(outturn)",
        "2026-27(forecast)", "2027-28(forecast)", "2028-29(forecast)"]  # fmt: skip
    plan_only = _table(_built(lambda: plan._lines_table(view.position.plan)))
    assert _headings(plan_only)[1] == "2022-23"
