"""The ``lfi`` command: the same functions the web app calls, from a terminal.

Who a command acts as: the operating-system user ("os:jsmith"), or with ``--as EMAIL`` (given
before the command) an existing account, whose role then limits what the command may do. Every
command that changes anything records it in the audit trail as that actor.

Exit codes: 0 done, 1 the file has errors (or another run-time failure, or the role does not
allow it), 2 usage error (an unknown --as account among them).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

import cli_accounts
import cli_backup
import cli_councils
import cli_worker
from cli_accounts import UsageError, command_actor
from domain.actors import Actor, Forbidden
from domain.council import NEW_LA_CODE
from domain.storage_full import StorageFull
from kpis.council import Council, CouncilError, chosen_council, home_council, read_councils
from loaders.errors import LoaderError
from loaders.submissions import LoadOutcome
from loaders.templates import FAMILIES, write_template
from services.submissions import load_workbook
from settings import Settings, SettingsError, read_settings


def _council(args: argparse.Namespace, settings: Settings) -> Council:
    """The council the command is for: --council, else LFI_COUNCIL, else the only one held."""
    code = getattr(args, "council", None) or settings.council
    return chosen_council(read_councils(settings.councils_dir), code)


def _database(args: argparse.Namespace, settings: Settings, councils: dict[str, Council]):
    """The database, upgraded: a database from before councils were kept apart is moved into
    LFI_COUNCIL's council (or the only one held), never into the one a command names."""
    from storage.database import create_database_engine, upgrade_database

    engine = create_database_engine(settings.database_url)
    args.engine = engine  # closed by main() when the command is done
    upgrade_database(engine, council=home_council(councils, settings.council))
    return engine


def _services(args: argparse.Namespace):
    """The settings, the database, the council's service, and who the command acts as there."""
    from services.dashboard import DashboardService

    settings = read_settings()
    councils = read_councils(settings.councils_dir)
    council = chosen_council(councils, getattr(args, "council", None) or settings.council)
    engine = _database(args, settings, councils)
    actor = command_actor(engine, args.as_email, council.la_code)
    return settings, engine, DashboardService.build(engine, settings, council), actor


def _acting(args: argparse.Namespace):
    """The database and who an account or audit command acts as: in the council, or outside
    any with --all-councils (no council need be named then)."""
    settings = read_settings()
    councils = read_councils(settings.councils_dir)
    code = None
    if not args.all_councils:
        code = chosen_council(councils, getattr(args, "council", None) or settings.council).la_code
    engine = _database(args, settings, councils)
    return engine, command_actor(engine, args.as_email, code)


def cmd_template(args: argparse.Namespace) -> int:
    council = _council(args, read_settings())
    write_template(args.family, args.output, shape=council.shape)
    print(f"Wrote {council.name}'s {args.family.upper()} template to {args.output}")
    return 0


def _print_outcome(outcome: LoadOutcome, *, dry_run: bool) -> int:
    for issue in outcome.report.issues:
        print(issue, file=sys.stderr if issue.level == "error" else sys.stdout)
    name = outcome.report.file_name
    if not outcome.ok:
        count = len(outcome.report.errors)
        print(
            f"{name}: {count} error{'s' if count != 1 else ''}; nothing was stored.",
            file=sys.stderr,
        )
        return 1
    if outcome.identical_to is not None:
        prior = outcome.identical_to
        same = "is identical to" if prior.same_bytes else "has the same figures as"
        print(
            f"{name} {same} submission {prior.id} ({prior.file_name}), loaded "
            f"{prior.loaded_at:%d %B %Y at %H:%M} UTC; nothing was stored."
        )
        return 0
    if dry_run:
        print(
            f"{name} is valid ({len(outcome.report.warnings)} warnings); dry run, nothing stored."
        )
        return 0
    family = (outcome.family or "").upper()  # a stored submission always has its family
    print(f"{name}: stored as submission {outcome.stored_id}, {family} {outcome.period}.")
    if outcome.superseded is not None:
        print(
            f"It supersedes submission {outcome.superseded.id} ({outcome.superseded.file_name}), "
            "which stays in the history."
        )
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"lfi load: no such file: {path}", file=sys.stderr)
        return 2
    settings, engine, service, actor = _services(args)
    outcome = load_workbook(
        engine,
        path.read_bytes(),
        file_name=path.name,
        council=service.council,
        max_bytes=settings.max_upload_bytes,
        dry_run=args.dry_run,
        reason=args.reason,
        actor=actor,
    )
    return _print_outcome(outcome, dry_run=args.dry_run)


