"""The clinical core and the plan engine are pure Python: every file of physio/clinical and
physio/plan imports without Flask, Flask-Login, SQLAlchemy, WTForms, WeasyPrint or Jinja, and
only the standard library or each other. Checked in a fresh interpreter importing the real
package (physio/__init__.py imports nothing), so nothing already loaded by pytest can hide a leak.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE_PACKAGES = ("clinical", "plan")
MODULES = sorted(
    path for package in PURE_PACKAGES for path in (ROOT / "physio" / package).glob("*.py")
)
FORBIDDEN = {
    "flask",
    "flask_login",
    "flask_wtf",
    "flask_sqlalchemy",
    "flask_migrate",
    "sqlalchemy",
    "wtforms",
    "weasyprint",
    "jinja2",
    "werkzeug",
}

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def _module_name(path: Path) -> str:
    package = path.parent.name
    return f"physio.{package}" if path.stem == "__init__" else f"physio.{package}.{path.stem}"


def test_every_pure_module_imports_without_web_or_database_libraries():
    names = [_module_name(path) for path in MODULES]
    assert "physio.clinical.schema" in names and "physio.plan.figures" in names
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded = json.loads(out.stdout)
    assert not [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert not [
        m
        for m in loaded
        if m.startswith("physio.") and not m.startswith(("physio.clinical", "physio.plan"))
    ]


def test_pure_modules_import_only_the_standard_library_or_each_other():
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                root = module.split(".")[0]
                if root == "physio":
                    assert module.startswith(("physio.clinical", "physio.plan")), (path, module)
                else:
                    assert root in sys.stdlib_module_names or root == "__future__", (path, module)
