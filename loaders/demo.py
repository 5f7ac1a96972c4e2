"""The demo data set: a workbook for every family and every term from Autumn 2022 to the latest
complete term, made by a seeded generator and loaded exactly as uploads are (services.demo
loads them).

What the public has is real: Norfolk's requests for assessment, new plans and ceased plans by
calendar year and its plans by primary need in January 2025 (SEN2, data/public/), and the DSG
plan printed in the Schools Forum paper of May 2023. The rest is made up and is labelled as demo
data wherever it appears: the outturn and forecasts (independent special school spending above
plan, ending 2028-29 with a cumulative deficit of about £11.8m, the shape of the revised forecast
Norfolk reported in 2024), the split of requests by source, census counts, spending by term,
savings and the placement list.
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

from domain.periods import Term, financial_year_start, latest_complete_term, terms_between
from domain.plan_lines import PlanLines
from domain.plan_shape import PlanShape
from domain.vocabulary import PROVISION_TYPES
from loaders.errors import LoaderError
from loaders.templates import (
    TargetValue,
    write_dsg_workbook,
    write_ehcp_workbook,
    write_hnb_workbook,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PLAN_FILE = DATA_DIR / "demo" / "dsg-plan-schools-forum-2023-05.csv"
PUBLIC_DIR = DATA_DIR / "public"
NORFOLK = "E10000020"
SEED = 20230517
FIRST_TERM = Term(2022, "Autumn")
DEMO_YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28", "2028-29")
# Independent special school spending above plan, £m a year: 11.8 in all by 2028-29.
DEMO_OVERSPEND = {
    "2023-24": Decimal("0.900"),
    "2024-25": Decimal("1.600"),
    "2025-26": Decimal("2.200"),
    "2026-27": Decimal("2.400"),
    "2027-28": Decimal("2.400"),
    "2028-29": Decimal("2.300"),
}
# By Autumn 2024 the forecast shows the whole overspend; earlier forecasts show part of it.
FULL_OVERSPEND_FROM = Term(2024, "Autumn")
# Share of a calendar year's activity in each term (Spring Jan-Mar, Summer Apr-Aug, Autumn Sep-Dec).
CALENDAR_SHARE = {"Spring": 0.30, "Summer": 0.35, "Autumn": 0.35}
# Share of a financial year's spending in each term (Summer 5 months, Autumn 4, Spring 3).
FINANCIAL_SHARE = {"Summer": Decimal(5) / 12, "Autumn": Decimal(4) / 12, "Spring": Decimal(3) / 12}
CENTRAL_SHARE = {
    "inclusion_infrastructure": Decimal(1),
    "investment_contingency": Decimal(1),
    "therapies_and_health": Decimal("0.6"),
    "other_costs": Decimal("0.5"),
    "inclusion_fund": Decimal("0.1"),
}


def _targets(
    baseline: float, baseline_period: str, *yearly: float, per: str | None = None
) -> dict[str, TargetValue]:
    """A Targets sheet row: the baseline, a target for every plan year, and Per when typed."""
    row: dict[str, TargetValue] = {"baseline": baseline, "baseline_period": baseline_period}
    row.update(zip(DEMO_YEARS, yearly, strict=True))
    return {**row, "per": per} if per else row


TERM = "term"  # a flow's targets, each for one term
YEAR = "year"  # a flow's targets for a whole year, judged on the twelve months to each term
# Made-up targets of the kind a programme team would set for every measure that has a direction
# (not 16-22, which follow the plan), along the paper's aims: fewer new plans and requests,
# slower growth in plans, more SEN support, fewer and cheaper independent placements, savings
# rising, fewer exclusions, more pupils in school-based AP. Typed as the dashboard shows each
# measure (a count, pounds, £m, a percentage as 4.7). Set so the latest term shows mostly green,
# some amber and a few red, as a programme part way through would.
DEMO_TARGETS = {
    1: _targets(8_986, "Autumn 2022", 10_200, 11_300, 12_000, 12_400, 12_600, 12_700, 12_700),
    2: _targets(20.6, "Autumn 2023", 12, 15, 10, 6, 4, 3, 2),
    3: _targets(1_697, "2023-24", 1_800, 1_600, 1_100, 440, 300, 200, 100),
    4: _targets(2_253, "2023-24", 2_300, 2_100, 1_900, 1_600, 1_400, 1_300, 1_200),
    5: _targets(3.2, "Autumn 2022", 3.7, 4.0, 4.3, 4.5, 4.6, 4.6, 4.6),
    # requests are counted over each term and terms differ in length: targets are for a year,
    # judged on the twelve months to each term
    6: _targets(1_329, "2023-24", 1_400, 1_400, 1_420, 1_410, 1_380, 1_330, 1_280, per=YEAR),
    7: _targets(846, "2023-24", 880, 880, 900, 890, 870, 840, 810, per=YEAR),
    8: _targets(241, "2023-24", 250, 250, 255, 250, 235, 225, 215, per=YEAR),
    9: _targets(13.2, "Autumn 2022", 13.2, 13.4, 13.6, 13.8, 14.0, 14.3, 14.6),
    # a surplus is positive, a deficit negative: the plan's in-year position, year by year
    11: _targets(-19.637, "Autumn 2022", -19.637, -25.149, -20.433, -10.925, -0.301, 11.32, 16.675),
    # spending is counted over each term (Summer five months, Autumn four, Spring three): targets
    # are for a year, judged on the twelve months to each term
    12: _targets(
        169_801_000,
        "2023-24",
        *(
            170_000_000,
            172_000_000,
            174_000_000,
            170_000_000,
            168_000_000,
            163_000_000,
            158_000_000,
        ),
        per=YEAR,
    ),
    13: _targets(
        154_214_820,
        "2023-24",
        *(
            155_000_000,
            155_000_000,
            157_000_000,
            153_000_000,
            151_000_000,
            147_000_000,
            143_000_000,
        ),
        per=YEAR,
    ),
    14: _targets(
        15_586_180,
        "2023-24",
        *(16_000_000, 16_000_000, 17_500_000, 17_000_000, 16_500_000, 16_000_000, 15_500_000),
        per=YEAR,
    ),
    15: _targets(31_262, "Autumn 2022", 31_500, 30_500, 29_000, 27_500, 26_500, 26_000, 25_500),
    23: _targets(
        2_079_290,
        "2023-24",
        *(1_500_000, 2_000_000, 3_600_000, 5_000_000, 5_800_000, 6_600_000, 7_400_000),
        per=YEAR,
    ),
    24: _targets(
        876_692,
        "2023-24",
        *(600_000, 850_000, 1_350_000, 2_100_000, 2_500_000, 2_900_000, 3_300_000),
        per=YEAR,
    ),
    # all HNB is the sum of its three cohorts' targets (23, 24 and 26)
    25: _targets(
        3_375_982,
        "2023-24",
        *(2_400_000, 3_270_000, 5_680_000, 8_150_000, 9_500_000, 10_850_000, 12_200_000),
        per=YEAR,
    ),
    26: _targets(
        420_000,
        "2023-24",
        *(300_000, 420_000, 730_000, 1_050_000, 1_200_000, 1_350_000, 1_500_000),
        per=YEAR,
    ),
    27: _targets(32_115, "Autumn 2022", 32_500, 31_000, 29_500, 27_500, 26_000, 25_500, 25_000),
    28: _targets(25_133, "Autumn 2022", 25_500, 25_000, 24_500, 24_000, 23_500, 23_000, 22_500),
    29: _targets(24_891, "Autumn 2022", 25_000, 25_000, 25_000, 25_000, 25_000, 25_250, 25_500),
    30: _targets(24_323, "Autumn 2022", 24_500, 24_500, 24_000, 23_500, 23_000, 23_000, 23_000),
    31: _targets(24_744, "Autumn 2022", 25_000, 25_000, 25_000, 25_000, 25_000, 25_000, 25_000),
    32: _targets(24_189, "Autumn 2022", 25_000, 25_000, 25_000, 25_000, 25_000, 25_000, 25_000),
    33: _targets(9_585, "Autumn 2022", 10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000),
    34: _targets(59_535, "Autumn 2022", 60_000, 60_000, 59_000, 58_000, 57_000, 56_000, 55_000),
    35: _targets(15_488, "Autumn 2022", 15_500, 15_500, 15_500, 15_500, 15_500, 15_250, 15_000),
    36: _targets(
        71_103, "Spring 2023", 65_000, 65_000, 63_000, 62_000, 62_000, 61_000, 60_000, per=TERM
    ),
    37: _targets(
        62_117, "Spring 2023", 66_000, 66_000, 64_000, 62_000, 61_000, 60_000, 59_000, per=TERM
    ),
    38: _targets(
        63_471, "Spring 2023", 60_000, 60_000, 61_000, 62_000, 62_000, 63_000, 64_000, per=TERM
    ),
    39: _targets(3_245, "Summer 2023", 3_000, 3_300, 3_500, 3_600, 3_700, 3_800, 3_900),
    40: _targets(40, "2023-24", 42, 40, 40, 38, 36, 34, 32),
    42: _targets(690, "Autumn 2022", 700, 680, 600, 520, 460, 400, 350),
    43: _targets(33.2, "Autumn 2022", 33, 31, 28, 25, 22, 20, 18),
    44: _targets(0.46, "Autumn 2022", 0.46, 0.42, 0.36, 0.30, 0.25, 0.22, 0.20),
    45: _targets(233, "2023-24", 240, 235, 170, 140, 135, 120, 105, per=YEAR),
    46: _targets(40, "Autumn 2022", 50, 90, 140, 190, 240, 280, 300),
}


class DemoDataError(LoaderError):
    """The demo data cannot be loaded into this database as configured."""


# ---- the published history -------------------------------------------------------------------


def _public_rows(name: str) -> list[dict[str, str]]:
    with (PUBLIC_DIR / name).open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["new_la_code"] == NORFOLK]


def _by_year(name: str, column: str) -> dict[int, int]:
    return {int(row["time_period"]): int(row[column]) for row in _public_rows(name)}


# After the last published year the demo assumes Local First Inclusion starts to work: fewer new
# plans, more ceased. Made up, like the rest of the demo's future.
PROJECTED = {
    "new_plans": {2025: 1_650, 2026: 1_450},
    "ceased": {2025: 1_000, 2026: 1_250},
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


def read_history() -> History:
    needs_row = _public_rows("sen2-caseload-by-primary-need.csv")[0]
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
        requests=_by_year("sen2-requests.csv", "requests_received_in_year"),
        new_plans={**PROJECTED["new_plans"], **_by_year("sen2-assessments.csv", "assess_issued")},
        ceased={**PROJECTED["ceased"], **_by_year("sen2-ceased-plans.csv", "total_ceased")},
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


def build_ehcp_returns(terms: list[Term], history: History, rng: random.Random) -> list[dict]:
    flows = []
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
    returns = []
    for index, (term, flow) in enumerate(zip(terms, flows, strict=True)):
        requests = _share(flow["requests"], {"schools": 55, "parents": 35, "professionals": 10})
        population = 118_400 + 150 * index
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


def _caseloads(terms: list[Term], flows: list[dict], january_2025: int) -> list[int]:
    """Plans at the end of each term, anchored on the census of January 2025 (end of Autumn 2024)."""
    anchor = next((i for i, t in enumerate(terms) if t == Term(2024, "Autumn")), len(terms) - 1)
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


def _new_placement(kind: PlacementKind, number: int, start: date, rng: random.Random) -> dict:
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


def build_placement_lists(terms: list[Term], rng: random.Random) -> list[list[dict]]:
    """Each term's list: placements active at any time in it, with turnover between terms."""
    lists: list[list[dict]] = []
    active: dict[str, list[dict]] = {k.provision: [] for k in KINDS}
    ended: list[dict] = []
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
            target = round(kind.first + (kind.last - kind.first) * progress)
            while len(current) < target:
                number += 1
                start = (
                    _day_in(term, rng)
                    if index
                    else term.start - timedelta(days=rng.randint(30, 2000))
                )
                current.append(_new_placement(kind, number, start, rng))
            _renegotiate(kind, current, term, rng)
        lists.append(
            [dict(p) for kind in KINDS for p in active[kind.provision]] + [dict(p) for p in ended]
        )
    return lists


