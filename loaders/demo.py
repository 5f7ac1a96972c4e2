"""The demo data set: a workbook for every family and every term from the demo's first term to
the latest complete term, made by a seeded generator and loaded exactly as uploads are
(services.demo loads them), in the council's own plan lines, years and measures.

What a council's demo is made of is data, in its demo folder (loaders.demo_spec reads it): its
plan, whose published SEN2 history its EHCP returns start from, how its forecasts drift from the
plan, its size, savings and targets. The public figures (requests, new plans and ceased plans by
calendar year, plans by primary need in January 2025) are real; the rest is made up and is
labelled as demo data wherever it appears.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.periods import Term, financial_year_start, latest_complete_term, terms_between
from domain.plan_lines import PlanLines
from domain.plan_shape import PlanShape
from domain.vocabulary import PROVISION_TYPES, SAVINGS_COHORTS
from loaders.demo_spec import DemoDataError, DemoSpec
from loaders.templates import write_dsg_workbook, write_ehcp_workbook, write_hnb_workbook

__all__ = ["DemoDataError", "build_demo_workbooks", "demo_terms"]

PUBLIC_DIR = Path(__file__).resolve().parent.parent / "data" / "public"
# Share of a calendar year's activity in each term (Spring Jan-Mar, Summer Apr-Aug, Autumn Sep-Dec).
CALENDAR_SHARE = {"Spring": 0.30, "Summer": 0.35, "Autumn": 0.35}
# Share of a financial year's spending in each term (Summer 5 months, Autumn 4, Spring 3).
FINANCIAL_SHARE = {"Summer": Decimal(5) / 12, "Autumn": Decimal(4) / 12, "Spring": Decimal(3) / 12}
# The share of a line's spending run centrally, unless the demo says otherwise for the line.
CENTRAL_SHARE = Decimal("0.02")
# The SEN2 census of January 2025 counts plans at the end of the Autumn 2024 term.
CENSUS_TERM = Term(2024, "Autumn")


# ---- the published history -------------------------------------------------------------------


def _public_rows(name: str, la_code: str) -> list[dict[str, str]]:
    with (PUBLIC_DIR / name).open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["new_la_code"] == la_code]
    if not rows:
        raise DemoDataError(f"The public file {name} holds no figures for {la_code}.")
    return rows


def _by_year(name: str, column: str, la_code: str) -> dict[int, int]:
    """A published count by calendar year; a year the DfE suppressed (x, z) is left out."""
    return {
        int(row["time_period"]): int(row[column])
        for row in _public_rows(name, la_code)
        if row[column].strip().isdigit()
    }


@dataclass(frozen=True)
class History:
    requests: dict[int, int]
    new_plans: dict[int, int]
    ceased: dict[int, int]
    needs_january_2025: dict[str, int]

    def yearly(self, series: dict[int, int], year: int) -> int:
        """A calendar year's figure; years after the last published carry it on."""
        return series.get(year, series[max(series)])


def read_history(spec: DemoSpec) -> History:
    """The council's published SEN2 figures, then the demo's own for later years: after the
    last published year the demo assumes the programme starts to work (fewer new plans, more
    ceased), made up like the rest of the demo's future."""
    la_code = spec.history_la_code
    needs_row = _public_rows("sen2-caseload-by-primary-need.csv", la_code)[0]
    codes = {
        "asd": "ASD",
        "hi": "HI",
        "mld": "MLD",
        "msi": "MSI",
        "oth": "OTH",
        "pd": "PD",
        "pmld": "PMLD",
        "semh": "SEMH",
        "slcn": "SLCN",
        "sld": "SLD",
        "spld": "SPLD",
        "vi": "VI",
        "need_unknown": "NSA",
    }
    return History(
        requests=_by_year("sen2-requests.csv", "requests_received_in_year", la_code),
        new_plans={
            **spec.projected_new_plans,
            **_by_year("sen2-assessments.csv", "assess_issued", la_code),
        },
        ceased={
            **spec.projected_ceased,
            **_by_year("sen2-ceased-plans.csv", "total_ceased", la_code),
        },
        needs_january_2025={code: int(needs_row[f"number_{key}"]) for key, code in codes.items()},
    )


# ---- EHCP returns ----------------------------------------------------------------------------


