"""The autosave posts the form urlencoded (issue 16: the server parses it in a fraction of
multipart's time), never with the signing password, and what was typed is stored as typed."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import by_name, log_in, open_new_initial, settle_autosave, stored

pytestmark = pytest.mark.browser


def test_autosave_posts_urlencoded_without_the_password(page: Page, live_server, account):
    patient = live_server.make.patient(account.user)
    log_in(page, live_server, account)
    aid = open_new_initial(page, live_server, patient.id)
    page.locator("#sign-password").fill(account.password)
    with page.expect_request("**/autosave") as posted:
        by_name(page, "footwear-shoe_model").fill("Clifton 9 & Ghost 15 (50% off)")
    request = posted.value
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    fields = parse_qs(request.post_data)
    assert fields["footwear-shoe_model"] == ["Clifton 9 & Ghost 15 (50% off)"]
    assert "password" not in fields and "csrf_token" in fields
    settle_autosave(page)
    assert stored(live_server, aid)[0]["footwear"]["shoe_model"] == "Clifton 9 & Ghost 15 (50% off)"
