"""The app on a SQLite file of its own, for tests that build pages or post forms without a
browser."""

from pathlib import Path

from app import create_app
from settings import Settings


def app_on(folder: Path, *, load_demo: bool, database_url: str | None = None):
    settings = Settings(
        database_url=database_url or f"sqlite:///{folder / 'lfi.sqlite3'}",
        host="127.0.0.1",
        port=8050,
        debug=False,
        load_demo=load_demo,
        max_upload_mb=20,
        plan_first_year="2022-23",
        plan_last_year="2028-29",
    )
    return create_app(settings)
