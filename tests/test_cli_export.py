"""lfi export pack and lfi export return, on the demo data."""

import getpass
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import LFI as CLI_PATH
from tests.councils import COUNCILS_DIR, NORFOLK_CODE

ROOT = Path(__file__).resolve().parents[1]
LFI = str(CLI_PATH)


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export-cli")
    councils = folder / "councils"  # Norfolk's folder alone: its profile, catalogue and demo
    shutil.copytree(COUNCILS_DIR / NORFOLK_CODE, councils / NORFOLK_CODE)
    env = {
        "LFI_DATABASE_URL": f"sqlite:///{folder / 'lfi.sqlite3'}",
        "LFI_COUNCILS_DIR": str(councils),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    subprocess.run([LFI, "demo"], env=env, check=True, capture_output=True)
    return env


def run(env, *args):
    return subprocess.run([LFI, *args], env=env, capture_output=True, text=True, timeout=300)


def test_exp001_the_pack_for_the_latest_term(demo_env, tmp_path):
    out = tmp_path / "pack.pdf"
    result = run(demo_env, "export", "pack", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote the Schools Forum pack for ")
    assert out.read_bytes()[:5] == b"%PDF-"


def test_exp002_the_return_for_a_chosen_round(demo_env, tmp_path):
    result = run(demo_env, "export", "return", "--round", "June 2025", "-o", str(tmp_path / "r"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names == [
        "lfi-dfe-return-june-2025-annex.xlsx",
        "lfi-dfe-return-june-2025-report.docx",
        "lfi-dfe-return-june-2025-report.pdf",
    ]


def test_exp003_bad_choices_are_explained(demo_env, tmp_path):
    result = run(demo_env, "export", "return", "--round", "Easter 2025", "-o", str(tmp_path / "r"))
    assert result.returncode == 1
    assert "'Easter 2025' is not a reporting round" in result.stderr
    assert not (tmp_path / "r").exists()
    result = run(demo_env, "export", "pack", "--period", "Winter 2025", "-o", str(tmp_path / "p"))
    assert result.returncode == 1
    assert "Winter 2025" in result.stderr
    assert not (tmp_path / "p").exists()
    assert run(demo_env, "export", "pack").returncode == 2


def test_exp004_the_pack_cover_names_the_meeting(demo_env, tmp_path):
    out = tmp_path / "pack.pdf"
    result = run(
        demo_env,
        "export",
        "pack",
        "--meeting",
        "Schools Forum",
        "--meeting-date",
        "2026-12-09",
        "--agenda-item",
        "5",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    cover = subprocess.run(
        ["pdftotext", "-l", "1", "-layout", str(out), "-"], capture_output=True, text=True
    ).stdout
    cover = " ".join(cover.split())
    assert "Meeting Schools Forum" in cover
    assert "Meeting date Wednesday 9 December 2026" in cover
    assert "Agenda item 5" in cover


def test_exp005_a_meeting_date_that_is_not_a_date_is_refused(demo_env, tmp_path):
    out = tmp_path / "pack.pdf"
    result = run(demo_env, "export", "pack", "--meeting-date", "2026-02-30", "-o", str(out))
    assert result.returncode == 1
    assert "Meeting date '2026-02-30' is not a real date" in result.stderr
    assert not out.exists()


def test_exp006_an_export_is_in_the_audit_trail_as_the_operating_system_user(demo_env, tmp_path):
    result = run(demo_env, "export", "return", "--round", "June 2025", "-o", str(tmp_path / "r"))
    assert result.returncode == 0, result.stderr

    trail = json.loads(run(demo_env, "audit", "--format", "json", "--action", "export").stdout)

    newest = trail[0]
    assert (newest["actor"], newest["target"]) == (f"os:{getpass.getuser()}", "return June 2025")
    assert (newest["outcome"], newest["address"]) == ("ok", None)
    assert newest["council"] == NORFOLK_CODE
