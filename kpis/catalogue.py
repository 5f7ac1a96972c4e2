"""A council's measure catalogue (councils/<LA code>/measures.toml), read and checked as a whole."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from domain.problems import ListedProblems
from kpis.specs import PARSERS, Inputs, MeasureChange, parse_inputs

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
# the kinds kpis/specs.py reads inputs for, and derived (a function in kpis/formulas.py)
COMPUTATIONS = {*PARSERS, "derived"}
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
NUMBERS = {"ref", "paper_ref"}
TABLES = {"workstreams", "status", "inputs"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ListedProblems, ValueError):
    """The catalogue has problems; ``problems`` lists every one, each naming its entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the measure catalogue has problems", problems)


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
    # the TOML table as written; what the computation reads is ``spec``, parsed from it
    inputs: Mapping[str, Any] = field(default_factory=dict)
    spec: Inputs | None = None  # None for a derived measure: its formula reads what it needs
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

    @property
    def schools_forum_subset(self) -> tuple[Measure, ...]:
        """The measures reported to every Schools Forum."""
        return tuple(m for m in self.measures if m.schools_forum)


def _threshold(value: object) -> tuple[Decimal, bool]:
    text = str(value).strip()
    relative = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    return (number / 100 if relative else number), relative


def _check_types(entry: dict, where: str, problems: list[str]) -> None:
    """Every field of the kind it must be: words in quotes, but for the numbers, the yes-or-no
    and the tables (workstreams, status and inputs are checked where they are read)."""
    for key, value in entry.items():
        if key in NUMBERS:
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{where}: {key} must be a whole number, not {value!r}")
        elif key == "schools_forum":
            if not isinstance(value, bool):
                problems.append(f"{where}: schools_forum must be true or false, not {value!r}")
        elif key not in TABLES and not isinstance(value, str):
            problems.append(f"{where}: {key} must be text in quotes, not {value!r}")


def _check_choice(
    entry: dict, key: str, allowed: set[str], where: str, problems: list[str]
) -> None:
    value = entry.get(key)
    if isinstance(value, str) and value not in allowed:
        problems.append(f"{where}: {key} {value!r} is not one of {sorted(allowed)}")


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


def _check_computation(
    entry: dict, where: str, formulas: set[str], problems: list[str]
) -> Inputs | None:
    """The typed inputs of a measure computed from the returns; None for a derived measure or
    one whose inputs have problems."""
    kind = entry["computation"]
    spec = None
    if kind == "derived":
        if not isinstance(entry.get("formula"), str) or entry["formula"] not in formulas:
            problems.append(
                f"{where}: formula {entry.get('formula')!r} has no function in kpis/formulas.py"
            )
        if "inputs" in entry:
            problems.append(f"{where}: a derived measure takes no inputs; its formula reads them")
    else:
        if "formula" in entry:
            problems.append(f"{where}: a {kind} measure has no formula; only a derived one does")
        spec = parse_inputs(entry.get("inputs"), computation=kind, where=where, problems=problems)
    if kind in {"ratio", "average", "change"} and not entry.get("denominator"):
        problems.append(f"{where}: a {kind} measure needs a denominator")
    grain = entry.get("grain")
    if spec is not None and isinstance(grain, str) and grain in GRAINS - spec.grains:
        problems.append(
            f"{where}: grain {grain!r} does not fit its inputs: {spec.described} gives values "
            f"by {' or '.join(sorted(spec.grains))}"
        )
    return spec


def _check_entry(
    entry: dict, where: str, formulas: set[str], workstreams: set[int], problems: list[str]
) -> Inputs | None:
    unknown = set(entry) - FROM_PAPER - DECIDED - OPTIONAL
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    for key in sorted((FROM_PAPER | DECIDED) - set(entry)):
        problems.append(f"{where}: missing {key}")
    _check_types(entry, where, problems)
    if isinstance(entry.get("id"), str) and not _ID.match(entry["id"]):
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
    unit = entry.get("unit")
    if isinstance(unit, str) and unit in DISPLAYS and entry.get("display") != DISPLAYS[unit]:
        problems.append(
            f"{where}: a {entry['unit']} measure is displayed as {DISPLAYS[entry['unit']]}"
        )
    aligned = entry.get("workstreams", [])
    if not isinstance(aligned, list) or any(
        not isinstance(w, int) or w not in workstreams for w in aligned
    ):
        problems.append(
            f"{where}: workstreams must be a list drawn from the council's workstreams "
            f"{sorted(workstreams)}"
        )
    spec = None
    if isinstance(entry.get("computation"), str) and entry["computation"] in COMPUTATIONS:
        spec = _check_computation(entry, where, formulas, problems)
    _check_status(entry, where, problems)
    _check_sign(entry, where, problems)
    if entry.get("grain") == "term" and entry.get("computation") and "nature" not in entry:
        problems.append(f"{where}: a termly measure says whether it is a flow or a snapshot")
    return spec


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
    if not entries:
        problems.append("catalogue: no measures")
    # measures are numbered 1 to the catalogue's count, each once, so a gap is a lost measure
    for ref in range(1, len(entries) + 1):
        if refs.count(ref) != 1:
            problems.append(f"catalogue: measure {ref} appears {refs.count(ref)} times")
    extra = sorted(
        (r for r in refs if not isinstance(r, int) or not 1 <= r <= len(entries)), key=str
    )
    if extra:
        problems.append(f"catalogue: refs outside 1-{len(entries)}: {extra}")
    ids = [entry.get("id") for entry in entries]
    for measure_id in sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1}):
        problems.append(f"catalogue: id {measure_id!r} is used more than once")
    if entries and not any(entry.get("schools_forum") is True for entry in entries):
        problems.append("catalogue: no measure is in the Schools Forum subset (schools_forum)")