def _renegotiate(
    kind: PlacementKind, placements: list[dict], term: Term, rng: random.Random
) -> None:
    """From 2023-24, a few independent placements a term are renegotiated (workstream 4)."""
    if kind.provision != "independent_special" or term.start < date(2023, 4, 1):
        return
    for placement in rng.sample(placements, k=min(12, len(placements))):
        if placement["renegotiation_saving"] is None:
            placement["renegotiation_saving"] = round(
                placement["annual_cost"] * rng.uniform(0.03, 0.09), 2
            )


# ---- DSG and HNB -----------------------------------------------------------------------------


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


def _overspend_share(term: Term) -> Decimal:
    """How much of the overspend a forecast made in ``term`` had seen."""
    terms = terms_between(FIRST_TERM, FULL_OVERSPEND_FROM)
    if term.start >= FULL_OVERSPEND_FROM.start:
        return Decimal(1)
    return Decimal(terms.index(term)) / Decimal(len(terms) - 1)


def build_forecast(
    plan: dict[str, dict[str, Decimal]], term: Term
) -> dict[str, dict[str, Decimal]]:
    """The forecast made in ``term``: outturn for years already ended, then the forecast."""
    forecast = {code: dict(years) for code, years in plan.items()}
    current = financial_year_start(term.financial_year)
    share = _overspend_share(term)
    for year, extra in DEMO_OVERSPEND.items():
        seen = Decimal(1) if financial_year_start(year) < current else share
        forecast["independent_special_schools"][year] += (extra * seen).quantize(Decimal("0.001"))
    return forecast


