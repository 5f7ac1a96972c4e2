"""A council's demo data set described as data: ``councils/<LA code>/demo/demo.toml`` and the plan
file beside it. Everything that makes one council's demo differ from another's is here (its plan
and years, whose published history it starts from, how its forecasts drift from the plan, its
size, its savings and its targets); loaders.demo holds only the generator.

``read_demo_spec`` reads and checks the folder as a whole: DemoSpecError lists every problem, each
naming its entry. ``fit_problems`` lists what does not fit the council the demo is loaded into.

DemoDataError                the demo data cannot be built or loaded as configured
 +-- DemoSpecError           the demo folder has problems; ``problems`` lists every one
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from domain.council import NEW_LA_CODE
from domain.periods import (
    PeriodError,
    Term,
    financial_years,
    parse_financial_year,
    parse_term,
)
from domain.plan_shape import TERM, YEAR, PlanShape
from domain.problems import ListedProblems
from domain.vocabulary import SAVINGS_COHORTS
from loaders.errors import LoaderError

DEMO_FOLDER = "demo"  # beside a council's profile
SPEC_FILE = "demo.toml"
OPENING_BALANCE = "opening_balance"  # the plan file's row for the deficit brought forward
REQUIRED = {
    "history_la_code",
    "seed",
    "first_term",
    "renegotiations_from",
    "placement_scale",
    "plan",
    "overspend",
    "projected",
    "schools",
    "savings",
    "target",
}
OPTIONAL = {"central_share"}

TargetNumber = int | float


class DemoDataError(LoaderError):
    """The demo data cannot be built or loaded into this database as configured."""


class DemoSpecError(ListedProblems, DemoDataError):
    """A council's demo folder has problems; ``problems`` lists every one."""

    def __init__(self, where: str, problems: list[str]) -> None:
        super().__init__(f"{where} has problems", problems)
        self.where = where


@dataclass(frozen=True)
class DemoTarget:
    """One row of the demo's Targets sheet: a baseline and a target for every plan year."""

    baseline: TargetNumber
    baseline_period: str
    yearly: tuple[TargetNumber, ...]
    per: str | None = None  # term or year, when the row says so


@dataclass(frozen=True)
class Overspend:
    """How the demo's forecasts drift from the plan: spending on one line above plan, £m a
    year; forecasts made before ``full_from`` have seen part of it, in proportion."""

    line: str
    by_year: Mapping[str, Decimal]
    full_from: Term


@dataclass(frozen=True)
class SavingsCohort:
    base: Decimal  # £ in the first term; the demo's savings grow by as much every term
    spread: float  # each term's figure varies by up to this share either way; 0 for none


@dataclass(frozen=True)
class DemoSpec:
    history_la_code: str  # whose published SEN2 figures the demo's EHCP returns start from
    seed: int
    first_term: Term
    years: tuple[str, ...]
    opening_balance: Decimal  # £m brought forward into the first plan year
    plan: Mapping[str, Mapping[str, Decimal]]  # £m by line code and year, the plan's signs
    overspend: Overspend
    # plans issued and ceased in calendar years after the last published, made up
    projected_new_plans: Mapping[int, int]
    projected_ceased: Mapping[int, int]
    school_population: int  # pupils on roll in the first term
    school_population_growth: int  # more each term
    placement_scale: float  # placements, against the generator's own counts
    savings: Mapping[str, SavingsCohort]
    renegotiations_from: str  # the financial year independent placements start to be renegotiated
    central_share: Mapping[str, Decimal]  # the share of a line's spending run centrally
    targets: Mapping[int, DemoTarget]

    def target_rows(self) -> dict[int, dict[str, TargetNumber | str | None]]:
        """The Targets sheet's rows, as loaders.templates.write_dsg_workbook takes them."""
        rows: dict[int, dict[str, TargetNumber | str | None]] = {}
        for ref, target in self.targets.items():
            row: dict[str, TargetNumber | str | None] = {
                "baseline": target.baseline,
                "baseline_period": target.baseline_period,
            }
            row.update(zip(self.years, target.yearly, strict=True))
            if target.per:
                row["per"] = target.per
            rows[ref] = row
        return rows


