"""HTTP under load: the app behind gunicorn (2 sync workers) next to a bare Flask page, both
driven by wrk with 16 connections on loopback.

Setup: a temp SQLite file migrated with `flask db upgrade` and seeded with `flask seed-demo`;
`gunicorn 'physio:create_app()'` with PHYSIO_ENV=production and a SECRET_KEY; the baseline
`bench.baseline_app:app` (one small Jinja template, no database, no session) served the same
way on another free loopback port. 16 physio sessions log in through the real login form (CSRF
token included); each creates its own draft assessment (Jane Runner's full initial assessment
posted once, so the form GET shows a filled form).

Runs (each ≈10 s, -t 16 -c 16, one connection per wrk thread):
  baseline page  →  /patients/  →  /patients/<id>  →  /assessments/<id>/edit (GET)
  →  POST /assessments/<id>/edit (every connection saves its own draft: full form, a new marker
     in the presenting complaint each time, lock_version +1 after each 302)  →  baseline again.
The baseline figure is the mean of its two runs (before and after). After the POST run every
draft's lock_version in the database is compared with what its connection expects.

Targets: form GET ≥ 0.25 × baseline req/s; draft POST p99 < 100 ms; patient page p99 < 50 ms;
peak RSS (VmHWM) of each gunicorn worker < 200 MB.

    .venv/bin/python bench/http.py [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # this file must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import (  # noqa: E402
    APP_GUNICORN_CONF,
    BASELINE_GUNICORN_CONF,
    CSRF_RE,
    DEMO_PHYSIOS,
    LOCK_RE,
    Client,
    Processes,
    Row,
    WorkerMemory,
    app_env,
    demo_form,
    emit,
    exit_cleanly_on_signals,
    free_port,
    location_id,
    log,
    seeded_sqlite,
    sqlite_url,
    start_gunicorn,
    with_marker,
)
from bench.wrk import WrkResult, run_wrk  # noqa: E402

FORM_RATIO_TARGET = 0.25
POST_P99_TARGET_S = 0.100
PATIENT_P99_TARGET_S = 0.050
RSS_TARGET_MB = 200


def _prepare_drafts(port: int, db_path: Path, connections: int) -> tuple[list[dict], int]:
    """Log in `connections` sessions; each creates and fills its own draft. Returns the wrk
    session dicts and the id of the patient whose page is measured (Jane Runner)."""
    con = sqlite3.connect(db_path)
    ids = dict(con.execute("SELECT reference, id FROM patients"))
    con.close()
    page_patient = ids["RR-0001"]  # three visits, progress table and chart
    others = [pid for ref, pid in sorted(ids.items()) if ref != "RR-0001"]
    form = demo_form(0)
    sessions = []
    for i in range(connections):
        client = Client(port)
        client.login(DEMO_PHYSIOS[i % len(DEMO_PHYSIOS)])
        pid = others[i % len(others)]
        token = client.csrf(f"/patients/{pid}")
        status, headers, body = client.post(
            f"/patients/{pid}/assessments/new", {"csrf_token": token, "kind": "initial"}
        )
        if status != 302:
            raise RuntimeError(f"creating a draft failed: {status} {body[:300]!r}")
        aid = location_id(headers)
        edit = f"/assessments/{aid}/edit"
        status, _, body = client.get(edit)
        text = body.decode()
        token, lock = CSRF_RE.search(text).group(1), int(LOCK_RE.search(text).group(1))
        marker = f"bench http c{i} setup"
        status, _, body = client.post(
            edit, [*with_marker(form, marker), ("csrf_token", token), ("lock_version", str(lock))]
        )
        if status != 302:
            raise RuntimeError(f"saving draft {aid} failed: {status} {body[:500]!r}")
        status, _, body = client.get(edit)  # shows the flash, so the cookie is clean again
        text = body.decode()
        token, lock = CSRF_RE.search(text).group(1), int(LOCK_RE.search(text).group(1))
        static = [(k, v) for k, v in form if k != "history-presenting_complaint"]
        sessions.append(
            {
                "cookie": client.cookie_header(),
                "path": edit,
                "aid": aid,
                "csrf": urllib.parse.quote_plus(token),
                "lock": lock,
                "body": urllib.parse.urlencode(static),
                "marker": urllib.parse.quote_plus(f"Low back pain after long runs (bench c{i})"),
            }
        )
        client.close()
    return sessions, page_patient


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", help="write the rows here (for run_all.py)")
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    processes = Processes()
    workdir = Path(tempfile.mkdtemp(prefix="physio-bench-http."))
    rows: list[Row] = []
    try:
        db_path = seeded_sqlite(workdir / "physio.sqlite")
        env = app_env(sqlite_url(db_path))
        app_port, base_port = free_port(), free_port()
        app = start_gunicorn(
            processes,
            "gunicorn physio",
            "physio:create_app()",
            app_port,
            env,
            workdir / "app.log",
            config=APP_GUNICORN_CONF,
        )
        base = start_gunicorn(
            processes,
            "gunicorn baseline",
            "bench.baseline_app:app",
            base_port,
            env,
            workdir / "baseline.log",
            config=BASELINE_GUNICORN_CONF,
        )
        c, secs = args.connections, args.seconds
        with WorkerMemory(app.pid) as mem_app, WorkerMemory(base.pid) as mem_base:
            t0 = time.perf_counter()
            sessions, page_patient = _prepare_drafts(app_port, db_path, c)
            log(f"  {c} sessions logged in, drafts ready in {time.perf_counter() - t0:.1f} s")
            runs: dict[str, WrkResult] = {}

            def go(key, port, path, seconds=secs, **kw):
                runs[key] = run_wrk(key, port, path, connections=c, seconds=seconds, **kw)
                log(f"  {key:<10} {path:<28} {runs[key].summary()}")

            # The baseline runs (half as long) before and after every measure: each figure is
            # compared with the baseline measured right next to it (the machine is shared).
            base_secs = max(2.0, secs / 2)
            go("baseline0", base_port, "/", seconds=base_secs)
            go("list", app_port, "/patients/", sessions=sessions)
            go("baseline1", base_port, "/", seconds=base_secs)
            go("patient", app_port, f"/patients/{page_patient}", sessions=sessions)
            go("baseline2", base_port, "/", seconds=base_secs)
            go("form", app_port, sessions[0]["path"], sessions=sessions[:1])
            go("baseline3", base_port, "/", seconds=base_secs)
            go("post", app_port, sessions[0]["path"], sessions=sessions, post=True)
            go("baseline4", base_port, "/", seconds=base_secs)

        # every connection's lock_version is what the database holds (no lost or extra save)
        con = sqlite3.connect(db_path)
        db_locks = dict(
            con.execute(
                f"SELECT id, lock_version FROM assessments WHERE id IN "
                f"({','.join(str(s['aid']) for s in sessions)})"
            )
        )
        con.close()
        post = runs["post"]
        # The database may be one ahead: the request in flight when wrk stopped at its deadline
        # was still completed by the server. Anything else is a lost or an extra write.
        mismatched = [
            (s["aid"], post.locks.get(tid), db_locks.get(s["aid"]))
            for tid, s in enumerate(sessions, start=1)
            if post.locks.get(tid) is None
            or db_locks.get(s["aid"], -1) - post.locks[tid] not in (0, 1)
        ]
    finally:
        processes.stop_all()
        log_text = (
            (workdir / "app.log").read_text(errors="replace")
            if (workdir / "app.log").exists()
            else ""
        )
        shutil.rmtree(workdir, ignore_errors=True)
        problems = [
            line
            for line in log_text.splitlines()
            if re.search(r"WORKER TIMEOUT|Traceback|\[ERROR\]|\[CRITICAL\]", line)
        ]
        if problems:
            log(f"  gunicorn log: {len(problems)} problem lines, e.g. " + " | ".join(problems[:5]))
        recycled = log_text.count("Autorestarting worker")

    bases = [runs[f"baseline{i}"] for i in range(5)]

    def around(i: int) -> tuple[float, float, str]:
        """Baseline req/s and p99 next to measure i: the mean of the runs before and after it."""
        before, after = bases[i], bases[i + 1]
        rps, p99 = (before.rps + after.rps) / 2, (before.p(99) + after.p(99)) / 2
        return rps, p99, f"{rps:.0f} req/s, p99 {p99 * 1000:.1f} ms"

    def ok(run: WrkResult, expect: int) -> str:
        bad = run.non_ok + sum(v for k, v in run.statuses.items() if k != expect and k < 400)
        return "" if bad == 0 else f"; {bad} unexpected responses {run.statuses} {run.errors}"

    rows.append(
        Row(
            "http: baseline page (bare Flask + Jinja), 5 runs",
            ", ".join(f"{b.rps:.0f}" for b in bases)
            + " req/s; p99 "
            + ", ".join(f"{b.p(99) * 1000:.0f}" for b in bases)
            + " ms",
            "—",
            "—",
            "",
            None,
            part="http",
        )
    )
    for i, (key, label) in enumerate(
        (
            ("list", "patient list GET /patients/"),
            ("patient", "patient page GET /patients/<id>"),
            ("form", "assessment form GET /assessments/<id>/edit"),
            ("post", "draft save POST /assessments/<id>/edit"),
        )
    ):
        run = runs[key]
        base_rps, base_p99, base_desc = around(i)
        value = (
            f"{run.rps:.0f} req/s, p50 {run.p(50) * 1000:.1f} ms, p99 "
            f"{run.p(99) * 1000:.1f} ms{ok(run, 302 if key == 'post' else 200)}"
        )
        clean = not ok(run, 302 if key == "post" else 200)
        if key == "form":
            ratio = run.rps / base_rps
            rows.append(
                Row(
                    f"http: {label}",
                    value,
                    base_desc,
                    f"{ratio:.2f}× req/s",
                    f"≥ {FORM_RATIO_TARGET}× req/s",
                    ratio >= FORM_RATIO_TARGET and clean,
                    part="http",
                )
            )
        elif key == "patient":
            rows.append(
                Row(
                    f"http: {label}",
                    value,
                    base_desc,
                    f"{run.rps / base_rps:.2f}× req/s, {run.p(99) / base_p99:.1f}× p99",
                    f"p99 < {PATIENT_P99_TARGET_S * 1000:.0f} ms",
                    run.p(99) < PATIENT_P99_TARGET_S and clean,
                    part="http",
                )
            )
        elif key == "post":
            lock_note = (
                "; every draft's lock_version as expected"
                if not mismatched
                else f"; lock_version MISMATCH (draft, expected, stored): {mismatched}"
            )
            rows.append(
                Row(
                    f"http: {label}",
                    value + lock_note,
                    base_desc,
                    f"{run.rps / base_rps:.2f}× req/s, {run.p(99) / base_p99:.1f}× p99",
                    f"p99 < {POST_P99_TARGET_S * 1000:.0f} ms",
                    run.p(99) < POST_P99_TARGET_S and clean and not mismatched,
                    part="http",
                )
            )
        else:
            rows.append(
                Row(
                    f"http: {label}",
                    value,
                    base_desc,
                    f"{run.rps / base_rps:.2f}× req/s",
                    "info",
                    None if clean else False,
                    part="http",
                )
            )
    rss, base_rss = mem_app.max_mb, mem_base.max_mb
    if len(mem_app.peak_kb) > 2:
        log(f"  app worker processes seen (pid: first seen): {mem_app.seen}")
    sizes = sorted((v / 1024 for v in mem_app.peak_kb.values()), reverse=True)
    rows.append(
        Row(
            "http: peak RSS of a gunicorn worker (VmHWM)",
            f"{rss:.0f} MB ({len(sizes)} worker processes, {recycled} recycled by "
            f"max_requests; peaks {', '.join(f'{v:.0f}' for v in sizes[:6])}"
            f"{' …' if len(sizes) > 6 else ''} MB)",
            f"baseline worker {base_rss:.0f} MB",
            f"{rss / base_rss:.1f}×",
            f"< {RSS_TARGET_MB} MB",
            rss < RSS_TARGET_MB,
            part="http",
        )
    )
    emit(
        rows,
        args.json,
        f"HTTP under load (gunicorn 2 sync workers, wrk {args.connections} "
        f"connections, {args.seconds:g} s per run)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
