"""The lfi command end to end, as a finance officer would use it."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import paper
from tests.workbooks import find_row, paper_workbook, year_column

LFI = Path(sys.executable).parent / "lfi"


@pytest.fixture
def lfi(database_url, tmp_path):
    if not LFI.exists():
        pytest.fail(f"the lfi command is not installed beside {sys.executable}: run scripts/test")
    env = {**os.environ, "LFI_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(LFI), *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    return run


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
