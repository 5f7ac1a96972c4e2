"""The catalogue of the 46 measures (catalogue.toml), read and checked as a whole."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).resolve().parent / "catalogue.toml"
MEASURE_COUNT = 46
SCHOOLS_FORUM_COUNT = 15
CATEGORIES = {
    "EHCP",
    "HNB",
    "DSG",
    "Savings/mitigation",
    "Average Costs",
    "Independent",
    "Alternative Provision",
}
REGULARITIES = {"termly", "annual", "unknown"}
UNITS = {"£m", "£", "%", "count", "ratio"}
DISPLAYS = {
    "£m": "money_m_3dp",
    "£": "money_0dp",
    "%": "percent_1dp",
    "count": "count",
    "ratio": "ratio_2dp",
}
DIRECTIONS = {"lower_is_better", "higher_is_better", "neutral"}
GRAINS = {"term", "financial_year"}
COMPUTATIONS = {"count", "sum", "ratio", "average", "change", "derived"}
PROJECTIONS = {"linear_trend", "clearing_year"}
# The bases kpis/comparators.py KINDS computes (a test keeps the two in step).
COMPARATORS = {"new_plans_rate", "net_plans_rate", "net_plans_share"}
# A termly measure is a flow (counted over the term, so terms of different lengths differ by
# season) or a snapshot (a level on a day); flows are compared with the same term a year earlier.
NATURES = {"flow", "snapshot"}
# Which sign a money balance takes: the label and every figure shown must agree with it.
SIGNS = {"deficit_positive", "surplus_positive"}
SIGN_WORDS = {
    "deficit_positive": "a deficit is positive (+), a surplus negative (-)",
    "surplus_positive": "a surplus is positive (+), a deficit negative (-)",
}
FROM_PAPER = {
    "ref",
    "paper_ref",
    "id",
    "label",
    "category",
    "workstreams",
    "schools_forum",
    "source",
    "regularity",
}
DECIDED = {
    "grain",
    "unit",
    "display",
    "direction",
    "computation",
    "numerator",
    "population",
    "period",
    "definition",
    "caveats",
}
OPTIONAL = {
    "formula",
    "inputs",
    "denominator",
    "status",
    "projection",
    "comparator",
    "nature",
    "sign",
    "count_unit",
    "reading",
}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """The catalogue has problems; ``problems`` lists every one, each naming its entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the measure catalogue has problems:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Thresholds:
    """How far worse than plan a value may be before it turns amber, then red: in the measure's
    unit, or as a fraction of the plan when ``relative``."""

    amber_beyond: Decimal
    red_beyond: Decimal
    relative: bool = False


@dataclass(frozen=True)
class Measure:
    ref: int
    paper_ref: int
    id: str
    label: str
    category: str
    workstreams: tuple[int, ...]
    schools_forum: bool
    source: str
    regularity: str
    grain: str | None = None
    unit: str | None = None
    display: str | None = None
    direction: str | None = None
    computation: str | None = None
    formula: str | None = None
    # the TOML table as written: its shape depends on the computation (lists of items, a filter
    # table, a column name), which _check_computation vouches for; the kinds read it
    inputs: Mapping[str, Any] = field(default_factory=dict)
    numerator: str | None = None
    denominator: str | None = None
    population: str | None = None
    period: str | None = None
    definition: str | None = None
    caveats: str | None = None
    thresholds: Thresholds | None = None
    projection: str | None = None
    comparator: str | None = None
    nature: str = "snapshot"
    sign: str | None = None
    count_unit: str | None = None
    reading: str | None = None

    @property
    def computed(self) -> bool:
        return self.computation is not None

    @property
    def is_flow(self) -> bool:
        """Counted over each term, so a term is compared with the same term a year earlier."""
        return self.grain == "term" and self.nature == "flow"

    @property
    def is_council_forecast(self) -> bool:
        """The council forecasts this measure itself, so the product draws no trend of its own."""
        return self.computation == "derived"


@dataclass(frozen=True)
class Catalogue:
    measures: tuple[Measure, ...]

    def by_ref(self, ref: int) -> Measure:
        for measure in self.measures:
            if measure.ref == ref:
                return measure
        raise KeyError(f"no measure {ref}")

    def by_id(self, measure_id: str) -> Measure:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(f"no measure {measure_id!r}")

    @property
    def computed(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.computed)


def _threshold(value: object) -> tuple[Decimal, bool]:
    text = str(value).strip()
    relative = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    return (number / 100 if relative else number), relative


def _check_choice(
    entry: dict, key: str, allowed: set[str], where: str, problems: list[str]
) -> None:
    if entry.get(key) is not None and entry[key] not in allowed:
        problems.append(f"{where}: {key} {entry[key]!r} is not one of {sorted(allowed)}")


def _check_status(entry: dict, where: str, problems: list[str]) -> None:
    status = entry.get("status")
    if entry.get("direction") == "neutral":
        if status:
            problems.append(f"{where}: a neutral measure has no status thresholds")
        return
    if not isinstance(status, dict) or set(status) != {"amber_beyond", "red_beyond"}:
        problems.append(f"{where}: status needs amber_beyond and red_beyond")
        return
    try:
        (amber, amber_relative), (red, red_relative) = (
            _threshold(status["amber_beyond"]),
            _threshold(status["red_beyond"]),
        )
    except ValueError as exc:
        problems.append(f"{where}: status {exc}")
        return
    if amber_relative != red_relative:
        problems.append(f"{where}: status thresholds must both be relative (%) or both absolute")
    elif not Decimal(0) <= amber <= red:
        problems.append(f"{where}: status needs 0 <= amber_beyond <= red_beyond")


