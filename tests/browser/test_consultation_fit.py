"""Issue 12, in a real Chromium at 768×1024: reviews start from last-visit hints (not values),
an ended session keeps and re-sends the typing, the plan page's cap swap and unsaved-edit
warning, the emergency fast path to the referral PDF, the body chart round trip, and axe-core
finding no violation on the main pages.
"""

from __future__ import annotations

import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from physio.models import Status
from tests.browser.helpers import (
    by_name,
    choice,
    field_box,
    fill_signable_minimum,
    log_in,
    open_new_initial,
    pdf_text,
    settle_autosave,
    sign,
    signed_record,
    stored,
    submit,
)
from tests.plan.builders import WEAK_EVERYWHERE, record

pytestmark = pytest.mark.browser

SAVED_AT = re.compile(r"^Saved \d{1,2}:\d{2}")


def test_review_starts_with_last_visit_hints_not_values(page: Page, live_server, account, shot):
    patient = live_server.make.patient(account.user, first_name="Aoife", last_name="Kelly")
    last = record(
        physical={"side_plank_left_s": 25, "side_plank_right_s": 48},
        footwear={"shoe_km": 950, "shoe_model": "Pegasus 40"},
        training={"weekly_km_w1": 30, "weekly_km_w2": 25, "weekly_km_w3": 20, "weekly_km_w4": 20},
    )
    signed_record(live_server, account.user, patient, last, days_ago=14)
    log_in(page, live_server, account)
    page.goto(live_server(f"/patients/{patient.id}"))
    submit(page, page.get_by_role("button", name="New review"))
    aid = int(re.search(r"/assessments/(\d+)/edit", page.url).group(1))

    # Re-measured values start empty, with last visit's value beside them.
    for name, hint in (
        ("pain-nprs_now", "last visit: 3 ("),
        ("physical-side_plank_left_s", "last visit: 25 s ("),
        ("running_form-cadence_spm", "last visit: 172 steps/min ("),
    ):
        expect(by_name(page, name)).to_have_value("")
        expect(field_box(page, name).locator(".last-visit")).to_contain_text(hint)
    # Stable facts are carried; the weeks of running moved by two weeks; shoe km is an offer.
    expect(by_name(page, "footwear-shoe_model")).to_have_value("Pegasus 40")
    expect(by_name(page, "training-weekly_km_w1")).to_have_value("")
    expect(by_name(page, "training-weekly_km_w3")).to_have_value("30")  # not "30.0"
    expect(field_box(page, "training-weekly_km_w3")).to_contain_text("carried from last visit")
    expect(by_name(page, "footwear-shoe_km")).to_have_value("")
    estimate = page.locator('[data-use-estimate="footwear-shoe_km"]')
    expect(estimate).to_contain_text("Estimate 998 km: 950 km on")
    # The live panel shows nothing of last visit as today's.
    panel = page.locator("#live-panel")
    expect(panel).not_to_contain_text("asymmetry")
    expect(panel.locator("dt", has_text="4-week average").locator("xpath=..")).to_contain_text("—")
    shot(page, "review-start", full_page=False)

    # "Same as last visit" on the physical tests fills them and is recorded as confirmed.
    page.locator('[data-same-as-last="physical"]').check()
    expect(page.locator("#sec-physical .section-summary")).to_contain_text("Side plank, left: 25")
    estimate.click()
    expect(by_name(page, "footwear-shoe_km")).to_have_value("998")
    by_name(page, "pain-nprs_now").fill("2")
    settle_autosave(page)
    expect(page.locator("#save-status")).to_have_text(SAVED_AT)
    shot(page, "review-confirmed", full_page=False)
    saved, status, _ = stored(live_server, aid)
    assert status == Status.DRAFT
    assert saved["physical"]["side_plank_left_s"] == 25
    assert "physical" in saved["copy_forward"]["confirmed"]
    assert saved["copy_forward"]["estimated"]["footwear-shoe_km"]["value"] == 998
    assert saved["copy_forward"]["shifted"]["training-weekly_km_w3"]["from"] == (
        "training-weekly_km_w1"
    )
    assert saved["pain"]["nprs_now"] == 2 and saved["pain"]["nprs_worst_24h"] is None

    # Undo the confirmation: the values it filled go again, and so does the mark.
    page.locator("#sec-physical .section-toggle").click()
    page.locator('[data-same-as-last="physical"]').uncheck()
    expect(by_name(page, "physical-side_plank_left_s")).to_have_value("")
    settle_autosave(page)
    saved, _, _ = stored(live_server, aid)
    assert "physical" not in saved["copy_forward"]["confirmed"]
    assert saved["physical"]["side_plank_left_s"] is None


