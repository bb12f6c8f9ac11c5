"""PDF: the patient's plan rendered by WeasyPrint, next to a structured reference handout.

In one process (the seeded demo database, production config): physio.pdf.warm_up(), then the heap
frozen with gc.freeze() as the gunicorn workers do after their warm-up (gunicorn.conf.py), then
every demo plan (the latest signed assessment of each demo patient, built with
physio.services.plans.plan_for + plan_document, rendered with physio.pdf.render_plan_pdf) is
rendered --reps times, each time right after the **reference handout** with the same number of
pages (bench/reference_handout.py: fixed; cards with numbered steps and an inline SVG each, a week
table, headers and footers) rendered by the same physio.pdf.html_to_pdf (same PDF variant).
Figure: median ms per page, plan vs reference (target ≤ 1.25×). The older plain reference (only
paragraphs) is timed too, as an info row.

Also:
- Export click to stored PDF, for the median demo plan (by page count): through the Flask test
  client, logged in, ``POST …/plan/export`` (render, store the version, redirect) and the
  ``GET`` of the stored PDF it redirects to; target ≤ 1.0 s.
- first render after start: a fresh subprocess imports the app, calls warm_up(), then times its
  first plan render and 3 more (warm) renders of the same plan; target first ≤ 1.5× warm.
- stored re-download: through the Flask test client, log in, POST …/plan/export, then time
  GET /assessments/<id>/plan.pdf (served from the stored row) vs rendering that plan; target the
  download ≥ 100× faster.
- peak RSS (VmHWM) of this process after everything (target < 200 MB); the subprocess's peak is
  shown too.
- where a plan's time goes (informational, the median plan): WeasyPrint's two phases timed apart
  (``render()`` = style, boxes, layout; ``write_pdf()`` = drawing and serialising), and the same
  plan's HTML with no stylesheet and no pictures (the "content floor": tags and text only), each
  next to the whole reference of the plan's page count.

    .venv/bin/python bench/pdf_bench.py [--reps 2] [--plans N]
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import gc  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_SECRET_KEY,
    DEMO_PASSWORD,
    DEMO_PHYSIOS,
    PYTHON,
    Row,
    emit,
    exit_cleanly_on_signals,
    fmt_ms,
    log,
    median,
    proc_status_kb,
    seeded_sqlite,
    sqlite_url,
)
from bench.reference_handout import ReferenceHandouts  # noqa: E402

PER_PAGE_TARGET = 1.25
EXPORT_TARGET_S = 1.0
FIRST_TARGET = 1.5
DOWNLOAD_TARGET = 100
RSS_TARGET_MB = 200

SENTENCES = (
    "Keep your easy runs truly easy, at a pace where you could hold a conversation.",
    "Build your weekly distance gradually, by no more than about ten per cent a week.",
    "Pain up to three out of ten during a run is acceptable if it settles by the next morning.",
    "Strength work twice a week helps your back and hips cope with the load of running.",
    "Sleep, food and stress all change how your body recovers from training.",
    "If the pain spreads into both legs or you notice numbness, contact us the same day.",
    "Warm up for ten minutes with brisk walking and a few easy drills before each run.",
    "Replace your shoes when the midsole is creased or they have covered many hundreds of km.",
)


def reference_html(paragraphs: int) -> str:
    """Plain paragraphs with a header and a footer (the plan's page box, no tables or images)."""
    body = []
    for i in range(paragraphs):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4))
        if i % 6 == 0:
            body.append(f"<h2>Section {i // 6 + 1}</h2>")
        body.append(f"<p>{text}</p>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference</title>'
        "<style>@page { size: A4; margin: 24mm 17mm 20mm 17mm;"
        ' @top-left { content: "Riverside Running Physio"; font: bold 9.5pt "DejaVu Sans" }'
        ' @top-right { content: "Sam Patel, physiotherapist"; font: 8.5pt "DejaVu Sans" }'
        ' @bottom-left { content: "Reference document"; font: 7.5pt "DejaVu Sans" }'
        ' @bottom-right { content: "Page " counter(page) " of " counter(pages);'
        ' font: 7.5pt "DejaVu Sans" } }'
        ' body { font: 10pt/1.45 "DejaVu Sans", sans-serif; color: #1d2939 }'
        " h2 { font-size: 13pt; color: #0f766e; margin: 10pt 0 4pt }"
        " p { margin: 0 0 6pt }</style></head><body>"
        "<h1>Your plan (reference)</h1>" + "".join(body) + "</body></html>"
    )


def content_only(html: str) -> str:
    """The plan's HTML without its stylesheet and pictures: only its elements and text."""
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<img\b[^>]*>", "", html)


