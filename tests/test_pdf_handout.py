"""The patient handout as a document (issue 13): tagged PDF/UA-1, marks on drafts and previews,
contrast and type sizes, the pain traffic light, the two-week diary, and compact pages.

Real PDFs rendered with the real templates, read back: the structure tree and metadata with
pikepdf, the PDF/UA machine-checkable subset with ``pdfua``, text and drawn shapes with
pdfplumber. The contrast test reads the stylesheet the PDF is rendered with.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics

import pdfplumber
import pikepdf
import pytest
from flask import render_template
from pypdf import PdfReader

from bench.handout_pages import page_fill
from physio.extensions import db
from physio.models import Assessment
from physio.pdf import PAGE_MARGINS_MM, render_plan_pdf
from physio.pdf.plan_sheet import (
    diary_items,
    diary_view,
    glance_rows,
    plan_context,
    short_dose,
)
from physio.plan import figures
from physio.plan.illustrations import ILLUSTRATIONS, VARIANTS, illustration_svg, thumbnail_svg
from physio.plan.library import INTERVENTIONS
from tests.helpers import new_assessment
from tests.plan.builders import plan_for, record
from tests.test_pdf import BUSY, EMERGENCY, URGENT, document, with_progress

MM = 72 / 25.4


# --- helpers ------------------------------------------------------------------------------------
def words(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def page_words(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in document order (depth first)."""
    found: list[pikepdf.Dictionary] = []

    def walk(element) -> None:
        found.append(element)
        kids = element.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    root = pdf.Root.StructTreeRoot.K
    for top in root if isinstance(root, pikepdf.Array) else [root]:
        walk(top)
    return found


def roles(elements) -> list[str]:
    return [str(e.S) for e in elements]


@pytest.fixture(scope="module")
def pdf_app():
    """An app for rendering (its context is pushed per test, so that tests using the
    database's ``app`` fixture in this module are not served by it)."""
    from config import TestingConfig
    from physio.app import create_app

    return create_app(TestingConfig)


@pytest.fixture
def handout_app(pdf_app):
    with pdf_app.app_context():
        yield pdf_app


@pytest.fixture(scope="module")
def rendered(pdf_app):
    cache: dict[str, bytes] = {}

    def _render(name: str) -> bytes:
        if name not in cache:
            rec = {"busy": BUSY, "urgent": URGENT, "emergency": EMERGENCY}[name]
            extra = with_progress(BUSY) if name == "busy" else {}
            with pdf_app.app_context():
                cache[name] = render_plan_pdf(document(rec, **extra))
        return cache[name]

    return _render


@pytest.fixture(scope="module")
def busy(rendered) -> bytes:
    return rendered("busy")


# --- PDF/UA-1 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["busy", "urgent", "emergency"])
def test_handout_is_a_tagged_pdf_ua_1_with_language_and_title_shown(rendered, name):
    with pikepdf.open(io.BytesIO(rendered(name))) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
            assert xmp.get("dc:title", "").endswith("— City Physiotherapy")
        assert roles(struct_elements(pdf))[0] == "/Document"


def test_handout_headings_start_at_h1_and_never_skip_a_level(rendered):
    for name in ("busy", "urgent", "emergency"):
        with pikepdf.open(io.BytesIO(rendered(name))) as pdf:
            levels = [int(r[2]) for r in roles(struct_elements(pdf)) if re.fullmatch(r"/H\d", r)]
        assert levels[0] == 1 and levels.count(1) == 1, name
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (name, levels)


def test_handout_every_figure_has_alt_text_naming_the_exercise_and_its_positions(busy):
    with pikepdf.open(io.BytesIO(busy)) as pdf:
        figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
        alts = [str(e.get("/Alt", "")) for e in figures]
    assert figures and all(alt.strip() for alt in alts)
    plan = plan_for(BUSY)
    drawn = [
        INTERVENTIONS[i.code].illustration
        for i in plan.items
        if i.included and i.code in INTERVENTIONS and INTERVENTIONS[i.code].illustration
    ]
    for code in drawn:
        name = ILLUSTRATIONS[code].name
        alt = next((a for a in alts if a.startswith(name)), None)
        assert alt is not None, f"no figure whose alt text names {name!r}: {alts}"
        # the position: where it starts and where it finishes (or what is done in it)
        assert len(alt) > len(name) + 30, alt
    assert any("Side plank" in a and "side down" in a for a in alts)  # the side, named
    assert any(a.startswith("Your weekly running") and " km" in a for a in alts)


