"""The plan on the patient's phone (/p/<token>), its PDF, and the home log the physio sees at the
next review: over HTTP, with the real PDF read back (docs/interface.md round 2, issue 14)."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from physio.extensions import db
from physio.models import AuditEvent, PatientLink, PlanExport, PlanLogRun, PlanLogTick
from physio.models.base import utcnow
from physio.plan import TreatmentPlan
from physio.services.plan_log import loggable_items
from tests.helpers import new_link_path, signed_visit

FINDINGS = {  # a runner with a tight right hip flexor, weak side planks, worn shoes, overstriding
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
def patient(make, physio):
    return make.patient(physio, first_name="Jane", last_name="Runner")


def shared(client, patient, **extra) -> tuple[int, str]:
    aid = signed_visit(client, patient, **{**FINDINGS, **extra})
    response = client.post(f"/assessments/{aid}/share", follow_redirects=True)
    return aid, new_link_path(response.get_data(as_text=True))


def text_of(page_html: str) -> str:
    body = re.sub(r"<svg.*?</svg>|<title>.*?</title>", " ", page_html, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def exported_plan(app) -> TreatmentPlan:
    with app.app_context():
        return TreatmentPlan.from_dict(db.session.execute(select(PlanExport.plan)).scalar_one())


def test_the_phone_page_has_the_pdfs_content_in_the_pdfs_order(app, physio_client, patient):
    _, path = shared(physio_client, patient)
    anonymous = app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    pdf = anonymous.get(path + "/plan.pdf")
    assert pdf.mimetype == "application/pdf"
    web, printed = text_of(page.get_data(as_text=True)), pdf_text(pdf.data)
    plan = exported_plan(app)
    exercises = [i.title for i in plan.exercises]
    assert len(exercises) >= 4
    landmarks = [
        "Your treatment plan",
        "Jane Runner",
        "Your plan at a glance",
        "Your exercises",
        *exercises,
        "Your running and load plan",
        "Your running shoes",
        "Warning signs: when to get help",
        "Your next review",
    ]
    for text in (web, printed):
        at = 0
        for mark in landmarks:  # each one after the one before: the PDF's order
            found = text.find(mark, at)
            assert found >= 0, f"{mark!r} missing or out of order"
            at = found + len(mark)
    for item in plan.items:  # every reason the physio's plan gives is on the page
        if item.included and item.reason and item.kind == "exercise":
            assert " ".join(item.reason.split())[:60] in web


def test_each_exercise_moves_with_a_still_picture_for_reduced_motion(app, physio_client, patient):
    _, path = shared(physio_client, patient)
    body = app.test_client().get(path).get_data(as_text=True)
    plan = exported_plan(app)
    cards = re.findall(r'<article class="card" id="ex-([a-z_]+)">(.*?)</article>', body, re.S)
    assert [code for code, _ in cards] == [i.code for i in plan.exercises]
    for code, card in cards:
        assert 'class="exercise-animation"' in card, code
        assert "<animate " in card and 'repeatCount="indefinite"' in card
        assert '<div class="figure-still"><img class="illustration"' in card  # the PDF's drawing
        assert "data-pause" in card and "hidden" in card  # the script shows the pause button
    assert "<script>" not in body and "<script " in body  # only the external script
    assert "on" + "click=" not in body.lower() and "javascript:" not in body
    assert ".mp4" not in body and "<video" not in body
    # the right hip flexor's stretch is drawn for the right side, as in the PDF
    hip = dict(cards).get("hip_flexor_stretch")
    assert hip is not None and "right" in hip.lower()


def test_patient_pages_are_not_indexed_cached_or_referred(app, physio_client, patient):
    _, path = shared(physio_client, patient)
    anonymous = app.test_client()
    for url in (path, path + "/plan.pdf", "/p/" + "z" * 43):
        response = anonymous.get(url)
        assert "no-store" in response.headers["Cache-Control"], url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
        assert "noindex" in response.headers["X-Robots-Tag"], url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
    body = anonymous.get(path).get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in body
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', body) if "//" in u]
    assert external == [], external  # no third-party assets (the PDF link is relative)


def test_expired_and_revoked_plan_links_refuse_the_page_pdf_and_log(app, physio_client, patient):
    aid, path = shared(physio_client, patient)
    anonymous = app.test_client()
    with app.app_context():
        link = db.session.execute(select(PatientLink)).scalar_one()
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        link_id = link.id
    for url, method in ((path, "get"), (path + "/plan.pdf", "get"), (path + "/log", "post")):
        response = getattr(anonymous, method)(url)
        assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    with app.app_context():
        link = db.session.get(PatientLink, link_id)
        link.expires_at = utcnow() + timedelta(days=1)
        db.session.commit()
    physio_client.post(f"/assessments/{aid}/links/{link_id}/revoke", data={"back": "patient"})
    response = anonymous.get(path)
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)


# --- the home log -----------------------------------------------------------------------------


def clinic_today(app):
    return datetime.now(ZoneInfo(app.config["TIMEZONE"])).date()


def log(client, path: str, day, done=(), **pain):
    data = {"day": day.isoformat(), "done": list(done)}
    data.update({k: str(v) for k, v in pain.items()})
    return client.post(path + "/log", data=data)


def test_ticks_and_pain_are_stored_per_plan_version_and_audited(app, physio_client, patient):
    _, path = shared(physio_client, patient)
    plan = exported_plan(app)
    codes = [i.code for i in loggable_items(plan)]
    today = clinic_today(app)
    anonymous = app.test_client()
    saved = log(anonymous, path, today, codes[:2], pain_during=3)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#log")
    page = anonymous.get(path).get_data(as_text=True)
    assert "Saved for" in page and "2 ticked · run logged" in page
    assert page.count(" checked>") >= 2
    # the same day again replaces it (un-ticking removes)
    log(anonymous, path, today, codes[:1], pain_during=4)
    with app.app_context():
        ticks = db.session.execute(select(PlanLogTick.item_code)).scalars().all()
        run = db.session.execute(select(PlanLogRun)).scalar_one()
        export_id = db.session.execute(select(PlanExport.id)).scalar_one()
        assert ticks == codes[:1] and run.pain_during == 4 and run.export_id == export_id
        entries = (
            db.session.execute(select(AuditEvent).where(AuditEvent.action == "patient_log"))
            .scalars()
            .all()
        )
        assert len(entries) == 2 and entries[-1].detail["done"] == codes[:1]
        assert path.rsplit("/", 1)[1] not in repr([e.detail for e in entries])


@pytest.mark.parametrize(
    ("days_ago", "fields", "message"),
    [
        (0, {"done": ["not_in_this_plan"]}, "Only the items of your plan"),
        (-1, {}, "You can log today and the two days before"),
        (0, {"pain_next_morning": "3"}, "has not come yet"),
        (0, {"pain_during": "11"}, "from 0 to 10"),
        (0, {"pain_during": "a lot"}, "from 0 to 10"),
        (0, {"pain_during": "٣"}, "from 0 to 10"),
    ],
)
def test_a_log_that_does_not_fit_is_refused_and_nothing_is_stored(
    app, physio_client, patient, days_ago, fields, message
):
    _, path = shared(physio_client, patient)
    day = clinic_today(app) - timedelta(days=days_ago)
    response = app.test_client().post(path + "/log", data={"day": day.isoformat(), **fields})
    assert response.status_code == 422 and message in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.execute(select(func.count(PlanLogTick.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(PlanLogRun.id))).scalar_one() == 0


def test_the_physio_sees_adherence_and_the_pain_trend_at_the_review(app, physio_client, patient):
    _, path = shared(physio_client, patient)
    with app.app_context():  # exported three days ago: today and the two days before can be logged
        export = db.session.execute(select(PlanExport)).scalar_one()
        db.session.execute(
            PlanExport.__table__.update().values(created_at=export.created_at - timedelta(days=2))
        )
        db.session.commit()
    plan = exported_plan(app)
    items = loggable_items(plan)
    first = items[0]
    today = clinic_today(app)
    anonymous = app.test_client()
    log(
        anonymous, path, today - timedelta(days=2), [first.code], pain_during=3, pain_next_morning=2
    )
    log(
        anonymous, path, today - timedelta(days=1), [first.code], pain_during=4, pain_next_morning=6
    )
    log(anonymous, path, today, [i.code for i in items])
    # whole sessions per item over the three days; each item counts up to its plan
    planned = {i.code: int(i.days_per_week * 3 / 7 + 0.5) for i in items}
    ticked = {i.code: 1 for i in items} | {first.code: 3}
    done = sum(min(ticked[c], planned[c]) for c in planned)
    expected = round(100 * done / sum(planned.values()))
    # the next visit: a review; the patient page shows the log beside the progress
    signed_visit(physio_client, patient)
    page = physio_client.get(f"/patients/{patient.id}").get_data(as_text=True)
    section = page[page.index('id="home-log"') :]
    assert f"{expected} % of planned sessions done" in section
    assert f"({done} of {sum(planned.values())} planned sessions" in section
    first_row = re.search(
        rf"<td>{re.escape(first.title)}</td><td>(\d+)</td><td>(\d+)</td>", section
    )
    assert first_row and int(first_row.group(2)) == 3
    assert "2 runs logged" in section and "1 worse the next morning" in section
    assert "Pain logged after runs" in section  # the trend chart


def test_an_emergency_plan_has_no_log(app, physio_client, patient):
    _, path = shared(
        physio_client,
        patient,
        **{
            "red_flags-ces_bladder": "yes",
            "red_flags-decision": "referred_emergency",
            "red_flags-referred_to": "Emergency department",
            "red_flags-safety_net_given": "y",
        },
    )
    anonymous = app.test_client()
    body = anonymous.get(path).get_data(as_text=True)
    assert "Go to the hospital you have been referred to, now" in body and 'id="log"' not in body
    assert "exercise-animation" not in body
    refused = log(anonymous, path, clinic_today(app), ["plank"])
    assert refused.status_code == 409


def test_the_log_is_rate_limited_per_address(app, physio_client, patient):
    _, path = shared(physio_client, patient)
    client = app.test_client()
    day = clinic_today(app)
    statuses = [log(client, path, day).status_code for _ in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429