def _check_computation(entry: dict, where: str, formulas: set[str], problems: list[str]) -> None:
    kind = entry.get("computation")
    if kind == "derived":
        if entry.get("formula") not in formulas:
            problems.append(
                f"{where}: formula {entry.get('formula')!r} has no function in kpis/formulas.py"
            )
    elif not isinstance(entry.get("inputs"), dict) or "source" not in entry["inputs"]:
        problems.append(f"{where}: a {kind} measure needs inputs with a source")
    if kind in {"ratio", "average", "change"} and not entry.get("denominator"):
        problems.append(f"{where}: a {kind} measure needs a denominator")


def _check_entry(entry: dict, where: str, formulas: set[str], problems: list[str]) -> None:
    unknown = set(entry) - FROM_PAPER - DECIDED - OPTIONAL
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    for key in sorted((FROM_PAPER | DECIDED) - set(entry)):
        problems.append(f"{where}: missing {key}")
    if "id" in entry and not _ID.match(str(entry["id"])):
        problems.append(f"{where}: id {entry['id']!r} must be lower-case words joined by _")
    for key, allowed in (
        ("category", CATEGORIES),
        ("regularity", REGULARITIES),
        ("unit", UNITS),
        ("direction", DIRECTIONS),
        ("grain", GRAINS),
        ("computation", COMPUTATIONS),
        ("projection", PROJECTIONS),
        ("comparator", COMPARATORS),
        ("nature", NATURES),
        ("sign", SIGNS),
    ):
        _check_choice(entry, key, allowed, where, problems)
    if entry.get("unit") in DISPLAYS and entry.get("display") != DISPLAYS[entry["unit"]]:
        problems.append(
            f"{where}: a {entry['unit']} measure is displayed as {DISPLAYS[entry['unit']]}"
        )
    workstreams = entry.get("workstreams", [])
    if not isinstance(workstreams, list) or any(w not in range(1, 6) for w in workstreams):
        problems.append(f"{where}: workstreams must be a list drawn from 1-5")
    if entry.get("computation") in COMPUTATIONS:
        _check_computation(entry, where, formulas, problems)
    _check_status(entry, where, problems)
    _check_sign(entry, where, problems)
    if entry.get("grain") == "term" and entry.get("computation") and "nature" not in entry:
        problems.append(f"{where}: a termly measure says whether it is a flow or a snapshot")


def stated_sign(label: str) -> str | None:
    """The sign convention a label states, as in 'HNB surplus (+) / deficit (-)'."""
    text = label.replace(" ", "").casefold()
    if "surplus(+)" in text or "deficit(-)" in text:
        return "surplus_positive"
    if "deficit(+)" in text or "surplus(-)" in text:
        return "deficit_positive"
    return None


def _check_sign(entry: dict, where: str, problems: list[str]) -> None:
    label = str(entry.get("label", ""))
    stated = stated_sign(label)
    if stated and entry.get("sign") != stated:
        problems.append(f"{where}: the label states {SIGN_WORDS[stated]}; sign must be {stated!r}")
    balance = "surplus" in label.casefold() or "deficit" in label.casefold()
    if balance and entry.get("unit") == "£m" and entry.get("sign") is None:
        problems.append(f"{where}: a surplus or deficit in £m says which sign is a deficit (sign)")


def _check_whole(entries: list[dict], problems: list[str]) -> None:
    refs: list[Any] = [entry.get("ref") for entry in entries]  # as written: any TOML value
    for ref in range(1, MEASURE_COUNT + 1):
        if refs.count(ref) != 1:
            problems.append(f"catalogue: measure {ref} appears {refs.count(ref)} times")
    extra = sorted(r for r in refs if not isinstance(r, int) or not 1 <= r <= MEASURE_COUNT)
    if extra:
        problems.append(f"catalogue: refs outside 1-{MEASURE_COUNT}: {extra}")
    ids = [entry.get("id") for entry in entries]
    for measure_id in sorted({i for i in ids if ids.count(i) > 1}, key=str):
        problems.append(f"catalogue: id {measure_id!r} is used more than once")
    flagged = sum(1 for entry in entries if entry.get("schools_forum") is True)
    if flagged != SCHOOLS_FORUM_COUNT:
        problems.append(
            f"catalogue: {flagged} measures are in the Schools Forum subset; the paper has "
            f"{SCHOOLS_FORUM_COUNT}"
        )


def _build(entry: dict) -> Measure:
    status = entry.get("status")
    thresholds = None
    if status:
        (amber, relative), (red, _) = (
            _threshold(status["amber_beyond"]),
            _threshold(status["red_beyond"]),
        )
        thresholds = Thresholds(amber, red, relative)
    known = {k: v for k, v in entry.items() if k != "status"}
    return Measure(**{**known, "workstreams": tuple(entry["workstreams"])}, thresholds=thresholds)


def parse_catalogue(entries: list[dict], *, formulas: Iterable[str]) -> Catalogue:
    """Check every entry and the catalogue as a whole; raise CatalogueError listing all problems."""
    problems: list[str] = []
    known = set(formulas)
    for index, entry in enumerate(entries, start=1):
        where = f"measure {entry.get('ref', f'#{index}')} ({entry.get('id', 'no id')})"
        _check_entry(entry, where, known, problems)
    _check_whole(entries, problems)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(tuple(sorted((_build(e) for e in entries), key=lambda m: m.ref)))


def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    from kpis.formulas import FORMULAS, TERM_FORMULAS  # the functions register themselves

    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("measure", [])
    return parse_catalogue(entries, formulas=[*FORMULAS, *TERM_FORMULAS])
