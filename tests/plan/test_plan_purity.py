"""The plan engine is pure Python: only the standard library, physio.clinical and physio.plan."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "physio" / "plan"
OURS = ("__init__.py", "model.py", "library.py", "rules.py", "engine.py", "edits.py")
FORBIDDEN = {
    "flask",
    "flask_wtf",
    "flask_sqlalchemy",
    "flask_login",
    "flask_migrate",
    "sqlalchemy",
    "wtforms",
    "weasyprint",
    "jinja2",
    "werkzeug",
}

# physio/__init__.py builds the Flask app, so a stub package stands in for it: the probe then shows
# what physio.plan itself pulls in.
PROBE = """
import importlib, json, sys, types
pkg = types.ModuleType("physio"); pkg.__path__ = [sys.argv[1]]; sys.modules["physio"] = pkg
for name in json.loads(sys.argv[2]):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def test_plan_imports_without_flask_or_sqlalchemy_in_a_subprocess():
    names = ["physio.plan"] + [f"physio.plan.{name[:-3]}" for name in OURS if name != "__init__.py"]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "physio"), json.dumps(names)],
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
        if m.startswith("physio.") and not m.startswith(("physio.plan", "physio.clinical"))
    ]


def test_plan_modules_import_only_the_standard_library_and_physio_clinical():
    for name in OURS:
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                root = module.split(".")[0]
                if root == "physio":
                    assert module.startswith(("physio.clinical", "physio.plan")), (name, module)
                else:
                    assert root in sys.stdlib_module_names or root == "__future__", (name, module)
