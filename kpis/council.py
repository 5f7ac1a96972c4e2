"""A council as the product serves it: its profile and its measure catalogue, read from its folder
(councils/<LA code>/) and checked together; and every council a deployment holds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from domain.council import PROFILE_FILE, CouncilProfile, ProfileError, read_profile
from domain.plan_lines import PlanLines
from domain.plan_shape import MeasureKind, PlanShape
from domain.problems import ListedProblems
from kpis.catalogue import Catalogue, CatalogueError, load_catalogue
from kpis.measures import Place


class CouncilError(ListedProblems, ValueError):
    """One or more councils cannot be served; ``problems`` lists every one, naming its file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("", problems)


@dataclass(frozen=True)
class Council:
    profile: CouncilProfile
    catalogue: Catalogue
    # The profile's and catalogue's text, hashed: what is worked out from them and kept between
    # requests (in Redis, across restarts) is kept under it, so an edited file is never served
    # from what its earlier text made.
    digest: str = ""

    @property
    def la_code(self) -> str:
        return self.profile.la_code

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def plan_years(self) -> tuple[str, ...]:
        return self.profile.plan_years

    @property
    def plan_lines(self) -> PlanLines:
        return self.profile.plan_lines

    @property
    def place(self) -> Place:
        return Place(self.la_code, self.profile.neighbours, self.profile.last_year)

    @cached_property
    def shape(self) -> PlanShape:
        """What this council's workbooks hold, for the loaders."""
        return PlanShape(
            council=self.name,
            years=self.plan_years,
            lines=self.plan_lines,
            measures={
                m.ref: MeasureKind(
                    ref=m.ref,
                    label=m.label,
                    grain=m.grain,
                    nature=m.nature,
                    follows_plan=m.computation == "derived" and m.category == "DSG",
                )
                for m in self.catalogue.measures
            },
        )


def read_council(directory: Path) -> Council:
    """The council in ``directory``; CouncilError lists every problem of its profile and
    catalogue, each naming its file."""
    try:
        profile = read_profile(directory)
    except ProfileError as exc:
        raise CouncilError([f"{exc.where}: {problem}" for problem in exc.problems]) from None
    workstreams = [w.number for w in profile.workstreams]
    try:
        catalogue = load_catalogue(profile.measures_file, workstreams=workstreams)
    except CatalogueError as exc:
        raise CouncilError(exc.problems) from None
    return Council(profile, catalogue, _digest(directory / PROFILE_FILE, profile.measures_file))


def _digest(*files: Path) -> str:
    found = hashlib.sha256()
    for file in files:
        found.update(file.read_bytes())
    return found.hexdigest()


def read_councils(root: Path) -> dict[str, Council]:
    """Every council in ``root`` (one folder each, named by its LA code), in code order;
    CouncilError lists every problem of every council."""
    councils: dict[str, Council] = {}
    problems: list[str] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    for folder in folders:
        if folder.name.startswith((".", "_")):
            continue
        try:
            councils[folder.name] = read_council(folder)
        except CouncilError as exc:
            problems.extend(exc.problems)
    if not folders:
        problems.append(f"{root}: no council profiles (add one with lfi council add)")
    if problems:
        raise CouncilError(problems)
    return councils


def home_council(councils: dict[str, Council], code: str | None) -> str | None:
    """The council a database from before councils were kept apart belongs to: the one
    LFI_COUNCIL names, or the only one held; None when that cannot be said."""
    if code is not None:
        return chosen_council(councils, code).la_code
    return next(iter(councils)) if len(councils) == 1 else None


def chosen_council(councils: dict[str, Council], code: str | None) -> Council:
    """The council ``code`` names (--council, LFI_COUNCIL), or the only one there is."""
    if code is not None:
        if code not in councils:
            held = ", ".join(councils) or "none"
            raise CouncilError([f"no council {code!r} here (councils held: {held})"])
        return councils[code]
    if len(councils) == 1:
        return next(iter(councils.values()))
    raise CouncilError(
        [
            "several councils are held ("
            + ", ".join(f"{c} {council.name}" for c, council in councils.items())
            + "): name one with --council CODE or LFI_COUNCIL"
        ]
    )