def build_spend(
    forecast: dict[str, dict[str, Decimal]], term: Term, plan_lines: PlanLines
) -> dict[str, tuple[Decimal, Decimal]]:
    """The term's share of each expenditure line, in pounds, split into direct and central."""
    from loaders.hnb import expenditure_lines

    spend = {}
    for code in expenditure_lines(plan_lines):
        pounds = (
            forecast[code][term.financial_year] * 1_000_000 * FINANCIAL_SHARE[term.season]
        ).quantize(Decimal("0.01"))
        central = (pounds * CENTRAL_SHARE.get(code, Decimal("0.02"))).quantize(Decimal("0.01"))
        spend[code] = (pounds - central, central)
    return spend


def build_savings(index: int, rng: random.Random) -> dict[str, Decimal]:
    grow = Decimal(index + 1)
    return {
        "under_16": (Decimal(180_000) * grow * Decimal(str(rng.uniform(0.9, 1.1)))).quantize(
            Decimal(1)
        ),
        "over_16": (Decimal(70_000) * grow * Decimal(str(rng.uniform(0.9, 1.1)))).quantize(
            Decimal(1)
        ),
        "alternative_provision": (Decimal(35_000) * grow).quantize(Decimal(1)),
    }


# ---- the workbooks ---------------------------------------------------------------------------


