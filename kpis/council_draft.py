"""A new council's folder, drafted from the DfE's public lists: its profile (council.toml), with
the standard plan lines and its 2025 statistical neighbours, and a measure catalogue copied from
another council's as a start. Both files are meant to be edited; ``lfi council add`` writes them.

Pure apart from reading data/public and writing the new folder. The lists know a council by its
old three-digit code and its name (la-codes.csv); statistical-neighbours.csv joins the old code
to the new-style one, and gives the council's neighbours, closest first."""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from domain.council import NEW_LA_CODE, OLD_LA_CODE, PROFILE_FILE
from domain.periods import PeriodError, financial_years, parse_financial_year
from domain.plan_lines import STANDARD_LINES
from kpis.comparators import MODEL, NEIGHBOURS_FILE
from kpis.council import CouncilError, read_council

COUNCILS_FILE = "la-codes.csv"
MEASURES_FILE = "measures.toml"
CONTACT_TEAM = "High needs programme team"
_WORKSTREAMS = re.compile(r"^([ \t]*)workstreams[ \t]*=[ \t]*\[[^\]]*\]", re.MULTILINE)


class DraftError(ValueError):
    """A council's folder cannot be drafted; the message says why and what to do."""


@dataclass(frozen=True)
class PublishedCouncil:
    """A council as the DfE's lists give it, with its neighbours' new codes, closest first."""

    la_code: str
    old_la_code: str
    name: str
    neighbours: tuple[str, ...]


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise DraftError(f"cannot read the public list {path}: {exc}") from None


def find_council(code: str, *, public_dir: Path) -> PublishedCouncil:
    """The council with this new-style code (E and eight digits) or old one (three digits), in the
    DfE's 2025
    statistical-neighbour model; DraftError if the lists do not hold it or it no longer exists."""
    given, code = code, code.strip().upper()
    if not NEW_LA_CODE.match(code) and not OLD_LA_CODE.match(code):
        raise DraftError(
            f"{given!r} is not an LA code: give the council's new-style code (E and eight digits), "
            f"as data/public/{NEIGHBOURS_FILE} lists it in its new_la_code column"
        )
    names = {row["old_la_code"]: row["la_name"] for row in _rows(public_dir / COUNCILS_FILE)}
    rows = [row for row in _rows(public_dir / NEIGHBOURS_FILE) if row["model"] == MODEL]
    column = "old_la_code" if OLD_LA_CODE.match(code) else "new_la_code"
    own = sorted((row for row in rows if row[column] == code), key=lambda row: int(row["rank"]))
    if not own:
        raise DraftError(
            f"LA code {code!r} is not a council in the DfE's {MODEL} statistical neighbours "
            f"(data/public/{NEIGHBOURS_FILE}, whose new_la_code column holds every council's "
            "new-style code)"
        )
    old = own[0]["old_la_code"]
    name = names.get(old) or own[0]["la_name"]
    new = own[0]["new_la_code"]
    if not new or not NEW_LA_CODE.match(new):
        raise DraftError(
            f"{name} ({old}) no longer exists: data/public/{NEIGHBOURS_FILE} gives it no "
            "new-style LA code; add the council or councils that replaced it"
        )
    neighbours = tuple(
        row["neighbour_new_la_code"]
        for row in own
        if row["neighbour_new_la_code"] and row["neighbour_new_la_code"] != new
    )
    return PublishedCouncil(new, old, name, neighbours)


