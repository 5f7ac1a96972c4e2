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

from loaders.submissions import LoadOutcome, load_workbook
from loaders.templates import write_dsg_workbook
from storage.models import Submission

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
PLAN_FILE = DEMO_DIR / "dsg-plan-schools-forum-2023-05.csv"
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


def build_demo_workbook(years: tuple[str, ...]) -> bytes:
    opening, plan = read_paper_plan()
    buffer = io.BytesIO()
    write_dsg_workbook(
        buffer,
        years=years,
        opening_balance=opening,
        plan=plan,
        forecast=build_demo_forecast(plan),
        forecast_term=DEMO_FORECAST_TERM,
    )
    return buffer.getvalue()


def database_is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.scalar(select(func.count(Submission.id))) == 0


def load_demo_data(engine: Engine, *, years: tuple[str, ...], max_bytes: int) -> LoadOutcome:
    return load_workbook(
        engine,
        build_demo_workbook(years),
        file_name=DEMO_FILE_NAME,
        years=years,
        max_bytes=max_bytes,
        is_demo=True,
    )
