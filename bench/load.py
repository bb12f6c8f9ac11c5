"""Load: 16 concurrent clients post assessments for 60 s against gunicorn on loopback, then the
rows are counted: 0 server errors, 0 lost or duplicated writes.

Setup: the seeded demo database (SQLite file, or a throw-away PostgreSQL filled with the same
rows), gunicorn 'physio:create_app()' with 2 sync workers, PHYSIO_ENV=production. Each client
is a thread with its own session (logged in through the login form as one of the demo physios)
and loops until the time is up:

  POST /patients/<id>/assessments/new (kind=initial)  → 302 to the new draft
  POST /assessments/<id>/edit (a full assessment form, lock_version 1, the presenting complaint
       carrying a unique marker "load <run> c<client> n<k>")   → 302 "Draft saved" = acknowledged

Afterwards the database is read directly: every acknowledged marker must be stored exactly once
(lost = acknowledged but missing; duplicated = stored more than once), every acknowledged new
draft must exist, and the hash-chained audit log must still verify
(physio.services.audit.verify_chain).

    .venv/bin/python bench/load.py [--db sqlite|postgres] [--seconds 60] [--clients 16]
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import (  # noqa: E402
    APP_GUNICORN_CONF,
    DEMO_PHYSIOS,
    Client,
    Processes,
    Row,
    TempPostgres,
    app_env,
    copy_database,
    demo_form,
    emit,
    exit_cleanly_on_signals,
    flask_cli,
    free_port,
    location_id,
    log,
    percentile,
    seeded_sqlite,
    sqlite_url,
    start_gunicorn,
    with_marker,
)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent = 0  # draft saves posted
        self.acked: list[str] = []  # markers answered 302
        self.created: list[int] = []  # new drafts answered 302
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()  # socket errors, timeouts
        self.latencies: list[float] = []


def client_loop(
    i: int, port: int, patients: list[int], run_id: str, deadline: float, form: list, tally: Tally
) -> None:
    client = Client(port, timeout=30)
    try:
        client.login(DEMO_PHYSIOS[i % len(DEMO_PHYSIOS)])
        token = client.csrf("/patients/")
    except Exception as exc:  # counted, not fatal for the others
        with tally.lock:
            tally.errors[f"login: {type(exc).__name__}"] += 1
        return
    k = 0
    while time.monotonic() < deadline:
        k += 1
        pid = patients[(i + k) % len(patients)]
        try:
            t0 = time.perf_counter()
            status, headers, _ = client.post(
                f"/patients/{pid}/assessments/new", {"csrf_token": token, "kind": "initial"}
            )
            elapsed = time.perf_counter() - t0
            with tally.lock:
                tally.statuses[status] += 1
                tally.latencies.append(elapsed)
            if status != 302:
                continue
            aid = location_id(headers)
            with tally.lock:
                tally.created.append(aid)
            marker = f"load {run_id} c{i} n{k}"
            data = [*with_marker(form, marker), ("csrf_token", token), ("lock_version", "1")]
            with tally.lock:
                tally.sent += 1
            t0 = time.perf_counter()
            status, headers, _ = client.post(f"/assessments/{aid}/edit", data)
            elapsed = time.perf_counter() - t0
            with tally.lock:
                tally.statuses[status] += 1
                tally.latencies.append(elapsed)
                if status == 302 and headers.get("location", "").endswith(
                    f"/assessments/{aid}/edit"
                ):
                    tally.acked.append(marker)
        except Exception as exc:  # timeouts, resets: the write may or may not have happened
            with tally.lock:
                tally.errors[type(exc).__name__] += 1
            client.close()
    client.close()


def count_rows(db_url: str, run_id: str, first_new_id: int) -> tuple[Counter, set[int], str]:
    """(marker → rows, ids of assessments created during the run, audit chain verdict)."""
    from sqlalchemy import func, select

    from physio.app import create_app
    from physio.extensions import db
    from physio.models import Assessment
    from physio.services.audit import verify_chain

    app = create_app(SQLALCHEMY_DATABASE_URI=db_url)
    with app.app_context():
        rows = db.session.execute(
            select(Assessment.history_presenting_complaint, func.count())
            .where(Assessment.history_presenting_complaint.like(f"load {run_id} %"))
            .group_by(Assessment.history_presenting_complaint)
            .execution_options(skip_clinic_scope=True)
        ).all()
        ids = set(
            db.session.execute(
                select(Assessment.id)
                .where(Assessment.id >= first_new_id)
                .execution_options(skip_clinic_scope=True)
            ).scalars()
        )
        report = verify_chain()
        chain = (
            f"audit chain verified ({report.checked} entries)"
            if report.ok
            else f"audit chain BROKEN at {report.first_bad_id}: {report.problem}"
        )
        db.session.remove()
        db.engine.dispose()
    return Counter(dict(rows)), ids, chain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--json", help="write the rows here (for run_all.py)")
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    os.environ["PHYSIO_ENV"] = "production"
    processes = Processes()
    workdir = Path(tempfile.mkdtemp(prefix="physio-bench-load."))
    pg: TempPostgres | None = None
    run_id = secrets.token_hex(4)
    try:
        sqlite_path = seeded_sqlite(workdir / "physio.sqlite")
        db_url = sqlite_url(sqlite_path)
        if args.db == "postgres":
            pg = TempPostgres(processes).start()
            db_url = pg.createdb("physio_load")
            flask_cli(["db", "upgrade"], db_url)
            copy_database(sqlite_url(sqlite_path), db_url)
        os.environ["SECRET_KEY"] = app_env(db_url)["SECRET_KEY"]
        os.environ["AUDIT_KEY"] = app_env(db_url)["AUDIT_KEY"]  # verify_chain runs in here
        from sqlalchemy import create_engine, text

        engine = create_engine(db_url)
        with engine.connect() as conn:
            patients = list(conn.execute(text("SELECT id FROM patients ORDER BY id")).scalars())
            first_new_id = (conn.execute(text("SELECT max(id) FROM assessments")).scalar() or 0) + 1
        engine.dispose()
        port = free_port()
        app = start_gunicorn(
            processes,
            "gunicorn physio (load)",
            "physio:create_app()",
            port,
            app_env(db_url),
            workdir / "gunicorn.log",
            config=APP_GUNICORN_CONF,
        )
        form = demo_form(0)
        tally = Tally()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=client_loop,
                daemon=True,
                args=(i, port, patients, run_id, deadline, form, tally),
            )
            for i in range(args.clients)
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 120)
        elapsed = time.perf_counter() - t0
        stuck = sum(t.is_alive() for t in threads)
        processes.stop(app)
        found, new_ids, chain = count_rows(db_url, run_id, first_new_id)
    finally:
        processes.stop_all()
        if pg is not None:
            pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    acked = Counter(tally.acked)
    lost = sum(1 for m in acked if found.get(m, 0) == 0)
    duplicated = sum(n - 1 for n in found.values() if n > 1) + sum(
        n - 1 for n in acked.values() if n > 1
    )
    unacked_stored = sum(1 for m in found if m not in acked)
    lost_created = len(set(tally.created) - new_ids)
    extra_created = len(new_ids - set(tally.created))
    server_errors = sum(v for k, v in tally.statuses.items() if k >= 500)
    other = {k: v for k, v in tally.statuses.items() if k != 302}
    rows_found = sum(found.values())
    met = (
        server_errors == 0
        and lost == 0
        and duplicated == 0
        and lost_created == 0
        and stuck == 0
        and "BROKEN" not in chain
        and not tally.errors
    )
    lat = tally.latencies
    value = (
        f"sent {tally.sent}, acknowledged {len(tally.acked)}, 5xx {server_errors}, "
        f"rows found {rows_found}, lost {lost}, duplicated {duplicated}"
    )
    baseline = (
        f"{len(tally.created)} drafts created (acked), {len(new_ids)} new rows; "
        f"{elapsed:.0f} s, {len(tally.acked) / elapsed:.1f} saves/s, POST p99 "
        f"{percentile(lat, 99) * 1000:.0f} ms"
    )
    notes = []
    if other:
        notes.append(f"other statuses {other}")
    if tally.errors:
        notes.append(f"client errors {dict(tally.errors)}")
    if unacked_stored:
        notes.append(f"{unacked_stored} stored without an answer")
    if lost_created or extra_created:
        notes.append(f"drafts lost {lost_created}, unacknowledged {extra_created}")
    if stuck:
        notes.append(f"{stuck} clients did not finish")
    notes.append(chain)
    rows = [
        Row(
            f"load {args.db}: {args.clients} clients × {args.seconds:g} s",
            value + "; " + "; ".join(notes),
            baseline,
            f"stored/acked {rows_found / max(1, len(tally.acked)):.3f}",
            "0 5xx, 0 lost, 0 duplicated",
            met,
            part="load",
            details={
                "sent": tally.sent,
                "acknowledged": len(tally.acked),
                "server_errors": server_errors,
                "rows_found": rows_found,
                "lost": lost,
                "duplicated": duplicated,
                "statuses": dict(tally.statuses),
                "client_errors": dict(tally.errors),
                "chain": chain,
            },
        )
    ]
    log(f"  load {args.db}: {value}; {'; '.join(notes)}")
    emit(rows, args.json, f"Load ({args.db}, gunicorn 2 sync workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
