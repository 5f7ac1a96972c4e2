"""A council as data: who it is, its plan's lines, its agreement's conditions, its workstreams and
where its measure catalogue is. Read from its profile file (councils/<LA code>/council.toml) and
checked as a whole: ``ProfileError`` lists every problem, each naming its entry."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.periods import PeriodError, financial_years, parse_financial_year
from domain.plan_lines import PlanLine, PlanLines, check_lines
from domain.problems import ListedProblems

PROFILE_FILE = "council.toml"
NEW_LA_CODE = re.compile(r"^E(06|08|09|10)\d{6}$")
OLD_LA_CODE = re.compile(r"^\d{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REQUIRED = {"la_code", "old_la_code", "name", "short_name", "programme", "measures", "plan"}
OPTIONAL = {"programme_summary", "contact", "condition", "workstream", "neighbours"}


class ProfileError(ListedProblems, ValueError):
    """A council profile has problems; ``problems`` lists every one."""

    def __init__(self, where: str, problems: list[str]) -> None:
        super().__init__(f"{where} has problems", problems)
        self.where = where


@dataclass(frozen=True)
class Workstream:
    number: int
    name: str
    aim: str


@dataclass(frozen=True)
class Contact:
    """Who answers for the dashboard, as the accessibility statement names them."""

    email: str
    team: str
    phone: str | None = None


@dataclass(frozen=True)
class CouncilProfile:
    la_code: str  # new style (E and eight digits), as the DfE's files carry it
    old_la_code: str  # the DfE's three-digit number
    name: str  # the council's full name, as its statement and templates give it
    short_name: str  # the name alone, as tables and the switcher show it
    programme: str  # the council's name for its recovery programme
    programme_summary: str
    contact: Contact | None
    plan_years: tuple[str, ...]
    plan_lines: PlanLines
    conditions: tuple[str, ...]
    workstreams: tuple[Workstream, ...]
    # The councils its figures are compared with, closest first; empty means the DfE's
    # statistical neighbours as published.
    neighbours: tuple[str, ...]
    measures_file: Path
    # The council's own folder (councils/<LA code>/), which holds the profile, its catalogue and
    # any demo data.
    directory: Path

    @property
    def last_year(self) -> str:
        return self.plan_years[-1]

    def workstream(self, number: int) -> Workstream | None:
        return next((w for w in self.workstreams if w.number == number), None)


def _text(data: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = data.get(key)
    if key not in data:
        problems.append(f"{where}: missing {key}")
    elif not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} must be text")
    return value.strip() if isinstance(value, str) else ""


def _years(plan: Mapping[str, Any], problems: list[str]) -> tuple[str, ...]:
    try:
        first = parse_financial_year(str(plan.get("first_year", "")))
        last = parse_financial_year(str(plan.get("last_year", "")))
        return financial_years(first, last)
    except PeriodError as exc:
        problems.append(f"plan: first_year and last_year: {exc}")
        return ()


def _lines(plan: Mapping[str, Any], problems: list[str]) -> PlanLines | None:
    entries = plan.get("line")
    if not isinstance(entries, list) or not entries:
        problems.append("plan: no [[plan.line]] entries")
        return None
    lines: list[PlanLine] = []
    for number, entry in enumerate(entries, start=1):
        where = f"plan line {number}"
        unknown = set(entry) - {"code", "label", "standard", "aliases"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        label = _text(entry, "label", where, problems)
        standard = _text(entry, "standard", f"{where} ({label!r})", problems)
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(f"{where} ({label!r}): aliases must be a list of labels")
            aliases = []
        code = str(entry.get("code") or standard)
        lines.append(PlanLine(code, label, standard, tuple(aliases)))
    line_problems = check_lines(tuple(lines))
    problems.extend(line_problems)
    return None if line_problems else PlanLines(tuple(lines))


def _workstreams(data: Mapping[str, Any], problems: list[str]) -> tuple[Workstream, ...]:
    found: list[Workstream] = []
    for index, entry in enumerate(data.get("workstream", []), start=1):
        where = f"workstream {entry.get('number', f'#{index}')}"
        number = entry.get("number")
        if not isinstance(number, int) or number < 1:
            problems.append(f"{where}: number must be a whole number from 1")
            continue
        if any(w.number == number for w in found):
            problems.append(f"{where}: number {number} is used more than once")
        found.append(
            Workstream(
                number,
                _text(entry, "name", where, problems),
                _text(entry, "aim", where, problems),
            )
        )
    return tuple(found)


def _contact(data: Mapping[str, Any], problems: list[str]) -> Contact | None:
    contact = data.get("contact")
    if contact is None:
        return None
    email = _text(contact, "email", "contact", problems)
    if email and not _EMAIL.match(email):
        problems.append(f"contact: email {email!r} is not an e-mail address")
    phone = contact.get("phone")
    return Contact(email, _text(contact, "team", "contact", problems), phone or None)


def _codes(data: Mapping[str, Any], problems: list[str]) -> tuple[str, str]:
    code, old = str(data.get("la_code", "")), str(data.get("old_la_code", ""))
    if not NEW_LA_CODE.match(code):
        problems.append(f"la_code {code!r} is not a new-style LA code (E and eight digits)")
    if not OLD_LA_CODE.match(old):
        problems.append(f"old_la_code {old!r} is not a three-digit LA number")
    return code, old


def parse_profile(data: Mapping[str, Any], *, directory: Path) -> CouncilProfile:
    """Check a profile as read from its file; ProfileError lists every problem."""
    problems: list[str] = []
    # the texts and codes say for themselves when they are missing
    for key in sorted(REQUIRED - set(data) - {"name", "short_name", "programme"}):
        problems.append(f"missing {key}")
    unknown = set(data) - REQUIRED - OPTIONAL
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    code, old = _codes(data, problems)
    plan: Mapping[str, Any] = data["plan"] if isinstance(data.get("plan"), dict) else {}
    years = _years(plan, problems)
    lines = _lines(plan, problems)
    conditions = tuple(
        _text(entry, "text", f"condition {n}", problems)
        for n, entry in enumerate(data.get("condition", []), start=1)
    )
    neighbours = tuple(str(n) for n in data.get("neighbours", []))
    for neighbour in neighbours:
        if not NEW_LA_CODE.match(neighbour) or neighbour == code:
            problems.append(f"neighbours: {neighbour!r} is not another council's new-style LA code")
    measures_file = directory / str(data.get("measures", ""))
    if "measures" in data and not measures_file.is_file():
        problems.append(f"measures: {data['measures']!r} is not a file beside the profile")
    profile = CouncilProfile(
        la_code=code,
        old_la_code=old,
        name=_text(data, "name", "profile", problems),
        short_name=_text(data, "short_name", "profile", problems),
        programme=_text(data, "programme", "profile", problems),
        programme_summary=str(data.get("programme_summary", "")).strip(),
        contact=_contact(data, problems),
        plan_years=years,
        plan_lines=lines,  # type: ignore[arg-type]  # None only with problems, raised below
        conditions=conditions,
        workstreams=_workstreams(data, problems),
        neighbours=neighbours,
        measures_file=measures_file,
        directory=directory,
    )
    if problems:
        raise ProfileError(str(directory / PROFILE_FILE), problems)
    return profile


def read_profile(directory: Path) -> CouncilProfile:
    """The profile in ``directory``; ProfileError names the file and every problem in it."""
    path = directory / PROFILE_FILE
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ProfileError(str(path), ["no profile file"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(path), [f"not TOML: {exc}"]) from None
    profile = parse_profile(data, directory=directory)
    if profile.la_code != directory.name:
        raise ProfileError(
            str(path), [f"la_code {profile.la_code!r} differs from its folder's name"]
        )
    return profile