def phases(html: str) -> tuple[float, float]:
    """(render, write) seconds of one physio.pdf.html_to_pdf, its two phases timed apart."""
    from physio.pdf import lay_out, write_pdf

    t0 = time.perf_counter()
    document = lay_out(html)
    t1 = time.perf_counter()
    write_pdf(document)
    return t1 - t0, time.perf_counter() - t1


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


class References:
    """Reference documents of exactly N pages, calibrated once per N."""

    def __init__(self, html_to_pdf):
        self.html_to_pdf = html_to_pdf
        self.paragraphs: dict[int, int] = {}
        self.per_page: float | None = None

    def pages_of(self, k: int) -> int:
        return page_count(self.html_to_pdf(reference_html(k)))

    def html(self, pages: int) -> str:
        if pages not in self.paragraphs:
            if self.per_page is None:
                self.per_page = 40 / self.pages_of(40)
            k = max(1, int((pages - 0.4) * self.per_page))
            for _ in range(12):
                n = self.pages_of(k)
                if n == pages:
                    break
                k = max(1, k + (1 if n < pages else -1) * max(1, int(self.per_page / 4)))
            self.paragraphs[pages] = k
        return reference_html(self.paragraphs[pages])


def _plan_documents(limit: int | None):
    """(assessment id, patient name, PlanDocument) for the latest signed visit of each demo
    patient with an exported plan (what the demo hands out)."""
    from sqlalchemy import func, select

    from physio.extensions import db
    from physio.models import Assessment, Patient, PlanExport
    from physio.models.base import utcnow
    from physio.services import plans as plan_service

    latest = db.session.execute(
        select(PlanExport.assessment_id, func.max(PlanExport.version))
        .join(Assessment, Assessment.id == PlanExport.assessment_id)
        .join(Patient, Patient.id == Assessment.patient_id)
        .where(PlanExport.kind == "plan")
        .group_by(PlanExport.assessment_id, Patient.reference)
        .order_by(Patient.reference)
    ).all()  # RR-0001 Jane Runner first
    docs = []
    for aid, version in latest[:limit] if limit else latest:
        a = db.session.get(Assessment, aid)
        state = plan_service.plan_for(a)
        docs.append(
            (
                aid,
                a.patient.full_name,
                plan_service.plan_document(a, state.plan, version + 1, utcnow()),
            )
        )
    return docs


def _first_render_child(db_url: str, out_path: str) -> None:
    """Runs in a fresh process: import, warm_up, first render, then warm renders."""
    t0 = time.perf_counter()
    from physio.app import create_app
    from physio.pdf import render_plan_pdf, warm_up

    app = create_app(SQLALCHEMY_DATABASE_URI=db_url)
    t_import = time.perf_counter() - t0
    with app.app_context():
        t1 = time.perf_counter()
        warm_up()
        t_warm_up = time.perf_counter() - t1
        gc.collect()
        gc.freeze()  # as the workers do after their warm-up (gunicorn.conf.py)
        hwm_after_warm_up = proc_status_kb(os.getpid(), "VmHWM")
        docs = _plan_documents(None)
        aid, name, doc = docs[0]  # Jane Runner's latest visit (a review: progress chart)
        t2 = time.perf_counter()
        render_plan_pdf(doc)
        first = time.perf_counter() - t2
        warm = []
        for _ in range(3):
            t3 = time.perf_counter()
            render_plan_pdf(doc)
            warm.append(time.perf_counter() - t3)
    Path(out_path).write_text(
        json.dumps(
            {
                "import_s": t_import,
                "warm_up_s": t_warm_up,
                "first_s": first,
                "warm_s": warm,
                "assessment_id": aid,
                "patient": name,
                "hwm_after_warm_up_kb": hwm_after_warm_up,
                "hwm_kb": proc_status_kb(os.getpid(), "VmHWM"),
            }
        )
    )


def _login(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)
    resp = client.post(
        "/login", data={"csrf_token": token, "email": DEMO_PHYSIOS[0], "password": DEMO_PASSWORD}
    )
    if resp.status_code != 302:
        raise RuntimeError(f"test-client login failed: {resp.status_code}")


def _export_token(client, aid: int) -> str:
    page = client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)


def _export_click(client, aid: int, repeats: int) -> tuple[list[float], int]:
    """The physio's Export click: ``POST …/plan/export`` (render, store, redirect) and the GET of
    the stored PDF it redirects to, timed together; each repeat stores a new version."""
    token = _export_token(client, aid)
    times, size = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        resp = client.post(
            f"/assessments/{aid}/plan/export", data={"csrf_token": token, "kind": "plan"}
        )
        if resp.status_code != 302:
            raise RuntimeError(f"export failed: {resp.status_code} {resp.get_data()[:300]!r}")
        stored = client.get(resp.headers["Location"])
        body = stored.get_data()
        times.append(time.perf_counter() - t0)
        if stored.status_code != 200 or not body.startswith(b"%PDF"):
            raise RuntimeError(f"stored PDF not served: {stored.status_code}")
        size = len(body)
    return times, size


