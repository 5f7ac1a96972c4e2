"""The lfi command end to end, as a finance officer would use it."""

import csv
import io
import json
from pathlib import Path

import pytest

from loaders.templates import write_template
from tests import paper
from tests.cli import lfi_runner
from tests.conftest import DEVON_CODE
from tests.councils import NORFOLK_CODE, NORFOLK_SHAPE
from tests.workbooks import find_row, paper_workbook, year_column


@pytest.fixture
def lfi(database_url, councils_dir, tmp_path):
    """The lfi command on the test's database, serving Norfolk alone."""
    return lfi_runner(
        tmp_path, timeout=120, LFI_DATABASE_URL=database_url, LFI_COUNCILS_DIR=str(councils_dir)
    )


@pytest.fixture
def lfi_two(database_url, two_councils_dir, tmp_path):
    """The lfi command on the test's database, serving Norfolk and Devon."""
    return lfi_runner(
        tmp_path,
        timeout=120,
        LFI_DATABASE_URL=database_url,
        LFI_COUNCILS_DIR=str(two_councils_dir),
    )


@pytest.fixture
def filled(lfi, tmp_path) -> Path:
    """lfi template dsg, then the paper's figures typed into it."""
    template = tmp_path / "dsg.xlsx"
    result = lfi("template", "dsg", "-o", str(template))
    assert result.returncode == 0, result.stderr
    target = tmp_path / "plan-may-2023.xlsx"
    paper_workbook(template).save(target)
    return target


