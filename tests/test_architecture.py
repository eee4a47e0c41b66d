"""The apps' imports point one way. The layers are in pyproject.toml ([tool.importlinter]); this runs
the contract in `make test`, and proves the contract can fail."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_app_imports_only_from_the_apps_below_it():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_pointing_back_up_breaks_the_contract(tmp_path):
    # A copy of the tree in which the domain imports the dashboard: the contract must refuse it.
    copy = tmp_path / "tree"
    ignore = {".venv", "node_modules", "static", "var", ".git", "tests", "bench", "docs", "templates"}
    copy.mkdir()
    for entry in ROOT.iterdir():
        if entry.name in ignore or entry.name.startswith("."):
            continue
        target = copy / entry.name
        if entry.is_dir():
            subprocess.run(["cp", "-r", str(entry), str(target)], check=True)
        else:
            subprocess.run(["cp", str(entry), str(target)], check=True)
    rules = copy / "inspections" / "rules.py"
    rules.write_text(rules.read_text() + "\nfrom reporting import selectors as _upwards  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    assert "inspections.rules -> reporting.selectors" in result.stdout