def demo_folder(council_folder: Path) -> Path:
    """Where a council's demo lives: the ``demo`` folder beside its profile."""
    return council_folder / DEMO_FOLDER


def has_demo(council_folder: Path) -> bool:
    return (demo_folder(council_folder) / SPEC_FILE).is_file()


# ---- reading, each part collecting its problems ----------------------------------------------


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _table(data: Mapping[str, Any], key: str, problems: list[str]) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        problems.append(f"{key}: must be a table ([{key}])")
        return {}
    return value


def _whole(value: object, where: str, problems: list[str], *, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        problems.append(f"{where}: {value!r} is not a whole number from {least}")
        return least
    return value


def _term(value: object, where: str, problems: list[str]) -> Term | None:
    try:
        return parse_term(str(value))
    except PeriodError as exc:
        problems.append(f"{where}: {exc}")
        return None


def _year(value: object, where: str, problems: list[str]) -> str | None:
    try:
        return parse_financial_year(str(value))
    except PeriodError as exc:
        problems.append(f"{where}: {exc}")
        return None


def _years(plan: Mapping[str, Any], problems: list[str]) -> tuple[str, ...]:
    first = _year(plan.get("first_year"), "plan: first_year", problems)
    last = _year(plan.get("last_year"), "plan: last_year", problems)
    if first is None or last is None:
        return ()
    try:
        return financial_years(first, last)
    except PeriodError as exc:
        problems.append(f"plan: {exc}")
        return ()


def read_plan_file(
    path: Path, years: tuple[str, ...], problems: list[str]
) -> tuple[Decimal, dict[str, dict[str, Decimal]]]:
    """The plan file's opening balance and lines, £m by line code and year. Lines starting
    with # are comments; the header is ``line`` and the plan's years."""
    try:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.reader(line for line in handle if not line.startswith("#")))
    except OSError:
        problems.append(f"plan: file {path.name!r} is not a file in the demo folder")
        return Decimal(0), {}
    if not rows or rows[0][:1] != ["line"]:
        problems.append(f"{path.name}: the first row must be headed line, then the plan's years")
        return Decimal(0), {}
    header = tuple(rows[0][1:])
    if years and header != years:
        problems.append(
            f"{path.name}: the columns are {', '.join(header)}; the plan runs {', '.join(years)}"
        )
    lines: dict[str, dict[str, Decimal]] = {}
    for row in rows[1:]:
        code = row[0].strip() if row else ""
        if not code:
            continue
        if code in lines:
            problems.append(f"{path.name}: line {code!r} appears more than once")
        figures: dict[str, Decimal] = {}
        for year, text in zip(header, row[1:], strict=False):
            if not text.strip():
                continue
            value = _number(text)
            if value is None:
                problems.append(f"{path.name}: {code}, {year}: {text!r} is no number")
            else:
                figures[year] = value
        lines[code] = figures
    opening = lines.pop(OPENING_BALANCE, {})
    if len(opening) != 1:
        problems.append(
            f"{path.name}: the opening_balance row must hold one figure, the first year's"
        )
    return next(iter(opening.values()), Decimal(0)), lines


def _overspend(
    data: Mapping[str, Any],
    years: tuple[str, ...],
    plan: Mapping[str, Mapping[str, Decimal]],
    problems: list[str],
) -> Overspend:
    table = _table(data, "overspend", problems)
    line = str(table.get("line", ""))
    if plan and line not in plan:
        problems.append(f"overspend: line {line!r} is not a line of the plan file")
    by_year: dict[str, Decimal] = {}
    given = table.get("by_year", {})
    for year, value in given.items() if isinstance(given, dict) else ():
        amount = _number(value)
        if amount is None:
            problems.append(f"overspend: {year}: {value!r} is no amount in £m")
        elif years and year not in years:
            problems.append(f"overspend: {year} is not a plan year")
        else:
            by_year[year] = amount
    if not isinstance(given, dict):
        problems.append("overspend: by_year must be a table of £m by plan year")
    full_from = _term(table.get("full_from"), "overspend: full_from", problems)
    return Overspend(line, by_year, full_from or Term(0, "Autumn"))


