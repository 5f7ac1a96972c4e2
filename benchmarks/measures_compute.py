"""Compute every measure of a council's catalogue for every period, for one council and for 150
councils' worth of data, against a baseline measured in the same run: the same placement measures
by a naive row-by-row loop over the placement list.

    .venv/bin/python benchmarks/measures_compute.py [--councils N] [--council CODE]

The council's demo data (twelve terms or so of returns, about 4,000 placements a term) is stored
once and read back as the pages read it; each of the N councils is a copy of it, so that nothing
one computation works out and keeps is reused by the next. Targets on a 2-core machine: one
council under 0.5 s, 150 councils under 10 s.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmark_council import add_council_argument, choose_council  # noqa: E402
from national_baseline import read_dsg_position, read_returns  # noqa: E402  (every row read)
from sqlalchemy.orm import Session  # noqa: E402

from domain.periods import parse_term  # noqa: E402
from kpis.computations import FIELDS  # noqa: E402
from kpis.council import Council  # noqa: E402
from kpis.dsg import DsgPosition  # noqa: E402
from kpis.measures import compute_measures  # noqa: E402
from kpis.returns import Returns  # noqa: E402
from services.demo import load_demo_data  # noqa: E402
from storage.database import create_database_engine, upgrade_database  # noqa: E402

TODAY = date(2026, 11, 22)


def demo_council(council: Council) -> tuple[Returns, DsgPosition | None]:
    """The council's demo data as the measures read it from the database."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_database_engine(f"sqlite:///{Path(folder) / 'demo.sqlite3'}")
        upgrade_database(engine)
        if load_demo_data(engine, council=council, max_bytes=20_000_000, today=TODAY) == 0:
            raise SystemExit(f"{council.la_code} has no demo data to compute measures from")
        with Session(engine) as session:
            found = read_returns(session, council), read_dsg_position(session, council)
        engine.dispose()
    return found


def naive_placement_measures(catalogue, rows: list[dict]) -> dict[tuple[int, str], Decimal | None]:
    """The baseline: every placement measure, each term, by looping over every row."""
    results = {}
    terms = sorted({r["term"] for r in rows}, key=lambda t: parse_term(t).start)
    for measure in catalogue.measures:
        inputs = measure.inputs
        if inputs.get("source") != "placements" or measure.grain != "term" or "distinct" in inputs:
            continue
        for term in terms:
            first, last = parse_term(term).start, parse_term(term).end
            if measure.computation == "ratio":
                top = sum(
                    1
                    for r in rows
                    if r["term"] == term and _matches(r, inputs["numerator"], first, last)
                )
                bottom = sum(
                    1
                    for r in rows
                    if r["term"] == term and _matches(r, inputs["denominator"], first, last)
                )
                results[(measure.ref, term)] = Decimal(top) / bottom if bottom else None
                continue
            chosen = [r for r in rows if r["term"] == term and _matches(r, inputs, first, last)]
            if measure.computation == "count":
                results[(measure.ref, term)] = Decimal(len(chosen))
            else:
                field = FIELDS[inputs["field"]]
                values = [r[field] for r in chosen]
                results[(measure.ref, term)] = (
                    Decimal(round(sum(values) / len(values))) / 100 if values else None
                )
    return results


def _matches(row: dict, where: dict, first: date, last: date) -> bool:
    if "provision" in where and row["provision"] not in where["provision"]:
        return False
    if "need" in where and row["need"] not in where["need"]:
        return False
    if "county" in where and row["in_county"] != (where["county"] == "in"):
        return False
    age = where.get("age")
    if age == "under_16" and not row["age"] < 16:
        return False
    if age == "16_and_over" and not row["age"] >= 16:
        return False
    if isinstance(age, list) and not age[0] <= row["age"] <= age[1]:
        return False
    if "has" in where and row[FIELDS[where["has"]]] != row[FIELDS[where["has"]]]:  # NaN
        return False
    flow = where.get("flow")
    if flow == "new" and not first <= row["start"].date() <= last:
        return False
    if flow == "ceased" and not (row["end"] == row["end"] and first <= row["end"].date() <= last):
        return False
    return True


WORKERS = 2  # the machine's cores
COUNCILS: list = []  # filled before the workers fork, so they share it without copying
CHOSEN: list[Council] = []  # the council whose catalogue and place every copy is computed with


def _compute_chunk(indices) -> list[int]:
    council = CHOSEN[0]
    return [
        len(compute_measures(council.catalogue, COUNCILS[i][1], COUNCILS[i][0], council.place))
        for i in indices
    ]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--councils", type=int, default=150)
    add_council_argument(parser)
    args = parser.parse_args()
    chosen = choose_council(args.council)
    CHOSEN.append(chosen)
    catalogue = chosen.catalogue
    demo, latest = demo_council(chosen)
    council, position = copy.deepcopy((demo, latest))
    rows = council.placements.astype({"term": str, "provision": str, "need": str}).to_dict(
        "records"
    )
    one, results = timed(compute_measures, catalogue, position, council, chosen.place)
    naive, baseline = timed(naive_placement_measures, catalogue, rows)
    product = {(v.measure.ref, v.period): v.value for v in results}
    mismatched = [key for key, value in baseline.items() if product.get(key) != value]
    if mismatched:
        raise SystemExit(f"the baseline and the product disagree on {mismatched[:5]}")
    placements = len(council.placements)
    count = len(catalogue.measures)
    print(f"One council: {len(results)} values of {count} measures; {placements:,} placement rows")
    print(f"  product  (every measure):                   {one:6.3f} s   (target under 0.5 s)")
    print(f"  baseline (placement measures, row by row):  {naive:6.3f} s   ratio {naive / one:.1f}")
    COUNCILS.extend(copy.deepcopy((demo, latest)) for _ in range(args.councils))
    start = time.perf_counter()
    serial = sum(_compute_chunk(range(len(COUNCILS))))
    one_core = time.perf_counter() - start
    start = time.perf_counter()
    chunks = [range(i, len(COUNCILS), WORKERS) for i in range(WORKERS)]
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("fork")) as pool:
        parallel = sum(sum(counts) for counts in pool.map(_compute_chunk, chunks))
    both_cores = time.perf_counter() - start
    if serial != parallel:
        raise SystemExit("the parallel run computed a different number of values")
    print(f"{args.councils} councils ({placements * args.councils:,} placement rows in all):")
    print(f"  product on one core:    {one_core:6.2f} s")
    print(f"  product on {WORKERS} cores:      {both_cores:6.2f} s (target under 10 s)")
    print(f"  naive baseline, estimated from one council: {naive * args.councils:6.1f} s")


if __name__ == "__main__":
    main()
