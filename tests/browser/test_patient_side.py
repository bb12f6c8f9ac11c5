"""The patient's side in a real browser at 390×844 (a phone): the questionnaire from the link to
the thank-you page, and the plan page with its moving figures and the log; axe-core finds no
violation on any of these pages. Screenshots go to artifacts/<db>/<test>/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from physio.extensions import db
from physio.models import PlanLogRun, PlanLogTick, Questionnaire
from tests.browser.helpers import (
    PHONE,
    axe_violations,
    log_in,
    no_sideways_scroll,
    signed_plan_link,
)

pytestmark = pytest.mark.browser

FINDINGS = {
    "footwear-shoe_km": "950",
    "running_form-cadence_spm": "160",
    "running_form-overstriding": "mild",
    "physical-thomas_right": "hip_flexor_short",
    "physical-side_plank_left_s": "25",
    "physical-side_plank_right_s": "48",
    "training-runs_per_week": "3",
    "training-weekly_km_w1": "30",
    "training-weekly_km_w2": "25",
    "training-weekly_km_w3": "20",
    "training-weekly_km_w4": "20",
    "pain-nprs_during_run": "4",
}


@pytest.fixture
def phone(browser):
    contexts = []

    def open_phone(**options):
        contexts.append(browser.new_context(viewport=PHONE, locale="en-GB", **options))
        contexts[-1].set_default_timeout(15_000)
        return contexts[-1].new_page()

    yield open_phone
    for context in contexts:
        context.close()


def assert_accessible(page, where: str) -> None:
    assert axe_violations(page) == [], where


def test_questionnaire_from_the_link_to_thank_you(page, phone, live_server, account, shot):
    patient = live_server.make.patient(account.user, first_name="Jane", last_name="Runner")
    # the physio makes the link on the patient page: shown once, with copy button and QR code
    log_in(page, live_server, account)
    page.goto(live_server(f"/patients/{patient.id}"))
    page.get_by_role("button", name="Create questionnaire link").click()
    expect(page.locator("#new-link")).to_contain_text("Questionnaire link for the patient")
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    expect(page.locator("#new-link svg.qr")).to_be_visible()
    link = page.locator("#new-link-url").input_value()
    assert re.fullmatch(re.escape(live_server("/q/")) + r"[A-Za-z0-9_\-]{43}", link)
    shot(page, "physio-new-link")

    mobile = phone()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", level=1)).to_have_text("A few questions before your visit")
    assert_accessible(mobile, "date of birth")
    shot(mobile, "date-of-birth")
    mobile.get_by_label("your date of birth").fill("1990-01-01")
    mobile.get_by_role("button", name="Continue").click()
    expect(mobile.get_by_role("alert")).to_contain_text("You can try 4 more times")
    shot(mobile, "wrong-date")
    mobile.get_by_label("your date of birth").fill("1988-04-12")
    mobile.get_by_role("button", name="Continue").click()

    expect(mobile.get_by_role("heading", level=1)).to_have_text("Your back pain now")
    assert_accessible(mobile, "first page")
    assert no_sideways_scroll(mobile)
    shot(mobile, "pain-now")
    # nothing chosen: the page says what is missing
    mobile.get_by_role("button", name="Save and go on").click()
    expect(mobile.locator(".alert")).to_contain_text("Please look at the answers marked below")
    assert_accessible(mobile, "page with an error")
    mobile.get_by_text("4", exact=True).click()
    mobile.get_by_role("button", name="Save and go on").click()

    expect(mobile.get_by_role("heading", level=1)).to_have_text(
        "Your back pain in the last 24 hours"
    )
    mobile.locator("fieldset", has_text="At its best").get_by_text("2", exact=True).click()
    mobile.locator("fieldset", has_text="At its worst").get_by_text("6", exact=True).click()
    mobile.get_by_role("button", name="Save and go on").click()
    mobile.get_by_text("I am not running at the moment").first.click()
    mobile.get_by_text("I am not running at the moment").last.click()
    mobile.get_by_role("button", name="Save and go on").click()
    for n in range(1, 5):
        expect(mobile.get_by_role("heading", level=1)).to_have_text(f"Your back today ({n} of 4)")
        if n == 1:
            assert_accessible(mobile, "RMDQ page")
            shot(mobile, "rmdq")
            mobile.get_by_label("I walk more slowly than usual because of my back.").check()
        mobile.get_by_role("button", name="Save and go on").click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Activities you find hard")
    mobile.locator("#outcomes-psfs-0-activity").fill("Running 10 km")
    mobile.locator("#outcomes-psfs-0-score").select_option("3")
    assert_accessible(mobile, "PSFS page")
    shot(mobile, "psfs")
    mobile.get_by_role("button", name="Save and go on").click()

    expect(mobile.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(mobile.locator("main")).to_contain_text("I walk more slowly than usual")
    expect(mobile.locator("main")).to_contain_text("Running 10 km")
    assert_accessible(mobile, "check page")
    shot(mobile, "check")
    mobile.get_by_role("button", name="Send my answers").click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(mobile, "thank you")
    assert no_sideways_scroll(mobile)
    shot(mobile, "thank-you")

    with live_server.app.app_context():
        q = db.session.execute(select(Questionnaire)).scalar_one()
        assert q.completed_at is not None and q.answers["pain-nprs_now"] == 4
        assert q.answers["outcomes-rmdq_3"] is True and q.answers["pain-nprs_during_run"] is None
        db.session.remove()
    page.goto(live_server(f"/patients/{patient.id}"))
    expect(page.locator("#patient-links")).to_contain_text("Completed")


def test_plan_page_with_moving_figures_and_the_log(phone, live_server, account, shot):
    patient = live_server.make.patient(account.user, first_name="Jane", last_name="Runner")
    link = signed_plan_link(live_server, account.user, patient, FINDINGS)
    mobile = phone()
    mobile.goto(link)
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Your treatment plan")
    assert no_sideways_scroll(mobile)  # readable at 390 px without zooming out
    assert mobile.evaluate("getComputedStyle(document.body).fontSize") == "17px"
    assert_accessible(mobile, "plan page")
    shot(mobile, "plan-page")

    figures = mobile.locator("[data-figure]")
    assert figures.count() >= 4
    first = figures.first
    first.scroll_into_view_if_needed()
    svg = first.locator("svg.exercise-animation")
    expect(svg).to_be_visible()
    expect(first.locator(".figure-still")).to_be_hidden()
    started = svg.evaluate("s => s.getCurrentTime()")
    mobile.wait_for_timeout(600)
    assert svg.evaluate("s => s.getCurrentTime()") > started  # it moves
    shot(mobile, "moving-figure", full_page=False)
    pause = first.get_by_role("button", name="Pause")
    pause.click()
    expect(first.get_by_role("button", name="Play")).to_have_attribute("aria-pressed", "true")
    assert svg.evaluate("s => s.animationsPaused()")
    held = svg.evaluate("s => s.getCurrentTime()")
    mobile.wait_for_timeout(400)
    assert svg.evaluate("s => s.getCurrentTime()") == held
    first.get_by_role("button", name="Play").click()
    assert not svg.evaluate("s => s.animationsPaused()")

    # the log: tick two items and give the pain during today's run
    mobile.locator("#log").scroll_into_view_if_needed()
    today = mobile.locator("details.log-day").first
    boxes = today.locator('input[name="done"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    today.get_by_label("If you ran: pain during the run").select_option("3")
    shot(mobile, "log-filled", full_page=False)
    today.get_by_role("button", name="Save today").click()
    expect(mobile.locator(".saved")).to_contain_text("Saved for")
    expect(mobile.locator("details.log-day").first).to_contain_text("2 ticked · run logged")
    assert_accessible(mobile, "plan page after logging")
    shot(mobile, "log-saved", full_page=False)
    with live_server.app.app_context():
        assert len(db.session.execute(select(PlanLogTick)).scalars().all()) == 2
        assert db.session.execute(select(PlanLogRun.pain_during)).scalar_one() == 3
        db.session.remove()

    # the PDF of the same version, from the page
    href = mobile.get_by_role("link", name="Download the PDF").get_attribute("href")
    assert link.endswith(href.removesuffix("/plan.pdf"))
    pdf = mobile.request.get(link + "/plan.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_reduced_motion_shows_the_still_drawings(phone, live_server, account, shot):
    patient = live_server.make.patient(account.user)
    link = signed_plan_link(live_server, account.user, patient, FINDINGS)
    mobile = phone(reduced_motion="reduce")
    mobile.goto(link)
    first = mobile.locator("[data-figure]").first
    first.scroll_into_view_if_needed()
    expect(first.locator(".figure-moving")).to_be_hidden()
    expect(first.locator(".figure-still img")).to_be_visible()
    expect(first.locator("[data-pause]")).to_be_hidden()
    assert first.locator("svg.exercise-animation").evaluate("s => s.animationsPaused()")
    assert_accessible(mobile, "plan page, reduced motion")
    shot(mobile, "still-figure", full_page=False)
