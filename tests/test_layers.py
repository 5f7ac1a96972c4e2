"""The layer contracts hold, and would catch a KPI module importing Dash."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(cwd)},
    )


def test_lay001_the_tree_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lay002_a_kpi_module_importing_dash_breaks_the_contract(tmp_path):
    for part in ("kpis", "loaders", "storage", "figures", "layouts"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "settings.py", tmp_path / "settings.py")
    with (tmp_path / "kpis" / "formats.py").open("a") as handle:
        handle.write("\nimport dash  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "Loaders, KPIs and storage know nothing of Dash or Plotly BROKEN" in result.stdout
