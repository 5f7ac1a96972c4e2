"""The councils the tests use, read from the profiles the product ships."""

from __future__ import annotations

from pathlib import Path

from kpis.council import Council, read_council
from loaders.demo_spec import read_demo_spec

COUNCILS_DIR = Path(__file__).resolve().parent.parent / "councils"
NORFOLK_CODE = "E10000020"  # Norfolk County Council, the first user (Schools Forum paper)
NORFOLK: Council = read_council(COUNCILS_DIR / NORFOLK_CODE)
NORFOLK_SHAPE = NORFOLK.shape
NORFOLK_LINES = NORFOLK.plan_lines
NORFOLK_DEMO = read_demo_spec(COUNCILS_DIR / NORFOLK_CODE / "demo")
