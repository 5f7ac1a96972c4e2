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


PACKAGES = (
    "domain",
    "loaders",
    "kpis",
    "storage",
    "services",
    "figures",
    "exports",
    "web",
    "layouts",
)


def _copy_tree(tmp_path: Path) -> Path:
    for part in PACKAGES:
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy(ROOT / "settings.py", tmp_path / "settings.py")
    return tmp_path


def test_lay002_a_kpi_module_importing_dash_breaks_the_contract(tmp_path):
    tree = _copy_tree(tmp_path)
    with (tree / "kpis" / "formats.py").open("a") as handle:
        handle.write("\nimport dash  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert "Loaders, KPIs and the domain are pure BROKEN" in result.stdout


def test_lay003_a_page_reaching_the_database_through_a_service_breaks_the_contract(tmp_path):
    """Not only a direct import: a page importing the module that stores uploads reaches
    SQLAlchemy through it, and that is refused too."""
    tree = _copy_tree(tmp_path)
    with (tree / "layouts" / "about.py").open("a") as handle:
        handle.write("\nimport services.uploads  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert (
        "Pages, the web layer, exports and figures never reach the database BROKEN" in result.stdout
    )


def test_lay004_the_web_layer_reaching_the_database_breaks_the_contract(tmp_path):
    """The guard and the sign-in pages ask the service object, never the database: a web module
    importing the accounts module, which reaches SQLAlchemy, is refused."""
    tree = _copy_tree(tmp_path)
    with (tree / "web" / "signin.py").open("a") as handle:
        handle.write("\nimport services.accounts  # noqa\n")
    result = _lint(tree)
    assert result.returncode == 1
    assert (
        "Pages, the web layer, exports and figures never reach the database BROKEN" in result.stdout
    )