def test_handout_tables_have_header_cells_and_every_data_cell_names_its_headers(busy):
    with pikepdf.open(io.BytesIO(busy)) as pdf:
        elements = struct_elements(pdf)
        tables = [e for e in elements if e.S == "/Table"]
        assert len(tables) >= 3  # the week, the walk-run stages, progress, the diary
        for table in tables:
            inner = list(struct_elements_under(table))
            assert any(e.S == "/TH" for e in inner)
            header_ids = {str(e.ID) for e in inner if e.S == "/TH" and "/ID" in e}
            for cell in (e for e in inner if e.S == "/TD"):
                headers = [str(h) for h in cell.A.Headers]
                assert headers and set(headers) <= header_ids


def struct_elements_under(element) -> list:
    found = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            found.extend(struct_elements_under(kid))
    return found


def test_handout_has_no_layout_tables_only_data_tables(handout_app):
    # Text beside a picture and lists in two columns are <div>s laid out as CSS tables: a
    # screen reader should not announce them as tables.
    html = render_template("pdf/plan.html", **plan_context(document(BUSY)), stylesheet="")
    classes = re.findall(r'<table class="([^"]+)"', html)
    assert set(classes) <= {"glance", "stages", "progress", "diary"}, classes


def test_handout_passes_the_pdfua_machine_checks_without_errors(rendered, tmp_path):
    from pdfua import Severity, validate

    for name in ("busy", "urgent", "emergency"):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(rendered(name))
        report = validate(str(path))
        errors = [f for f in report.findings if f.severity == Severity.ERROR]
        assert errors == [], [(f.rule_id, f.message) for f in errors]


# --- marks: draft and preview -------------------------------------------------------------------
def test_handout_of_an_unsigned_record_says_draft_on_every_page(handout_app):
    data = render_plan_pdf(document(record(), draft=True, preview=True))
    pages = page_words(data)
    assert len(pages) >= 2
    for text in pages:
        assert "DRAFT" in text
        assert "DRAFT, not signed · Preview, not a stored plan · Assessment #41" in text
        assert "Plan version" not in text
    assert "DRAFT: made from a record that is not signed yet" in pages[0]


def test_handout_of_a_signed_export_has_no_draft_mark(busy):
    assert "DRAFT" not in words(busy)
    assert "Plan version 3 · Assessment #41" in words(busy)


def test_render_plan_cli_output_is_a_marked_preview_not_a_plan_version(
    app, physio_client, make, physio, tmp_path
):
    patient = make.patient(physio, first_name="Jane", last_name="Runner")
    aid = new_assessment(physio_client, patient)
    out = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(args=["render-plan", str(aid), "-o", str(out)])
    assert result.exit_code == 0, result.output
    pages = page_words(out.read_bytes())
    for text in pages:
        assert f"Preview, not a stored plan · Assessment #{aid}" in text
        assert "Plan version" not in text
        assert "DRAFT" in text  # the record is not signed


# --- contrast, type, and the traffic light ------------------------------------------------------
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_NAMED = {"white": "#ffffff", "black": "#000000"}


def _rgb(value: str) -> tuple[float, float, float]:
    value = _NAMED.get(value.lower(), value).lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, {property: value}) of every rule, page-margin boxes included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        props = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                name, _, value = declaration.partition(":")
                props[name.strip().lower()] = value.strip()
        rules.append((" ".join(selector.split()), props))
    return rules


def _colour_of(value: str) -> str | None:
    value = value.strip()
    if value in _NAMED:
        return _NAMED[value]
    found = _HEX.search(value)
    return "#" + found.group(1) if found else None


def _size_pt(value: str) -> float | None:
    found = re.search(r"(\d+(?:\.\d+)?)(pt|px|mm)\b", value)
    if not found:
        return None
    number, unit = float(found.group(1)), found.group(2)
    return {"pt": number, "px": number * 0.75, "mm": number * MM}[unit]