def test_cli001_template_load_measures_reproduces_the_papers_cumulative_balance(lfi, filled):
    loaded = lfi("load", str(filled))
    assert loaded.returncode == 0, loaded.stderr
    assert "stored as submission 1" in loaded.stdout

    result = lfi("measures", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    balance = {r["period"]: r for r in records if r["ref"] == 18}
    for year, printed in paper.by_year(paper.CUMULATIVE_BALANCE).items():
        assert abs(balance[year]["value"] - float(printed)) <= 0.005, year
        assert balance[year]["basis"] == "plan"
        assert balance[year]["measure_id"] == "dsg_cumulative_deficit_after_contributions"
    assert {r["ref"] for r in records} == {16, 17, 18, 19, 20, 21, 22}
    assert set(records[0]) == {
        "direction",
        "compared_with",
        "made_in",
        "forecast_of",
        "comparator_council",
        "quartile",
        "direction_of_travel",
        "variance_pct",
        "projection",
        "england",
        "neighbours",
        "ref",
        "measure_id",
        "period",
        "value",
        "basis",
        "unit",
        "plan_value",
        "variance",
        "status",
    }


def test_cli002_a_file_with_errors_exits_1_with_each_error_on_its_own_line(lfi, filled):
    book = paper_workbook(filled)
    plan = book["Plan"]
    first = plan.cell(row=find_row(plan, "Short Stay Schools"), column=year_column(plan, "2023-24"))
    second = plan.cell(row=find_row(plan, "Other Provisions"), column=year_column(plan, "2025-26"))
    first.value, second.value = "eight", "#N/A"
    book.save(filled)

    result = lfi("load", str(filled))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert [line.split(": found")[0] for line in errors] == [
        f"error: Plan!{first.coordinate}",
        f"error: Plan!{second.coordinate}",
    ]
    assert "2 errors; nothing was stored." in result.stderr
    assert json.loads(lfi("measures").stdout) == []


def test_cli003_dry_run_checks_without_storing(lfi, filled):
    result = lfi("load", str(filled), "--dry-run")
    assert result.returncode == 0
    assert "is valid" in result.stdout and "dry run, nothing stored" in result.stdout
    assert json.loads(lfi("measures", "--format", "json").stdout) == []


def test_cli004_usage_errors_exit_2(lfi, tmp_path):
    assert lfi("load").returncode == 2
    assert lfi("template", "ehcq", "-o", "x.xlsx").returncode == 2
    assert lfi("load", str(tmp_path / "missing.xlsx")).returncode == 2
    assert lfi("measures", "--format", "xml").returncode == 2


def test_cli005_loading_the_same_file_twice_says_when_it_was_first_loaded(lfi, filled):
    assert lfi("load", str(filled)).returncode == 0
    again = lfi("load", str(filled))
    assert again.returncode == 0
    assert "is identical to submission 1 (plan-may-2023.xlsx), loaded " in again.stdout
    assert "nothing was stored" in again.stdout


def test_cli006_measures_as_csv(lfi, filled):
    lfi("load", str(filled))
    rows = list(csv.DictReader(io.StringIO(lfi("measures", "--format", "csv").stdout)))
    first = next(r for r in rows if r["ref"] == "16" and r["period"] == "2022-23")
    assert first["value"] == "19.637" and first["unit"] == "£m" and first["status"] == "none"
    assert len(rows) == 49  # 7 measures x 7 years


def _paper_file(tmp_path: Path) -> Path:
    """The paper's plan typed into Norfolk's template (its lines, not Devon's)."""
    target = tmp_path / "plan-may-2023.xlsx"
    template = tmp_path / "norfolk-dsg.xlsx"
    write_template("dsg", template, shape=NORFOLK_SHAPE)
    paper_workbook(template).save(target)
    return target


def _measures(lfi, *args: str, council: str | None = None) -> list[dict]:
    result = lfi(*args, "--format", "json", council=council)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli007_with_two_councils_and_none_named_each_command_exits_2_naming_both(
    lfi_two, tmp_path
):
    # Given Norfolk and Devon held, and no council named by --council or LFI_COUNCIL,
    plan = _paper_file(tmp_path)
    for args in (("load", str(plan)), ("measures",), ("template", "dsg", "-o", "t.xlsx")):
        # when a command runs, then it stops with a usage error naming both councils,
        result = lfi_two(*args)
        assert result.returncode == 2, args
        assert result.stderr == (
            "lfi: several councils are held (E10000008 Devon, E10000020 Norfolk County "
            "Council): name one with --council CODE or LFI_COUNCIL\n"
        )
    # and nothing was stored or written.
    assert _measures(lfi_two, "measures", "--council", NORFOLK_CODE) == []
    assert not (tmp_path / "t.xlsx").exists()


def test_cli008_council_before_or_after_the_command_picks_that_council(lfi_two, tmp_path):
    plan = _paper_file(tmp_path)
    # Given the paper's plan loaded into Norfolk, naming it before the command,
    loaded = lfi_two("--council", NORFOLK_CODE, "load", str(plan))
    assert loaded.returncode == 0, loaded.stderr
    assert "stored as submission 1" in loaded.stdout
    # then, named after the command, Norfolk holds it already,
    again = lfi_two("load", str(plan), "--council", NORFOLK_CODE)
    assert again.returncode == 0, again.stderr
    assert "is identical to submission 1 (plan-may-2023.xlsx)" in again.stdout
    # Norfolk's measures are the paper's seven over seven years, whichever place names it,
    after = _measures(lfi_two, "measures", "--council", NORFOLK_CODE)
    before = _measures(lfi_two, "--council", NORFOLK_CODE, "measures")
    assert after == before
    assert len(after) == 49
    # and Devon has none of them; a code typed in lower case is the same code.
    assert _measures(lfi_two, "measures", "--council", DEVON_CODE.lower()) == []


def test_cli009_lfi_council_is_the_default_and_council_wins_over_it(lfi_two, tmp_path):
    plan = _paper_file(tmp_path)
    # Given LFI_COUNCIL naming Norfolk, when the plan is loaded naming no council,
    loaded = lfi_two("load", str(plan), council=NORFOLK_CODE)
    assert loaded.returncode == 0, loaded.stderr
    # then it is Norfolk's,
    assert len(_measures(lfi_two, "measures", council=NORFOLK_CODE)) == 49
    # and --council names another council over it.
    assert _measures(lfi_two, "measures", "--council", DEVON_CODE, council=NORFOLK_CODE) == []


def test_cli010_a_council_not_held_or_not_a_code_is_a_usage_error(lfi):
    # Given Norfolk alone, when Suffolk's code is named, then the council is not there;
    result = lfi("measures", "--council", "E10000029")
    assert result.returncode == 2
    assert result.stderr == ("lfi: no council 'E10000029' here (councils held: E10000020)\n")
    # named by LFI_COUNCIL, just the same;
    assert lfi("measures", council="E10000029").stderr == result.stderr
    # and a name is not a code.
    named = lfi("--council", "Norfolk", "measures")
    assert named.returncode == 2
    assert "'Norfolk' is not a new-style LA code" in named.stderr