def demo_terms(today: date) -> list[Term]:
    return terms_between(FIRST_TERM, latest_complete_term(today))


def _slug(term: Term) -> str:
    return f"{term.year}-{term.season.lower()}"


def build_demo_workbooks(today: date, shape: PlanShape) -> list[tuple[str, bytes]]:
    """(file name, bytes) for every family and term, in the order they would have been loaded."""
    rng = random.Random(SEED)
    terms = demo_terms(today)
    opening, plan = read_paper_plan()
    ehcp = build_ehcp_returns(terms, read_history(), rng)
    placements = build_placement_lists(terms, rng)
    files = []
    for index, term in enumerate(terms):
        forecast = build_forecast(plan, term)
        files.append(
            (
                f"demo-dsg-{_slug(term)}.xlsx",
                _write(
                    write_dsg_workbook,
                    shape=shape,
                    opening_balance=opening,
                    plan=plan,
                    forecast=forecast,
                    forecast_term=str(term),
                    targets=DEMO_TARGETS,
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
                    spend=build_spend(forecast, term, shape.lines),
                    savings=build_savings(index, rng),
                    placements=placements[index],
                ),
            )
        )
    return files


def _write(writer: Callable[..., None], **figures: object) -> bytes:
    buffer = io.BytesIO()
    writer(buffer, **figures)
    return buffer.getvalue()
