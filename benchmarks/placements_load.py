"""Ingest a 100,000-row placement sheet (parse, validate, commit) and, in the same run, a naive
baseline: pandas.read_excel with openpyxl, then DataFrame.to_sql, which checks nothing.

    .venv/bin/python benchmarks/placements_load.py [--rows N] [--repeat N] [--council CODE]

Each run is a fresh process on a fresh SQLite file; its peak memory is the resident high-water
mark (VmHWM) of that process, imports included. Target: at
least 5 times faster than the baseline, under 5 seconds and under 500 MB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmark_council import add_council_argument, choose_council  # noqa: E402

from domain.vocabulary import PRIMARY_NEEDS, PROVISION_TYPES  # noqa: E402
from kpis.council import Council  # noqa: E402
from loaders.templates import write_hnb_workbook  # noqa: E402

TERM_START = date(2024, 9, 1)

PRODUCT = """
import json, sys, time
from datetime import date
from pathlib import Path
start = time.perf_counter()
from kpis.council import read_council
from services.submissions import load_workbook
from storage.database import create_database_engine, upgrade_database
council = read_council(Path(sys.argv[3]))
engine = create_database_engine(f"sqlite:///{sys.argv[2]}")
upgrade_database(engine)
ready = time.perf_counter()
outcome = load_workbook(engine, open(sys.argv[1], "rb").read(), file_name="placements.xlsx",
                        council=council, max_bytes=100_000_000, today=date(2026, 11, 22))
elapsed = time.perf_counter() - ready
assert outcome.stored_id is not None, [str(i) for i in outcome.report.errors[:5]]
status = open("/proc/self/status").read()
peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024}))
"""

BASELINE = """
import json, sys, time
start = time.perf_counter()
import pandas as pd
from sqlalchemy import create_engine
engine = create_engine(f"sqlite:///{sys.argv[2]}")
ready = time.perf_counter()
frame = pd.read_excel(sys.argv[1], sheet_name="Placements", engine="openpyxl")
frame.to_sql("placements", engine, index=False, chunksize=10_000)
elapsed = time.perf_counter() - ready
status = open("/proc/self/status").read()
peak_kb = int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])
print(json.dumps({"seconds": elapsed, "peak_mb": peak_kb / 1024}))
"""


def build_workbook(path: Path, rows: int, council: Council) -> None:
    rng = random.Random(7)
    needs, provisions = list(PRIMARY_NEEDS), list(PROVISION_TYPES.values())
    placements = [
        {
            "reference": f"PL-{n:06d}",
            "age": (age := rng.randint(4, 19)),
            "nc_year": age - 5 if 5 <= age <= 18 else None,
            "primary_need": rng.choice(needs),
            "provision_type": rng.choice(provisions),
            "provider": f"Demo provider {rng.randint(1, 400):03d}",
            "in_county": rng.choice(("In", "Out")),
            "annual_cost": round(rng.uniform(5_000, 120_000), 2),
            "start_date": TERM_START - timedelta(days=rng.randint(0, 2_000)),
            "end_date": None
            if rng.random() < 0.8
            else TERM_START + timedelta(days=rng.randint(0, 100)),
            "renegotiation_saving": round(rng.uniform(500, 5_000), 2)
            if rng.random() < 0.1
            else None,
        }
        for n in range(rows)
    ]
    write_hnb_workbook(path, shape=council.shape, term="Autumn 2024", placements=placements)


def run(script: str, workbook: Path, database: Path, *more: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script, str(workbook), str(database), *map(str, more)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    add_council_argument(parser)
    args = parser.parse_args()
    council = choose_council(args.council)
    council_folder = council.profile.measures_file.parent
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        workbook = folder / "placements.xlsx"
        build_workbook(workbook, args.rows, council)
        product = [
            run(PRODUCT, workbook, folder / f"p{n}.sqlite3", council_folder)
            for n in range(args.repeat)
        ]
        baseline = [run(BASELINE, workbook, folder / f"b{n}.sqlite3") for n in range(args.repeat)]
        size = workbook.stat().st_size
    p = statistics.median(r["seconds"] for r in product)
    b = statistics.median(r["seconds"] for r in baseline)
    p_mb = max(r["peak_mb"] for r in product)
    b_mb = max(r["peak_mb"] for r in baseline)
    print(f"Placement sheet: {args.rows:,} rows, {size / 1e6:.1f} MB; median of {args.repeat} runs")
    print(f"  product  (parse, check every cell, commit): {p:6.2f} s, peak {p_mb:5.0f} MB")
    print(f"  baseline (read_excel openpyxl + to_sql):   {b:6.2f} s, peak {b_mb:5.0f} MB")
    print(
        f"  speed-up: {b / p:.1f} times (target at least 5); product under 5 s: {p < 5}; "
        f"under 500 MB: {p_mb < 500}"
    )


if __name__ == "__main__":
    main()
