"""Page helpers for the browser tests: log in, find fields, save, sign, wait for autosave.
A helper module (no tests); the fixtures are in conftest.py."""

from __future__ import annotations

import io
import re

from playwright.sync_api import Page
from pypdf import PdfReader

from physio.extensions import db
from physio.models import Assessment
from physio.services import assessments as service


def log_in(page, live_server, account) -> None:
    """Through the login form, as a physio would."""
    page.goto(live_server("/login"))
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/patients/"))


def settle_autosave(page, timeout: float = 15_000) -> None:
    """Wait until an autosave has started after the last input and none is in flight."""
    page.wait_for_function(
        "() => { const p = window.__autosave; return p && p.inflight === 0 &&"
        " (p.lastInput === 0 || p.lastStart > p.lastInput); }",
        timeout=timeout,
    )


# --- fields, buttons, records ----------------------------------------------------------


def by_name(page: Page, name: str):
    return page.locator(f'[name="{name}"]')


def choice(page: Page, name: str, value: str):
    return page.locator(f'input[name="{name}"][value="{value}"]')


def field_box(page: Page, name: str):
    return page.locator(f'.field[data-field="{name}"]')


def submit(page: Page, button) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def save_draft(page: Page) -> None:
    settle_autosave(page)  # no autosave in flight when the form posts (see the report)
    submit(page, page.get_by_role("button", name="Save draft").first)


def sign(page: Page, password: str) -> None:
    page.locator("#sign-password").fill(password)
    submit(page, page.get_by_role("button", name="Sign assessment"))


def assessment_id(page: Page) -> int:
    return int(re.search(r"/assessments/(\d+)", page.url).group(1))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def stored(live_server, aid: int):
    with live_server.app.app_context():
        a = db.session.get(Assessment, aid)
        record, status, autosave = service.record_of(a), a.status, a.autosave
        db.session.remove()
        return record, status, autosave


def open_new_initial(page: Page, live_server, patient_id: int) -> int:
    page.goto(live_server(f"/patients/{patient_id}"))
    page.get_by_role("button", name="New initial assessment").click()
    page.wait_for_url(re.compile(r"/assessments/\d+/edit$"))
    return assessment_id(page)


def fill_signable_minimum(page: Page) -> None:
    """What an initial assessment needs to be signed, apart from the red flags."""
    by_name(page, "history-presenting_complaint").fill("Low back pain after long runs")
    by_name(page, "pain-nprs_now").fill("3")
    by_name(page, "pain-nprs_best_24h").fill("1")
    by_name(page, "pain-nprs_worst_24h").fill("5")
    choice(page, "pain-location", "central_lumbar").check()
    choice(page, "impression-working_diagnosis", "non_specific_lbp").check()
    by_name(page, "impression-review_in_weeks").fill("4")


def answer_all_red_flags_no(page: Page) -> int:
    radios = page.locator('.field.tri input[type="radio"][value="no"]')
    n = radios.count()
    for i in range(n):
        radios.nth(i).check()
    return n


def signed_record(live_server, user, patient, record: dict, days_ago: int = 14) -> int:
    """A visit signed through the service layer (as the form would leave it): `record` is a
    nested record (tests/plan/builders.py); seen `days_ago` days ago. Returns its id."""
    from datetime import timedelta

    from physio.models import User
    from physio.models.base import utcnow

    with live_server.app.app_context():
        physio = db.session.get(User, user.id)
        p = db.session.get(type(patient), patient.id)
        a = service.create_assessment(p, record.get("kind") or "initial", physio)
        values = {k: v for k, v in record.items() if k not in ("kind", "seen_at")}
        service.apply_record(a, values)
        a.seen_at = utcnow() - timedelta(days=days_ago)
        service.sign(a, physio)
        db.session.commit()
        aid = a.id
        db.session.remove()
        return aid


# --- the patient side ----------------------------------------------------------------------


def signed_plan_link(live_server, user, patient, fields: dict) -> str:
    """A signed initial assessment with `fields` (posted names), its plan exported and shared:
    the patient's /p/ link. Made through the services (the physio's pages are tested elsewhere)."""
    from werkzeug.datastructures import MultiDict

    from physio.forms.assessment import assessment_form_class, record_from_form
    from physio.models import Patient, User
    from physio.services import patient_links
    from physio.services import plans as plan_service
    from tests.helpers import minimal_signable

    app = live_server.app
    data = MultiDict()
    for name, value in {**minimal_signable(lock_version=1), **fields}.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(name, one)
    with app.test_request_context():
        form = assessment_form_class()(formdata=data, meta={"csrf": False})
        assert form.validate(), form.errors
        record = record_from_form(form)
        physio = db.session.get(User, user.id)
        row = db.session.get(Patient, patient.id)
        a = service.create_assessment(row, "initial", physio)
        service.save_draft(a, record, physio, None)
        assert not service.sign_problems(a), service.sign_problems(a)
        service.sign(a, physio)
        plan_service.export(a, physio)
        _, token = patient_links.create_plan_link(a, physio, 30)
        db.session.commit()
        db.session.remove()
    return live_server(f"/p/{token}")


PHONE = {"width": 390, "height": 844}


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is (none expected)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}) {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
