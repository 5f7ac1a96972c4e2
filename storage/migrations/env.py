"""Alembic environment: the engine is handed over by storage.database, never read from a file.

The upgrade runs as a writer, so app workers starting together upgrade one after another.
"""

from alembic import context
from sqlalchemy import text

from storage.database import WRITE_LOCK_KEY, WRITE_OPTION
from storage.models import Base

engine = context.config.attributes["engine"]

with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
    sqlite = connection.dialect.name == "sqlite"
    raw = connection.connection.dbapi_connection
    if sqlite:
        # SQLite alters a table by copying it; with foreign keys enforced, dropping the old copy
        # fails. The pragma only takes effect outside a transaction, hence the raw connection.
        raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            if not sqlite:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                )
            context.configure(
                connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the upgrade broke foreign keys: {broken}")
    finally:
        if sqlite:
            raw.execute("PRAGMA foreign_keys=ON")
