"""A council is data: no council's name, LA code, plan line label or measure count is written in the
product's code. Each belongs in the council's profile or catalogue (councils/<LA code>/), the
public data (data/public/) or the tests and documents that speak of a particular council."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from domain.plan_lines import STANDARD_LINES
from kpis.catalogue import CATEGORIES
from kpis.council import read_councils

ROOT = Path(__file__).resolve().parent.parent
# What may name a council: its own folder, the published data, the tests, the benchmarks (which,
# like the tests, build data after a particular council's) and prose documents.
ALLOWED = ("councils/", "data/", "tests/", "benchmarks/")
SUFFIXES = {".py", ".css", ".js", ".html", ".toml", ".cfg", ".ini", ".sh", ".txt", ".json"}
NEW_CODE = re.compile(r"\bE(?:06|08|09|10)\d{6}\b")


def _product_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if not name.startswith(ALLOWED)
        and (Path(name).suffix in SUFFIXES or "/" not in name and Path(name).suffix == "")
        and (ROOT / name).is_file()
    ]


# Council names that are ordinary words too: "Reading one cell" names no council.
WORDS = {"Reading"}


def _council_names() -> set[str]:
    """Every English council's name (la-codes.csv's councils: its rows with a type; the rest are
    totals such as England), and the shipped councils' names as their profiles give them."""
    with (ROOT / "data" / "public" / "la-codes.csv").open(encoding="utf-8") as handle:
        names = {row["la_name"].strip() for row in csv.DictReader(handle) if row["type"]} - WORDS
    councils = read_councils(ROOT / "councils")
    names |= {c.name for c in councils.values()} | {c.profile.short_name for c in councils.values()}
    return names


def _council_labels() -> set[str]:
    """Every shipped council's plan line labels, but for those that are (part of) a standard
    line's name or a measure category as well: words the product itself uses."""
    generic = {line.name.casefold() for line in STANDARD_LINES} | {
        category.casefold() for category in CATEGORIES
    }
    labels = set()
    for council in read_councils(ROOT / "councils").values():
        for line in council.plan_lines.lines:
            labels |= {
                label
                for label in (line.label, *line.aliases)
                if not any(label.casefold() in word for word in generic)
            }
    return labels


def _found(pattern: re.Pattern[str]) -> list[str]:
    hits = []
    for path in _product_files():
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        ):
            if pattern.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    return hits


def test_any001_there_are_product_files_to_search():
    names = {path.relative_to(ROOT).as_posix() for path in _product_files()}
    assert {"app.py", "cli.py", "kpis/catalogue.py", "layouts/about.py"} <= names
    assert not any(name.startswith(ALLOWED) for name in names)


def test_any002_no_council_name_in_the_code():
    names = sorted(_council_names(), key=len, reverse=True)
    assert "Norfolk" in names and "Devon" in names  # the list is the real one
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    assert _found(pattern) == []


def test_any003_no_la_code_in_the_code():
    assert _found(NEW_CODE) == []


def test_any004_no_council_line_label_in_the_code():
    labels = _council_labels()
    assert "NCC Contribution" in labels  # Norfolk's own, from its profile
    pattern = re.compile(
        "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    )
    assert _found(pattern) == []


@pytest.mark.parametrize("code", sorted(read_councils(ROOT / "councils")))
def test_any005_no_council_measure_count_in_the_code(code):
    count = len(read_councils(ROOT / "councils")[code].catalogue.measures)
    # A count of measures spelled out ("46 measures", "all 46 KPIs"), or the numbers of a
    # catalogue written as a range (range(1, 47)).
    pattern = re.compile(rf"\b{count}\s+(?:measures|KPIs|indicators)\b|range\(1,\s*{count + 1}\)")
    assert _found(pattern) == [], f"the {count} measures of {code}"
