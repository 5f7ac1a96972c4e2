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

DEVON = "E10000008"  # Devon County Council: a council added from the DfE's public lists
# Devon's ten 2025 statistical neighbours, closest first, as data/public/statistical-neighbours.csv
# lists them (model 2025, old_la_code 878).
DEVON_NEIGHBOURS = (
    "E10000011",  # East Sussex
    "E06000059",  # Dorset
    "E10000020",  # Norfolk
    "E10000016",  # Kent
    "E10000027",  # Somerset
    "E10000029",  # Suffolk
    "E10000032",  # West Sussex
    "E10000007",  # Derbyshire
    "E10000012",  # Essex
    "E10000034",  # Worcestershire
)