def _projected(data: Mapping[str, Any], key: str, problems: list[str]) -> dict[int, int]:
    table = _table(data, "projected", problems).get(key, {})
    if not isinstance(table, dict):
        problems.append(f"projected: {key} must be a table of counts by calendar year")
        return {}
    found: dict[int, int] = {}
    for year, count in table.items():
        if not str(year).isdigit() or len(str(year)) != 4:
            problems.append(f"projected: {key}: {year!r} is not a calendar year such as 2025")
            continue
        found[int(year)] = _whole(count, f"projected: {key}: {year}", problems)
    return found


def _savings(data: Mapping[str, Any], problems: list[str]) -> dict[str, SavingsCohort]:
    found: dict[str, SavingsCohort] = {}
    table = _table(data, "savings", problems)
    for cohort in SAVINGS_COHORTS:
        if cohort not in table:
            problems.append(f"savings: no {cohort} cohort")
    for cohort, entry in table.items():
        where = f"savings: {cohort}"
        if cohort not in SAVINGS_COHORTS:
            problems.append(f"{where}: not a savings cohort; one of {', '.join(SAVINGS_COHORTS)}")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table with base and, if it varies, spread")
            continue
        base = _number(entry.get("base"))
        spread = _number(entry.get("spread", 0))
        if base is None or base < 0:
            problems.append(f"{where}: base {entry.get('base')!r} is not an amount in £")
        if spread is None or not 0 <= spread < 1:
            problems.append(f"{where}: spread {entry.get('spread')!r} is not a share below 1")
        found[cohort] = SavingsCohort(base or Decimal(0), float(spread or 0))
    return found


def _central_share(
    data: Mapping[str, Any], plan: Mapping[str, Mapping[str, Decimal]], problems: list[str]
) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for line, value in _table(data, "central_share", problems).items():
        share = _number(value)
        if plan and line not in plan:
            problems.append(f"central_share: {line!r} is not a line of the plan file")
        elif share is None or not 0 <= share <= 1:
            problems.append(f"central_share: {line}: {value!r} is not a share from 0 to 1")
        else:
            found[line] = share
    return found


def _target_number(value: object, where: str, problems: list[str]) -> TargetNumber:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: {value!r} is not a number")
        return 0
    return value


