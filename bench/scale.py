"""Scale: the app's own queries on 100k patients and 1M assessments, on SQLite and PostgreSQL.

Both databases get their schema from `flask db upgrade` and their rows from bench/bulkgen.py
(generated once, loaded into both at the same time — nothing is timed while loading). Then, one
database after the other, inside an app context the way a logged-in request runs (clinic scope
set with physio.scoping.set_clinic_scope in a test_request_context, a fresh session per call),
each measure is called on ≈40 random inputs of the largest clinic (≈29% of the patients):

- search by name prefix / reference / date of birth, and the unfiltered list: exactly what
  GET /patients/?q=… runs: patients.search_statement(q) + db.paginate (count + first page).
- timeline: services.assessments.timeline_context(patient) for random patients (what the patient
  page computes: every visit's current version, progress first → latest, chart series), plus the
  patient with the most visits.
- unsigned drafts older than 24 h: select(Assessment) where clinic, status draft,
  created_at < now − 24 h, order by created_at, limit 50 (the app has no such page yet).

Baseline, measured the same way in the same loop: loading one patient by primary key through the
scoped ORM (physio.scoping.get_or_404) — what every patient page pays anyway. Target: each
measure < 20 ms median on both databases. SQL time and statement count per call are recorded
(an N+1 shows as many statements), and the EXPLAIN of every statement is written to the results
file (and printed for any measure that misses its target).

    .venv/bin/python bench/scale.py [--size 1.0] [--db sqlite|postgres|both] [--samples 40]
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_SECRET_KEY,
    Processes,
    Row,
    TempPostgres,
    emit,
    exit_cleanly_on_signals,
    flask_cli,
    fmt_ms,
    log,
    median,
    percentile,
    sqlite_url,
)

TARGET_S = 0.020
RESULTS = Path(__file__).resolve().parent / "results"


def _setup_environment() -> None:
    os.environ["PHYSIO_ENV"] = "production"
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)


class SqlMeter:
    """Counts statements and the time spent in the driver (cursor execute) per call; keeps the
    statements of the last call for EXPLAIN."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine = engine
        self.count = 0
        self.seconds = 0.0
        self.statements: list[tuple[str, object]] = []
        self._start: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._start[id(cursor)] = time.perf_counter()
        self.statements.append((statement, parameters))

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.seconds += time.perf_counter() - self._start.pop(id(cursor), time.perf_counter())

    def reset(self) -> None:
        self.count, self.seconds, self.statements = 0, 0.0, []


def _short_sql(statement: str) -> str:
    """The statement on one line, with long select lists shown as …"""
    sql = " ".join(statement.split())
    sql = re.sub(
        r"SELECT (?:(?!SELECT |FROM ).)+? FROM ",
        lambda m: m.group(0) if len(m.group(0)) < 70 else "SELECT … FROM ",
        sql,
    )
    return sql if len(sql) < 700 else sql[:700] + " …"


def _short(params) -> str:
    text = repr(params)
    return text if len(text) < 300 else text[:300] + " …"


