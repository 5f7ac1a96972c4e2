"""Compute all 46 measures for every period, for one council and for 150 councils' worth of
synthetic data, against a baseline measured in the same run: the same placement measures by a
naive row-by-row loop over the placement list.

    .venv/bin/python benchmarks/measures_compute.py [--councils N]

Targets on a 2-core machine: one council under 0.5 s, 150 councils under 10 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.periods import parse_term  # noqa: E402
from domain.vocabulary import PROVISION_TYPES  # noqa: E402
from kpis.catalogue import load_catalogue  # noqa: E402
from kpis.computations import FIELDS  # noqa: E402
from kpis.measures import compute_measures  # noqa: E402
from kpis.returns import Returns, placements_frame  # noqa: E402
from loaders.demo import (  # noqa: E402
    build_ehcp_returns,
    build_forecast,
    build_placement_lists,
    build_savings,
    build_spend,
    demo_terms,
    read_history,
    read_paper_plan,
)

PROVISION_BY_LABEL = {label: code for code, label in PROVISION_TYPES.items()}
from tests.kpis.helpers import paper_plan, position  # noqa: E402

TODAY = date(2026, 11, 22)


def synthetic_council(seed: int) -> tuple[Returns, object]:
    """A council like the demo: twelve terms of EHCP and HNB returns and about 4,000 placements
    a term, drawn with its own seed."""
    rng = random.Random(seed)
    terms = demo_terms(TODAY)
    returns = Returns()
    for term, ehcp in zip(terms, build_ehcp_returns(terms, read_history(), rng), strict=True):
        returns.ehcp[str(term)] = ehcp["counts"]
        returns.needs[str(term)] = ehcp["needs"]
    _, plan_lines = read_paper_plan()
    rows = []
    for index, (term, placements) in enumerate(
        zip(terms, build_placement_lists(terms, rng), strict=True)
    ):
        spend = build_spend(build_forecast(plan_lines, term), term)
        returns.spend[str(term)] = {k: (int(d * 100), int(c * 100)) for k, (d, c) in spend.items()}
        returns.savings[str(term)] = {k: int(v * 100) for k, v in build_savings(index, rng).items()}
        for p in placements:
            saving = p["renegotiation_saving"]
            rows.append(
                (
                    str(term),
                    p["age"],
                    p["nc_year"],
                    PROVISION_BY_LABEL[p["provision_type"]],
                    p["primary_need"],
                    p["provider"],
                    p["in_county"] == "In",
                    round(p["annual_cost"] * 100),
                    p["start_date"],
                    p["end_date"],
                    round(saving * 100) if saving else None,
                )
            )
    returns.placements = placements_frame(rows)
    plan = paper_plan()
    returns.dsg_by_term = {str(t): position(plan, plan, str(t)) for t in terms}
    return returns, position(plan, plan, str(terms[-1]))


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


def _compute_chunk(indices) -> list[int]:
    catalogue = load_catalogue()
    return [len(compute_measures(catalogue, COUNCILS[i][1], COUNCILS[i][0])) for i in indices]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--councils", type=int, default=150)
    args = parser.parse_args()
    catalogue = load_catalogue()
    council, latest = synthetic_council(0)
    rows = council.placements.astype({"term": str, "provision": str, "need": str}).to_dict(
        "records"
    )
    one, results = timed(compute_measures, catalogue, latest, council)
    naive, baseline = timed(naive_placement_measures, catalogue, rows)
    product = {(v.measure.ref, v.period): v.value for v in results}
    mismatched = [key for key, value in baseline.items() if product.get(key) != value]
    if mismatched:
        raise SystemExit(f"the baseline and the product disagree on {mismatched[:5]}")
    placements = len(council.placements)
    print(f"One council: {len(results)} values of 46 measures; {placements:,} placement rows")
    print(f"  product  (all 46 measures):                 {one:6.3f} s   (target under 0.5 s)")
    print(f"  baseline (placement measures, row by row):  {naive:6.3f} s   ratio {naive / one:.1f}")
    COUNCILS.extend(synthetic_council(seed) for seed in range(1, args.councils + 1))
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
