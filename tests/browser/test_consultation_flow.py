"""A consultation driven through a real Chromium on a 768×1024 tablet viewport.

Each test goes through the pages as a physio would (forms, buttons, the autosave script) and
checks what matters clinically on the page, in the database or in the exported PDF.
Screenshots of every step go to artifacts/<sqlite|postgresql>/<test>/.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from physio.models import Status
from tests.browser.helpers import (
    answer_all_red_flags_no,
    by_name,
    choice,
    field_box,
    fill_signable_minimum,
    log_in,
    open_new_initial,
    pdf_text,
    save_draft,
    sign,
    stored,
    submit,
)

pytestmark = pytest.mark.browser

FIRST, LAST = "Aoife", "Kelly"
SAVED_AT = re.compile(r"^Saved \d{1,2}:\d{2}")


# --- a)–d): login → patient → initial assessment → sign → plan → PDF → patient link ------------

# Typed on the form in b): valid values in several sections (text, numbers, radios, checkboxes).
TEXT_VALUES = {
    "history-presenting_complaint": "Low back pain after long runs, worse downhill",
    "history-occupation": "Secondary school teacher",
    "history-patient_goals": "Run the Dublin half marathon pain-free",
    "pain-nprs_now": "4",
    "pain-nprs_worst_24h": "6",
    "outcomes-psfs-0-activity": "Run 10 km",
    "outcomes-psfs-0-score": "3",
    "training-runs_per_week": "3",
    "training-weekly_km_w1": "25",
    "training-weekly_km_w2": "24",
    "training-weekly_km_w3": "22",
    "training-weekly_km_w4": "23",
    "running_form-cadence_spm": "160",
    "footwear-shoe_model": "Pegasus 40",
    "physical-side_plank_left_s": "25",
    "physical-side_plank_right_s": "48",
    "impression-summary": "Steady weeks; overstriding; short right hip flexor.",
    "impression-review_in_weeks": "4",
}
CHOICES = [
    ("history-onset_mode", "gradual"),
    ("pain-location", "central_lumbar"),
    ("pain-location", "buttock_left"),
    ("pain-aggravating", "running_downhill"),
    ("pain-aggravating", "sitting"),
    ("outcomes-rmdq_3", "y"),
    ("training-runner_level", "regular"),
    ("running_form-overstriding", "mild"),
    ("footwear-shoe_category", "neutral"),
    ("physical-thomas_left", "negative"),
    ("physical-thomas_right", "hip_flexor_short"),
    ("impression-working_diagnosis", "non_specific_lbp"),
]
INVALID = {
    "pain-nprs_best_24h": ("9", "Best pain (9) can't be higher than worst pain (6)."),
    "footwear-shoe_km": ("99999", "Enter a whole number from 0 to 5000 km."),
}


def test_initial_consultation_from_login_to_patient_link(
    page: Page, live_server, account, browser, shot
):
    # a) log in through the form, create a patient through the form, start an assessment
    page.goto(live_server("/patients/"))
    expect(page).to_have_url(re.compile(r"/login"))  # not logged in yet
    shot(page, "login-page")
    log_in(page, live_server, account)
    expect(page.locator(".who")).to_contain_text("Sam Patel · Riverside Physio")

    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill(FIRST)
    page.get_by_label("Last name").fill(LAST)
    page.get_by_label("Date of birth").fill("1988-04-12")
    page.get_by_label("Female").check()
    page.get_by_label("Clinic reference").fill("RK-0042")
    page.get_by_label("Consents to assessment and treatment").check()
    shot(page, "new-patient-form")
    submit(page, page.get_by_role("button", name="Save"))
    page.wait_for_url(re.compile(r"/patients/\d+$"))
    patient_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{FIRST} {LAST}")
    expect(page.locator(".details")).to_contain_text("RK-0042")
    expect(page.locator(".details")).to_contain_text("Yes, recorded")  # treatment consent
    expect(page.locator("#assessments")).to_contain_text("No assessments yet.")
    shot(page, "patient-page")

    # the new patient is found by the search
    page.goto(live_server("/patients/?q=Kelly"))
    page.get_by_role("link", name=re.compile(f"{LAST}")).first.click()
    expect(page).to_have_url(live_server(f"/patients/{patient_id}"))

    aid = open_new_initial(page, live_server, patient_id)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Initial assessment")
    expect(page.locator(".crumbs")).to_contain_text(f"{FIRST} {LAST}")
    shot(page, "empty-assessment", full_page=False)

    # b) two invalid values among many valid ones → both messages at their fields, typing kept
    onset = (date.today() - timedelta(days=60)).isoformat()
    by_name(page, "history-onset_date").fill(onset)
    for name, value in TEXT_VALUES.items():
        by_name(page, name).fill(value)
    for name, value in CHOICES:
        choice(page, name, value).check()
    for name, (bad, _) in INVALID.items():
        by_name(page, name).fill(bad)
    save_draft(page)

    expect(page.locator("#form-errors")).to_contain_text("Not saved from this page")
    for name, (bad, message) in INVALID.items():
        box = field_box(page, name)
        expect(box).to_have_class(re.compile(r"\bhas-error\b"))
        expect(box.locator("p.error")).to_have_text(message)
        expect(by_name(page, name)).to_have_value(bad)
        expect(by_name(page, name)).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field.has-error")).to_have_count(2)  # nothing else is marked
    for name, value in TEXT_VALUES.items():
        expect(by_name(page, name)).to_have_value(value)
    for name, value in CHOICES:
        expect(choice(page, name, value)).to_be_checked()
    expect(by_name(page, "history-onset_date")).to_have_value(onset)
    record, _, _ = stored(live_server, aid)
    # The invalid values are never written; the valid ones were autosaved as typed (issue 12).
    assert record["footwear"]["shoe_km"] is None and record["pain"]["nprs_best_24h"] is None
    assert record["history"]["presenting_complaint"] == TEXT_VALUES["history-presenting_complaint"]
    field_box(page, "pain-nprs_best_24h").scroll_into_view_if_needed()
    shot(page, "two-errors-pain", full_page=False)
    field_box(page, "footwear-shoe_km").scroll_into_view_if_needed()
    shot(page, "two-errors-footwear", full_page=False)
    shot(page, "two-errors-full")

    by_name(page, "pain-nprs_best_24h").fill("2")
    by_name(page, "footwear-shoe_km").fill("950")
    save_draft(page)
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    expect(page.locator(".field.has-error")).to_have_count(0)
    expect(by_name(page, "footwear-shoe_km")).to_have_value("950")
    expect(by_name(page, "pain-nprs_best_24h")).to_have_value("2")
    record, status, autosave = stored(live_server, aid)
    assert status == Status.DRAFT and autosave is None
    assert record["footwear"]["shoe_km"] == 950 and record["pain"]["nprs_best_24h"] == 2
    assert record["footwear"]["shoe_model"] == "Pegasus 40"
    assert record["pain"]["location"] == ["central_lumbar", "buttock_left"]
    assert record["outcomes"]["psfs"][0] == {"activity": "Run 10 km", "score": 3}
    # the live panel shows the server's figures for what was saved
    expect(page.locator("#live-panel")).to_contain_text("Side plank L/R asymmetry")
    shot(page, "draft-saved", full_page=False)

    # c) every red flag "No", sign with the password → read-only, signed
    n_flags = answer_all_red_flags_no(page)
    assert n_flags >= 20
    expect(page.locator("#tier-banner")).to_contain_text("No red flag answered yes.")
    expect(page.locator("#tier-banner")).not_to_contain_text("still to answer")  # via autosave
    save_draft(page)
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    page.locator("#sec-red_flags").scroll_into_view_if_needed()
    shot(page, "red-flags-all-no", full_page=False)

    sign(page, "not-my-password")  # a wrong password is refused
    expect(page.locator("#sign-problems")).to_contain_text("Your password is not right.")
    assert stored(live_server, aid)[1] == Status.DRAFT
    sign(page, account.password)
    expect(page).to_have_url(live_server(f"/assessments/{aid}"))
    expect(page.locator(".flash-success")).to_contain_text("Assessment signed.")
    expect(page.locator("h1 .badge-signed")).to_have_text("Signed")
    expect(page.locator(".record-meta")).to_contain_text("by Sam Patel (PH123456)")
    expect(page.locator('[data-field="footwear-shoe_model"] dd')).to_contain_text("Pegasus 40")
    expect(page.locator('[data-field="footwear-shoe_km"] dd')).to_contain_text("950")
    expect(page.locator("input[name^='pain-'], textarea[name^='history-']")).to_have_count(0)
    expect(page.get_by_role("link", name="Continue editing")).to_have_count(0)
    assert stored(live_server, aid)[1] == Status.SIGNED
    shot(page, "signed-view")
    # the edit URL now leads to the read-only view
    page.goto(live_server(f"/assessments/{aid}/edit"))
    expect(page).to_have_url(live_server(f"/assessments/{aid}"))

    # d) the plan: exclude an exercise, change a dose, add from the library, save
    page.get_by_role("link", name="Treatment plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Treatment plan")
    rows = page.locator("tr[data-code]")
    codes = [rows.nth(i).get_attribute("data-code") for i in range(rows.count())]
    assert {"shoe_replace", "cadence", "hip_flexor_stretch", "side_plank", "plank"} <= set(codes)
    expect(page.locator('tr[data-code="shoe_replace"]')).to_contain_text("950")
    expect(page.locator('tr[data-code="cadence"]')).to_contain_text("168")
    shot(page, "plan-derived")

    plank = page.locator('tr[data-code="plank"]')
    side_plank = page.locator('tr[data-code="side_plank"]')
    plank.locator('input[name$="-included"]').uncheck()
    side_plank.locator('input[name$="-sets"]').fill("3")
    side_plank.locator('textarea[name$="-physio_note"]').fill("Left side first, knees bent")
    page.get_by_label("Add from the library").select_option("glute_bridge")
    submit(page, page.locator("#plan-save-top"))
    expect(page.locator(".flash-success")).to_have_text("Plan saved.")
    expect(plank).to_have_class(re.compile(r"\bexcluded\b"))
    expect(plank.locator('input[name$="-included"]')).not_to_be_checked()
    expect(side_plank.locator('input[name$="-sets"]')).to_have_value("3")
    expect(side_plank.locator('textarea[name$="-physio_note"]')).to_have_value(
        "Left side first, knees bent"
    )
    bridge = page.locator('tr[data-code="glute_bridge"]')
    expect(bridge).to_contain_text("added by physio")
    expect(bridge.locator('input[name$="-included"]')).to_be_checked()
    expect(page.locator('#add_code option[value="glute_bridge"]')).to_have_count(0)
    shot(page, "plan-edited")

    # export: the button stores a version; the PDF is served as application/pdf
    with page.expect_response(lambda r: r.url.endswith("/plan/export")) as export:
        page.get_by_role("button", name="Export PDF").click()
    assert export.value.status == 302
    page.wait_for_url(live_server(f"/assessments/{aid}/plan.pdf"))  # Chromium's PDF viewer
    response = page.request.get(live_server(f"/assessments/{aid}/plan.pdf"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert f"{FIRST} {LAST}" in text or (FIRST in text and LAST in text)
    assert "950" in text and "168" in text
    assert "Left side first, knees bent" in text
    page.goto(live_server(f"/assessments/{aid}/plan"))
    expect(page.locator("#exports")).to_contain_text("Plan v1")
    expect(page.locator("#exports")).to_contain_text("by Sam Patel")

    # share: a patient link shown once (copy button, QR code), opened without any login
    submit(page, page.get_by_role("button", name="Create patient link"))
    expect(page.locator("#new-link")).to_contain_text("Plan link for the patient")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    expect(page.locator("#new-link svg.qr")).to_be_visible()
    link = page.locator("#new-link-url").input_value()
    assert link.startswith(live_server.url + "/p/")
    expect(page.locator("#share table")).to_contain_text("Active")
    shot(page, "plan-exported-and-shared")

    stranger = browser.new_context()
    try:
        phone_page = stranger.request.get(link)
        assert phone_page.status == 200 and "Your treatment plan" in phone_page.text()
        anonymous = stranger.request.get(link + "/plan.pdf")
        assert anonymous.status == 200
        assert anonymous.headers["content-type"] == "application/pdf"
        assert anonymous.body().startswith(b"%PDF")
        assert anonymous.body() == body  # the stored version, not a re-render
        # the same context is not logged in: the staff URL sends it to the login page
        staff = stranger.request.get(live_server(f"/assessments/{aid}/plan.pdf"))
        assert "/login" in staff.url and not staff.body().startswith(b"%PDF")
    finally:
        stranger.close()


# --- e) red flag: cauda equina "yes" → tier E, decision needed, emergency referral plan ---------


def test_cauda_equina_yes_needs_a_decision_and_gives_an_emergency_plan(
    page: Page, live_server, account, shot
):
    patient = live_server.make.patient(account.user, first_name="Tom", last_name="Byrne")
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    fill_signable_minimum(page)
    answer_all_red_flags_no(page)
    choice(page, "red_flags-ces_saddle", "yes").check()

    # the live panel and the chip follow the autosave (server-side rules, no reload)
    chip = page.locator("#tier-chip")
    expect(chip).to_have_text("Red flags: E", timeout=15_000)
    expect(chip).to_have_class(re.compile(r"\btier-E\b"))
    banner = page.locator("#tier-banner")
    expect(banner).to_have_class(re.compile(r"\btier-E\b"))
    expect(banner).to_contain_text("Red flags: E — emergency.")
    expect(banner).to_contain_text("Record the decision below before signing.")
    expect(page.locator("#save-status")).to_have_text(SAVED_AT)
    banner.scroll_into_view_if_needed()  # at 768 px the live panel sits above the form
    shot(page, "tier-E-banner", full_page=False)
    page.locator("#sec-red_flags").scroll_into_view_if_needed()
    shot(page, "tier-E-red-flags", full_page=False)
    assert stored(live_server, aid)[0]["red_flags"]["ces_saddle"] == "yes"  # autosaved

    save_draft(page)
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    sign(page, account.password)
    problems = page.locator("#sign-problems")
    expect(problems).to_contain_text("Not signed. Still needed:")
    expect(problems).to_contain_text("Record the decision for this emergency (E) red-flag tier.")
    expect(problems).to_contain_text("Confirm that safety-net advice was given")
    expect(field_box(page, "red_flags-decision").locator(".error")).to_contain_text(
        "Record the decision"
    )
    assert stored(live_server, aid)[1] == Status.DRAFT
    shot(page, "sign-refused-decision-missing", full_page=False)
    field_box(page, "red_flags-decision").scroll_into_view_if_needed()
    shot(page, "sign-refused-at-decision", full_page=False)

    choice(page, "red_flags-decision", "referred_emergency").check()
    by_name(page, "red_flags-referred_to").fill("Royal Infirmary emergency department")
    by_name(page, "red_flags-safety_net_given").check()
    save_draft(page)
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    sign(page, account.password)
    expect(page).to_have_url(live_server(f"/assessments/{aid}"))
    expect(page.locator("h1 .badge-signed")).to_have_text("Signed")
    expect(page.locator("#computed .tier-E")).to_contain_text("emergency")
    expect(page.locator('[data-field="red_flags-referred_to"] dd')).to_contain_text(
        "Royal Infirmary emergency department"
    )
    shot(page, "signed-emergency")

    page.get_by_role("link", name="Treatment plan").click()
    expect(page.locator(".tier.tier-E")).to_contain_text("Emergency referral.")
    expect(page.locator('tr[data-code="referral_emergency"]')).to_contain_text(
        "Go to the hospital you have been referred to, now"
    )
    for kind in ("exercise", "running", "load", "cross_training"):
        expect(page.locator(f"tr.kind-{kind}")).to_have_count(0)
    expect(page.locator("#add_code")).to_have_count(0)  # nothing can be added
    expect(
        page.get_by_role("button", name="Export ED letter")
    ).to_be_visible()  # tier E: to the emergency department
    shot(page, "emergency-plan")

    # the emergency referral can't be left out of the patient's sheet: its box is fixed on
    referral = page.locator('tr[data-code="referral_emergency"]')
    box = referral.locator('input[type="checkbox"]')
    expect(box).to_be_checked()
    expect(box).to_be_disabled()
    submit(page, page.locator("#plan-save-top"))
    expect(page.locator(".flash").first).to_have_text("Plan saved.")
    expect(referral.locator('input[type="checkbox"]')).to_be_checked()


# --- f) autosave -------------------------------------------------------------------------------


def test_autosave_keeps_typing_across_a_reload_without_submitting(
    page: Page, live_server, account, shot
):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)

    by_name(page, "footwear-shoe_model").fill("Clifton 9")
    by_name(page, "history-presenting_complaint").fill("Stiff after parkrun")
    status = page.locator("#save-status")
    expect(status).to_have_text(SAVED_AT, timeout=15_000)
    expect(status).to_have_class("ok-text")
    shot(page, "autosaved", full_page=False)
    record, _, autosave = stored(live_server, aid)
    assert record["footwear"]["shoe_model"] == "Clifton 9" and autosave is None

    page.reload()
    expect(by_name(page, "footwear-shoe_model")).to_have_value("Clifton 9")
    expect(by_name(page, "history-presenting_complaint")).to_have_value("Stiff after parkrun")
    expect(page.locator("#restored")).to_have_count(0)  # it was saved, not set aside
    shot(page, "after-reload", full_page=False)


def test_autosave_sets_invalid_typing_aside_and_restores_it_after_reload(
    page: Page, live_server, account, shot
):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)

    by_name(page, "footwear-shoe_model").fill("Pegasus 40")
    by_name(page, "running_form-cadence_spm").fill("999")
    status = page.locator("#save-status")
    expect(status).to_contain_text("except 1 value(s) to correct", timeout=15_000)
    expect(page.locator("#invalid-list a")).to_have_text(
        "Running form (easy pace) · Cadence (steps/min)"
    )
    expect(status).to_have_class("warn-text")
    cadence_box = field_box(page, "running_form-cadence_spm")
    expect(cadence_box.locator("p.error")).to_have_text(
        "Enter a whole number from 120 to 230 steps/min."
    )
    cadence_box.scroll_into_view_if_needed()
    shot(page, "invalid-typing-kept", full_page=False)
    record, _, autosave = stored(live_server, aid)
    assert record["running_form"]["cadence_spm"] is None  # the invalid value is not written
    assert record["footwear"]["shoe_model"] == "Pegasus 40"  # the valid one is (issue 12)
    assert autosave["running_form-cadence_spm"] == ["999"]

    page.reload()
    expect(page.locator("#restored")).to_contain_text("Restored your unsaved typing")
    expect(by_name(page, "running_form-cadence_spm")).to_have_value("999")
    expect(by_name(page, "footwear-shoe_model")).to_have_value("Pegasus 40")
    expect(cadence_box.locator("p.error")).to_contain_text("Enter a whole number from 120 to 230")
    shot(page, "restored-after-reload", full_page=False)

    by_name(page, "running_form-cadence_spm").fill("172")
    save_draft(page)
    expect(page.locator(".flash-success")).to_have_text("Draft saved.")
    expect(page.locator("#restored")).to_have_count(0)
    record, _, autosave = stored(live_server, aid)
    assert record["running_form"]["cadence_spm"] == 172 and autosave is None
    assert record["footwear"]["shoe_model"] == "Pegasus 40"