def _share(total: int, parts: dict[str, int]) -> dict[str, int]:
    """``total`` split in proportion to ``parts``, whole numbers adding up exactly."""
    weight = sum(parts.values())
    exact = {k: total * v / weight for k, v in parts.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[
        : total - sum(counts.values())
    ]:
        counts[k] += 1
    return counts


def build_ehcp_returns(
    terms: list[Term], history: History, spec: DemoSpec, rng: random.Random
) -> list[dict[str, object]]:
    """Each term's EHCP return: flows from the yearly history, plans anchored on the census."""
    flows: list[dict[str, int]] = []
    for term in terms:
        share = CALENDAR_SHARE[term.season]
        flows.append(
            {
                "requests": round(
                    history.yearly(history.requests, term.year) * share * rng.uniform(0.95, 1.05)
                ),
                "new": round(
                    history.yearly(history.new_plans, term.year) * share * rng.uniform(0.95, 1.05)
                ),
                "ceased": round(
                    history.yearly(history.ceased, term.year) * share * rng.uniform(0.9, 1.1)
                ),
                "in": rng.randint(25, 50),
                "out": rng.randint(25, 50),
            }
        )
    caseload = _caseloads(terms, flows, sum(history.needs_january_2025.values()))
    returns: list[dict[str, object]] = []
    for index, (term, flow) in enumerate(zip(terms, flows, strict=True)):
        requests = _share(flow["requests"], {"schools": 55, "parents": 35, "professionals": 10})
        population = spec.school_population + spec.school_population_growth * index
        returns.append(
            {
                "term": str(term),
                "counts": {
                    "ehcp_caseload": caseload[index],
                    "new_plans": flow["new"],
                    "ceased_plans": flow["ceased"],
                    "requests_schools": requests["schools"],
                    "requests_parents": requests["parents"],
                    "requests_professionals": requests["professionals"],
                    "movers_in": flow["in"],
                    "movers_out": flow["out"],
                    "school_population": population,
                    # about 42-44% of all plans (the rest are under 5, over 16 or in other
                    # settings): some 4-5% of pupils on roll
                    "pupils_with_ehcp": round(caseload[index] * (0.42 + 0.002 * index)),
                    "sen_support": round(population * (0.132 + 0.0007 * index)),
                    "permanent_exclusions": rng.randint(55, 90) - 2 * index,
                    "school_based_ap": 40 + 18 * index,
                },
                "needs": _share(caseload[index], history.needs_january_2025),
            }
        )
    return returns


def _caseloads(terms: list[Term], flows: list[dict[str, int]], january_2025: int) -> list[int]:
    """Plans at the end of each term, anchored on the census of January 2025 (end of Autumn 2024)."""
    anchor = next((i for i, t in enumerate(terms) if t == CENSUS_TERM), len(terms) - 1)
    caseload = [0] * len(terms)
    caseload[anchor] = january_2025
    for i in range(anchor + 1, len(terms)):
        f = flows[i]
        caseload[i] = caseload[i - 1] + f["new"] - f["ceased"] + f["in"] - f["out"]
    for i in range(anchor - 1, -1, -1):
        f = flows[i + 1]
        caseload[i] = caseload[i + 1] - f["new"] + f["ceased"] - f["in"] + f["out"]
    return caseload


# ---- placements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementKind:
    provision: str
    first: int  # placements active in the first term
    last: int  # and in the last
    cost: tuple[int, int]  # mean and spread of the annual cost, £
    ages: tuple[int, int]
    in_county: float
    needs: dict[str, int]


KINDS = (
    PlacementKind(
        "maintained_special",
        900,
        980,
        (24_000, 5_000),
        (4, 19),
        0.96,
        {"ASD": 35, "SLD": 15, "MLD": 15, "SEMH": 15, "PMLD": 8, "SLCN": 7, "PD": 5},
    ),
    PlacementKind(
        "academy_special",
        600,
        720,
        (25_500, 5_500),
        (4, 19),
        0.95,
        {"ASD": 35, "SEMH": 25, "SLD": 12, "MLD": 12, "SLCN": 8, "PMLD": 4, "PD": 4},
    ),
    PlacementKind(
        "independent_special",
        690,
        430,
        (62_000, 18_000),
        (5, 19),
        0.6,
        {"SEMH": 45, "ASD": 40, "SLCN": 6, "MLD": 4, "OTH": 5},
    ),
    PlacementKind(
        "non_maintained_special",
        45,
        40,
        (55_000, 12_000),
        (5, 19),
        0.3,
        {"HI": 25, "VI": 20, "PD": 25, "MSI": 10, "ASD": 20},
    ),
    PlacementKind(
        "srb",
        320,
        760,
        (12_500, 3_000),
        (4, 16),
        1.0,
        {"ASD": 45, "SLCN": 25, "SEMH": 20, "MLD": 10},
    ),
    PlacementKind(
        "fe_college",
        520,
        560,
        (9_500, 3_000),
        (16, 25),
        0.93,
        {"MLD": 30, "ASD": 30, "SPLD": 15, "SEMH": 15, "SLCN": 10},
    ),
    PlacementKind(
        "specialist_post16",
        120,
        110,
        (46_000, 12_000),
        (16, 25),
        0.4,
        {"ASD": 40, "SLD": 25, "PMLD": 15, "SEMH": 20},
    ),
    PlacementKind(
        "alternative_provision",
        210,
        170,
        (15_500, 4_000),
        (11, 16),
        0.9,
        {"SEMH": 80, "ASD": 10, "OTH": 10},
    ),
)
TURNOVER = 0.08  # share of placements that end in a term


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_in(term: Term, rng: random.Random) -> date:
    return term.start + timedelta(days=rng.randint(0, (term.end - term.start).days))


Placement = dict[str, Any]  # one row of the placement list, by column key


def _new_placement(kind: PlacementKind, number: int, start: date, rng: random.Random) -> Placement:
    age = rng.randint(*kind.ages)
    return {
        "reference": f"DEMO-{kind.provision[:3].upper()}-{number:05d}",
        "age": age,
        "nc_year": age - 5 if 5 <= age <= 18 and kind.provision != "fe_college" else None,
        "primary_need": _pick(rng, kind.needs),
        "provision_type": PROVISION_TYPES[kind.provision],
        "provider": f"Demo {PROVISION_TYPES[kind.provision].lower()} {rng.randint(1, 40):02d}",
        "in_county": "In" if rng.random() < kind.in_county else "Out",
        "annual_cost": round(max(2_000.0, rng.gauss(*kind.cost)), 2),
        "start_date": start,
        "end_date": None,
        "renegotiation_saving": None,
    }


def build_placement_lists(
    terms: list[Term], spec: DemoSpec, rng: random.Random
) -> list[list[Placement]]:
    """Each term's list: placements active at any time in it, with turnover between terms; the
    generator's counts scaled to the council's size."""
    renegotiations_from = date(financial_year_start(spec.renegotiations_from), 4, 1)
    lists: list[list[Placement]] = []
    active: dict[str, list[Placement]] = {k.provision: [] for k in KINDS}
    ended: list[Placement] = []
    number = 0
    for index, term in enumerate(terms):
        progress = index / max(1, len(terms) - 1)
        ended = []
        for kind in KINDS:
            current = active[kind.provision]
            for placement in [p for p in current if index and rng.random() < TURNOVER]:
                placement["end_date"] = _day_in(term, rng)
                current.remove(placement)
                ended.append(placement)
            first = round(kind.first * spec.placement_scale)
            last = round(kind.last * spec.placement_scale)
            target = round(first + (last - first) * progress)
            while len(current) < target:
                number += 1
                start = (
                    _day_in(term, rng)
                    if index
                    else term.start - timedelta(days=rng.randint(30, 2000))
                )
                current.append(_new_placement(kind, number, start, rng))
            if kind.provision == "independent_special" and term.start >= renegotiations_from:
                _renegotiate(current, rng)
        lists.append(
            [dict(p) for kind in KINDS for p in active[kind.provision]] + [dict(p) for p in ended]
        )
    return lists


def _renegotiate(placements: list[Placement], rng: random.Random) -> None:
    """A few independent placements a term are renegotiated, each once."""
    for placement in rng.sample(placements, k=min(12, len(placements))):
        if placement["renegotiation_saving"] is None:
            placement["renegotiation_saving"] = round(
                placement["annual_cost"] * rng.uniform(0.03, 0.09), 2
            )


# ---- DSG and HNB -----------------------------------------------------------------------------

Figures = dict[str, dict[str, Decimal]]  # £m by line code and year


def _overspend_share(term: Term, spec: DemoSpec) -> Decimal:
    """How much of the overspend a forecast made in ``term`` had seen."""
    full_from = spec.overspend.full_from
    if term.start >= full_from.start:
        return Decimal(1)
    terms = terms_between(spec.first_term, full_from)
    return Decimal(terms.index(term)) / Decimal(len(terms) - 1)


def build_forecast(spec: DemoSpec, term: Term) -> Figures:
    """The forecast made in ``term``: outturn for years already ended, then the forecast, with
    the demo's overspend on its line."""
    forecast = {code: dict(years) for code, years in spec.plan.items()}
    current = financial_year_start(term.financial_year)
    share = _overspend_share(term, spec)
    line = forecast[spec.overspend.line]
    for year, extra in spec.overspend.by_year.items():
        seen = Decimal(1) if financial_year_start(year) < current else share
        line[year] += (extra * seen).quantize(Decimal("0.001"))
    return forecast


def build_spend(
    forecast: Figures, term: Term, plan_lines: PlanLines, spec: DemoSpec
) -> dict[str, tuple[Decimal, Decimal]]:
    """The term's share of each expenditure line, in pounds, split into direct and central."""
    from loaders.hnb import expenditure_lines

    spend = {}
    for code in expenditure_lines(plan_lines):
        pounds = (
            forecast[code][term.financial_year] * 1_000_000 * FINANCIAL_SHARE[term.season]
        ).quantize(Decimal("0.01"))
        central = (pounds * spec.central_share.get(code, CENTRAL_SHARE)).quantize(Decimal("0.01"))
        spend[code] = (pounds - central, central)
    return spend


def build_savings(index: int, spec: DemoSpec, rng: random.Random) -> dict[str, Decimal]:
    """Each cohort's savings in the ``index``-th term: its base, once more every term, varied."""
    grow = Decimal(index + 1)
    savings = {}
    for code in SAVINGS_COHORTS:
        cohort = spec.savings[code]
        amount = cohort.base * grow
        if cohort.spread:
            amount *= Decimal(str(rng.uniform(1 - cohort.spread, 1 + cohort.spread)))
        savings[code] = amount.quantize(Decimal(1))
    return savings


# ---- the workbooks ---------------------------------------------------------------------------


def demo_terms(today: date, first: Term) -> list[Term]:
    """The demo's terms: from its first to the latest complete term on ``today``."""
    return terms_between(first, latest_complete_term(today))


def _slug(term: Term) -> str:
    return f"{term.year}-{term.season.lower()}"


def build_demo_workbooks(today: date, shape: PlanShape, spec: DemoSpec) -> list[tuple[str, bytes]]:
    """(file name, bytes) for every family and term, in the order they would have been loaded:
    the council's workbooks (``shape``: its plan lines, years and measures) filled from its
    demo (``spec``). loaders.demo_spec.fit_problems says first whether the two fit."""
    rng = random.Random(spec.seed)
    terms = demo_terms(today, spec.first_term)
    ehcp = build_ehcp_returns(terms, read_history(spec), spec, rng)
    placements = build_placement_lists(terms, spec, rng)
    targets = spec.target_rows()
    files = []
    for index, term in enumerate(terms):
        forecast = build_forecast(spec, term)
        files.append(
            (
                f"demo-dsg-{_slug(term)}.xlsx",
                _write(
                    write_dsg_workbook,
                    shape=shape,
                    opening_balance=spec.opening_balance,
                    plan=spec.plan,
                    forecast=forecast,
                    forecast_term=str(term),
                    targets=targets,
                ),
            )
        )
        files.append((f"demo-ehcp-{_slug(term)}.xlsx", _write(write_ehcp_workbook, **ehcp[index])))
        files.append(
            (
                f"demo-hnb-{_slug(term)}.xlsx",
                _write(
                    write_hnb_workbook,
                    shape=shape,
                    term=str(term),
                    spend=build_spend(forecast, term, shape.lines, spec),
                    savings=build_savings(index, spec, rng),
                    placements=placements[index],
                ),
            )
        )
    return files


def _write(writer: Callable[..., None], **figures: object) -> bytes:
    buffer = io.BytesIO()
    writer(buffer, **figures)
    return buffer.getvalue()
