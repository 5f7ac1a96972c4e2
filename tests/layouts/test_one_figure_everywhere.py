"""One figure everywhere: for every measure in the catalogue, the overview's row, the measure
page's headline, its chart's title, its summary sentence, the table download and the Schools
Forum pack name the same value, period and basis. On the demo data, through the app."""

from __future__ import annotations

import csv
import importlib
import io
from decimal import Decimal

import pytest

from domain.roles import Role
from exports.publish import withheld
from exports.symbols import SUPPRESSED
from figures.measure import measure_title, summarise_measure
from kpis.wording import BASIS_LABELS, period_phrase, show_value
from tests.conftest import _reset_postgres
from tests.councils import NORFOLK, NORFOLK_CODE
from tests.layouts.conftest import app_on, request_as
from tests.layouts.test_static_pages import text_of, walk
from tests.routing import council_address as at
from tests.signin import signed_in_client

THRESHOLD = 4  # LFI_SUPPRESS_THRESHOLD's default


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def app(request, tmp_path_factory):
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_server_url")
        _reset_postgres(url)
    app = app_on(tmp_path_factory.mktemp("one-figure"), load_demo=True, database_url=url)
    yield app
    # close the pool's connections now: left to the garbage collector, a PostgreSQL connection
    # warns in whichever later test happens to collect it
    app.server.extensions["lfi"].engine.dispose()


@pytest.fixture(scope="module")
def service(app):
    return app.server.extensions["lfi"].service(NORFOLK_CODE)


@pytest.fixture(scope="module")
def snapshot(service):
    return service.snapshot()


@pytest.fixture(scope="module")
def csv_rows(app):
    response = signed_in_client(app, Role.VIEWER).get(at("/download/table/measures.csv"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    return {int(row["Ref"]): row for row in rows if row["Ref"].isdigit()}


def _page(app, module: str, **kwargs):
    page_module = importlib.import_module(f"layouts.{module}")
    with request_as(app, Role.VIEWER):
        return page_module.layout(council=NORFOLK_CODE, **kwargs)


def _refs(service) -> list[int]:
    # read from the catalogue, never range(1, 47): a council's catalogue has its own count
    return [m.ref for m in service.catalogue.measures]


def test_one000_the_demo_gives_every_measure_a_figure(service, snapshot):
    missing = [ref for ref in _refs(service) if snapshot.latest(ref) is None]
    assert missing == []


def test_one001_the_overview_row_names_the_reported_figure(app, service, snapshot):
    from domain.actors import Actor
    from layouts._shared.viewer import Viewer

    overview = importlib.import_module("layouts.overview")
    viewer = Viewer(Actor("viewer@example.org", Role.VIEWER), THRESHOLD)
    for measure in service.catalogue.measures:
        latest = snapshot.latest(measure.ref)
        with request_as(app, Role.VIEWER):  # its links are Norfolk's addresses
            cells = [text_of(cell) for cell in overview._row(viewer, snapshot, measure)]
        assert cells[1] == show_value(latest.value, measure), measure.ref
        assert cells[2] == period_phrase(latest), measure.ref


def test_one002_the_measure_page_headline_names_the_same_figure(app, service, snapshot):
    for ref in _refs(service):
        latest = snapshot.latest(ref)
        page = _page(app, "measure", ref=str(ref))
        headline = next(n for n in walk(page) if getattr(n, "className", None) == "latest")
        words = text_of(headline)
        assert show_value(latest.value, latest.measure) in words, ref
        assert f"in {period_phrase(latest)}" in words, ref


def test_one003_the_chart_title_and_summary_name_the_same_figure(service, snapshot):
    for ref in _refs(service):
        latest, series = snapshot.latest(ref), snapshot.series(ref)
        expected = f"{show_value(latest.value, latest.measure)} in {period_phrase(latest)}"
        assert expected in measure_title(series), (ref, measure_title(series))
        assert expected in summarise_measure(series), (ref, summarise_measure(series))


def test_one004_the_table_download_gives_the_same_figure(service, snapshot, csv_rows):
    for ref in _refs(service):
        latest, row = snapshot.latest(ref), csv_rows[ref]
        assert row["Period"] == latest.period, ref
        assert row["Basis"].startswith(BASIS_LABELS[latest.basis]), ref
        if withheld(latest, THRESHOLD):
            assert row["Latest"] == SUPPRESSED, ref
            continue
        # published at the precision the measure is read at (3 places for £m, 4 for a fraction)
        assert abs(Decimal(row["Latest"]) - latest.value) <= Decimal("0.005"), ref


class _NoChart:
    """The pack's words without drawing its charts (the charts are tested on their own)."""

    def render(self, *_args, **_kwargs) -> bytes:
        return b"<svg xmlns='http://www.w3.org/2000/svg'/>"


def test_one005_the_pack_leads_with_the_same_figure(service, snapshot):
    from datetime import date
    from html import escape

    from exports.latest import worded
    from exports.pack import PackRequest, build_pack_html

    request = PackRequest(
        term=snapshot.latest_term(),
        snapshot=snapshot,
        catalogue=service.catalogue,
        commentary={},
        threshold=THRESHOLD,
        today=date(2026, 11, 30),
        council=NORFOLK.profile,
    )
    page = build_pack_html(request, _NoChart())
    for measure in service.catalogue.measures:
        latest = snapshot.latest(measure.ref)
        figure, period = escape(worded(latest, THRESHOLD)), escape(period_phrase(latest))
        # the one-page summary of every measure: figure, then its period and basis
        assert f"<td class=num>{figure}</td><td>{period}</td>" in page, measure.ref
        if measure.schools_forum:
            lead = f"<span class='figure'>{figure}</span> in {period}"
            assert lead in page, measure.ref
