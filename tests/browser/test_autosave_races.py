"""Autosave against the two buttons that leave the form: "Save draft" and "Sign".

A tablet on clinic Wi-Fi answers an autosave in a few hundred milliseconds; these tests hold the
autosave's answer (or the request) back to make that window deterministic. What a physio sees in
the form when pressing a button must be what is saved or signed, and their own autosave must
never be reported as "someone else saved this draft".
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error, Page, expect

from physio.models import Status
from tests.browser.helpers import (
    answer_all_red_flags_no,
    by_name,
    fill_signable_minimum,
    log_in,
    open_new_initial,
    save_draft,
    stored,
)

pytestmark = pytest.mark.browser


class HeldAutosaves:
    """Autosave requests reach the server at once, but their answers wait for release()."""

    def __init__(self, page: Page):
        self.page = page
        self.holding = False
        self.held = []
        page.route("**/autosave", self._route)

    def _route(self, route):
        if not self.holding:
            route.continue_()
            return
        self.held.append((route, route.fetch()))

    def hold(self):
        self.holding = True

    def wait_for_one(self):
        while not self.held:
            self.page.wait_for_timeout(50)

    def release(self):
        self.holding = False
        for route, response in self.held:
            with contextlib.suppress(Error):  # the page that asked may have gone
                route.fulfill(response=response)
        self.held.clear()


@pytest.fixture
def autosaves(page):
    held = HeldAutosaves(page)
    yield held
    held.release()
    page.unroute_all(behavior="ignoreErrors")  # no route handler left running after the test


def test_save_draft_during_own_autosave_is_not_a_conflict(
    page: Page, live_server, account, autosaves
):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    held = autosaves
    held.hold()
    by_name(page, "footwear-shoe_model").fill("Clifton 9")
    held.wait_for_one()  # the server has saved it (lock_version bumped); the answer is slow
    page.get_by_role("button", name="Save draft").first.click()
    held.release()
    expect(page.locator(".flash").first).to_have_text("Draft saved.")
    assert stored(live_server, aid)[0]["footwear"]["shoe_model"] == "Clifton 9"


def test_sign_never_drops_what_is_on_screen(page: Page, live_server, account, autosaves):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    fill_signable_minimum(page)
    answer_all_red_flags_no(page)
    save_draft(page)
    held = autosaves
    held.hold()
    by_name(page, "history-presenting_complaint").fill("Pain since the marathon, left buttock")
    page.locator("#sign-password").fill(account.password)
    page.get_by_role("button", name="Sign assessment").click()
    held.release()
    page.wait_for_load_state()
    page.wait_for_timeout(1000)  # let any beacon land
    record, status, _ = stored(live_server, aid)
    # Either it is signed with what was on screen, or it is not signed and the typing is kept.
    if status == Status.SIGNED:
        assert record["history"]["presenting_complaint"] == "Pain since the marathon, left buttock"
    else:
        expect(by_name(page, "history-presenting_complaint")).to_have_value(
            "Pain since the marathon, left buttock"
        )