@pytest.mark.parametrize("draft", [False, True])
def test_handout_stylesheet_text_is_at_least_9pt_and_4_5_to_1_on_its_background(handout_app, draft):
    context = plan_context(document(BUSY, **with_progress(BUSY), draft=draft))
    css = render_template("pdf/plan.css", **context)
    rules = css_rules(css)
    backgrounds = {"#ffffff"}
    for _, props in rules:
        for key in ("background", "background-color"):
            colour = _colour_of(props.get(key, ""))
            if colour:
                backgrounds.add(colour)
    light = {b for b in backgrounds if luminance(b) > 0.5}
    checked = 0
    for selector, props in rules:
        if "color" not in props:
            continue
        text = _colour_of(props["color"])
        if text is None:  # inherit / currentColor
            continue
        own = _colour_of(props.get("background", "") or props.get("background-color", ""))
        # a rule that sets its own background is read against it; any other text may sit on
        # any of the sheet's light backgrounds (a card, a "why" box, a table header)
        for ground in [own] if own else sorted(light):
            ratio = contrast(text, ground)
            assert ratio >= 4.5, f"{selector}: {text} on {ground} is {ratio:.2f}:1"
            checked += 1
    assert checked > 50
    sizes = [
        (selector, _size_pt(props[key]))
        for selector, props in rules
        for key in ("font-size", "font")
        if key in props and _size_pt(props[key]) is not None
    ]
    assert sizes and all(size >= 9 for _, size in sizes), [s for s in sizes if s[1] < 9]


def test_handout_every_character_printed_is_at_least_9pt(busy):
    with pdfplumber.open(io.BytesIO(busy)) as pdf:
        small = {
            (c["text"], round(c["size"], 1)) for p in pdf.pages for c in p.chars if c["size"] < 8.95
        }
    assert small == set()


def test_handout_take_care_lines_are_dark_not_light_grey(handout_app):
    css = render_template("pdf/plan.css", **plan_context(document(BUSY)))
    rules = dict(css_rules(css))
    for selector in (".more", ".more .care b"):
        assert contrast(_colour_of(rules[selector]["color"]), "#ffffff") >= 7, selector


def test_handout_pain_bands_are_a_traffic_light_in_colour_and_words(busy):
    text = words(busy)
    assert "Green: 0 to 3 out of 10" in text and "Fine. Keep going." in text
    assert "Amber: 4 or 5 out of 10" in text
    assert "Red: above 5 out of 10" in text and "pain not settled by the next morning" in text
    fills = set()
    with pdfplumber.open(io.BytesIO(busy)) as pdf:
        for page in pdf.pages:
            for rect in page.rects:
                colour = rect.get("non_stroking_color")
                if isinstance(colour, tuple | list) and len(colour) == 3:
                    fills.add(tuple(round(c * 255) for c in colour))
    # green, amber and red backgrounds (each with its words above)
    assert {(0xDC, 0xFA, 0xE6), (0xFE, 0xF0, 0xC7), (0xFE, 0xE4, 0xE2)} <= fills


# --- the diary ----------------------------------------------------------------------------------
def diary_column(data: bytes) -> list[str]:
    """The text of the diary's first column (row headers), top to bottom, over its pages."""
    lines: list[str] = []
    left, right = PAGE_MARGINS_MM[3] * MM, (PAGE_MARGINS_MM[3] + 46) * MM
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        started = False
        for page in pdf.pages:
            found = page.search("Week 1, starting")
            if not found:
                if started:
                    break
                continue
            started = True
            top = found[0]["bottom"] + 4 * MM  # below the week's day names
            bottom = page.height - PAGE_MARGINS_MM[2] * MM
            region = page.crop((left, top, right, bottom)).extract_text() or ""
            # the column's header ("What") repeats on each page the table runs onto
            lines += [line for line in region.splitlines() if line.strip() not in ("", "What")]
    return lines