CSV_FIELDS = [
    "ref",
    "measure_id",
    "period",
    "value",
    "basis",
    "unit",
    "plan_value",
    "variance",
    "variance_pct",
    "status",
    "direction",
    "direction_of_travel",
    "compared_with",
    "made_in",
    "forecast_of",
    "projection_period",
    "projection_value",
    "projection_method",
    "projection_basis",
    "comparator_period",
    "comparator_basis",
    "comparator_unit",
    "comparator_council",
    "england",
    "neighbours",
    "neighbours_members",
    "quartile",
]


def _flatten(record: dict) -> dict:
    """One CSV row: the nested projection and comparators spread over their own columns."""
    projection = record.pop("projection") or {}
    england, neighbours = record.pop("england") or {}, record.pop("neighbours") or {}
    council, quartile = record.pop("comparator_council") or {}, record.pop("quartile") or {}
    return {
        **record,
        "projection_period": projection.get("period"),
        "projection_value": projection.get("value"),
        "projection_method": projection.get("method"),
        "projection_basis": projection.get("basis"),
        "comparator_period": england.get("period"),
        "comparator_basis": england.get("basis"),
        "comparator_unit": england.get("unit"),
        "comparator_council": council.get("value"),
        "england": england.get("value"),
        "neighbours": neighbours.get("value"),
        "neighbours_members": " ".join(neighbours.get("members", [])) or None,
        "quartile": quartile.get("value"),
    }


def cmd_measures(args: argparse.Namespace) -> int:
    _, _, service, _ = _services(args)
    records = [value.as_record() for value in service.measures()]
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_flatten(record) for record in records)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from datetime import date

    from loaders.demo import DemoDataError
    from services.demo import build_council_demo, has_demo_data, load_demo_data

    settings, engine, service, actor = _services(args)
    council = service.council
    if args.remove:
        return _remove_demo(engine, council.la_code, actor)
    if not has_demo_data(council):
        print(f"{council.name} has no demo data (no demo folder of its own).", file=sys.stderr)
        return 1
    try:
        if args.write:
            _write_demo(Path(args.write), build_council_demo(council, date.today()))
        stored = load_demo_data(
            engine, council=council, max_bytes=settings.max_upload_bytes, actor=actor
        )
    except DemoDataError as error:
        print(f"lfi demo: {error}", file=sys.stderr)
        return 1
    if stored == 0:
        print(
            f"{council.name} already has submissions; the demo data loads only into a council "
            "that has none.",
            file=sys.stderr,
        )
        return 1
    print(
        f"Loaded {council.name}'s demo data: {stored} workbooks, every one labelled as demo data."
    )
    return 0


