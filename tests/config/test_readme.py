"""The README's configuration tables list every environment variable the code reads, and nothing
it does not: the settings module's env(...) calls, gunicorn.conf.py and make run's supervisor."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Files whose environment variables an operator sets.
SOURCES = ("config/settings.py", "gunicorn.conf.py", "scripts/run.py")
# Read to pass on, not to configure anything.
NOT_SETTINGS = {"PATH"}
ENV_METHODS = {"str", "bool", "int", "float", "list", "db", "cache", "get", "setdefault", "url", "json", "path"}


def _is_environment(node: ast.expr) -> bool:
    """`env`, `environ.Env()`, or `os.environ`."""
    if isinstance(node, ast.Name):
        return node.id == "env"
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Attribute) and node.func.attr == "Env"
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def variables_read(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        key = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ENV_METHODS and _is_environment(func.value):
                key = node.args[0].value
            elif isinstance(func, ast.Name) and func.id == "env":
                key = node.args[0].value
        elif isinstance(node, ast.Subscript) and _is_environment(node.value) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
        if isinstance(key, str) and key.isupper():
            names.add(key)
    return names - NOT_SETTINGS


def variables_documented(readme: str) -> set[str]:
    """Backticked names in the first column of every README table headed `| variable |`."""
    names = set()
    in_table = False
    for line in readme.splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == "variable":
            in_table = True
        elif in_table:
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]))
    return names


def test_every_setting_the_code_reads_is_in_the_readme_and_nothing_else():
    read = set().union(*(variables_read(ROOT / source) for source in SOURCES))
    documented = variables_documented((ROOT / "README.md").read_text())
    assert {"SECRET_KEY", "DATABASE_URL", "APP_PORT", "BIND", "VAR_DIR", "LOAD_DEMO"} <= read  # the scan works
    assert not read - documented, f"read by the code but missing from the README's tables: {sorted(read - documented)}"
    assert not documented - read, f"in the README's tables but read by nothing: {sorted(documented - read)}"


def test_the_scan_finds_each_way_of_reading_the_environment(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "import os, environ\n"
        "env = environ.Env()\n"
        "A = env.str('ALPHA', default='')\n"
        "B = env('BRAVO')\n"
        "C = environ.Env().int('CHARLIE', default=1)\n"
        "D = os.environ.get('DELTA', '1')\n"
        "E = os.environ['ECHO']\n"
        "F = env.setdefault('FOXTROT', '1')\n"
        "G = {}.get('GOLF')\n"
    )
    assert variables_read(source) == {"ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT"}