def _download(client, aid: int, repeats: int) -> tuple[list[float], int]:
    """Export the plan once, then time GET …/plan.pdf (served from the stored row)."""
    _export_click(client, aid, 1)
    times, size = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        resp = client.get(f"/assessments/{aid}/plan.pdf")
        body = resp.get_data()
        times.append(time.perf_counter() - t0)
        if resp.status_code != 200 or not body.startswith(b"%PDF"):
            raise RuntimeError(f"download failed: {resp.status_code}")
        size = len(body)
    return times, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reps", type=int, default=2, help="renders of each plan (and its reference)"
    )
    parser.add_argument("--plans", type=int, default=0, help="only the first N demo plans")
    parser.add_argument("--json", help="write the rows here (for run_all.py)")
    parser.add_argument(
        "--first-render-child", nargs=2, metavar=("DB_URL", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    os.environ["PHYSIO_ENV"] = "production"
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    if args.first_render_child:
        _first_render_child(*args.first_render_child)
        return 0
    exit_cleanly_on_signals()
    workdir = Path(tempfile.mkdtemp(prefix="physio-bench-pdf."))
    try:
        return _run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args, workdir: Path) -> int:
    db_path = seeded_sqlite(workdir / "physio.sqlite")
    db_url = sqlite_url(db_path)

    # 1. first render after start, in a fresh process (before this one warms anything up)
    out = workdir / "first.json"
    subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--first-render-child", db_url, str(out)],
        check=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    first = json.loads(out.read_text())
    log(
        f"  fresh process: import {first['import_s']:.2f} s, warm_up {first['warm_up_s']:.2f} s,"
        f" first render {first['first_s']:.2f} s, warm {median(first['warm_s']):.2f} s"
    )

    # 2. plans vs references, in this process
    from physio.app import create_app
    from physio.extensions import db
    from physio.pdf import html_to_pdf, render_plan_html, render_plan_pdf, warm_up

    app = create_app(SQLALCHEMY_DATABASE_URI=db_url, SESSION_COOKIE_SECURE=False)
    with app.app_context():
        warm_up()
        refs = ReferenceHandouts(html_to_pdf)
        plain_refs = References(html_to_pdf)
        docs = _plan_documents(args.plans or None)
        # as a gunicorn worker after its warm-up (gunicorn.conf.py): the heap built so far is
        # left out of later garbage collections
        gc.collect()
        gc.freeze()
        plan_ms, ref_ms, plain_ms, per_plan = [], [], [], []
        render_times: dict[int, list[float]] = {}
        for aid, name, doc in docs:
            pages = page_count(render_plan_pdf(doc))  # also warms this plan's paths
            ref_html, plain_html = refs.html(pages), plain_refs.html(pages)
            p_times, r_times, q_times = [], [], []
            for _ in range(args.reps):
                t0 = time.perf_counter()
                html_to_pdf(ref_html)
                r_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                render_plan_pdf(doc)
                p_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                html_to_pdf(plain_html)
                q_times.append(time.perf_counter() - t0)
            render_times[aid] = p_times
            p, r, q = median(p_times), median(r_times), median(q_times)
            plan_ms.append(p / pages)
            ref_ms.append(r / pages)
            plain_ms.append(q / pages)
            per_plan.append((aid, name, pages, p, r))
            log(
                f"  plan {aid:>3} {name:<16} {pages} pages: {p * 1000:.0f} ms "
                f"({p / pages * 1000:.0f} ms/page) vs reference handout {r * 1000:.0f} ms "
                f"({r / pages * 1000:.0f} ms/page), plain {q / pages * 1000:.0f} ms/page; "
                f"VmHWM {(proc_status_kb(os.getpid(), 'VmHWM') or 0) / 1024:.0f} MB"
            )
        # where the median plan's time goes (see the docstring)
        aid_m, _name, m_pages = sorted(per_plan, key=lambda x: x[3])[len(per_plan) // 2][:3]
        plan_html = render_plan_html(next(doc for aid, _, doc in docs if aid == aid_m))[0]
        m_ref = refs.html(m_pages)
        split, floor, ref_again = [], [], []
        for _ in range(max(3, args.reps)):
            t0 = time.perf_counter()
            html_to_pdf(m_ref)
            ref_again.append(time.perf_counter() - t0)
            split.append(phases(plan_html))
            t0 = time.perf_counter()
            html_to_pdf(content_only(plan_html))
            floor.append(time.perf_counter() - t0)
        db.session.remove()

    render_hwm_mb = (proc_status_kb(os.getpid(), "VmHWM") or 0) / 1024

    # 3. the Export click for the median plan (by page count), then the stored re-download vs
    # a render of the same plan
    by_pages = sorted(per_plan, key=lambda x: (x[2], x[3]))
    aid_e, _name_e, pages_e = by_pages[len(by_pages) // 2][:3]
    client = app.test_client()
    _login(client)
    export_times, export_size = _export_click(client, aid_e, max(3, args.reps))
    aid = docs[0][0]
    dl_times, size = _download(client, aid, 30)
    render_med = median(render_times[aid])
    dl_med = median(dl_times)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    hwm_mb = (proc_status_kb(os.getpid(), "VmHWM") or 0) / 1024

    rows: list[Row] = []
    p_med, r_med, q_med = median(plan_ms), median(ref_ms), median(plain_ms)
    pages_desc = ", ".join(str(x[2]) for x in per_plan)
    rows.append(
        Row(
            "pdf: plan render, median per page (heap frozen)",
            f"{p_med * 1000:.0f} ms/page ({len(per_plan)} demo plans of {pages_desc} pages; "
            f"median plan {median([x[3] for x in per_plan]):.2f} s)",
            f"reference handout {r_med * 1000:.0f} ms/page",
            f"{p_med / r_med:.2f}×",
            f"≤ {PER_PAGE_TARGET}×",
            p_med / r_med <= PER_PAGE_TARGET,
            part="pdf",
            details={"plans": per_plan},
        )
    )
    rows.append(
        Row(
            "pdf: plan vs the old plain reference (paragraphs only; info)",
            f"{p_med * 1000:.0f} ms/page",
            f"plain reference {q_med * 1000:.0f} ms/page",
            f"{p_med / q_med:.2f}×",
            part="pdf",
        )
    )
    e_med = median(export_times)
    rows.append(
        Row(
            f"pdf: Export click to stored PDF, median demo plan ({pages_e} pages, test client)",
            f"{fmt_ms(e_med)} (POST …/plan/export + GET of the stored PDF, "
            f"{export_size // 1024} KB)",
            f"render alone {fmt_ms(median(render_times[aid_e]))}",
            f"{e_med:.2f} s",
            f"≤ {EXPORT_TARGET_S:.1f} s",
            e_med <= EXPORT_TARGET_S,
            part="pdf",
            details={"assessment_id": aid_e, "times_s": export_times},
        )
    )
    r_all = median(ref_again)
    r_render, r_write = median([x[0] for x in split]), median([x[1] for x in split])
    rows.append(
        Row(
            f"pdf: where the time goes, plan {aid_m} ({m_pages} pages; info)",
            f"render() {fmt_ms(r_render)} + write_pdf() {fmt_ms(r_write)}; same HTML without "
            f"stylesheet and pictures {fmt_ms(median(floor))}",
            f"whole reference of {m_pages} pages {fmt_ms(r_all)}",
            f"write alone {r_write / r_all:.2f}×, content floor {median(floor) / r_all:.2f}×",
            part="pdf",
            details={
                "render_s": r_render,
                "write_s": r_write,
                "content_floor_s": median(floor),
                "reference_s": r_all,
            },
        )
    )
    f_first, f_warm = first["first_s"], median(first["warm_s"])
    rows.append(
        Row(
            "pdf: first render after start (fresh process)",
            f"{fmt_ms(f_first)} (import {first['import_s']:.1f} s + warm_up "
            f"{first['warm_up_s']:.2f} s before it)",
            f"warm render {fmt_ms(f_warm)}",
            f"{f_first / f_warm:.2f}×",
            f"≤ {FIRST_TARGET}×",
            f_first / f_warm <= FIRST_TARGET,
            part="pdf",
            details=first,
        )
    )
    rows.append(
        Row(
            "pdf: stored re-download GET …/plan.pdf (test client)",
            f"{fmt_ms(dl_med)} ({size // 1024} KB)",
            f"render {fmt_ms(render_med)}",
            f"{render_med / dl_med:.0f}× faster",
            f"≥ {DOWNLOAD_TARGET}×",
            render_med / dl_med >= DOWNLOAD_TARGET,
            part="pdf",
        )
    )
    child_mb = first["hwm_kb"] / 1024
    rows.append(
        Row(
            "pdf: peak RSS (VmHWM) of the rendering process",
            f"{render_hwm_mb:.0f} MB after all renders (fresh process after 4: {child_mb:.0f} MB); "
            f"{hwm_mb:.0f} MB after the test-client login (Argon2id 64 MiB) + export",
            f"after import + warm_up {first['hwm_after_warm_up_kb'] / 1024:.0f} MB",
            f"{render_hwm_mb / (first['hwm_after_warm_up_kb'] / 1024):.1f}×",
            f"< {RSS_TARGET_MB} MB",
            max(render_hwm_mb, child_mb) < RSS_TARGET_MB,
            part="pdf",
        )
    )
    emit(rows, args.json, "PDF (WeasyPrint, one process, warm)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
