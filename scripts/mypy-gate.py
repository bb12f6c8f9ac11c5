#!/usr/bin/env python3
"""mypy on physio/ against a baseline that may only shrink.

    scripts/mypy-gate.py            fail if mypy reports more errors than mypy-baseline.txt
    scripts/mypy-gate.py --update   rewrite the baseline after fixing errors (never to grow it)

The baseline lists each known error as "path: [code] message" (no line numbers, so editing a
file does not churn it). A run fails when the count rises above the baseline's, and prints the
errors that are not in the baseline: fix those (or, for a false positive, add a
`# type: ignore[code]` with the reason) instead of adding them to the baseline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
ERROR = re.compile(
    r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)\s+\[(?P<code>[\w-]+)\]$"
)


def current_errors() -> Counter[str]:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-color-output", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.exit(result.stdout + result.stderr)
    errors: Counter[str] = Counter()
    for line in result.stdout.splitlines():
        if match := ERROR.match(line):
            errors[f"{match['path']}: [{match['code']}] {match['message']}"] += 1
    return errors


def read_baseline() -> Counter[str]:
    lines = BASELINE.read_text().splitlines() if BASELINE.exists() else []
    return Counter(line for line in lines if line and not line.startswith("#"))


def write_baseline(errors: Counter[str]) -> None:
    header = "# mypy errors accepted for now; this list may only shrink (scripts/mypy-gate.py)\n"
    BASELINE.write_text(header + "".join(f"{e}\n" for e in sorted(errors.elements())))


def main() -> int:
    errors, baseline = current_errors(), read_baseline()
    now, allowed = sum(errors.values()), sum(baseline.values())
    if "--update" in sys.argv[1:]:
        if BASELINE.exists() and now > allowed:
            print(f"mypy: {now} errors > baseline {allowed}; the baseline only shrinks.")
            return 1
        write_baseline(errors)
        print(f"mypy baseline: {allowed} -> {now} errors.")
        return 0
    new = errors - baseline
    if now > allowed:
        print(f"mypy: {now} errors, baseline allows {allowed}. Not in the baseline:")
        for error in sorted(new.elements()):
            print(f"  {error}")
        return 1
    note = ""
    if now < allowed:
        note = " (fewer: shrink the baseline with scripts/mypy-gate.py --update)"
    print(f"mypy: {now} errors, baseline {allowed}{note}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