def quote(text: str) -> str:
    """``text`` as a TOML basic string."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif char < " " or char == "\x7f":
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _years(first_year: str, last_year: str) -> tuple[str, str]:
    try:
        years = financial_years(parse_financial_year(first_year), parse_financial_year(last_year))
    except PeriodError as exc:
        raise DraftError(f"the plan's years: {exc}") from None
    return years[0], years[-1]


def draft_profile(
    la_code: str,
    *,
    public_dir: Path,
    first_year: str,
    last_year: str,
    programme: str,
    contact_email: str | None,
) -> str:
    """The text of a new council.toml for the council with this LA code, for it to edit."""
    return render_profile(
        find_council(la_code, public_dir=public_dir),
        first_year=first_year,
        last_year=last_year,
        programme=programme,
        contact_email=contact_email,
    )


def render_profile(
    council: PublishedCouncil,
    *,
    first_year: str,
    last_year: str,
    programme: str,
    contact_email: str | None,
) -> str:
    """The text of a new council.toml for ``council``: the standard lines, its neighbours, and
    comments that say how to make it the council's own."""
    first, last = _years(first_year, last_year)
    summary = (
        f"{council.name}'s programme, {first} to {last}, to improve support for children and "
        "young people with special educational needs and disabilities (SEND) and to bring the "
        "High Needs Block back into balance."
    )
    out = [
        f"# {council.name}'s profile, drafted by lfi council add from the DfE's public lists: who",
        "# the council is, its plan's years and lines, the conditions of its agreement with the",
        "# DfE, its workstreams and where its measure catalogue is. Edit it to match the council's",
        "# own plan, then run lfi council check, which lists every problem.",
        "",
        "# The codes and the name as the DfE publishes them. name may be the council's full name",
        "# (as its reports print it); short_name is what headings and charts show.",
        f"la_code = {quote(council.la_code)}",
        f"old_la_code = {quote(council.old_la_code)}",
        f"name = {quote(council.name)}",
        f"short_name = {quote(council.name)}",
        "# The council's own name for its high needs recovery programme, and one plain sentence",
        "# that says what it is, for the dashboard's front page.",
        f"programme = {quote(programme)}",
        f"programme_summary = {quote(summary)}",
        "# The council's measure catalogue, a file beside this one.",
        f"measures = {quote(MEASURES_FILE)}",
        "# The councils its figures are compared with, closest first: the DfE's statistical",
        f"# neighbours ({MODEL} model) as published. Remove the line to follow the DfE's list.",
        "neighbours = [",
        *(f"    {quote(code)}," for code in council.neighbours),
        "]",
    ]
    if contact_email:
        out += [
            "",
            "# Who answers for the dashboard, as its accessibility statement names them.",
            "[contact]",
            f"email = {quote(contact_email.strip())}",
            f"team = {quote(CONTACT_TEAM)}",
        ]
    out += [
        "",
        "# The plan's years, as financial years (2025-26); its workbooks hold one column each.",
        "[plan]",
        f"first_year = {quote(first)}",
        f"last_year = {quote(last)}",
        "# The plan's lines, in its order; to start with, one for each standard line (lfi council",
        "# lines lists them). Change each label to the words of the council's own plan, so its",
        '# workbooks can be read: a "DCC Contribution" line, say, keeps standard =',
        '# "council_contribution". aliases = ["...", "..."] lists other labels the same line is',
        "# given. Several of the plan's lines may map to one standard line if each has its own",
        '# code (lower-case words joined by _): code = "short_stay_schools" beside another line',
        '# with standard = "alternative_provision". Remove any line the plan does not have; a',
        "# line without a code is stored under its standard line's code.",
    ]
    for line in STANDARD_LINES:
        out += [
            "",
            "[[plan.line]]",
            f"label = {quote(line.name)}",
            f"standard = {quote(line.code)}",
        ]
    out += [
        "",
        "# The conditions of the council's agreement with the DfE, in the order its return numbers",
        "# them, one table each:",
        "# [[condition]]",
        '# text = "Improve the systems and processes for annual reviews"',
        "",
        "# The programme's workstreams, one table each; a measure in measures.toml names the",
        "# workstreams it belongs to by number (workstreams = [1, 2]):",
        "# [[workstream]]",
        "# number = 1",
        '# name = "Mainstream school inclusion"',
        '# aim = "What the workstream sets out to do, in a sentence or two."',
        "",
    ]
    return "\n".join(out)


def draft_measures(catalogue: str, *, name: str, source: str) -> str:
    """Another council's catalogue (``source`` says whose) as a start for this one: its opening
    comment replaced, and no measure aligned to a workstream, since the new council has none."""
    lines = catalogue.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    header = "\n".join(
        [
            f"# {name}'s measures, copied by lfi council add from",
            f"# {source} as a start, to be edited:",
            "# the labels, sources, definitions and caveats were written for another council's",
            "# plan, and the comment at the head of that file explains every field. No measure is",
            "# aligned to a workstream yet (workstreams = []); once council.toml has workstreams,",
            "# give each measure the numbers of those it belongs to. lfi council check lists every",
            "# problem.",
        ]
    )
    return header + "\n" + _WORKSTREAMS.sub(r"\1workstreams = []", "".join(lines[start:]))


def _source(path: Path) -> str:
    """Whose catalogue ``path`` is, for the copy's opening comment."""
    if NEW_LA_CODE.match(path.parent.name):
        return f"council {path.parent.name}'s catalogue ({path.parent.name}/{path.name})"
    return f"the catalogue {path.name}"


def new_folder(council: PublishedCouncil, *, councils_dir: Path) -> Path:
    """Where ``council``'s files go; DraftError if the folder is there already."""
    folder = councils_dir / council.la_code
    if folder.exists():
        raise DraftError(f"{folder} already exists: edit the profile there, or remove the folder")
    return folder


def write_council(
    la_code: str,
    *,
    councils_dir: Path,
    measures_from: Path,
    public_dir: Path,
    first_year: str,
    last_year: str,
    programme: str,
    contact_email: str | None,
) -> Path:
    """Create councils_dir/<LA code>/ with a drafted profile and a catalogue copied from
    ``measures_from`` (another council's catalogue file), checked as the app reads them; the new
    folder. DraftError if the folder exists, the lists do not hold the council, or the result has
    problems (and then nothing is left behind)."""
    council = find_council(la_code, public_dir=public_dir)
    folder = new_folder(council, councils_dir=councils_dir)
    profile = render_profile(
        council,
        first_year=first_year,
        last_year=last_year,
        programme=programme,
        contact_email=contact_email,
    )
    try:
        catalogue = measures_from.read_text(encoding="utf-8")
    except OSError as exc:
        raise DraftError(f"cannot read the catalogue to copy, {measures_from}: {exc}") from None
    measures = draft_measures(catalogue, name=council.name, source=_source(measures_from))
    folder.mkdir(parents=True)
    (folder / PROFILE_FILE).write_text(profile, encoding="utf-8")
    (folder / MEASURES_FILE).write_text(measures, encoding="utf-8")
    try:
        read_council(folder)
    except CouncilError as exc:
        shutil.rmtree(folder)
        raise DraftError(
            "the drafted council has problems, so nothing was written:\n" + "\n".join(exc.problems)
        ) from None
    return folder
