"""Pages and fill per page of the patient's handout, for every demo plan.

Renders the plan of every assessment in the demo database (signed or not: a draft renders as a
marked preview) and prints, per plan, its page count and how full each page is: the share of the
page's text area (inside the @page margins) from its top down to the lowest thing drawn on it
(text, rules, boxes, pictures; not the DRAFT mark), measured with pdfplumber on the PDF
itself. The last page of a
plan may be short; every other page should be at least --threshold full (issue 13: 60 %).

    .venv/bin/python bench/handout_pages.py [--database-url URL] [--pdf-dir DIR] [--png-dir DIR]

Without --database-url a throw-away demo database is seeded (`flask db upgrade` + `seed-demo`).
--png-dir also writes every page as PNG (pdftocairo, 110 dpi) for looking at.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    sys.path.pop(0)  # bench/http.py must not shadow the standard library's http package
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import io  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MM = 72 / 25.4


def page_fill(pdf: bytes, margins_mm: tuple[float, float, float, float]) -> list[float]:
    """How full each page's text area is (0..1): from its top to the lowest object on it."""
    import pdfplumber

    from physio.pdf.plan_sheet import DRAFT_MARK_COLOUR

    mark = DRAFT_MARK_COLOUR.lower()
    top_mm, _right, bottom_mm, _left = margins_mm
    fills = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            area_top, area_bottom = top_mm * MM, page.height - bottom_mm * MM
            lowest = area_top
            for kind in ("chars", "rects", "lines", "curves", "images"):
                for obj in getattr(page, kind):
                    if kind == "chars" and _colour(obj) == mark:
                        continue  # the DRAFT mark across a draft's pages
                    # skip the running header and footer (they sit in the margins)
                    if obj["top"] >= area_top - 1 and obj["bottom"] <= area_bottom + 1:
                        lowest = max(lowest, obj["bottom"])
            fills.append(min(1.0, (lowest - area_top) / (area_bottom - area_top)))
    return fills


def _colour(obj) -> str | None:
    """A pdfplumber object's fill colour as #rrggbb (None unless it is RGB)."""
    colour = obj.get("non_stroking_color")
    if isinstance(colour, tuple | list) and len(colour) == 3:
        return "#" + "".join(f"{round(c * 255):02x}" for c in colour)
    return None


def demo_plans(database_url: str):
    """(assessment, rendered PDF bytes) of every assessment, by patient reference and visit."""
    os.environ.setdefault("SECRET_KEY", "handout-pages")
    from sqlalchemy import select

    from physio.app import create_app
    from physio.extensions import db
    from physio.models import Assessment, Patient
    from physio.services import plans as plan_service

    app = create_app(SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        rows = db.session.execute(
            select(Assessment)
            .join(Patient, Patient.id == Assessment.patient_id)
            .order_by(Patient.reference, Assessment.seen_at)
            .execution_options(skip_clinic_scope=True)
        ).scalars()
        for a in rows:
            yield a, plan_service.preview(a, "plan").data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a seeded database (default: seed a new one)")
    parser.add_argument("--pdf-dir", help="also write each PDF here")
    parser.add_argument("--png-dir", help="also write every page as PNG (110 dpi) here")
    parser.add_argument("--threshold", type=float, default=0.60)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="physio-handout."))
    try:
        url = args.database_url
        if not url:
            from bench.common import seeded_sqlite, sqlite_url

            url = sqlite_url(seeded_sqlite(workdir / "demo.sqlite"))
        return _report(url, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _report(url: str, args) -> int:
    from physio.pdf import PAGE_MARGINS_MM

    pages, under, lines = [], 0, []
    for a, pdf in demo_plans(url):
        fills = page_fill(pdf, PAGE_MARGINS_MM)
        low = [i + 1 for i, f in enumerate(fills[:-1]) if f < args.threshold]
        under += len(low)
        pages.append(len(fills))
        name = f"{a.patient.reference} #{a.id} {a.kind.value.lower()}"
        if not a.is_signed:
            name += " (draft)"
        cells = " ".join(f"{f * 100:3.0f}" for f in fills)
        flag = f"  < {args.threshold:.0%} on page {', '.join(map(str, low))}" if low else ""
        lines.append(f"{name:<28} {len(fills):>2} pages  {len(pdf) // 1024:>3} KB  {cells}{flag}")
        stem = f"plan-{a.id:02d}"
        if args.pdf_dir:
            Path(args.pdf_dir).mkdir(parents=True, exist_ok=True)
            Path(args.pdf_dir, f"{stem}.pdf").write_bytes(pdf)
        if args.png_dir:
            Path(args.png_dir).mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["pdftocairo", "-png", "-r", "110", "-", str(Path(args.png_dir, stem))],
                input=pdf,
                check=True,
            )
    print(f"{'plan':<28} {'':>2} {'pages':<6} {'size':>6}  fill of each page (%)")
    print("\n".join(lines))
    print(
        f"{len(pages)} plans: {sum(pages)} pages, median {statistics.median(pages):g}, "
        f"mean {statistics.mean(pages):.1f}, max {max(pages)}; "
        f"{under} page(s) under {args.threshold:.0%} other than a last page"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
