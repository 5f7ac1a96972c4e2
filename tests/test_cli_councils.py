"""Councils from the command line (issue 12): `lfi council add --la-code CODE` drafts a council's
profile from the DfE's public lists and copies another council's measures as a start, `list` shows
the councils a deployment holds, `check` prints every problem of every council, and `lines` lists
the standard plan lines."""

from __future__ import annotations

import argparse
import csv
import shutil
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

import cli_councils
from domain.council import read_profile
from kpis.council import read_council
from kpis.council_draft import draft_profile
from tests.councils import DEVON, DEVON_NEIGHBOURS

ROOT = Path(__file__).resolve().parent.parent
NORFOLK = ROOT / "councils" / "E10000020"
PUBLIC = ROOT / "data" / "public"
# The standard plan lines, in their order: the DfE's deficit management plan and section 251.
STANDARD = (
    ("hnb_dsg_income", "income"),
    ("block_transfer", "income"),
    ("other_income", "income"),
    ("special_schools", "expenditure"),
    ("resourced_provision", "expenditure"),
    ("mainstream_top_up", "expenditure"),
    ("independent_special_schools", "expenditure"),
    ("alternative_provision", "expenditure"),
    ("post_16", "expenditure"),
    ("hospital_education", "expenditure"),
    ("therapies_and_health", "expenditure"),
    ("support_services", "expenditure"),
    ("other_expenditure", "expenditure"),
    ("dfe_contribution", "contribution"),
    ("council_contribution", "contribution"),
    ("other_contribution", "contribution"),
)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def councils(tmp_path, monkeypatch) -> Path:
    """A councils directory holding Norfolk's profile and catalogue, and nothing else."""
    root = tmp_path / "councils"
    shutil.copytree(NORFOLK, root / "E10000020")
    monkeypatch.setenv("LFI_COUNCILS_DIR", str(root))
    return root


@pytest.fixture
def lfi_council(capsys):
    """Run ``lfi council ARGS`` through its own parser, as cli.py will register it."""

    def run(*argv: str) -> Result:
        parser = argparse.ArgumentParser(prog="lfi")
        cli_councils.add_commands(parser.add_subparsers(dest="command", required=True))
        code = cli_councils.run(parser.parse_args(["council", *argv]))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def add_devon(lfi_council, *more: str) -> Result:
    return lfi_council(
        "add", "--la-code", DEVON, "--first-year", "2025-26", "--last-year", "2030-31", *more
    )


def leading_comment(text: str) -> str:
    """The comment lines a file opens with."""
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return "\n".join(lines[:end])


def test_clc001_devon_is_added_from_the_public_lists_and_reads_back(councils, lfi_council):
    # given a councils directory holding only Norfolk; when Devon is added
    result = add_devon(lfi_council, "--contact-email", "send@devon.gov.uk")

    # then its profile and catalogue read back as the app reads them
    assert result.code == 0, result.err
    folder = councils / DEVON
    assert str(folder) in result.out
    assert "lfi council check" in result.out
    council = read_council(folder)
    profile = council.profile
    assert (profile.la_code, profile.old_la_code) == (DEVON, "878")
    assert (profile.name, profile.short_name) == ("Devon", "Devon")
    assert profile.plan_years == ("2025-26", "2026-27", "2027-28", "2028-29", "2029-30", "2030-31")
    assert "Devon" in profile.programme_summary
    assert "2025-26 to 2030-31" in profile.programme_summary
    assert profile.contact is not None
    assert (profile.contact.email, profile.contact.team) == (
        "send@devon.gov.uk",
        "High needs programme team",
    )
    assert profile.neighbours == DEVON_NEIGHBOURS
    assert DEVON not in profile.neighbours
    # one line for each standard line, labelled with its name and stored under its code
    lines = profile.plan_lines.lines
    assert len(lines) == 16
    assert [(line.standard, line.group.value) for line in lines] == list(STANDARD)
    assert all(line.code == line.standard for line in lines)
    assert lines[0].label == "High needs block DSG income"
    assert lines[14].label == "Council contribution"
    assert profile.conditions == ()
    assert profile.workstreams == ()
    # Norfolk's 46 measures, aligned to no workstream
    assert len(council.catalogue.measures) == 46
    assert all(measure.workstreams == () for measure in council.catalogue.measures)