def _targets(
    data: Mapping[str, Any], years: tuple[str, ...], problems: list[str]
) -> dict[int, DemoTarget]:
    entries = data.get("target", [])
    if not isinstance(entries, list):
        problems.append("target: must be a list of [[target]] tables")
        return {}
    found: dict[int, DemoTarget] = {}
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"target #{index}: must be a [[target]] table")
            continue
        ref = entry.get("ref")
        where = f"target {ref}" if isinstance(ref, int) else f"target #{index}"
        unknown = set(entry) - {"ref", "baseline", "baseline_period", "yearly", "per"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        if isinstance(ref, bool) or not isinstance(ref, int) or ref < 1:
            problems.append(f"{where}: ref {ref!r} is not a measure number")
            continue
        if ref in found:
            problems.append(f"{where}: measure {ref} has more than one target")
        period = entry.get("baseline_period")
        if not isinstance(period, str) or not period.strip():
            problems.append(f"{where}: baseline_period must say when the baseline was measured")
        yearly = entry.get("yearly")
        if not isinstance(yearly, list) or (years and len(yearly) != len(years)):
            problems.append(
                f"{where}: yearly must hold one target for each of the {len(years)} plan years"
            )
            yearly = []
        per = entry.get("per")
        if per is not None and per not in (TERM, YEAR):
            problems.append(f"{where}: per {per!r} must be {TERM!r} or {YEAR!r}")
        found[ref] = DemoTarget(
            baseline=_target_number(entry.get("baseline"), f"{where}: baseline", problems),
            baseline_period=str(period or ""),
            yearly=tuple(
                _target_number(v, f"{where}: yearly {n}", problems)
                for n, v in enumerate(yearly, start=1)
            ),
            per=per if isinstance(per, str) else None,
        )
    return found


def parse_demo_spec(data: Mapping[str, Any], *, folder: Path) -> DemoSpec:
    """Check a demo folder's spec as read from its file; DemoSpecError lists every problem."""
    problems: list[str] = []
    for key in sorted(REQUIRED - set(data)):
        problems.append(f"missing {key}")
    unknown = set(data) - REQUIRED - OPTIONAL
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    code = str(data.get("history_la_code", ""))
    if not NEW_LA_CODE.match(code):
        problems.append(f"history_la_code {code!r} is not a new-style LA code (E and eight digits)")
    plan_table = _table(data, "plan", problems)
    years = _years(plan_table, problems)
    opening, plan = read_plan_file(folder / str(plan_table.get("file", "")), years, problems)
    first_term = _term(data.get("first_term"), "first_term", problems)
    if first_term and years and first_term.financial_year not in years:
        problems.append(
            f"first_term: {first_term} falls in {first_term.financial_year}, outside the plan's "
            f"years {years[0]} to {years[-1]}; a forecast is made in a plan year"
        )
    overspend = _overspend(data, years, plan, problems)
    if first_term and overspend.full_from.start < first_term.start:
        problems.append(f"overspend: full_from {overspend.full_from} is before first_term")
    renegotiations_from = _year(data.get("renegotiations_from"), "renegotiations_from", problems)
    scale = _number(data.get("placement_scale"))
    if scale is None or scale <= 0:
        problems.append(f"placement_scale {data.get('placement_scale')!r} is not a number above 0")
    schools = _table(data, "schools", problems)
    spec = DemoSpec(
        history_la_code=code,
        seed=_whole(data.get("seed"), "seed", problems),
        first_term=first_term or Term(0, "Autumn"),
        years=years,
        opening_balance=opening,
        plan=plan,
        overspend=overspend,
        projected_new_plans=_projected(data, "new_plans", problems),
        projected_ceased=_projected(data, "ceased", problems),
        school_population=_whole(
            schools.get("population"), "schools: population", problems, least=1
        ),
        school_population_growth=_whole(
            schools.get("population_growth", 0), "schools: population_growth", problems
        ),
        placement_scale=float(scale or 1),
        savings=_savings(data, problems),
        renegotiations_from=renegotiations_from or "",
        central_share=_central_share(data, plan, problems),
        targets=_targets(data, years, problems),
    )
    if problems:
        raise DemoSpecError(str(folder / SPEC_FILE), problems)
    return spec


def read_demo_spec(folder: Path) -> DemoSpec:
    """The demo in ``folder`` (councils/<LA code>/demo); DemoSpecError names the file and every
    problem in it."""
    path = folder / SPEC_FILE
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise DemoSpecError(str(path), ["no demo file"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise DemoSpecError(str(path), [f"not TOML: {exc}"]) from None
    return parse_demo_spec(data, folder=folder)


def fit_problems(spec: DemoSpec, shape: PlanShape) -> list[str]:
    """What in the demo does not fit the council's plan and measures, each named."""
    problems: list[str] = []
    if spec.years != shape.years:
        problems.append(
            f"the demo's plan runs {spec.years[0]} to {spec.years[-1]}, but the council's runs "
            f"{shape.years[0]} to {shape.years[-1]}"
        )
    codes = set(shape.lines.codes)
    missing = [code for code in shape.lines.codes if code not in spec.plan]
    if missing:
        problems.append(f"the demo's plan has no figures for the lines {', '.join(missing)}")
    extra = [code for code in spec.plan if code not in codes]
    if extra:
        problems.append(f"the demo's plan has lines the council's has not: {', '.join(extra)}")
    listed = set(shape.target_refs)
    for ref, target in spec.targets.items():
        if ref not in listed:
            problems.append(f"target {ref}: the council's Targets sheet lists no measure {ref}")
        elif target.per == TERM and not shape.measures[ref].is_termly_flow:
            problems.append(f"target {ref}: only a termly flow's targets may be per term")
    return problems