def test_handout_diary_lists_exactly_the_plans_items_then_the_run_rows(busy):
    plan = plan_for(BUSY)
    expected = [
        i
        for i in plan.items
        if i.included
        and (i.kind == "exercise" or (i.kind in ("running", "cross_training") and i.days_per_week))
    ]
    assert [i.code for i in diary_items(plan)] == [i.code for i in expected]
    column = " ".join(diary_column(busy))
    parts = []
    for item in expected:
        title = "Quicker steps on easy runs" if item.code == "cadence" else item.title
        parts += [title, short_dose(item)]
    runs = ["Your run: km or minutes", "Pain during the run", "0 to 10", "Pain the next morning"]
    wanted = " ".join(p for p in parts if p)
    assert " ".join(column.split()).startswith(" ".join(wanted.split())), column
    for label in runs:
        assert label in column
    assert "Tick each box when you have done it" in words(busy)


def test_handout_diary_days_are_the_days_of_the_week_at_a_glance():
    """Found on the demo: the diary ticked runs on Tue/Thu/Sat while the week table put them on
    Mon/Wed/Fri (the diary chose its own days)."""
    runner = record(training={f"weekly_km_w{n}": 40 for n in range(1, 5)} | {"runs_per_week": 4})
    for rec in (runner, BUSY):
        plan = plan_for(rec)
        glance = {row["code"]: [bool(d) for d in row["days"]] for row in glance_rows(plan)}
        diary = diary_view(plan)
        assert diary is not None
        for row in diary["rows"]:
            if row["code"] in glance:
                assert row["days"] == glance[row["code"]], row["code"]
        if "running_week" in glance:
            assert diary["run_days"] == glance["running_week"]


def test_week_table_puts_the_step_rate_on_easy_run_days_and_cross_training_as_the_card_says():
    """MSK review: "Quicker steps on easy runs" was ticked on days without an easy run, and
    cross-training "2 days a week" showed on one day of the table."""
    steady = {f"weekly_km_w{n}": 40 for n in range(1, 5)} | {"runs_per_week": 4}
    form = {"cadence_spm": 160, "overstriding": "mild"}
    rows = {
        r["code"]: r["days"]
        for r in glance_rows(plan_for(record(training=steady, running_form=form)))
    }
    runs = rows["running_week"]
    assert any(rows["cadence"])
    for day, on in enumerate(rows["cadence"]):
        assert not on or (runs[day] and not runs[day]["long"]), day
    spike = {"weekly_km_w1": 45, "weekly_km_w2": 30, "weekly_km_w3": 30, "weekly_km_w4": 30}
    plan = plan_for(record(training=spike | {"runs_per_week": 5, "cross_training": ["cycling"]}))
    rows = {r["code"]: r["days"] for r in glance_rows(plan)}
    cross = plan.item("cross_training")
    assert sum(bool(d) for d in rows["cross_training"]) == cross.days_per_week == 2
    assert not any(rows["cross_training"][d] and rows["running_week"][d] for d in range(7))


def test_handout_diary_has_a_tick_box_on_each_planned_day_for_two_weeks(handout_app):
    plan = plan_for(BUSY)
    context = plan_context(document(BUSY))
    diary = context["diary"]
    planned_days = sum(sum(row["days"]) for row in diary["rows"])
    html = render_template("pdf/plan.html", **context, stylesheet="")
    table = html[html.index('<table class="diary">') :]
    table = table[: table.index("</table>")]
    assert table.count("☐") == 2 * planned_days
    assert table.count('scope="row"') == len(diary_items(plan)) + 3


def test_emergency_sheet_has_no_diary(rendered):
    assert "two-week diary" not in words(rendered("emergency"))