def test_clc002_the_written_files_name_the_new_council_not_the_one_copied(councils, lfi_council):
    assert add_devon(lfi_council).code == 0

    profile_text = (councils / DEVON / "council.toml").read_text(encoding="utf-8")
    measures_text = (councils / DEVON / "measures.toml").read_text(encoding="utf-8")
    assert "Norfolk" not in profile_text
    assert "[[condition]]\n" not in profile_text.replace("# [[condition]]\n", "")
    assert "[contact]" not in profile_text  # no e-mail was given
    header = leading_comment(measures_text)
    assert "Norfolk" not in header
    assert header.startswith("# Devon's measures")
    assert "E10000020" in header  # whose catalogue it copied
    # every measure's workstreams were emptied; Norfolk's measures named workstreams 1 to 5
    data = tomllib.loads(measures_text)
    assert [m["workstreams"] for m in data["measure"]] == [[]] * 46
    norfolk = tomllib.loads((NORFOLK / "measures.toml").read_text(encoding="utf-8"))
    assert norfolk["measure"][0]["workstreams"] == [1, 2]
    assert [m["id"] for m in data["measure"]] == [m["id"] for m in norfolk["measure"]]


def test_clc003_adding_a_council_twice_fails_naming_its_folder(councils, lfi_council):
    assert add_devon(lfi_council).code == 0
    before = (councils / DEVON / "council.toml").read_bytes()

    again = add_devon(lfi_council, "--programme", "Another")

    assert again.code == 1
    assert str(councils / DEVON) in again.err
    assert "already exists" in again.err
    assert (councils / DEVON / "council.toml").read_bytes() == before


def test_clc004_an_unknown_code_fails_naming_it_and_writes_nothing(councils, lfi_council):
    result = lfi_council("add", "--la-code", "E10099999")

    assert result.code == 1
    assert "E10099999" in result.err
    assert "statistical-neighbours.csv" in result.err
    assert sorted(p.name for p in councils.iterdir()) == ["E10000020"]


def test_clc005_a_council_that_no_longer_exists_fails(councils, lfi_council):
    # given Cumbria (909), which the 2025 model lists with no new-style code
    with (PUBLIC / "statistical-neighbours.csv").open(newline="", encoding="utf-8") as handle:
        cumbria = [
            row
            for row in csv.DictReader(handle)
            if row["model"] == "2025" and row["old_la_code"] == "909"
        ]
    assert len(cumbria) == 10
    assert {row["la_name"] for row in cumbria} == {"Cumbria"}
    assert {row["new_la_code"] for row in cumbria} == {""}

    result = lfi_council("add", "--la-code", "909")

    assert result.code == 1
    assert "Cumbria (909) no longer exists" in result.err
    assert sorted(p.name for p in councils.iterdir()) == ["E10000020"]


def test_clc006_plan_years_that_run_backwards_fail_and_write_nothing(councils, lfi_council):
    result = lfi_council(
        "add", "--la-code", DEVON, "--first-year", "2030-31", "--last-year", "2025-26"
    )

    assert result.code == 1
    assert "2025-26 comes before 2030-31" in result.err
    assert not (councils / DEVON).exists()


def test_clc007_the_default_plan_runs_from_this_financial_year_for_five_more():
    assert cli_councils.default_years(date(2026, 3, 31)) == ("2025-26", "2030-31")
    assert cli_councils.default_years(date(2026, 4, 1)) == ("2026-27", "2031-32")
    assert cli_councils.default_years(date(2026, 11, 30)) == ("2026-27", "2031-32")


def test_clc008_with_several_councils_the_measures_to_copy_must_be_named(councils, lfi_council):
    assert add_devon(lfi_council).code == 0

    unnamed = lfi_council("add", "--la-code", "E10000016")
    assert unnamed.code == 2
    assert "--measures-from" in unnamed.err
    assert not (councils / "E10000016").exists()

    named = lfi_council("add", "--la-code", "E10000016", "--measures-from", DEVON)
    assert named.code == 0, named.err
    kent = read_council(councils / "E10000016")
    assert kent.name == "Kent"
    assert len(kent.catalogue.measures) == 46

    missing = lfi_council("add", "--la-code", "E10000034", "--measures-from", "E10000099")
    assert missing.code == 2
    assert "E10000099" in missing.err


