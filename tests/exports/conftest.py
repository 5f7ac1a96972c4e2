"""The demo data set as it stood on 22 November 2026 (terms Autumn 2022 to Summer 2026), loaded
once into a SQLite file for the export tests, and one chart renderer for them all."""

import shutil
from datetime import date

import pytest

from exports.charts import ChartRenderer
from kpis.council import read_council
from services.demo import load_demo_data
from services.measures import MeasureService
from storage.database import create_database_engine, upgrade_database
from tests.councils import NORFOLK

TODAY = date(2026, 11, 22)


def _need(tool: str, package: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(
            f"{tool} is not installed: run scripts/test, which installs it "
            f"(apt-get install {package})",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def demo_service(tmp_path_factory) -> MeasureService:
    path = tmp_path_factory.mktemp("exports") / "demo.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    load_demo_data(engine, council=NORFOLK, max_bytes=20_000_000, today=TODAY)
    return MeasureService(engine=engine, council=NORFOLK)


@pytest.fixture(scope="session")
def renderer():
    _need("chromium", "chromium")
    chart_renderer = ChartRenderer()
    yield chart_renderer
    chart_renderer.close()


@pytest.fixture(scope="session")
def poppler():
    _need("pdftoppm", "poppler-utils")
    _need("pdftotext", "poppler-utils")


@pytest.fixture(scope="session")
def suffolk_service(tmp_path_factory) -> MeasureService:
    """Suffolk's demo data (the second demo council: a made-up plan, fewer measures) on its
    own SQLite file."""
    from tests.councils import COUNCILS_DIR

    suffolk = read_council(COUNCILS_DIR / "E10000029")
    path = tmp_path_factory.mktemp("suffolk") / "demo.sqlite3"
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    load_demo_data(engine, council=suffolk, max_bytes=20_000_000, today=TODAY)
    return MeasureService(engine=engine, council=suffolk)
