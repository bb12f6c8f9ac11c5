"""How many taps and typed fields a consultation costs, counted in a real Chromium (768×1024).

Three scenarios, each as a physio would do it on a tablet:

1. **initial**: the canonical initial assessment of the runner in the tests (right hip flexor
   short on the Thomas test, 950 km on the shoes, mild overstriding, every red flag "no"),
   from "New initial assessment" to the signature;
2. **review**: a review of the same runner, unchanged, two weeks later: re-measure what must be
   re-measured (pain scores, questionnaires, the weeks of running not known yet), confirm the
   rest, ask the red flags again, sign;
3. **cauda equina**: a new patient who answers "yes" to new bladder dysfunction: from ticking
   that item to the emergency referral PDF.

Counting: one **tap** per click on a button, chip, checkbox or link, plus the tap that puts the
cursor in a field when it is not already there; one **typed field** per value typed. The
keyboard's Next key (Enter) moves to the next field where the page supports it
(`data-enter-next` on the form); a field that already has the cursor costs no tap. The script
uses a shortcut only when the page offers it (feature detection), so the same script measures
the old and the new page: run it in a checkout of an older commit to get the "before" figures.

    .venv/bin/python scripts/interactions.py [--screenshots DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "bench-password-2026"
EMAIL = "bench@physio.example"


@dataclass
class Counter:
    page: object
    enter_next: bool = False
    taps: int = 0
    typed: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.taps + self.typed

    def tap(self, locator, what: str = "") -> None:
        locator.first.click()
        self.taps += 1
        self.log.append(f"tap {what}")

    def check(self, locator, what: str = "") -> None:
        """A chip or checkbox; nothing to do when it is already as wanted."""
        box = locator.first
        if box.is_checked():
            return
        box.check()
        self.taps += 1
        self.log.append(f"tick {what}")

    def type(self, locator, value: str, what: str = "") -> None:
        box = locator.first
        if box.input_value() == value:
            return
        focused = box.evaluate("el => el === document.activeElement")
        if not focused:
            box.click()
            self.taps += 1
        box.fill(value)
        self.typed += 1
        self.log.append(f"type {what}={value}")
        if self.enter_next and box.evaluate("el => el.tagName") != "TEXTAREA":
            box.press("Enter")  # the keyboard's Next key


def by_name(page, name: str):
    return page.locator(f'[name="{name}"]')


def choice(page, name: str, value: str):
    return page.locator(f'input[name="{name}"][value="{value}"]')


# --- the canonical runner ---------------------------------------------------------------------

# Typed values, section by section, in the order of the form.
TYPED = {
    "history": [
        ("presenting_complaint", "Low back pain after long runs, worse downhill"),
        ("onset_date", "ONSET"),
        ("previous_episodes", "2"),
        ("occupation", "Secondary school teacher"),
        ("patient_goals", "Run the Dublin half marathon pain-free"),
    ],
    "pain": [
        ("nprs_now", "4"),
        ("nprs_best_24h", "2"),
        ("nprs_worst_24h", "6"),
        ("nprs_during_run", "4"),
        ("nprs_next_morning", "3"),
    ],
    "outcomes": [
        ("psfs-0-activity", "Run 10 km"),
        ("psfs-0-score", "3"),
        ("psfs-1-activity", "Sit through a school day"),
        ("psfs-1-score", "6"),
    ],
    "training": [
        ("experience_years", "6"),
        ("weekly_km_w1", "30"),
        ("weekly_km_w2", "25"),
        ("weekly_km_w3", "20"),
        ("weekly_km_w4", "20"),
        ("runs_per_week", "3"),
        ("longest_run_km", "12"),
        ("strength_sessions_per_week", "1"),
    ],
    "running_form": [("cadence_spm", "160"), ("speed_kmh", "11")],
    "footwear": [
        ("shoe_model", "Pegasus 40"),
        ("shoe_km", "950"),
        ("shoe_age_months", "10"),
        ("heel_drop_mm", "10"),
        ("comfort", "7"),
    ],
    "physical": [
        ("slr_left_deg", "70"),
        ("slr_right_deg", "75"),
        ("plank_s", "90"),
        ("side_plank_left_s", "25"),
        ("side_plank_right_s", "48"),
        ("sorensen_s", "120"),
        ("flexor_endurance_s", "100"),
        ("single_leg_bridge_left_reps", "15"),
        ("single_leg_bridge_right_reps", "18"),
        ("single_leg_squat_left", "2"),
        ("single_leg_squat_right", "3"),
        ("hip_abductor_left_nmkg", "1.6"),
        ("hip_abductor_right_nmkg", "1.7"),
    ],
    "impression": [
        ("summary", "Load spike over three weeks; short right hip flexor; worn shoes."),
        ("review_in_weeks", "4"),
    ],
}
# Chips and boxes, section by section. The "normal" ones may be covered by a section's
# "all normal" tap when the page has one.
CHOSEN = {
    "history": [("onset_mode", "gradual")],
    "pain": [
        ("location", "central_lumbar"),
        ("location", "buttock_left"),
        ("pattern_24h", "intermittent"),
        ("aggravating", "running_downhill"),
        ("aggravating", "sitting"),
        ("easing", "movement"),
        ("onset_in_run", "during_run"),
        ("irritability", "moderate"),
    ],
    "outcomes": [("rmdq_3", "y"), ("rmdq_5", "y"), ("rmdq_11", "y")],
    "training": [
        ("runner_level", "regular"),
        ("recent_changes", "volume_up"),
        ("surface", "road"),
        ("surface", "trail"),
        ("terrain", "rolling"),
    ],
    "running_form": [
        ("overstriding", "mild"),
        ("trunk_lean", "upright"),
        ("thoracic_posture", "neutral"),
        ("pelvic_drop_left", "none"),
        ("pelvic_drop_right", "none"),
        ("foot_strike", "rearfoot"),
        ("arm_swing", "normal"),
    ],
    "footwear": [
        ("shoe_category", "neutral"),
        ("wear_pattern", "even"),
        ("midsole_creased", "y"),
        ("orthotics", "none"),
    ],
    "physical": [
        ("thomas_left", "negative"),
        ("thomas_right", "hip_flexor_short"),
        ("neuro_deficit", "none"),
    ],
    "yellow_flags": [("present", "race_pressure")],
    "impression": [("working_diagnosis", "non_specific_lbp")],
}
SECTION_ORDER = [
    "history",
    "pain",
    "outcomes",
    "training",
    "running_form",
    "footwear",
    "physical",
    "red_flags",
    "yellow_flags",
    "impression",
]
# Re-measured at a review (the rest of an unchanged patient is confirmed, not re-typed).
REMEASURED_TYPED = {
    "pain": ["nprs_now", "nprs_best_24h", "nprs_worst_24h", "nprs_during_run", "nprs_next_morning"],
    "outcomes": ["psfs-0-score", "psfs-1-score"],
    "training": ["weekly_km_w1", "weekly_km_w2", "weekly_km_w3", "weekly_km_w4"],
}


def fill_section_typed(c: Counter, section: str, values, onset: str) -> None:
    for name, value in values:
        value = onset if value == "ONSET" else value
        c.type(by_name(c.page, f"{section}-{name}"), value, f"{section}-{name}")


def answer_red_flags_no(c: Counter) -> None:
    page = c.page
    groups = page.locator("[data-none-of-these]")
    if groups.count():
        for i in range(groups.count()):
            c.tap(groups.nth(i), "none of these")
        return
    radios = page.locator('.field.tri input[type="radio"][value="no"]')
    for i in range(radios.count()):
        c.check(radios.nth(i), "red flag no")


def fill_chips(c: Counter, section: str, chosen) -> None:
    """The findings first; where the section has "All normal", one tap answers the normal
    observations left (and the section folds)."""
    page = c.page
    normal_button = page.locator(f'[data-all-normal="{section}"]')
    normal = {}
    if normal_button.count():
        normal = json.loads(page.locator(f"#sec-{section}").get_attribute("data-normal"))
    for name, value in chosen:
        if normal.get(name) != value:
            c.check(choice(page, f"{section}-{name}", value), f"{section}-{name}={value}")
    if normal:
        c.tap(normal_button, f"{section}: all normal")


def page_height(page) -> int:
    return page.evaluate("() => document.documentElement.scrollHeight")


def settle(page) -> None:
    page.wait_for_timeout(2000)  # the autosave's quiet period, so the page shows its answer
    page.wait_for_load_state("networkidle")


def sign(c: Counter) -> None:
    page = c.page
    c.type(page.locator("#sign-password"), PASSWORD, "password")
    if c.enter_next:
        pass  # Enter in the password box signs
    else:
        with page.expect_navigation():
            c.tap(page.locator("#sign-button"), "sign")
    page.wait_for_url(re.compile(r"/assessments/\d+(/plan)?$"))


def initial_assessment(page, base: str, patient_id: int, seen: datetime, shots) -> dict:
    page.goto(f"{base}/patients/{patient_id}")
    c = Counter(page)
    with page.expect_navigation():
        c.tap(page.get_by_role("button", name="New initial assessment"), "new initial")
    c.enter_next = page.locator("#assessment-form[data-enter-next]").count() > 0
    empty_height = page_height(page)
    # Not counted: the visit was two weeks ago, so the review below has weeks to shift.
    by_name(page, "seen_at").fill(seen.strftime("%Y-%m-%dT%H:%M"))
    onset = (seen.date() - timedelta(days=60)).isoformat()
    for section in SECTION_ORDER:
        if section == "red_flags":
            answer_red_flags_no(c)
            continue
        fill_section_typed(c, section, TYPED.get(section, []), onset)
        fill_chips(c, section, CHOSEN.get(section, []))
    settle(page)
    filled_height = page_height(page)
    shots("initial-filled", page)
    sign(c)
    if "/edit" in page.url or page.locator("#sign-problems").count():
        raise SystemExit("initial assessment was not signed: " + page.inner_text("main")[:800])
    return {
        "taps": c.taps,
        "typed": c.typed,
        "total": c.total,
        "height_empty_px": empty_height,
        "height_filled_px": filled_height,
    }


def review_assessment(page, base: str, patient_id: int, shots) -> dict:
    page.goto(f"{base}/patients/{patient_id}")
    c = Counter(page)
    with page.expect_navigation():
        c.tap(page.get_by_role("button", name=re.compile("^New review")), "new review")
    c.enter_next = page.locator("#assessment-form[data-enter-next]").count() > 0
    start_height = page_height(page)
    shots("review-start", page)
    initial_values = {s: dict(v) for s, v in TYPED.items()}
    for section in SECTION_ORDER:
        if section == "red_flags":
            answer_red_flags_no(c)
            continue
        same = page.locator(f'[data-same-as-last="{section}"]')
        remeasured = REMEASURED_TYPED.get(section, [])
        for name in remeasured:
            box = by_name(page, f"{section}-{name}")
            if box.input_value() == "":
                c.type(box, initial_values[section][name], f"{section}-{name}")
        estimate = page.locator(f'[data-use-estimate^="{section}-"]')
        if estimate.count():
            c.tap(estimate, "use estimate")
        if same.count() and same.first.is_visible():
            c.tap(same, f"{section}: same as last visit")
        # Questionnaire ticks describe today: they are asked again either way.
        if section == "outcomes":
            for name, value in CHOSEN["outcomes"]:
                c.check(choice(page, f"outcomes-{name}", value), name)
    settle(page)
    shots("review-filled", page)
    filled_height = page_height(page)
    sign(c)
    if "/edit" in page.url or page.locator("#sign-problems").count():
        raise SystemExit("review was not signed: " + page.inner_text("main")[:800])
    return {
        "taps": c.taps,
        "typed": c.typed,
        "total": c.total,
        "height_empty_px": start_height,
        "height_filled_px": filled_height,
    }


def cauda_equina(page, base: str, patient_id: int, shots) -> dict:
    page.goto(f"{base}/patients/{patient_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="New initial assessment").click()  # not counted
    c = Counter(page)
    c.enter_next = page.locator("#assessment-form[data-enter-next]").count() > 0
    choice(page, "red_flags-ces_bladder", "yes").scroll_into_view_if_needed()
    c.check(choice(page, "red_flags-ces_bladder", "yes"), "ces_bladder yes")
    answer_red_flags_no(c)
    # Decision: at the flags when the page puts it there, else further down.
    c.check(choice(page, "red_flags-decision", "referred_emergency"), "decision")
    c.type(by_name(page, "red_flags-referred_to"), "St Vincent's emergency department", "to")
    c.check(by_name(page, "red_flags-safety_net_given"), "safety net")
    c.type(
        by_name(page, "history-presenting_complaint"),
        "Low back pain; new difficulty passing urine since yesterday",
        "complaint",
    )
    emergency_path = page.locator("[data-emergency-sign]").count() > 0
    if not emergency_path:
        # Everything an ordinary signature needs.
        for name, value in (("nprs_now", "6"), ("nprs_best_24h", "4"), ("nprs_worst_24h", "8")):
            c.type(by_name(page, f"pain-{name}"), value, name)
        c.check(choice(page, "pain-location", "central_lumbar"), "location")
        c.check(choice(page, "impression-working_diagnosis", "serious_pathology_suspected"), "dx")
        c.type(by_name(page, "impression-review_in_weeks"), "1", "review")
    settle(page)
    shots("ces-before-sign", page)
    sign(c)
    if "/edit" in page.url or page.locator("#sign-problems").count():
        raise SystemExit("emergency assessment was not signed: " + page.inner_text("main")[:800])
    both = page.locator("[data-export-referral]")
    if both.count():
        with page.expect_navigation():
            c.tap(both, "export referral sheet and letter")
    else:
        if "/plan" not in page.url:
            with page.expect_navigation():
                c.tap(page.get_by_role("link", name="Treatment plan"), "plan")
        with page.expect_navigation():
            c.tap(page.get_by_role("button", name="Export PDF"), "export")
    shots("ces-after-export", page)
    aid = re.search(r"/assessments/(\d+)", page.url).group(1)
    pdf = page.request.get(f"{base}/assessments/{aid}/plan.pdf")
    if pdf.status != 200 or not pdf.body().startswith(b"%PDF"):
        raise SystemExit("no referral PDF")
    return {"taps": c.taps, "typed": c.typed, "total": c.total}


# --- the server -------------------------------------------------------------------------------


def start_server(tmp: Path):
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from config import TestingConfig
    from physio.app import create_app
    from physio.extensions import db
    from physio.models import Clinic, Patient, Role, User
    from physio.security import hash_password

    app = create_app(
        TestingConfig,
        WTF_CSRF_ENABLED=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.sqlite'}",
    )
    with app.app_context():
        upgrade()
        clinic = Clinic(name="Bench Physio")
        db.session.add(clinic)
        db.session.flush()
        user = User(
            clinic_id=clinic.id,
            name="Sam Bench",
            email=EMAIL,
            password_hash=hash_password(PASSWORD),
            role=Role("physio"),
            registration="PH000001",
            active=True,
        )
        db.session.add(user)
        db.session.flush()
        ids = []
        for first, last in (("Aoife", "Kelly"), ("Tom", "Byrne")):
            p = Patient(
                clinic_id=clinic.id,
                created_by_id=user.id,
                first_name=first,
                last_name=last,
                date_of_birth=date(1988, 4, 12),
                sex="female",
            )
            db.session.add(p)
            db.session.flush()
            ids.append(p.id)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}", ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshots", help="folder for a screenshot of each step")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    shot_dir = Path(args.screenshots) if args.screenshots else None
    if shot_dir:
        shot_dir.mkdir(parents=True, exist_ok=True)

    def shots(name, page):
        if shot_dir:
            page.screenshot(path=str(shot_dir / f"{name}.png"), full_page=True)

    with tempfile.TemporaryDirectory() as tmp:
        server, thread, base, (runner_id, ces_id) = start_server(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    viewport={"width": 768, "height": 1024}, locale="en-GB"
                )
                context.set_default_timeout(20_000)
                page = context.new_page()
                page.goto(f"{base}/login")
                page.get_by_label("Email").fill(EMAIL)
                page.get_by_label("Password").fill(PASSWORD)
                with page.expect_navigation():
                    page.get_by_role("button", name="Log in").click()
                seen = datetime.now().replace(second=0, microsecond=0) - timedelta(days=14)
                results = {
                    "initial": initial_assessment(page, base, runner_id, seen, shots),
                    "review": review_assessment(page, base, runner_id, shots),
                    "cauda_equina_to_pdf": cauda_equina(page, base, ces_id, shots),
                }
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
    targets = {"initial": 90, "review": 50, "cauda_equina_to_pdf": 20}
    print(f"{'scenario':<22} {'taps':>5} {'typed':>6} {'total':>6} {'target':>7}  page height")
    for name, r in results.items():
        height = (
            f"{r['height_empty_px']} px empty, {r['height_filled_px']} px filled"
            if "height_empty_px" in r
            else ""
        )
        met = "yes" if r["total"] <= targets[name] else "no"
        print(
            f"{name:<22} {r['taps']:>5} {r['typed']:>6} {r['total']:>6} "
            f"{'≤ ' + str(targets[name]):>7} {met:>3}  {height}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
