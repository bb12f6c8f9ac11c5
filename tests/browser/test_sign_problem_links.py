"""The "Not signed. Still needed:" list links each problem to its field: on a 768×1024 tablet
the form is ~14,000 px long, so those links are how a physio finds what is missing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import log_in, open_new_initial, sign

pytestmark = pytest.mark.browser


def refused_sign(page: Page, live_server, account) -> None:
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    open_new_initial(page, live_server, patient.id)
    sign(page, account.password)  # an empty draft: everything is missing


def test_every_still_needed_link_has_a_target(page: Page, live_server, account):
    refused_sign(page, live_server, account)
    hrefs = page.locator("#sign-problems a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert len(hrefs) > 20
    missing = sorted({h for h in hrefs if page.locator(f'[id="{h[1:]}"]').count() == 0})
    assert missing == []


def test_a_followed_link_shows_the_field_below_the_sticky_bars(
    page: Page, live_server, account, shot
):
    refused_sign(page, live_server, account)
    page.locator('#sign-problems a[href="#history-presenting_complaint"]').click()
    page.wait_for_function("() => location.hash === '#history-presenting_complaint'")
    page.wait_for_timeout(200)  # the jump is instant; let layout settle
    shot(page, "after-following-link", full_page=False)
    bars_bottom = page.locator(".savebar").first.bounding_box()
    label = page.locator('label[for="history-presenting_complaint"]').bounding_box()
    assert label["y"] >= bars_bottom["y"] + bars_bottom["height"]
