"""Time loading a DSG workbook (open, check every cell, store) against a naive baseline measured
in the same run: pandas.read_excel with openpyxl, then to_sql, which checks nothing.

    .venv/bin/python benchmarks/dsg_load.py [--repeat N] [--council CODE]

The workbook is the council's first demo DSG workbook (its plan lines and years, a forecast).
Prints the median of N runs of each, and their ratio. There is no target for this workbook; the
numbers show what the checks cost on a file the size of a real plan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmark_council import add_council_argument, choose_council, demo_workbook  # noqa: E402

from kpis.council import Council  # noqa: E402
from services.submissions import load_workbook  # noqa: E402
from storage.database import create_database_engine, upgrade_database  # noqa: E402

TODAY = date(2026, 11, 22)


def time_product(data: bytes, council: Council, folder: Path, run: int) -> float:
    engine = create_database_engine(f"sqlite:///{folder / f'product-{run}.sqlite3'}")
    upgrade_database(engine)
    start = time.perf_counter()
    outcome = load_workbook(
        engine, data, file_name="plan.xlsx", council=council, max_bytes=20_000_000
    )
    elapsed = time.perf_counter() - start
    if outcome.stored_id is None:
        raise SystemExit(f"the benchmark workbook was not stored: {outcome.report.issues}")
    engine.dispose()
    return elapsed


def time_baseline(data: bytes, folder: Path, run: int) -> float:
    engine = create_engine(f"sqlite:///{folder / f'baseline-{run}.sqlite3'}")
    start = time.perf_counter()
    sheets = pd.read_excel(BytesIO(data), sheet_name=None, engine="openpyxl")
    for name, frame in sheets.items():
        frame.to_sql(name.lower(), engine, if_exists="replace", index=False)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    add_council_argument(parser)
    args = parser.parse_args()
    council = choose_council(args.council)
    data = demo_workbook(council, TODAY, "demo-dsg-")
    with tempfile.TemporaryDirectory() as folder:
        product = [time_product(data, council, Path(folder), n) for n in range(args.repeat)]
        baseline = [time_baseline(data, Path(folder), n) for n in range(args.repeat)]
    p, b = statistics.median(product), statistics.median(baseline)
    print(f"{council.la_code}'s DSG workbook, {len(data):,} bytes, median of {args.repeat} runs")
    print(f"  product  (open, check every cell, store in one transaction): {p * 1000:8.1f} ms")
    print(f"  baseline (pandas.read_excel + to_sql, no checks):            {b * 1000:8.1f} ms")
    print(f"  ratio product / baseline: {p / b:.2f}")


if __name__ == "__main__":
    main()
