"""The schema is created and upgraded by Alembic, in place, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.database import (
    create_database_engine,
    current_revision,
    head_revision,
    upgrade_database,
)
from storage.models import Base

TABLES = {"submissions", "submission_files", "dsg_statements", "dsg_figures", "alembic_version"}


def test_mig001_an_empty_database_is_brought_to_the_newest_revision(database_url):
    engine = create_database_engine(database_url)
    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_mig002_the_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_mig003_an_existing_database_is_upgraded_in_place_keeping_its_data(database_url):
    engine = create_database_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE council_notes (note VARCHAR(40))"))
        connection.execute(text("INSERT INTO council_notes VALUES ('kept')"))
    upgrade_database(engine, "0001")  # the schema of the first release
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO submissions (id, family, file_name, sha256, size_bytes, loaded_at, "
                "status, is_demo) VALUES (1, 'dsg', 'a.xlsx', 'x', 1, CURRENT_TIMESTAMP, "
                "'current', false)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO dsg_statements (submission_id, first_year, last_year, "
                "opening_balance_pence, forecast_term) VALUES (1, '2022-23', '2028-29', 0, "
                "'Autumn 2024')"
            )
        )
    upgrade_database(engine)
    upgrade_database(engine)  # again, as every start of the app does
    with engine.connect() as connection:
        assert connection.execute(text("SELECT note FROM council_notes")).scalar_one() == "kept"
        row = connection.execute(text("SELECT file_name, period FROM submissions")).one()
    # the release that added periods gives an old DSG submission its forecast's term
    assert tuple(row) == ("a.xlsx", "Autumn 2024")
    assert current_revision(engine) == head_revision()
    engine.dispose()
