"""``lfi council ...``: add a council from the DfE's public lists, list the councils a deployment
holds, check them all, and list the standard plan lines their plans are read against.

The councils live in one folder each under the councils directory (LFI_COUNCILS_DIR, by default
the project's councils/ folder), named by the council's new-style LA code.

Exit codes: 0 done, 1 a council has problems or cannot be added, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from domain.council import ProfileError, read_profile
from domain.periods import financial_year_of
from domain.plan_lines import STANDARD_LINES
from kpis.comparators import PUBLIC_DIR
from kpis.council import CouncilError, read_council, read_councils
from kpis.council_draft import DraftError, find_council, new_folder, write_council
from settings import read_settings

DEFAULT_PROGRAMME = "High needs recovery programme"
PLAN_LENGTH = 5  # years after the first that a new council's plan runs to, unless told


def councils_dir() -> Path:
    """Where the councils' folders are: LFI_COUNCILS_DIR, or the project's councils/ folder."""
    return read_settings().councils_dir


def default_years(today: date) -> tuple[str, str]:
    """The financial year (April to March) ``today`` falls in, and the year five years on."""
    start = today.year if today.month >= 4 else today.year - 1
    return financial_year_of(start), financial_year_of(start + PLAN_LENGTH)


class _Usage(ValueError):
    """The command was given something it cannot use; exit code 2."""


def _folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _measures_from(root: Path, code: str | None) -> Path:
    """The catalogue file of the council named by --measures-from, or of the only council."""
    if code is None:
        folders = _folders(root)
        if len(folders) != 1:
            held = ", ".join(f.name for f in folders) or "none"
            raise _Usage(
                f"{root} holds {len(folders)} councils ({held}): name the one whose measures "
                "to copy with --measures-from CODE"
            )
        folder = folders[0]
    else:
        folder = root / code.strip().upper()
        if not folder.is_dir():
            raise _Usage(f"--measures-from {code}: there is no council folder {folder}")
    try:
        return read_profile(folder).measures_file
    except ProfileError as exc:
        raise _Usage(
            f"--measures-from {folder.name}: its profile has problems (lfi council check)"
        ) from exc


def cmd_add(args: argparse.Namespace) -> int:
    root = councils_dir()
    # a council already there is the first thing to say, before which measures to copy
    new_folder(find_council(args.la_code, public_dir=PUBLIC_DIR), councils_dir=root)
    first, last = default_years(date.today())
    folder = write_council(
        args.la_code,
        councils_dir=root,
        measures_from=_measures_from(root, args.measures_from),
        public_dir=PUBLIC_DIR,
        first_year=args.first_year or first,
        last_year=args.last_year or last,
        programme=args.programme or DEFAULT_PROGRAMME,
        contact_email=args.contact_email,
    )
    council = read_council(folder)
    print(
        f"Added {council.name} ({council.la_code}): wrote {folder}/council.toml and measures.toml."
    )
    print(
        "Next, in council.toml: change each plan line's label to the words of the council's own "
        "plan (lfi council lines lists the standard lines), remove lines it does not have, and "
        "add its conditions and workstreams; in measures.toml: edit the measures for this "
        "council and align them to its workstreams. Then run lfi council check."
    )
    return 0


def cmd_list(_args: argparse.Namespace) -> int:
    root = councils_dir()
    folders = _folders(root)
    if not folders:
        print(f"{root} holds no councils: add one with lfi council add", file=sys.stderr)
        return 1
    for folder in folders:
        try:
            council = read_council(folder)
        except CouncilError:
            print(f"{folder.name}\thas problems: run lfi council check")
            continue
        profile = council.profile
        print(
            "\t".join(
                [
                    council.la_code,
                    council.name,
                    f"{profile.plan_years[0]} to {profile.last_year}",
                    f"{len(profile.plan_lines.lines)} lines",
                    f"{len(council.catalogue.measures)} measures",
                    f"{len(profile.conditions)} conditions",
                    f"{len(profile.workstreams)} workstreams",
                ]
            )
        )
    return 0


def cmd_check(_args: argparse.Namespace) -> int:
    try:
        councils = read_councils(councils_dir())
    except CouncilError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''}.", file=sys.stderr)
        return 1
    count = len(councils)
    print(f"{count} council{'s' if count != 1 else ''}, no problems.")
    return 0


def cmd_lines(_args: argparse.Namespace) -> int:
    code_width = max(len(line.code) for line in STANDARD_LINES)
    group_width = max(len(line.group.value) for line in STANDARD_LINES)
    name_width = max(len(line.name) for line in STANDARD_LINES)
    for line in STANDARD_LINES:
        print(
            f"{line.code:<{code_width}}  {line.group.value:<{group_width}}  "
            f"{line.name:<{name_width}}  {line.covers}"
        )
    return 0


COMMANDS = {"add": cmd_add, "list": cmd_list, "check": cmd_check, "lines": cmd_lines}


def run(args: argparse.Namespace) -> int:
    """Run the ``lfi council`` command ``args`` name; its exit code."""
    try:
        return COMMANDS[args.council_command](args)
    except DraftError as error:
        print(f"lfi council {args.council_command}: {error}", file=sys.stderr)
        return 1
    except _Usage as error:
        print(f"lfi council {args.council_command}: {error}", file=sys.stderr)
        return 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    council = commands.add_parser("council", help="add, list and check councils")
    actions = council.add_subparsers(dest="council_command", required=True)
    add = actions.add_parser(
        "add",
        help="add a council from the DfE's public lists, with a profile and measures to edit",
    )
    add.add_argument(
        "--la-code",
        required=True,
        metavar="CODE",
        help="the council's new-style LA code, E and eight digits as the DfE's lists give it (or its three-digit number)",
    )
    add.add_argument(
        "--first-year", metavar="YYYY-YY", help="the plan's first year (default: this one)"
    )
    add.add_argument(
        "--last-year", metavar="YYYY-YY", help="the plan's last year (default: five years on)"
    )
    add.add_argument(
        "--programme", metavar="TEXT", help=f"the programme's name (default: {DEFAULT_PROGRAMME})"
    )
    add.add_argument("--contact-email", metavar="EMAIL", help="who answers for the dashboard")
    add.add_argument(
        "--measures-from",
        metavar="CODE",
        help="the council whose measures to copy (default: the only council there is)",
    )
    actions.add_parser("list", help="every council: its plan's years and what its files hold")
    actions.add_parser("check", help="read every council and print every problem")
    actions.add_parser("lines", help="the standard plan lines a council's lines map to")
