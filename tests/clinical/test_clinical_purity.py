"""The clinical core is pure Python: no Flask, SQLAlchemy or WTForms, no other physio module."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "physio" / "clinical"
NOT_OURS = {"schema.py"}  # owned by another part of the project
MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name not in NOT_OURS)
FORBIDDEN = {"flask", "flask_wtf", "flask_sqlalchemy", "flask_login", "sqlalchemy", "wtforms"}

# physio/__init__.py builds the Flask app, so a stub package stands in for it: the test is then
# about what physio.clinical itself pulls in.
PROBE = """
import importlib, json, sys, types
pkg = types.ModuleType("physio"); pkg.__path__ = [sys.argv[1]]; sys.modules["physio"] = pkg
for name in json.loads(sys.argv[2]):
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def test_clinical_modules_import_without_flask_sqlalchemy_or_wtforms():
    names = ["physio.clinical"] + [
        f"physio.clinical.{p.stem}" for p in MODULES if p.stem != "__init__"
    ]
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
        m for m in loaded if m.startswith("physio.") and not m.startswith("physio.clinical")
    ]


def test_clinical_modules_import_only_the_standard_library_or_each_other():
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
                if roots == ["physio"]:
                    assert (node.module or "").startswith("physio.clinical"), path.name
                    continue
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names or root == "__future__", (path.name, root)