def _check_reference(
    entry: dict, spec: Inputs | None, by_id: dict[str, dict], where: str, problems: list[str]
) -> None:
    """A change names another measure of the catalogue, computed before it (measures are
    computed in ref order) and given by term (it compares a term with one a year earlier)."""
    if not isinstance(spec, MeasureChange):
        return
    base = by_id.get(spec.of)
    ref, base_ref = entry.get("ref"), None if base is None else base.get("ref")
    if base is None:
        problems.append(f"{where}: inputs.of {spec.of!r} names no measure in the catalogue")
    elif base is entry:
        problems.append(f"{where}: inputs.of names the measure itself")
    elif isinstance(ref, int) and isinstance(base_ref, int) and base_ref > ref:
        problems.append(
            f"{where}: inputs.of {spec.of!r} is measure {base_ref}, after this one; measures "
            "are computed in order, so the base must come first"
        )
    elif base.get("grain") != "term":
        problems.append(
            f"{where}: inputs.of {spec.of!r} is given by {base.get('grain')}; a change compares "
            "a term with the same term a year earlier"
        )


def _build(entry: dict, spec: Inputs | None) -> Measure:
    status = entry.get("status")
    thresholds = None
    if status:
        (amber, relative), (red, _) = (
            _threshold(status["amber_beyond"]),
            _threshold(status["red_beyond"]),
        )
        thresholds = Thresholds(amber, red, relative)
    known = {k: v for k, v in entry.items() if k != "status"}
    return Measure(
        **{**known, "workstreams": tuple(entry["workstreams"])}, thresholds=thresholds, spec=spec
    )


def parse_catalogue(
    entries: list[dict], *, formulas: Iterable[str], workstreams: Iterable[int]
) -> Catalogue:
    """Check every entry and the catalogue as a whole; raise CatalogueError listing all problems.
    ``workstreams`` are the council's workstream numbers, which entries may name."""
    problems: list[str] = []
    known, numbers = set(formulas), set(workstreams)
    strays = [i for i, entry in enumerate(entries, start=1) if not isinstance(entry, dict)]
    if strays:
        raise CatalogueError([f"measure #{i}: must be a table ([[measure]])" for i in strays])
    by_id = {entry["id"]: entry for entry in entries if isinstance(entry.get("id"), str)}
    specs: list[Inputs | None] = []
    for index, entry in enumerate(entries, start=1):
        where = f"measure {entry.get('ref', f'#{index}')} ({entry.get('id', 'no id')})"
        specs.append(_check_entry(entry, where, known, numbers, problems))
        _check_reference(entry, specs[-1], by_id, where, problems)
    _check_whole(entries, problems)
    if problems:
        raise CatalogueError(problems)
    built = (_build(entry, spec) for entry, spec in zip(entries, specs, strict=True))
    return Catalogue(tuple(sorted(built, key=lambda m: m.ref)))


def load_catalogue(path: Path, *, workstreams: Iterable[int]) -> Catalogue:
    """The catalogue in ``path``; CatalogueError names the file and lists every problem."""
    from kpis.formulas import FORMULAS, TERM_FORMULAS  # the functions register themselves

    try:
        with path.open("rb") as handle:
            entries = tomllib.load(handle).get("measure", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError([f"{path}: {exc}"]) from None
    try:
        return parse_catalogue(
            entries, formulas=[*FORMULAS, *TERM_FORMULAS], workstreams=workstreams
        )
    except CatalogueError as exc:
        raise CatalogueError([f"{path}: {problem}" for problem in exc.problems]) from None