# --- compact: the demo plans --------------------------------------------------------------------
def test_demo_handouts_have_no_page_under_60_percent_but_the_last_and_median_at_most_7(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    from physio.services import plans as plan_service

    pages, under = [], []
    with app.app_context():
        for a in db.session.execute(
            db.select(Assessment).execution_options(skip_clinic_scope=True)
        ).scalars():
            fills = page_fill(plan_service.preview(a, "plan").data, PAGE_MARGINS_MM)
            pages.append(len(fills))
            under += [(a.id, n + 1, round(f, 2)) for n, f in enumerate(fills[:-1]) if f < 0.6]
    assert len(pages) >= 15
    assert under == []
    # Issue 13 asked for a median of 6 pages; with issue 10's running week and the diary the
    # demo's median is 7 (README "Handout pages"): held there so it doesn't grow further.
    assert statistics.median(pages) <= 7, pages


# --- drawings a patient can copy ----------------------------------------------------------------
def test_handout_draws_every_exercise_at_least_80_mm_wide(busy):
    names = tuple(ill.name for ill in ILLUSTRATIONS.values())
    with pikepdf.open(io.BytesIO(busy)) as pdf:
        figures = [e for e in struct_elements(pdf) if e.S == "/Figure"]
        drawn = [f for f in figures if str(f.get("/Alt", "")).startswith(names)]
        # 6 exercises and the walk–run ladder (its warm-up is brisk walking: no drills drawn)
        assert len(drawn) >= 7
        for figure in drawn:
            x1, _, x2, _ = (float(v) for v in figure.A.BBox)
            assert (x2 - x1) / MM >= 80, (str(figure.Alt)[:40], (x2 - x1) / MM)


def test_overlay_drawings_name_the_start_and_the_finish():
    for code, ill in ILLUSTRATIONS.items():
        svg = illustration_svg(code)
        if ill.style == "overlay":
            assert ">Start</text>" in svg and ">Finish</text>" in svg, code
    # the start pose is a visible mid grey, not a near-white ghost
    assert contrast(figures.TONES["start"]["body"], "#ffffff") >= 2


def test_side_plank_is_drawn_with_the_knees_bent_as_its_steps_say():
    assert "Bend your knees to start." in INTERVENTIONS["side_plank"].steps
    ill = ILLUSTRATIONS["side_plank"]
    for pose in (ill.start, ill.end):
        assert pose.near_leg.knee >= 45 and pose.far_leg.knee >= 45
        assert "far_knee" in pose.contacts  # resting on the knee, not the feet
    assert "pelvis" in ill.start.contacts and "pelvis" not in ill.end.contacts


def _distance_to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def test_bird_dog_reaching_arm_is_not_hidden_behind_the_head():
    fig = figures.figure(ILLUSTRATIONS["bird_dog"].end)
    p = fig.points
    head = p["head"]
    hand = p["far_hand"]
    assert hand[0] > head[0] + figures.HEAD_R  # it reaches past the head
    # the forearm and hand pass the head with most of their width showing
    for a, b in ((p["far_elbow"], p["far_wrist"]), (p["far_wrist"], hand)):
        assert _distance_to_segment(head, a, b) >= figures.HEAD_R, (a, b, head)


def _crosses(a, b, c, d) -> bool:
    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def test_knee_to_chest_arms_hold_the_knee_without_crossing_the_thigh():
    fig = figures.figure(ILLUSTRATIONS["knee_to_chest"].end)
    p = fig.points
    thigh = (p["pelvis"], p["near_knee"])
    for side in ("near", "far"):
        arm = (p["shoulder"], p[f"{side}_elbow"], p[f"{side}_wrist"])
        for a, b in itertools.pairwise(arm):
            assert not _crosses(a, b, *thigh), side
        wrist, knee = p[f"{side}_wrist"], p["near_knee"]
        assert ((wrist[0] - knee[0]) ** 2 + (wrist[1] - knee[1]) ** 2) ** 0.5 < 8  # holds it


def test_the_easier_version_the_text_names_is_drawn(busy):
    text = words(busy)
    assert "Go back to the two-leg bridge." in text
    assert "If it is too hard: the two-leg bridge" in text
    with pikepdf.open(io.BytesIO(busy)) as pdf:
        alts = [str(e.get("/Alt", "")) for e in struct_elements(pdf) if e.S == "/Figure"]
    assert any(a.startswith("If it is too hard: the two-leg bridge. Start lying") for a in alts)
    # the positions the plank and side plank text names: on the knees, legs straight
    assert any(a.startswith("If it is too hard: on your knees. Start lying") for a in alts)
    assert any(a.startswith("When it gets easy: straight legs. Start lying") for a in alts)


def test_variant_thumbnails_have_no_text_to_shrink_below_print_size():
    for variants in VARIANTS.values():
        for _which, code, _name in variants:
            assert "<text" not in thumbnail_svg(code), code
