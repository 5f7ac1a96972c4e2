"""The demo data set: the paper's plan with a synthetic forecast, loaded like any upload.

The forecast is made up for demonstration, labelled as demo data wherever it appears. It follows
the shape of the revised forecast Norfolk reported in 2024: independent special school spending
above plan every year, ending 2028-29 with a cumulative deficit of about £11.8m instead of nil.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loaders.errors import LoaderError
from loaders.submissions import check_workbook, store_checked
from loaders.templates import write_dsg_workbook
from storage.database import write_session
from storage.models import Submission

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
PLAN_FILE = DEMO_DIR / "dsg-plan-schools-forum-2023-05.csv"
DEMO_YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29")
DEMO_FILE_NAME = "demo-dsg-plan-and-forecast.xlsx"
DEMO_FORECAST_TERM = "Autumn 2024"
# Independent special school spending above plan, £m a year: 11.8 in all by 2028-29.
DEMO_OVERSPEND = {
    "2023-24": Decimal("0.900"),
    "2024-25": Decimal("1.600"),
    "2025-26": Decimal("2.200"),
    "2026-27": Decimal("2.400"),
    "2027-28": Decimal("2.400"),
    "2028-29": Decimal("2.300"),
}


class DemoDataError(LoaderError):
    """The demo data cannot be loaded into this database as configured."""


def read_paper_plan() -> tuple[Decimal, dict[str, dict[str, Decimal]]]:
    """The paper's opening balance and plan lines, in £m."""
    with PLAN_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    lines = {
        row["line"]: {
            year: Decimal(value) for year, value in row.items() if year != "line" and value
        }
        for row in rows
    }
    opening = lines.pop("opening_balance")
    return next(iter(opening.values())), lines


def build_demo_forecast(plan: dict[str, dict[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    forecast = {code: dict(years) for code, years in plan.items()}
    for year, extra in DEMO_OVERSPEND.items():
        forecast["independent_special_schools"][year] += extra
    return forecast


def build_demo_workbook() -> bytes:
    opening, plan = read_paper_plan()
    buffer = io.BytesIO()
    write_dsg_workbook(
        buffer,
        years=DEMO_YEARS,
        opening_balance=opening,
        plan=plan,
        forecast=build_demo_forecast(plan),
        forecast_term=DEMO_FORECAST_TERM,
    )
    return buffer.getvalue()


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count(Submission.id))) == 0


def load_demo_data(engine: Engine, *, years: tuple[str, ...], max_bytes: int) -> bool:
    """Load the demo data if the database is empty; True if it was loaded.

    The emptiness check and the loads share one write transaction, so two app workers starting
    together load it once.
    """
    if years != DEMO_YEARS:
        raise DemoDataError(
            f"The demo data covers the plan years {DEMO_YEARS[0]} to {DEMO_YEARS[-1]}, but the "
            f"plan is set to run {years[0]} to {years[-1]}. Set LFI_LOAD_DEMO=false."
        )
    checked = check_workbook(
        build_demo_workbook(), file_name=DEMO_FILE_NAME, years=years, max_bytes=max_bytes
    )
    if not checked.report.ok:
        problems = "; ".join(str(issue) for issue in checked.report.errors)
        raise DemoDataError(f"The demo workbook {DEMO_FILE_NAME} has errors: {problems}")
    with write_session(engine) as session:
        if not database_is_empty(session):
            return False
        store_checked(session, checked, is_demo=True)
    return True
