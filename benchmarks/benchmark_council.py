"""The council a benchmark works as, chosen as lfi chooses: --council CODE, else LFI_COUNCIL, else
the only council in LFI_COUNCILS_DIR."""

from __future__ import annotations

import argparse
from datetime import date

from kpis.council import Council, chosen_council, read_councils
from services.demo import build_council_demo
from settings import read_settings


def add_council_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--council",
        metavar="CODE",
        help="the council, by its new-style LA code (default: LFI_COUNCIL, or the only one held)",
    )


def choose_council(code: str | None) -> Council:
    settings = read_settings()
    return chosen_council(read_councils(settings.councils_dir), code or settings.council)


def demo_workbook(council: Council, today: date, prefix: str) -> bytes:
    """The first of the council's demo workbooks whose name starts with ``prefix``."""
    return next(
        data for name, data in build_council_demo(council, today) if name.startswith(prefix)
    )