def _write_demo(folder: Path, files: list[tuple[str, bytes]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (folder / name).write_bytes(data)
    print(f"Wrote the demo workbooks to {folder}")


def _remove_demo(engine, council: str, actor: Actor) -> int:
    from loaders.demo import DemoDataError
    from services.demo import remove_demo_data

    try:
        removed = remove_demo_data(engine, council, actor)
    except DemoDataError as refused:
        print(refused, file=sys.stderr)
        return 1
    if removed == 0:
        print("The database holds no demo data: nothing was removed.")
    else:
        print(f"Removed the demo data: {removed} workbooks and every figure stored from them.")
    return 0


def _export_pack(args: argparse.Namespace, settings, service, renderer, actor: Actor) -> int:
    from exports.pack import read_meeting
    from exports.reports import make_pack

    meeting = read_meeting(args.meeting, args.meeting_date, args.agenda_item)
    term, pdf = make_pack(
        service,
        period=args.period,
        threshold=settings.suppress_threshold,
        renderer=renderer,
        meeting=meeting,
    )
    Path(args.output).write_bytes(pdf)
    service.record_export(actor, f"pack {term}")
    print(f"Wrote the Schools Forum pack for {term} to {args.output}")
    return 0


def _export_return(args: argparse.Namespace, settings, service, actor: Actor) -> int:
    from datetime import date

    from exports.reports import make_return
    from kpis.rounds import latest_round, parse_round

    chosen = parse_round(args.round) if args.round else latest_round(date.today())
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    files = make_return(service, chosen, threshold=settings.suppress_threshold)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    service.record_export(actor, f"return {chosen.name}")
    print(f"Wrote the {chosen.name} DfE return to {folder}: {', '.join(files)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from exports.charts import ChartExportError, ChartRenderer
    from exports.pack import PackError
    from exports.pdf import PdfError
    from kpis.rounds import RoundError

    settings, _engine, service, actor = _services(args)
    renderer = ChartRenderer()
    try:
        if args.what == "pack":
            return _export_pack(args, settings, service, renderer, actor)
        return _export_return(args, settings, service, actor)
    except (PackError, RoundError, PdfError, ChartExportError) as error:
        print(f"lfi export {args.what}: {error}", file=sys.stderr)
        return 1
    finally:
        renderer.close()


def cmd_user(args: argparse.Namespace) -> int:
    engine, actor = _acting(args)
    return cli_accounts.cmd_user(args, engine, actor)


def cmd_audit(args: argparse.Namespace) -> int:
    engine, actor = _acting(args)
    return cli_accounts.cmd_audit(args, engine, actor)


def cmd_serve(_args: argparse.Namespace) -> int:
    from app import serve

    serve()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lfi",
        description="Local First Inclusion KPI dashboard",
        epilog="Every command that changes anything is recorded in the audit trail as the "
        "operating-system user (os:NAME), or as the account given by --as, which goes before "
        "the command: lfi --as officer@council.gov.uk load FILE.",
    )
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="act as this existing, enabled account (its role decides what may be done), "
        "not as the operating-system user; give it before the command",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    template = commands.add_parser("template", help="write an empty workbook template")
    template.add_argument("family", choices=FAMILIES)
    template.add_argument("-o", "--output", required=True, metavar="FILE")
    template.set_defaults(run=cmd_template)

    load = commands.add_parser("load", help="check a workbook and store it if it has no errors")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--dry-run", action="store_true", help="check only; store nothing")
    load.add_argument(
        "--reason",
        metavar="TEXT",
        help="why this file replaces the one already stored for the same period",
    )
    load.set_defaults(run=cmd_load)

    measures = commands.add_parser("measures", help="print every computed measure for every period")
    measures.add_argument("--format", choices=("json", "csv"), default="json")
    measures.set_defaults(run=cmd_measures)

    demo = commands.add_parser("demo", help="load the demo data into an empty database")
    demo.add_argument("--write", metavar="DIR", help="also write the demo workbooks to DIR")
    demo.add_argument(
        "--remove",
        action="store_true",
        help="delete every demo workbook and its figures instead, before real figures are loaded",
    )
    demo.set_defaults(run=cmd_demo)

    export = commands.add_parser("export", help="write the Schools Forum pack or the DfE return")
    outputs = export.add_subparsers(dest="what", required=True, metavar="WHAT")
    pack = outputs.add_parser("pack", help="the Schools Forum pack, a PDF")
    pack.add_argument(
        "--period",
        metavar="TERM",
        help="the term, such as 'Summer 2026' (default: the latest term loaded)",
    )
    pack.add_argument("--meeting", metavar="NAME", help="the meeting, for the cover")
    pack.add_argument(
        "--meeting-date", metavar="YYYY-MM-DD", help="the date of the meeting, for the cover"
    )
    pack.add_argument("--agenda-item", metavar="ITEM", help="the agenda item, for the cover")
    pack.add_argument("-o", "--output", required=True, metavar="FILE")
    dfe = outputs.add_parser("return", help="the DfE tri-annual return: XLSX annex, DOCX and PDF")
    dfe.add_argument(
        "--round",
        metavar="ROUND",
        help="the round, such as 'September 2026' (default: the latest round due)",
    )
    dfe.add_argument("-o", "--output", required=True, metavar="DIR")
    export.set_defaults(run=cmd_export)

    serve = commands.add_parser("serve", help="start the web app")
    serve.set_defaults(run=cmd_serve)

    cli_accounts.add_commands(commands)
    commands.choices["user"].set_defaults(run=cmd_user)
    commands.choices["audit"].set_defaults(run=cmd_audit)
    cli_councils.add_commands(commands)
    commands.choices["council"].set_defaults(run=cli_councils.run)
    cli_backup.add_commands(commands)
    cli_worker.add_commands(commands)
    parser.add_argument("--council", metavar="CODE", type=_la_code, help=COUNCIL_HELP)
    for command in _commands(parser):
        # SUPPRESS: given before the command, a command's own default must not overwrite it
        command.add_argument(
            "--council", metavar="CODE", type=_la_code, default=argparse.SUPPRESS, help=COUNCIL_HELP
        )
    return parser


COUNCIL_HELP = (
    "the council, by its new-style LA code, E and eight digits (default: LFI_COUNCIL, or the only "
    "council held)"
)


def _la_code(text: str) -> str:
    code = text.strip().upper()
    if not NEW_LA_CODE.match(code):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a new-style LA code (E and eight digits, as lfi council list shows)"
        )
    return code


def _commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command and subcommand parser under ``parser``."""
    found = []
    for action in parser._actions:  # noqa: SLF001 - argparse lists subcommands only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for child in action.choices.values():
                found += [child, *_commands(child)]
    return found


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (SettingsError, UsageError) as exc:
        print(f"lfi: {exc}", file=sys.stderr)
        return 2
    except CouncilError as exc:
        print("lfi: " + "\n".join(exc.problems), file=sys.stderr)
        return 2
    except Forbidden as exc:
        print(f"lfi {args.command}: {exc}", file=sys.stderr)
        return 1
    except (LoaderError, StorageFull) as exc:
        print(f"lfi: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (such as head) stopped early; that is not a failure of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if (engine := getattr(args, "engine", None)) is not None:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