def test_ended_session_keeps_typing_and_sends_it_after_signing_in_again(
    page: Page, live_server, account, context, shot
):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    by_name(page, "history-presenting_complaint").fill("Stiff after parkrun")
    expect(page.locator("#save-status")).to_have_text(SAVED_AT, timeout=15_000)

    context.clear_cookies()  # the session ends (as after the idle timeout)
    by_name(page, "footwear-shoe_model").fill("Clifton 9")
    banner = page.locator("#session-expired")
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("Your session has ended")
    expect(page.locator("#save-status")).to_contain_text("your session has ended")
    kept = page.evaluate(f"() => sessionStorage.getItem('physio-draft-{aid}')")
    assert "Clifton 9" in kept
    assert stored(live_server, aid)[0]["footwear"]["shoe_model"] is None
    shot(page, "session-ended", full_page=False)

    page.locator("#relogin-password").fill("wrong password")
    page.get_by_role("button", name="Sign in and send my typing").click()
    expect(page.locator("#relogin-error")).to_contain_text("That did not work")
    page.locator("#relogin-password").fill(account.password)
    page.get_by_role("button", name="Sign in and send my typing").click()
    expect(banner).to_be_hidden()
    expect(page.locator("#save-status")).to_have_text(SAVED_AT, timeout=15_000)
    saved = stored(live_server, aid)[0]
    assert saved["footwear"]["shoe_model"] == "Clifton 9"
    assert saved["history"]["presenting_complaint"] == "Stiff after parkrun"
    shot(page, "typing-sent", full_page=False)

    # Logging out clears what the tab kept.
    by_name(page, "footwear-shoe_model").fill("Clifton 10")
    page.evaluate(f"() => sessionStorage.setItem('physio-draft-{aid}', 'x')")
    submit(page, page.get_by_role("button", name="Log out"))
    assert page.evaluate("() => sessionStorage.length") == 0


def _capped_plan(live_server, account, patient) -> int:
    heavy = record(
        physical={
            **WEAK_EVERYWHERE,
            "plank_s": 40,
            "sorensen_s": 100,
            "flexor_endurance_s": 90,
            "single_leg_bridge_left_reps": 8,
            "trendelenburg_left": True,
        }
    )
    return signed_record(live_server, account.user, patient, heavy, days_ago=0)


def test_cap_swap_on_the_plan_page(page: Page, live_server, account, shot):
    patient = live_server.make.patient(account.user)
    aid = _capped_plan(live_server, account, patient)
    log_in(page, live_server, account)
    page.goto(live_server(f"/assessments/{aid}/plan"))
    cap = page.locator("#exercise-cap")
    expect(cap).to_contain_text("at most 6 exercises")
    hip = cap.locator('[data-left-out="hip_flexor_stretch"]')
    expect(hip).to_contain_text("Half-kneeling hip-flexor stretch")
    expect(hip).to_contain_text("right")  # its rule's side is kept
    expect(page.locator('tr[data-code="hip_flexor_stretch"]')).to_have_count(0)
    shot(page, "plan-cap", full_page=False)

    swap = hip.locator("[data-swap]")
    out = swap.get_attribute("value").split(":")[1]
    submit(page, swap)
    row = page.locator('tr[data-code="hip_flexor_stretch"]')
    expect(row.locator('input[name$="-included"]')).to_be_checked()
    expect(row).to_contain_text("front of your hips")  # the rule's reason, not "Added by …"
    expect(page.locator(f'tr[data-code="{out}"]')).to_have_class(re.compile(r"\bexcluded\b"))
    expect(page.locator('[data-left-out="hip_flexor_stretch"]')).to_have_count(0)
    expect(page.locator(".flash-info").first).to_contain_text("is in the plan instead of")
    shot(page, "plan-swapped")