def explain(engine, statements: list[tuple[str, object]]) -> str:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) of each statement."""
    out = []
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, params in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            if engine.dialect.name == "sqlite":
                cur.execute("EXPLAIN QUERY PLAN " + statement, params)
                plan = "\n".join(f"    {row[-1]}" for row in cur.fetchall())
            else:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                plan = "\n".join(f"    {row[0]}" for row in cur.fetchall())
            out.append(f"  SQL: {_short_sql(statement)}\n  params: {_short(params)}\n{plan}")
        raw.rollback()
    finally:
        raw.close()
    return "\n\n".join(out)


def measure_database(
    name: str, url: str, samples: int, seed: int
) -> tuple[list[Row], str, dict[str, str]]:
    """Time every measure on one database; returns table rows and the EXPLAIN report."""
    from sqlalchemy import func, select

    from physio.app import create_app
    from physio.extensions import db
    from physio.models import Assessment, Patient, Status, User
    from physio.models.base import utcnow
    from physio.scoping import get_or_404, set_clinic_scope
    from physio.services.assessments import timeline_context
    from physio.services.patients import search_statement

    app = create_app(SQLALCHEMY_DATABASE_URI=url)
    rng = random.Random(seed)
    rows: list[Row] = []
    report: list[str] = [f"## {name}"]
    explains: dict[str, str] = {}
    with app.app_context():
        meter = SqlMeter(db.engine)
        clinic_id = db.session.execute(
            select(Patient.clinic_id, func.count())
            .group_by(Patient.clinic_id)
            .order_by(func.count().desc())
            .limit(1)
            .execution_options(skip_clinic_scope=True)
        ).first()[0]
        patients = db.session.execute(
            select(Patient.id, Patient.last_name_key, Patient.reference, Patient.date_of_birth)
            .where(Patient.clinic_id == clinic_id, Patient.archived_at.is_(None))
            .execution_options(skip_clinic_scope=True)
        ).all()
        heaviest = db.session.execute(
            select(Assessment.patient_id)
            .where(Assessment.clinic_id == clinic_id)
            .group_by(Assessment.patient_id)
            .order_by(func.count().desc())
            .limit(1)
            .execution_options(skip_clinic_scope=True)
        ).scalar_one()
        n_assessments = db.session.execute(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.clinic_id == clinic_id)
            .execution_options(skip_clinic_scope=True)
        ).scalar_one()
        db.session.remove()
    report.append(
        f"clinic {clinic_id}: {len(patients)} patients, {n_assessments} assessments; "
        f"heaviest patient {heaviest}"
    )
    per_page = app.config["PATIENTS_PER_PAGE"]

    def search(q: str):
        page = db.paginate(
            search_statement(q), page=1, per_page=per_page, max_per_page=100, error_out=False
        )
        return page.total, [p.id for p in page.items]

    def timeline(pid: int):
        patient = get_or_404(Patient, pid)
        ctx = timeline_context(patient)
        return len(ctx["visits"])

    def drafts(_):
        cutoff = utcnow() - timedelta(hours=24)
        stmt = (
            select(Assessment)
            .where(
                Assessment.clinic_id == clinic_id,
                Assessment.status == Status.DRAFT,
                Assessment.created_at < cutoff,
            )
            .order_by(Assessment.created_at)
            .limit(50)
        )
        return len(db.session.execute(stmt).scalars().all())

    def drafts_columns(_):
        """What a "drafts to finish" page needs, as one query (a suggested service function)."""
        cutoff = utcnow() - timedelta(hours=24)
        stmt = (
            select(
                Assessment.id,
                Assessment.kind,
                Assessment.seen_at,
                Assessment.created_at,
                Patient.id,
                Patient.first_name,
                Patient.last_name,
                User.name,
            )
            .join(Patient, Patient.id == Assessment.patient_id)
            .join(User, User.id == Assessment.created_by_id)
            .where(
                Assessment.clinic_id == clinic_id,
                Assessment.status == Status.DRAFT,
                Assessment.created_at < cutoff,
            )
            .order_by(Assessment.created_at)
            .limit(50)
        )
        return len(db.session.execute(stmt).all())

    def pk_load(pid: int):
        return get_or_404(Patient, pid).id

    sample = rng.sample(patients, min(samples, len(patients)))
    measures = [
        ("search: name prefix (3 letters)", search, [p.last_name_key[:3] for p in sample]),
        (
            "search: reference",
            search,
            [
                p.reference
                for p in rng.sample(
                    [p for p in patients if p.reference], min(samples, len(patients))
                )
            ],
        ),
        ("search: date of birth", search, [p.date_of_birth.isoformat() for p in sample]),
        ("patient list, first page (no query)", search, [""] * samples),
        ("timeline_context, random patients", timeline, [p.id for p in sample]),
        ("timeline_context, patient with most visits", timeline, [heaviest] * max(5, samples // 8)),
        ("unsigned drafts > 24 h (limit 50)", drafts, [None] * samples),
        ("unsigned drafts > 24 h, columns + names (suggested)", drafts_columns, [None] * samples),
    ]

    def call(fn, arg) -> tuple[float, int, float]:
        with app.test_request_context("/"):
            set_clinic_scope(clinic_id)
            meter.reset()
            t0 = time.perf_counter()
            fn(arg)
            elapsed = time.perf_counter() - t0
            count, sql = meter.count, meter.seconds
            db.session.remove()
        return elapsed, count, sql

    results = {}
    baseline: list[float] = []
    for label, fn, inputs in measures:
        for arg in inputs[:3]:  # warm-up (caches, prepared plans)
            call(fn, arg)
        times, counts, sql_times = [], [], []
        for arg in inputs:
            base_arg = rng.choice(sample).id
            baseline.append(call(pk_load, base_arg)[0])  # baseline interleaved, same loop
            elapsed, count, sql = call(fn, arg)
            times.append(elapsed)
            counts.append(count)
            sql_times.append(sql)
        # the statements of a typical call, for EXPLAIN
        with app.test_request_context("/"):
            set_clinic_scope(clinic_id)
            meter.reset()
            fn(inputs[len(inputs) // 2])
            statements = list(meter.statements)
            db.session.remove()
        with app.app_context():
            plan_text = explain(db.engine, statements)
        results[label] = (times, counts, sql_times, plan_text)

    base_med = median(baseline)
    for label, (times, counts, sql_times, plan_text) in results.items():
        med, p95 = median(times), percentile(times, 95)
        informational = "most visits" in label or "suggested" in label
        met = None if informational else med < TARGET_S
        rows.append(
            Row(
                measure=f"scale {name}: {label}",
                value=f"median {fmt_ms(med)}, p95 {fmt_ms(p95)} ({median(counts):.0f} SQL, "
                f"{fmt_ms(median(sql_times))} in SQL)",
                baseline=f"PK load {fmt_ms(base_med)}",
                ratio=f"{med / base_med:.1f}×",
                target=("info" if informational else "median < 20 ms"),
                met=met,
                part="scale",
                details={
                    "median_s": med,
                    "p95_s": p95,
                    "statements": median(counts),
                    "sql_s": median(sql_times),
                    "baseline_s": base_med,
                },
            )
        )
        block = (
            f"### {name} — {label}: median {fmt_ms(med)}, p95 {fmt_ms(p95)}, "
            f"{median(counts):.0f} statements, {fmt_ms(median(sql_times))} in SQL\n"
            f"{plan_text}"
        )
        report.append(block)
        explains[rows[-1].measure] = block
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows, "\n\n".join(report), explains


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        type=float,
        default=1.0,
        help="fraction of the full data set (1.0 = 100k patients, 1M "
        "assessments; 0.1 for a quick look)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=40, help="calls per measure")
    parser.add_argument("--no-psfs", action="store_true", help="generate no PSFS rows")
    parser.add_argument("--json", help="write the rows here (for run_all.py)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--wait-for",
        help="before measuring, wait (≤ 10 min) until this file "
        "exists (run_all.py seeds the demo meanwhile)",
    )
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    _setup_environment()
    import bench.bulkgen as bulkgen

    processes = Processes()
    workdir = Path(tempfile.mkdtemp(prefix="physio-bench-scale."))
    pg: TempPostgres | None = None
    rows: list[Row] = []
    reports: list[str] = []
    explains: dict[str, str] = {}
    try:
        t0 = time.perf_counter()
        targets: dict[str, str] = {}
        if args.db in ("sqlite", "both"):
            path = workdir / "scale.sqlite"
            targets["sqlite"] = sqlite_url(path)
            flask_cli(["db", "upgrade"], targets["sqlite"])
        if args.db in ("postgres", "both"):
            pg = TempPostgres(processes).start()
            targets["postgresql"] = pg.createdb("physio_scale")
            flask_cli(["db", "upgrade"], targets["postgresql"])
        log(f"  schemas ready in {time.perf_counter() - t0:.1f} s; building the data plan …")
        plan = bulkgen.build_plan(args.size, args.seed)
        log(
            f"  plan: {plan.patients} patients, {plan.assessments} assessments, "
            f"{len(plan.clinics)} clinics ({time.perf_counter() - t0:.1f} s)"
        )

        # Load both databases at once (two cores; nothing is measured while loading).
        errors: list[BaseException] = []
        timings: dict[str, dict] = {}

        def load(kind: str) -> None:
            try:
                if kind == "sqlite":
                    timings[kind] = bulkgen.load_sqlite(
                        str(workdir / "scale.sqlite"), plan, psfs=not args.no_psfs, progress=log
                    )
                else:
                    timings[kind] = bulkgen.load_postgres(
                        pg.dsn("physio_scale"), plan, psfs=not args.no_psfs, progress=log
                    )
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(k,), daemon=True) for k in targets]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(1)
        if errors:
            raise errors[0]
        gen_s = time.perf_counter() - t0
        log(f"  data loaded in {gen_s:.1f} s in all")
        rows.append(
            Row(
                measure="scale: generate + load (both DBs in parallel)",
                value=f"{gen_s:.0f} s for {plan.patients:,} patients, {plan.assessments:,} "
                f"assessments{'' if args.no_psfs else ' + PSFS'}",
                part="scale",
                met=None,
                target=f"size {args.size:g}",
                details={
                    "seconds": gen_s,
                    **{f"{k}_s": v.get("total") for k, v in timings.items()},
                },
            )
        )
        if args.wait_for:
            waited = time.perf_counter()
            while not Path(args.wait_for).exists() and time.perf_counter() - waited < 600:
                time.sleep(0.5)
            if time.perf_counter() - waited > 1:
                log(f"  waited {time.perf_counter() - waited:.0f} s for {args.wait_for}")
        for name, url in targets.items():
            t1 = time.perf_counter()
            db_rows, report, db_explains = measure_database(name, url, args.samples, args.seed)
            explains.update(db_explains)
            log(f"  measured {name} in {time.perf_counter() - t1:.1f} s")
            rows += db_rows
            reports.append(report)
    finally:
        if pg is not None:
            pg.stop()
        processes.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    explain_path = RESULTS / "scale-explain.md"
    explain_path.write_text("# EXPLAIN of every scale measure\n\n" + "\n\n".join(reports) + "\n")
    emit(
        rows,
        args.json,
        f"Scale ({plan.patients:,} patients / {plan.assessments:,} assessments, "
        f"largest clinic; --size {args.size:g})",
    )
    slow = [r for r in rows if r.met is False]
    if slow:
        print("\nMeasures over target — their statements and query plans:")
        for r in slow:
            print("\n" + explains.get(r.measure, f"### {r.measure}: no plan recorded"))
    print(f"\n(full EXPLAIN output: {explain_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
