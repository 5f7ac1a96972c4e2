"""The catalogue of the 46 measures (catalogue.toml), read and checked as a whole."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

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
DIRECTIONS = {"lower_is_better", "higher_is_better", "neutral"}
GRAINS = {"financial_year"}
ALWAYS = {
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
WHEN_COMPUTED = {"grain", "unit", "direction", "formula", "definition", "caveats", "status"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """The catalogue has problems; ``problems`` lists every one, each naming its entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the measure catalogue has problems:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Thresholds:
    """How far worse than plan a value may be before it turns amber, then red (in its unit)."""

    amber_beyond: Decimal
    red_beyond: Decimal


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
    direction: str | None = None
    formula: str | None = None
    definition: str | None = None
    caveats: str | None = None
    thresholds: Thresholds | None = None

    @property
    def computed(self) -> bool:
        return self.formula is not None


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


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None


def _check_computed(entry: dict, where: str, formulas: set[str], problems: list[str]) -> None:
    for key in ("grain", "unit", "direction", "formula", "definition", "caveats"):
        if not entry.get(key):
            problems.append(f"{where}: has a formula but no {key}")
    checks = (("grain", GRAINS), ("unit", UNITS), ("direction", DIRECTIONS))
    for key, allowed in checks:
        if entry.get(key) and entry[key] not in allowed:
            problems.append(f"{where}: {key} {entry[key]!r} is not one of {sorted(allowed)}")
    if entry.get("formula") and entry["formula"] not in formulas:
        problems.append(
            f"{where}: formula {entry['formula']!r} has no function in kpis/formulas.py"
        )
    status = entry.get("status")
    if entry.get("direction") == "neutral":
        if status:
            problems.append(f"{where}: a neutral measure has no status thresholds")
        return
    if not isinstance(status, dict) or set(status) != {"amber_beyond", "red_beyond"}:
        problems.append(f"{where}: status needs amber_beyond and red_beyond")
        return
    try:
        amber, red = _decimal(status["amber_beyond"]), _decimal(status["red_beyond"])
    except ValueError as exc:
        problems.append(f"{where}: status {exc}")
        return
    if not Decimal(0) <= amber <= red:
        problems.append(f"{where}: status needs 0 <= amber_beyond <= red_beyond")


def _check_entry(entry: dict, where: str, formulas: set[str], problems: list[str]) -> None:
    unknown = set(entry) - ALWAYS - WHEN_COMPUTED
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    for key in sorted(ALWAYS - set(entry)):
        problems.append(f"{where}: missing {key}")
    if "id" in entry and not _ID.match(str(entry["id"])):
        problems.append(f"{where}: id {entry['id']!r} must be lower-case words joined by _")
    if entry.get("category") and entry["category"] not in CATEGORIES:
        problems.append(
            f"{where}: category {entry['category']!r} is not one of {sorted(CATEGORIES)}"
        )
    if entry.get("regularity") and entry["regularity"] not in REGULARITIES:
        problems.append(
            f"{where}: regularity {entry['regularity']!r} is not one of {sorted(REGULARITIES)}"
        )
    workstreams = entry.get("workstreams", [])
    if not isinstance(workstreams, list) or any(w not in range(1, 6) for w in workstreams):
        problems.append(f"{where}: workstreams must be a list drawn from 1-5")
    if "formula" in entry:
        _check_computed(entry, where, formulas, problems)
    elif set(entry) & WHEN_COMPUTED:
        problems.append(f"{where}: {sorted(set(entry) & WHEN_COMPUTED)} given without a formula")


def _check_whole(entries: list[dict], problems: list[str]) -> None:
    refs = [entry.get("ref") for entry in entries]
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
    return Measure(
        ref=entry["ref"],
        paper_ref=entry["paper_ref"],
        id=entry["id"],
        label=entry["label"],
        category=entry["category"],
        workstreams=tuple(entry["workstreams"]),
        schools_forum=entry["schools_forum"],
        source=entry["source"],
        regularity=entry["regularity"],
        grain=entry.get("grain"),
        unit=entry.get("unit"),
        direction=entry.get("direction"),
        formula=entry.get("formula"),
        definition=entry.get("definition"),
        caveats=entry.get("caveats"),
        thresholds=Thresholds(_decimal(status["amber_beyond"]), _decimal(status["red_beyond"]))
        if status
        else None,
    )


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
    from kpis.formulas import FORMULAS  # the functions register themselves by name

    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("measure", [])
    return parse_catalogue(entries, formulas=FORMULAS)