def test_plan_edits_are_saved_in_place_and_leaving_unsaved_warns(
    page: Page, live_server, account, shot
):
    patient = live_server.make.patient(account.user)
    aid = _capped_plan(live_server, account, patient)
    log_in(page, live_server, account)
    page.goto(live_server(f"/assessments/{aid}/plan"))
    page.evaluate("() => { window.__samePage = true; }")
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    plank = page.locator('tr[data-code="plank"]')
    plank.locator('textarea[name$="-physio_note"]').fill("Knees down for now")
    expect(page.locator("#plan-status")).to_contain_text("Unsaved changes")
    page.evaluate("() => { location.href = '/patients/'; }")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.evaluate("() => window.__samePage") is True  # still here, typing intact
    expect(plank.locator('textarea[name$="-physio_note"]')).to_have_value("Knees down for now")

    # Reorder without a reload; the edits reach the server.
    first_two = page.locator("tr[data-code]")
    before = [first_two.nth(i).get_attribute("data-code") for i in range(first_two.count())]
    page.locator('tr[data-code="plank"] [data-move="down"]').click()
    expect(page.locator("#plan-status")).to_contain_text("All changes saved", timeout=10_000)
    after = [first_two.nth(i).get_attribute("data-code") for i in range(first_two.count())]
    i = before.index("plank")
    assert after[i] == before[i + 1] and after[i + 1] == "plank"
    assert page.evaluate("() => window.__samePage") is True
    page.reload()
    rows = page.locator("tr[data-code]")
    assert [rows.nth(k).get_attribute("data-code") for k in range(rows.count())] == after
    expect(page.locator('tr[data-code="plank"] textarea')).to_have_value("Knees down for now")
    shot(page, "plan-saved-in-place")
    dialogs.clear()  # nothing unsaved now: leaving asks nothing
    page.goto(live_server("/patients/"))
    assert dialogs == []


def test_emergency_fast_path_from_the_tick_to_the_referral_pdf(
    page: Page, live_server, account, shot
):
    patient = live_server.make.patient(account.user, first_name="Tom", last_name="Byrne")
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    taps = 0

    started = time.monotonic()
    choice(page, "red_flags-ces_bladder", "yes").check()
    taps += 1
    slot = page.locator('[data-tier-for="red_flags-ces_bladder"]')
    expect(slot).to_have_text("E", timeout=1000)  # at the flag, within a second
    assert time.monotonic() - started < 1.0
    expect(page.locator("#tier-chip")).to_have_text("Red flags: E", timeout=1000)
    decision = page.locator("#decision-block")
    expect(decision).to_be_visible()
    # The decision block sits at the flags: right after the group with the "yes".
    assert page.evaluate(
        "() => document.querySelector('[data-rf-group=neuro]').nextElementSibling.id"
    ) == ("decision-block")
    shot(page, "tier-E-at-the-flag", full_page=False)

    for button in page.locator("[data-none-of-these]").all():
        button.click()
        taps += 1
    # The group holding the "yes": the rest recorded as not asked, never a false "no".
    expect(page.locator('[data-rf-group="neuro"]')).to_contain_text("6 recorded as “not asked”.")
    choice(page, "red_flags-decision", "referred_emergency").check()
    by_name(page, "red_flags-referred_to").fill("St Vincent's emergency department")
    by_name(page, "red_flags-safety_net_given").check()
    by_name(page, "history-presenting_complaint").fill("New difficulty passing urine")
    taps += 4
    expect(page.locator("[data-emergency-sign]")).to_be_visible()
    sign(page, account.password)
    taps += 2
    expect(page).to_have_url(live_server(f"/assessments/{aid}"))
    expect(page.locator("#not-assessed")).to_contain_text("Not assessed: Pain")
    saved, status, _ = stored(live_server, aid)
    assert status == Status.SIGNED
    assert "pain" in saved["not_assessed"] and "history" not in saved["not_assessed"]
    submit(page, page.locator("[data-export-referral]"))
    taps += 1
    assert taps <= 20
    expect(page.locator(".flash-success")).to_contain_text("Referral sheet and letter exported")
    sheet = page.request.get(live_server(f"/assessments/{aid}/plan.pdf"))
    letter = page.request.get(live_server(f"/assessments/{aid}/letter.pdf"))
    assert sheet.status == letter.status == 200
    assert "emergency department" in pdf_text(sheet.body()).lower()
    assert "St Vincent" in pdf_text(letter.body())
    shot(page, "referral-exported")


