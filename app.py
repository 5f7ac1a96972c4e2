"""Create the Dash app, wire its configuration and data, and nothing else."""

from __future__ import annotations

from dash import Dash
from flask import redirect, request

from kpis.catalogue import load_catalogue
from kpis.service import MeasureService
from layouts._shared.context import EXTENSION_KEY
from layouts._shared.frame import INDEX_STRING, build_frame
from loaders.demo import load_demo_data
from settings import Settings, read_settings
from storage.database import create_database_engine, upgrade_database


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or read_settings()
    engine = create_database_engine(settings.database_url)
    upgrade_database(engine)
    if settings.load_demo:
        load_demo_data(engine, years=settings.plan_years, max_bytes=settings.max_upload_bytes)
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="layouts",
        title="Local First Inclusion KPI dashboard",
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    app.server.extensions[EXTENSION_KEY] = MeasureService(engine=engine, catalogue=load_catalogue())
    app.layout = build_frame()

    @app.server.before_request
    def _start_at_the_plan():
        # The financial plan is the dashboard's front page until the overview exists.
        if request.path == "/":
            return redirect("/plan")
        return None

    return app


def serve() -> None:
    settings = read_settings()
    app = create_app(settings)
    app.run(host=settings.host, port=settings.port, debug=settings.debug)


if __name__ == "__main__":
    serve()
