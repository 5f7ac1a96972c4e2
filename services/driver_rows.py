"""Large reads of whole numbers and text straight from the database driver.

SQLAlchemy makes a Row object of every row it reads, which costs more than the driver's own read:
for the hundreds of thousands of figures every council's returns hold, about twice as long. For
columns the driver already gives as the program wants them (whole numbers and text, on SQLite and
PostgreSQL alike), the driver's tuples are used as they are. Anything else is refused, since its
conversion (dates, booleans, decimals) would be skipped.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Integer, Select, String
from sqlalchemy.orm import Session

PLAIN = (Integer, String)  # BigInteger is an Integer


def plain_rows(session: Session, statement: Select) -> list[tuple[Any, ...]]:
    """The statement's rows as the driver's tuples, in the session's transaction. TypeError for a
    column or parameter that is not a whole number or text."""
    for selected in statement.selected_columns:
        if not isinstance(selected.type, PLAIN):
            raise TypeError(f"{selected} is {selected.type}: not read as the driver gives it")
    connection = session.connection()
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    for name, value in params.items():
        if not isinstance(value, int | str):
            raise TypeError(f"parameter {name} is {type(value).__name__}: not sent as it is")
    positions = compiled.positiontup or []
    arguments = tuple(params[name] for name in positions) if compiled.positional else params
    # Executed through SQLAlchemy, so its events (the tests' among them) see the statement; the
    # rows are then fetched from the driver's cursor, as the driver gives them.
    result = connection.exec_driver_sql(compiled.string, arguments)
    try:
        # both drivers give a list of tuples
        return cast(list[tuple[Any, ...]], result.cursor.fetchall())
    finally:
        result.close()