def test_sign_refusal_names_every_missing_item_with_a_link(page: Page, live_server, account):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    open_new_initial(page, live_server, patient.id)
    fill_signable_minimum(page)
    page.locator('[data-none-of-these="neuro"]').click()
    sign(page, account.password)
    problems = page.locator("#sign-problems")
    link = problems.get_by_role("link", name=re.compile("Red flag not answered: Past history"))
    expect(link).to_have_attribute("href", "#red_flags-cancer_history")
    expect(problems.locator("a")).to_have_count(20 - 7)


def test_body_chart_round_trip(page: Page, live_server, account, shot):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    chart = page.locator("[data-body-chart]")
    chart.locator('input[name="_chart_intensity"]').fill("6")
    chart.locator('[data-region="calf_right"]').click()
    chart.get_by_text("Pins and needles").click()
    chart.locator('input[name="_chart_intensity"]').fill("3")
    chart.locator('[data-region="foot_right"]').click()
    chart.get_by_text("Pain", exact=True).click()
    chart.locator('input[name="_chart_intensity"]').fill("")
    chart.locator('[data-region="central_lumbar"]').click()
    expect(chart.locator("[data-bc-list]")).to_contain_text("Calf, right: pain 6/10")
    # A region marked with pain ticks its pain-location chip; pins and needles tick none.
    expect(choice(page, "pain-location", "below_knee_right")).to_be_checked()
    expect(choice(page, "pain-location", "central_lumbar")).to_be_checked()
    settle_autosave(page)
    shot(page, "body-chart-marked", full_page=False)
    saved = stored(live_server, aid)[0]
    assert saved["pain"]["body_chart"] == [
        {"region": "central_lumbar", "symptom": "pain", "intensity": None},
        {"region": "calf_right", "symptom": "pain", "intensity": 6},
        {"region": "foot_right", "symptom": "pins_needles", "intensity": 3},
    ]
    assert sorted(saved["pain"]["location"]) == ["below_knee_right", "central_lumbar"]

    page.reload()
    expect(chart.locator("[data-bc-list] li")).to_have_count(3)
    # Unticking the location takes the pain marks under it off the chart (kept consistent).
    choice(page, "pain-location", "below_knee_right").uncheck()
    expect(chart.locator("[data-bc-list]")).not_to_contain_text("Calf, right")
    chart.locator('input[name="_chart_intensity"]').fill("6")
    chart.locator('[data-region="calf_right"]').click()
    fill_signable_minimum(page)
    page.locator("[data-none-of-these]").all()[0].click()
    for button in page.locator("[data-none-of-these]").all()[1:]:
        button.click()
    sign(page, account.password)
    expect(page).to_have_url(live_server(f"/assessments/{aid}"))
    view = page.locator('[data-field="pain-body_chart"]')
    expect(view).to_contain_text("Calf, right: pain 6/10")
    expect(view.locator("svg [data-region='calf_right'] .bc-mark")).to_have_count(1)
    shot(page, "body-chart-signed-view")

    # The review shows last visit's chart beside today's (empty) one.
    page.goto(live_server(f"/patients/{patient.id}"))
    submit(page, page.get_by_role("button", name="New review"))
    last = page.locator(".bc-last")
    expect(last).to_contain_text("Last visit")
    expect(last.locator("[data-region='calf_right'] .bc-mark")).to_have_count(1)
    expect(page.locator(".bc-now .bc-mark")).to_have_count(0)
    page.locator("[data-body-chart]").scroll_into_view_if_needed()
    shot(page, "body-chart-review", full_page=False)


def test_axe_finds_no_violation_on_the_main_pages(page: Page, live_server, account):
    axe = Axe()
    patient = live_server.make.patient(account.user)
    aid = _capped_plan(live_server, account, patient)
    page.goto(live_server("/login"))
    results = {"login": axe.run(page)}
    log_in(page, live_server, account)
    for name, path in (
        ("patient list", "/patients/"),
        ("patient page", f"/patients/{patient.id}"),
        ("signed view", f"/assessments/{aid}"),
        ("plan page", f"/assessments/{aid}/plan"),
    ):
        page.goto(live_server(path))
        results[name] = axe.run(page)
    open_new_initial(page, live_server, patient.id)
    results["form"] = axe.run(page)
    report = {
        name: [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in r.response["violations"]]
        for name, r in results.items()
    }
    assert report == {name: [] for name in results}
    assert all(len(r.response["passes"]) > 10 for r in results.values())  # axe did run
