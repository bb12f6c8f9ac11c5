"""Plan review, immutable exports, stored re-downloads, and patient links."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from physio.extensions import db
from physio.models import PatientLink, PlanEdits, PlanExport
from physio.models.base import utcnow
from tests.helpers import Factory, count, login, signed_visit

FINDINGS = {
    "footwear-shoe_km": "950",
    "running_form-cadence_spm": "160",
    "running_form-overstriding": "mild",
    "physical-thomas_left": "negative",
    "physical-thomas_right": "hip_flexor_short",
    "physical-side_plank_left_s": "25",
    "physical-side_plank_right_s": "48",
    "training-runs_per_week": "3",
    # Steady weeks (no load spike), so the step-rate target is set (one change at a time).
    "training-weekly_km_w1": "22",
    "training-weekly_km_w2": "21",
    "training-weekly_km_w3": "20",
    "training-weekly_km_w4": "20",
}


def signed_assessment(client, patient, **extra) -> int:
    return signed_visit(client, patient, **{**FINDINGS, **extra})


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def patient(make, physio):
    return make.patient(physio, first_name="Jane", last_name="Runner")


def plan_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-code="([^"]+)"', page)


def form_from_page(page: str) -> dict:
    """The plan form's current values, as a browser would post them."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="(items-\d+-[a-z_]+)"', tag)
        if not name:
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data[name.group(1)] = "y"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    return data


