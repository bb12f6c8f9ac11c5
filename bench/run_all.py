"""Run every benchmark and print one table: measure | value | baseline | ratio / target | met?

    .venv/bin/python bench/run_all.py            # everything (also: make bench)
    .venv/bin/python bench/run_all.py --http     # only some parts: --http --scale --pdf --load
    .venv/bin/python bench/run_all.py --quick    # a short smoke run (≈2 min): small sizes

Each part runs as its own process (bench/http.py, scale.py, pdf_bench.py, load.py), bounded in
time; every process a part starts is recorded by PID (in $BENCH_PIDFILE) and stopped by that PID,
also when a part has to be killed at its deadline. The demo database (`flask db upgrade` +
`flask seed-demo`, ≈30 s because seeding renders the demo PDFs) is built once and copied by the
parts that need it. The table is also written to bench/results/latest.md (and .json).
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH,
    PYTHON,
    ROOT,
    Row,
    cmdline_has,
    exit_cleanly_on_signals,
    flask_cli,
    log,
    pid_alive,
    reap,
    sqlite_url,
    table,
)

RESULTS = BENCH / "results"


def _check_tools() -> list[str]:
    problems = []
    if shutil.which("wrk") is None:
        # `make bench` installs the test packages, not wrk: install it the same way (idempotent).
        log("wrk is missing: installing it with scripts/apt-ensure.sh wrk")
        subprocess.run(
            [str(ROOT / "scripts" / "apt-ensure.sh"), "wrk"],
            timeout=300,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if shutil.which("wrk") is None:
        problems.append("wrk is missing (apt-get install wrk)")
    try:
        import pypdf  # noqa: F401
    except ImportError:
        problems.append("pypdf is missing (pip install -e '.[test]')")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        problems.append("PostgreSQL server binaries are missing (apt-get install postgresql)")
    return problems


def _stop_recorded(pidfile: Path) -> None:
    """Stop, by their saved PIDs, processes a killed part had started (gunicorn, wrk, postgres),
    each only if that PID still runs the recorded command."""
    if not pidfile.exists():
        return
    for line in reversed(pidfile.read_text().splitlines()):
        fields = line.split("\t")
        if len(fields) != 3 or not fields[0].isdigit():
            continue
        pid, needle, label = int(fields[0]), fields[1], fields[2]
        if not (pid_alive(pid) and cmdline_has(pid, needle)):
            continue
        log(f"  stopping leftover {label} (pid {pid})")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT if label == "postgres" else signal.SIGTERM)
        deadline = time.monotonic() + 15
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        reap(pid, 2)


def _terminate(proc: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM first (the part stops what it started and removes its temp files), then SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def run_part(
    name: str, script: str, args: list[str], timeout: float, workdir: Path, env: dict
) -> list[Row]:
    out_json = workdir / f"{name}.json"
    pidfile = workdir / f"{name}.pids"
    cmd = [PYTHON, str(BENCH / script), *args, "--json", str(out_json)]
    log(f"\n=== {name}: {' '.join(cmd[1:])} (limit {timeout:.0f} s)")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**env, "BENCH_PIDFILE": str(pidfile)}, stdin=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        log(f"  {name} exceeded {timeout:.0f} s: stopping it")
    finally:
        _terminate(proc)  # also when we are interrupted ourselves
        _stop_recorded(pidfile)
    elapsed = time.perf_counter() - t0
    log(f"  {name} took {elapsed:.0f} s (exit {proc.returncode})")
    if out_json.exists():
        rows = [Row(**r) for r in json.loads(out_json.read_text())]
        for r in rows:
            r.details = {**(r.details or {}), "part_seconds": elapsed}
        return rows
    return [
        Row(
            f"{name}: did not finish",
            f"exit {proc.returncode} after {elapsed:.0f} s",
            part=name,
            met=False,
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--http", action="store_true", help="HTTP under load (wrk)")
    parser.add_argument("--scale", action="store_true", help="100k patients / 1M assessments")
    parser.add_argument("--pdf", action="store_true", help="PDF rendering")
    parser.add_argument("--load", action="store_true", help="16 writers for 60 s, row counts")
    parser.add_argument(
        "--openloop", action="store_true", help="open-loop consultation mix, stepped rates"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short smoke run: 3 s wrk runs, scale --size 0.05, 3 plans, 10 s load",
    )
    parser.add_argument(
        "--size", type=float, help="scale data set size (default 1.0; 0.05 with --quick)"
    )
    parser.add_argument(
        "--load-seconds", type=float, help="seconds per load run (default 60; 10 with --quick)"
    )
    parser.add_argument("--load-db", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    parts = ("scale", "pdf", "http", "load", "openloop")
    chosen = [p for p in parts if getattr(args, p)] or list(parts)
    problems = _check_tools()
    if problems:
        print("Cannot run the benchmarks: " + "; ".join(problems), file=sys.stderr)
        return 2

    started = time.perf_counter()
    load_avg = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="physio-bench-run."))
    env = dict(os.environ)
    rows: list[Row] = []
    try:
        # The demo database is seeded in the background while scale.py generates its data (no
        # measurement runs meanwhile: scale.py waits for the seed before it measures).
        template, seeded = workdir / "seeded.sqlite", workdir / "seeded.done"
        seed_error: list[BaseException] = []

        def seed() -> None:
            t0 = time.perf_counter()
            try:
                flask_cli(["db", "upgrade"], sqlite_url(template))
                flask_cli(["seed-demo"], sqlite_url(template), timeout=400)
                env["BENCH_SEEDED_SQLITE"] = str(template)
                log(f"demo database seeded once in {time.perf_counter() - t0:.0f} s")
            except BaseException as exc:  # the parts then seed for themselves
                seed_error.append(exc)
                log(f"seeding the demo database failed: {exc}")
            finally:
                seeded.touch()

        seeder = None
        if {"http", "pdf", "load", "openloop"} & set(chosen):
            seeder = threading.Thread(target=seed, daemon=True)
            seeder.start()
        else:
            seeded.touch()
        quick = args.quick
        if "scale" in chosen:
            size = args.size or (0.05 if quick else 1.0)
            rows += run_part(
                "scale",
                "scale.py",
                ["--size", f"{size:g}", "--wait-for", str(seeded)]
                + (["--samples", "10"] if quick else []),
                900,
                workdir,
                env,
            )
        if seeder is not None:
            while seeder.is_alive():
                seeder.join(1)
        if "pdf" in chosen:
            rows += run_part(
                "pdf",
                "pdf_bench.py",
                ["--reps", "1", "--plans", "3"] if quick else [],
                420,
                workdir,
                env,
            )
        if "http" in chosen:
            rows += run_part(
                "http", "http.py", ["--seconds", "3" if quick else "10"], 300, workdir, env
            )
        if "load" in chosen:
            seconds = args.load_seconds or (10 if quick else 60)
            for db in ("sqlite", "postgres") if args.load_db == "both" else (args.load_db,):
                rows += run_part(
                    f"load-{db}",
                    "load.py",
                    ["--db", db, "--seconds", f"{seconds:g}"],
                    seconds + 240,
                    workdir,
                    env,
                )
        if "openloop" in chosen:
            rows += run_part(
                "openloop",
                "openloop.py",
                ["--seconds", "5", "--steps", "4,40"] if quick else [],
                1500,
                workdir,
                env,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    total = time.perf_counter() - started
    title = (
        f"physio benchmarks — {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, "
        f"load average {load_avg:.2f} at start, {total / 60:.1f} min, parts: "
        f"{', '.join(chosen)}{' (quick)' if args.quick else ''}"
    )
    text = table(rows, title)
    met = [r for r in rows if r.met is not None]
    summary = f"{sum(r.met for r in met)} of {len(met)} targets met" + (
        ": missed — " + "; ".join(r.measure for r in met if not r.met)
        if any(not r.met for r in met)
        else ""
    )
    print("\n" + text + "\n\n" + summary, flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(
        f"```\n{text}\n```\n\n{summary}\n\nPython {platform.python_version()}, "
        f"{platform.platform()}\n"
    )
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {"title": title, "seconds": total, "rows": [r.__dict__ for r in rows]},
            indent=1,
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
