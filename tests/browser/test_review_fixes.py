"""Issue 12, the cold review's findings that live in the page script: red-flag groups never
answer "no" for the physio beside a "yes", and "Still needed" entries go once answered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    choice,
    fill_signable_minimum,
    log_in,
    open_new_initial,
    settle_autosave,
    sign,
    stored,
)

pytestmark = pytest.mark.browser


def test_none_of_these_beside_a_yes_records_not_asked_and_is_not_tinted_clear(
    page: Page, live_server, account, shot
):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    group = page.locator('[data-rf-group="neuro"]')
    button = group.locator("[data-none-of-these]")
    expect(button).to_have_text("None of these")
    choice(page, "red_flags-ces_bladder", "yes").check()
    expect(button).to_have_text("Not asked for the rest")
    button.click()
    expect(group).to_contain_text("recorded as “not asked”")
    expect(choice(page, "red_flags-ces_saddle", "no")).not_to_be_checked()
    expect(choice(page, "red_flags-ces_saddle", "not_asked")).to_be_checked()
    assert "is-none" not in (group.get_attribute("class") or "")
    shot(page, "rest-not-asked", full_page=False)
    settle_autosave(page)
    record, _, _ = stored(live_server, aid)
    assert record["red_flags"]["ces_saddle"] == "not_asked"
    assert "no" not in {record["red_flags"][f] for f in ("ces_saddle", "ces_bladder")}

    # A group cleared with "None of these", then a "yes" in it: the clear tint goes.
    other = page.locator("[data-rf-group]").nth(0)
    if other.get_attribute("data-rf-group") == "neuro":
        other = page.locator("[data-rf-group]").nth(1)
    other.locator("[data-none-of-these]").click()
    expect(other).to_have_class(re.compile(r"\bis-none\b"))
    other.locator('.field.tri input[value="yes"]').first.check()
    expect(other).not_to_have_class(re.compile(r"\bis-none\b"))


def test_a_still_needed_entry_goes_once_its_flag_is_answered(page: Page, live_server, account):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    open_new_initial(page, live_server, patient.id)
    fill_signable_minimum(page)
    sign(page, account.password)
    problems = page.locator("#sign-problems")
    link = problems.locator('a[href="#red_flags-ces_saddle"]')
    expect(link).to_have_count(1)
    expect(page.locator("#red_flags-ces_saddle-error")).to_have_count(1)
    choice(page, "red_flags-ces_saddle", "no").check()
    expect(link).to_have_count(0)
    expect(page.locator("#red_flags-ces_saddle-error")).to_have_count(0)
    expect(problems.locator('a[href="#red_flags-cancer_history"]')).to_have_count(1)


def test_a_seventh_tick_on_the_plan_page_saves_the_rest_and_stays_unticked(
    page: Page, live_server, account, shot
):
    from tests.browser.helpers import submit
    from tests.browser.test_consultation_fit import _capped_plan

    patient = live_server.make.patient(account.user)
    aid = _capped_plan(live_server, account, patient)
    log_in(page, live_server, account)
    page.goto(live_server(f"/assessments/{aid}/plan"))
    page.locator('[name="add_code"]').select_option("step_down")
    page.locator('[name="add_reason"]').fill("Your left knee drifted in.")
    submit(page, page.get_by_role("button", name="Add to the plan"))
    cap = page.locator("#exercise-cap")
    expect(cap.locator('[data-left-out="step_down"]')).to_have_count(1)  # offered at the cap

    row = page.locator('tr[data-code="step_down"]')
    row.locator('input[name$="-included"]').check()
    page.locator('tr[data-code="plank"] textarea[name$="-physio_note"]').fill("Knees down")
    status = page.locator("#plan-status")
    expect(status).to_contain_text("Saved", timeout=10_000)
    expect(row.locator('input[name$="-included"]')).not_to_be_checked()
    expect(row.locator(".cap-row-note")).to_contain_text("Not ticked")  # said at the row too
    expect(page.locator("#plan-live-errors")).to_contain_text("Step-down was not ticked")
    expect(page.locator("#plan-live-errors")).to_contain_text("Forearm plank")
    assert re.fullmatch(r".*\b\d\d:\d\d\b.*", status.inner_text())  # 24 h, like the rest
    assert "AM" not in status.inner_text() and "PM" not in status.inner_text()
    shot(page, "seventh-tick", full_page=False)
    page.reload()
    expect(page.locator('tr[data-code="plank"] textarea')).to_have_value("Knees down")


def test_plan_page_signs_in_again_in_place_and_saves(page: Page, live_server, account, context):
    from physio.extensions import db
    from physio.models import PlanEdits
    from tests.browser.test_consultation_fit import _capped_plan

    patient = live_server.make.patient(account.user)
    aid = _capped_plan(live_server, account, patient)
    log_in(page, live_server, account)
    page.goto(live_server(f"/assessments/{aid}/plan"))
    context.clear_cookies()  # the session ends (as after the idle timeout)
    page.locator('tr[data-code="plank"] textarea[name$="-physio_note"]').fill("Knees down")
    banner = page.locator("#plan-session-expired")
    expect(banner).to_be_visible(timeout=10_000)
    expect(page.locator("#plan-status")).to_contain_text("session has ended")
    page.locator("#plan-relogin-password").fill(account.password)
    page.get_by_role("button", name="Sign in and save my changes").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#plan-status")).to_contain_text("All changes saved", timeout=10_000)
    with live_server.app.app_context():
        edits = db.session.query(PlanEdits).one().edits
        db.session.remove()
    assert any(e.get("physio_note") == "Knees down" for e in edits)


def test_save_draft_after_the_session_ended_signs_in_in_place_then_saves(
    page: Page, live_server, account, context
):
    from tests.browser.helpers import by_name

    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    by_name(page, "history-presenting_complaint").fill("Stiff after parkrun")
    settle_autosave(page)
    context.clear_cookies()  # the session ends (as after the idle timeout)
    by_name(page, "footwear-shoe_model").fill("Clifton 9")
    page.get_by_role("button", name="Save draft").first.click()  # before the autosave runs
    banner = page.locator("#session-expired")
    expect(banner).to_be_visible(timeout=10_000)
    assert "/edit" in page.url  # no "security token expired" page
    page.locator("#relogin-password").fill(account.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in and send my typing").click()
    expect(page.locator(".flash-success").first).to_be_visible()
    saved = stored(live_server, aid)[0]
    assert saved["footwear"]["shoe_model"] == "Clifton 9"


def test_rmdq_none_of_these_and_a_ticked_sentence_exclude_each_other(
    page: Page, live_server, account
):
    from tests.browser.helpers import by_name

    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    panel = page.locator("#live-panel")
    rmdq = panel.locator("dt", has_text="RMDQ").locator("xpath=..")
    expect(rmdq).to_contain_text("—")
    by_name(page, "outcomes-rmdq_none").check()
    expect(rmdq).to_contain_text("0/24", timeout=10_000)
    by_name(page, "outcomes-rmdq_3").check()
    expect(by_name(page, "outcomes-rmdq_none")).not_to_be_checked()
    expect(rmdq).to_contain_text("1/24", timeout=10_000)
    by_name(page, "outcomes-rmdq_none").check()
    expect(by_name(page, "outcomes-rmdq_3")).not_to_be_checked()
    settle_autosave(page)
    record, _, _ = stored(live_server, aid)
    assert record["outcomes"]["rmdq_none"] is True and record["outcomes"]["rmdq_3"] is False