def test_plan_page_lists_derived_items_with_reasons(physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    codes = plan_rows(page)
    assert {"shoe_replace", "cadence", "hip_flexor_stretch", "side_plank"} <= set(codes)
    assert "950" in page and "168" in page
    assert "SHOE-REPLACE" in page and "CADENCE" in page


def test_physio_excludes_redoses_reorders_adds_and_notes(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    codes = plan_rows(page)
    data = form_from_page(page)
    plank = codes.index("plank")
    data.pop(f"items-{plank}-included", None)  # exclude the plank
    side = codes.index("side_plank")
    data[f"items-{side}-sets"] = "3"
    data[f"items-{side}-physio_note"] = "Left side first, knees bent"
    data["add_code"] = "glute_bridge"
    data["add_side"] = "right"
    data["add_reason"] = "Your right buttock muscles tired first on the bridge test."
    assert physio_client.post(f"/assessments/{aid}/plan", data=data).status_code == 302
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    codes_after = plan_rows(page)
    assert "glute_bridge" in codes_after
    # The added item takes the physio's side and reason (issue 12), not "Added by …".
    bridge_row = page[page.index('data-code="glute_bridge"') :].split("</tr>", 1)[0]
    assert "Your right buttock muscles tired first on the bridge test." in bridge_row
    assert '<span class="badge">right</span>' in bridge_row
    assert "Left side first, knees bent" in page
    assert re.search(r'<tr class="[^"]*excluded[^"]*" data-code="plank"', page)
    # move the cadence item up one place, without JavaScript
    data = form_from_page(page)
    data.pop("add_code", None)
    cadence = codes_after.index("cadence")
    data["move"] = f"{cadence}:up"
    assert physio_client.post(f"/assessments/{aid}/plan", data=data).status_code == 302
    moved = plan_rows(physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True))
    assert moved.index("cadence") == cadence - 1
    with app.app_context():
        edits = db.session.execute(select(PlanEdits)).scalar_one().edits
        side_edit = next(e for e in edits if e["code"] == "side_plank")
        assert side_edit["sets"] == 3


def test_out_of_range_dose_is_refused_and_nothing_saved(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = form_from_page(page)
    data[f"items-{plan_rows(page).index('plank')}-sets"] = "99"
    response = physio_client.post(f"/assessments/{aid}/plan", data=data)
    assert response.status_code == 422
    assert "The plan was not saved" in response.get_data(as_text=True)
    assert count(app, PlanEdits) == 0


def test_emergency_plan_cannot_gain_an_exercise(app, physio_client, patient):
    aid = signed_assessment(
        physio_client,
        patient,
        **{
            "red_flags-ces_saddle": "yes",
            "red_flags-decision": "referred_emergency",
            "red_flags-referred_to": "Emergency department",
            "red_flags-safety_net_given": "y",
        },
    )
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    codes = plan_rows(page)
    assert not {"plank", "side_plank", "cadence", "load_reset"} & set(codes)
    data = form_from_page(page)
    data["add_code"] = "plank"
    response = physio_client.post(f"/assessments/{aid}/plan", data=data)
    assert response.status_code == 422
    assert count(app, PlanEdits) == 0


def test_export_needs_a_signed_assessment(app, physio_client, patient):
    response = physio_client.post(
        f"/patients/{patient.id}/assessments/new", data={"kind": "initial"}
    )
    aid = int(re.search(r"/assessments/(\d+)/edit", response.headers["Location"]).group(1))
    response = physio_client.post(f"/assessments/{aid}/plan/export", follow_redirects=True)
    assert "Sign the assessment before exporting its plan." in response.get_data(as_text=True)
    assert count(app, PlanExport) == 0


def test_export_stores_an_immutable_version_served_without_rerendering(
    app, physio_client, patient, monkeypatch
):
    aid = signed_assessment(physio_client, patient)
    response = physio_client.post(f"/assessments/{aid}/plan/export")
    assert response.headers["Location"].endswith(f"/assessments/{aid}/plan.pdf")
    first = physio_client.get(f"/assessments/{aid}/plan.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    text = pdf_text(first.data)
    assert "950" in text and "168" in text and "Jane" in text

    import physio.pdf.plan_sheet

    def no_render(*args, **kwargs):
        raise AssertionError("re-download must not re-render")

    monkeypatch.setattr(physio.pdf.plan_sheet, "render_plan_pdf", no_render)
    again = physio_client.get(f"/assessments/{aid}/plan.pdf")
    assert again.data == first.data
    with app.app_context():
        row = db.session.execute(select(PlanExport)).scalar_one()
        assert row.sha256 == hashlib.sha256(first.data).hexdigest() and row.version == 1
        row.pdf = b"tampered"
        with pytest.raises(ValueError, match="immutable"):
            db.session.flush()
        db.session.rollback()
    monkeypatch.undo()
    physio_client.post(f"/assessments/{aid}/plan/export")
    with app.app_context():
        versions = db.session.execute(
            select(PlanExport.version, PlanExport.sha256).order_by(PlanExport.version)
        ).all()
        assert [v for v, _ in versions] == [1, 2]
        assert versions[0][1] == hashlib.sha256(first.data).hexdigest()


def test_emergency_export_has_referral_and_no_exercise_and_a_gp_letter(physio_client, patient):
    aid = signed_assessment(
        physio_client,
        patient,
        **{
            "red_flags-ces_bladder": "yes",
            "red_flags-decision": "referred_emergency",
            "red_flags-referred_to": "Emergency department",
            "red_flags-safety_net_given": "y",
        },
    )
    physio_client.post(f"/assessments/{aid}/plan/export")
    text = pdf_text(physio_client.get(f"/assessments/{aid}/plan.pdf").data)
    assert "emergency" in text.lower()
    for exercise in ("Plank", "Side plank", "Bird dog", "Cadence", "steps/min"):
        assert exercise not in text
    response = physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "letter"})
    assert response.headers["Location"].endswith("/letter.pdf")
    letter = physio_client.get(f"/assessments/{aid}/letter.pdf")
    assert letter.mimetype == "application/pdf" and "Emergency department" in pdf_text(letter.data)


def share(client, aid) -> str:
    response = client.post(f"/assessments/{aid}/share", follow_redirects=True)
    return re.search(
        r"http://localhost(/p/[A-Za-z0-9_.\-]+)", response.get_data(as_text=True)
    ).group(1)


def test_patient_link_serves_the_plan_and_pdf_without_login_until_revoked(
    app, physio_client, patient
):
    aid = signed_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/plan/export")
    path = share(physio_client, aid)
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Your treatment plan" in response.get_data(as_text=True)
    pdf = anonymous.get(path + "/plan.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert anonymous.get(path[:-3] + "xyz").status_code == 404  # tampered
    with app.app_context():
        link_id = db.session.execute(select(PatientLink.id)).scalar_one()
    physio_client.post(f"/assessments/{aid}/links/{link_id}/revoke")
    for url in (path, path + "/plan.pdf"):
        revoked = anonymous.get(url)
        assert revoked.status_code == 410
        assert "withdrawn" in revoked.get_data(as_text=True)


def test_expired_patient_link_is_410(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    physio_client.post(f"/assessments/{aid}/plan/export")
    path = share(physio_client, aid)
    with app.app_context():
        link = db.session.execute(select(PatientLink)).scalar_one()
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = app.test_client().get(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_share_exports_first_when_nothing_was_exported(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    path = share(physio_client, aid)
    assert count(app, PlanExport) == 1 and count(app, PatientLink) == 1
    assert app.test_client().get(path + "/plan.pdf").mimetype == "application/pdf"


def test_share_of_an_unsigned_draft_is_refused(app, physio_client, patient):
    response = physio_client.post(
        f"/patients/{patient.id}/assessments/new", data={"kind": "initial"}
    )
    aid = int(re.search(r"/assessments/(\d+)/edit", response.headers["Location"]).group(1))
    page = physio_client.post(f"/assessments/{aid}/share", follow_redirects=True)
    assert "Not shared: Sign the assessment" in page.get_data(as_text=True)
    assert count(app, PatientLink) == 0 and count(app, PlanExport) == 0


def test_plan_edits_follow_an_amendment(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = form_from_page(page)
    data[f"items-{plan_rows(page).index('side_plank')}-physio_note"] = "Start on your knees"
    physio_client.post(f"/assessments/{aid}/plan", data=data)
    response = physio_client.post(f"/assessments/{aid}/amend", data={"reason": "typo"})
    new_id = int(re.search(r"/assessments/(\d+)/edit", response.headers["Location"]).group(1))
    assert "Start on your knees" in physio_client.get(f"/assessments/{new_id}/plan").get_data(
        as_text=True
    )


OTHER_CLINIC_PLAN_URLS = [
    ("get", "/assessments/{aid}/plan"),
    ("post", "/assessments/{aid}/plan"),
    ("post", "/assessments/{aid}/plan/export"),
    ("get", "/assessments/{aid}/plan.pdf"),
    ("get", "/assessments/{aid}/letter.pdf"),
    ("post", "/assessments/{aid}/share"),
    ("post", "/assessments/{aid}/links/1/revoke"),
]


def test_other_clinics_plan_urls_are_404(app, client, make, physio, subtests):
    # One exported and shared plan of another clinic, then every URL (a subtest each): the
    # export is the slow part, and a refused request changes nothing for the next URL.
    stranger = make.user(make.clinic())
    their_patient = make.patient(stranger)
    login(client, stranger)
    aid = signed_assessment(client, their_patient)
    client.post(f"/assessments/{aid}/plan/export")
    client.post(f"/assessments/{aid}/share")
    client.post("/logout")
    login(client, physio)
    for method, url in OTHER_CLINIC_PLAN_URLS:
        with subtests.test(method=method, url=url):
            assert getattr(client, method)(url.format(aid=aid)).status_code == 404
    assert count(app, PlanExport) == 1 and count(app, PatientLink) == 1


def test_export_from_the_plan_form_saves_the_edits_first(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = form_from_page(page)
    data[f"items-{plan_rows(page).index('side_plank')}-physio_note"] = "Knees bent at first"
    response = physio_client.post(f"/assessments/{aid}/plan/export", data=data)
    assert response.headers["Location"].endswith("/plan.pdf")
    assert "Knees bent at first" in pdf_text(physio_client.get(f"/assessments/{aid}/plan.pdf").data)


# --- one export registry for the service, the CLI and the download views --------------------------
@pytest.fixture
def summary_format(monkeypatch):
    """A text output registered before the app is built (as a new module would be)."""
    from physio.pdf import formats

    summary = formats.OutputFormat(
        "summary",
        "Summary",
        "tests.helpers:plan_summary_text",
        mimetype="text/plain",
        extension="txt",
    )
    monkeypatch.setitem(formats.FORMATS, "summary", summary)
    return summary


def test_an_output_format_added_to_the_registry_is_exported_and_downloaded_by_url(
    summary_format, fresh_app
):
    # Download URLs are registered when the app is built: an app of its own, built after the
    # format was added (the shared `app` was built before).
    app = fresh_app()
    make = Factory(app)
    physio = make.user(make.clinic())
    physio_client = app.test_client()
    login(physio_client, physio)
    aid = signed_assessment(physio_client, make.patient(physio))
    response = physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "summary"})
    assert response.headers["Location"].endswith(f"/assessments/{aid}/summary.txt")
    served = physio_client.get(f"/assessments/{aid}/summary.txt")
    assert served.mimetype == "text/plain" and served.data.startswith(b"Plan for ")
    assert f"summary-{aid}-v1.txt" in served.headers["Content-Disposition"]
    with app.app_context():
        row = db.session.execute(select(PlanExport)).scalar_one()
        assert (row.kind, row.version, row.pdf) == ("summary", 1, served.data)


def test_export_of_an_unknown_kind_is_refused_and_nothing_stored(app, physio_client, patient):
    aid = signed_assessment(physio_client, patient)
    response = physio_client.post(f"/assessments/{aid}/plan/export", data={"kind": "poster"})
    assert response.status_code == 400
    assert count(app, PlanExport) == 0


def test_render_plan_cli_writes_a_preview_of_a_draft_through_the_service_and_stores_nothing(
    app, physio_client, patient, tmp_path
):
    from tests.helpers import new_assessment

    aid = new_assessment(physio_client, patient)
    out = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(args=["render-plan", str(aid), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote a preview" in result.output and "not a stored version" in result.output
    assert "(draft)" in result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert count(app, PlanExport) == 0
    letter = app.test_cli_runner().invoke(
        args=["render-plan", str(aid), "-o", str(out), "--letter"]
    )
    assert letter.exit_code != 0 and "only for an emergency or urgent" in letter.output


@pytest.mark.parametrize(("country", "number"), [("AU", "call 000"), ("US", "call 911")])
def test_exported_plan_uses_the_clinic_countrys_emergency_number(
    app, physio_client, patient, physio, country, number
):
    """Issue 10: the clinic's country (admin setting) reaches every exported plan."""
    from physio.models import Clinic

    with app.app_context():
        db.session.get(Clinic, physio.clinic_id).country = country
        db.session.commit()
    aid = signed_assessment(physio_client, patient, **{"pain-location": "thigh_left"})
    physio_client.post(f"/assessments/{aid}/plan/export")
    text = pdf_text(physio_client.get(f"/assessments/{aid}/plan.pdf").data)
    assert number in text and "999" not in text


def test_plan_page_flags_a_physio_edit_that_breaks_a_safety_check(physio_client, patient):
    """Issue 10: a whole-plan invariant broken by an edit shows next to the item, and the
    export is refused."""
    aid = signed_assessment(
        physio_client,
        patient,
        **{"training-weekly_km_w1": "40", "training-weekly_km_w3": "20"},
    )
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    data = form_from_page(page)
    rows = plan_rows(page)
    index = rows.index("cadence") if "cadence" in rows else None
    if index is None:  # cadence waits beside a volume reset: add it with a target by hand
        data |= {"add": "1", "add_code": "cadence", "add_reason": "Quicker steps now"}
        physio_client.post(f"/assessments/{aid}/plan", data=data)
        page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
        data = form_from_page(page)
        index = plan_rows(page).index("cadence")
    data[f"items-{index}-target"] = "176 steps/min"
    physio_client.post(f"/assessments/{aid}/plan", data=data)
    page = physio_client.get(f"/assessments/{aid}/plan").get_data(as_text=True)
    assert "Safety check:" in page and "one-change-at-a-time" in page
    refused = physio_client.post(f"/assessments/{aid}/plan/export", data=form_from_page(page))
    assert refused.status_code in (302, 422)
    assert physio_client.get(f"/assessments/{aid}/plan.pdf").status_code != 200  # none stored