def test_clc009_check_names_the_file_and_every_problem_and_exits_1(councils, lfi_council):
    assert add_devon(lfi_council).code == 0
    assert lfi_council("check").out == "2 councils, no problems.\n"

    # when Devon's profile loses its name and a line names no standard line
    path = councils / DEVON / "council.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('name = "Devon"\n', "", 1)
    text = text.replace('standard = "post_16"', 'standard = "further_education"')
    path.write_text(text, encoding="utf-8")

    result = lfi_council("check")

    assert result.code == 1
    problems = result.err.splitlines()
    assert f"{path}: profile: missing name" in problems
    assert any(
        p.startswith(
            f"{path}: plan line 9 ('Post-16 and further education'): standard 'further_education'"
        )
        for p in problems
    )
    assert problems[-1] == "2 problems."  # the missing name, said once, and the standard
    assert result.out == ""


def test_clc010_list_shows_each_council_and_what_its_files_hold(councils, lfi_council):
    assert add_devon(lfi_council).code == 0

    result = lfi_council("list")

    assert result.code == 0
    assert result.out.splitlines() == [
        "E10000008\tDevon\t2025-26 to 2030-31\t16 lines\t46 measures\t0 conditions\t0 workstreams",
        "E10000020\tNorfolk County Council\t2022-23 to 2028-29\t16 lines\t46 measures\t"
        "9 conditions\t5 workstreams",
    ]


def test_clc011_lines_lists_the_sixteen_standard_lines(lfi_council):
    result = lfi_council("lines")

    assert result.code == 0
    rows = [line.split() for line in result.out.splitlines()]
    assert [(row[0], row[1]) for row in rows] == list(STANDARD)
    assert result.out.splitlines()[13].split("  ")[0] == "dfe_contribution"
    assert "safety valve agreement" in result.out.splitlines()[13]


def test_clc012_the_draft_round_trips_text_that_needs_quoting():
    programme = 'The "Inclusion\\Belonging" programme'

    text = draft_profile(
        DEVON,
        public_dir=PUBLIC,
        first_year="2025/26",
        last_year="2027-2028",
        programme=programme,
        contact_email=None,
    )

    data = tomllib.loads(text)
    assert data["programme"] == programme
    assert (data["plan"]["first_year"], data["plan"]["last_year"]) == ("2025-26", "2027-28")
    assert "contact" not in data
    assert "condition" not in data and "workstream" not in data


def test_clc013_the_written_profile_reads_back_with_read_profile(councils, lfi_council):
    assert add_devon(lfi_council, "--programme", "Devon's SEND & inclusion plan").code == 0

    profile = read_profile(councils / DEVON)

    assert profile.programme == "Devon's SEND & inclusion plan"
    assert profile.measures_file == councils / DEVON / "measures.toml"


def test_clc014_the_councils_directory_defaults_to_the_projects(monkeypatch, tmp_path):
    monkeypatch.delenv("LFI_COUNCILS_DIR", raising=False)
    assert cli_councils.councils_dir() == ROOT / "councils"
    monkeypatch.setenv("LFI_COUNCILS_DIR", str(tmp_path))
    assert cli_councils.councils_dir() == tmp_path


def test_clc015_a_council_may_be_named_by_its_three_digit_number_but_not_its_name(
    councils, lfi_council
):
    by_name = lfi_council("add", "--la-code", "Devon")
    assert by_name.code == 1
    assert "'Devon' is not an LA code" in by_name.err

    by_number = lfi_council("add", "--la-code", "878")
    assert by_number.code == 0, by_number.err
    assert read_profile(councils / DEVON).old_la_code == "878"


def test_clc016_a_draft_with_problems_leaves_no_folder_behind(councils, lfi_council):
    result = add_devon(lfi_council, "--contact-email", "high needs team")

    assert result.code == 1
    assert "contact: email 'high needs team' is not an e-mail address" in result.err
    assert not (councils / DEVON).exists()
