"""Record integrity: the hash-chained audit log, archiving and erasure after retention,
backup and restore."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from physio.extensions import db
from physio.models import Assessment, AuditEvent, Patient
from physio.services import assessments as assessment_service
from physio.services.audit import verify_chain
from tests.helpers import ON_POSTGRES, login, signed_visit


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_every_kind_of_event_is_audited_with_who_when_where(app, client, make, physio, admin):
    client.post("/login", data={"email": physio.email, "password": "wrong"})
    login(client, physio)
    patient = make.patient(physio)
    client.get(f"/patients/{patient.id}")
    aid = signed_visit(client, patient)
    client.post(f"/assessments/{aid}/amend", data={"reason": "typo"})
    client.post(f"/assessments/{aid}/plan/export")
    client.get(f"/assessments/{aid}/plan.pdf")
    share = client.post(f"/assessments/{aid}/share", follow_redirects=True).get_data(as_text=True)
    path = re.search(r"http://localhost(/p/[A-Za-z0-9_\-]+)", share).group(1)
    app.test_client().get(path)
    app.test_client().get(path + "/plan.pdf")
    client.post("/logout")
    login(client, admin)
    client.post(
        "/admin/users",
        data={
            "name": "New Person",
            "email": "new@example.org",
            "role": "physio",
            "password": "long-and-unique-1",
        },
    )
    seen = set(actions(app))
    assert {
        "login_failed",
        "login",
        "view",
        "create",
        "update",
        "sign",
        "amend",
        "export",
        "download",
        "share",
        "patient_view",
        "patient_download",
        "logout",
        "user_create",
    } <= seen
    with app.app_context():
        sign = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "sign")
        ).scalar_one()
        assert sign.user_id == physio.id and sign.ip == "127.0.0.1"
        assert sign.object_type == "assessment" and sign.object_id == aid
        assert sign.at is not None and sign.detail["content_hash"]
        assert verify_chain().ok


def test_audit_verify_detects_a_changed_entry(app, runner, client, physio):
    login(client, physio)
    client.get("/patients/")
    client.post("/logout")
    login(client, physio)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "4 entries verified" in result.output  # + the list read
    with app.app_context():
        db.session.execute(text("UPDATE audit_events SET action = 'view' WHERE id = 2"))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at entry 2" in result.output and "does not match its hash" in result.output


def test_audit_verify_detects_a_removed_entry(app, runner, client, physio):
    for _ in range(3):
        login(client, physio)
        client.post("/logout")
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_events WHERE id = 3"))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "broken at entry 4" in result.output


def test_admin_browses_and_filters_only_their_clinics_audit_log(app, client, make, admin, physio):
    stranger = make.user(make.clinic(), name="Stranger")
    other = app.test_client()
    login(other, stranger)
    login(client, physio)
    client.get("/patients/")
    client.post("/logout")
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Sam Patel" in page and "Stranger" not in page
    filtered = client.get(f"/admin/audit?action=login&user_id={physio.id}").get_data(as_text=True)
    assert filtered.count("<code>login</code>") == 1 and "<code>logout</code>" not in filtered


def test_archived_patient_is_hidden_from_search_but_kept(app, physio_client, make, physio):
    patient = make.patient(physio, last_name="Keepme")
    physio_client.post(f"/patients/{patient.id}/archive")
    assert "Keepme" not in physio_client.get("/patients/?q=keep").get_data(as_text=True)
    assert physio_client.get(f"/patients/{patient.id}").status_code == 200
    physio_client.post(f"/patients/{patient.id}/archive", data={"undo": "1"})
    assert "Keepme" in physio_client.get("/patients/?q=keep").get_data(as_text=True)


def _age_records(app, patient_id: int, years: float) -> None:
    past = datetime.now(UTC) - timedelta(days=365.25 * years)
    with app.app_context():
        db.session.execute(
            text("UPDATE patients SET created_at = :t WHERE id = :p"),
            {"t": past if ON_POSTGRES else past.replace(tzinfo=None), "p": patient_id},
        )
        db.session.execute(
            text("UPDATE assessments SET seen_at = :t WHERE patient_id = :p"),
            {"t": past if ON_POSTGRES else past.replace(tzinfo=None), "p": patient_id},
        )
        db.session.commit()


def test_erasure_is_refused_before_the_retention_period(app, client, make, physio, admin):
    patient = make.patient(physio, reference="R-1")
    login(client, physio)
    signed_visit(client, patient)
    client.post(f"/patients/{patient.id}/archive")
    _age_records(app, patient.id, 7.5)
    client.post("/logout")
    login(client, admin)
    response = client.post(
        f"/admin/patients/{patient.id}/erase", data={"confirm": "R-1"}, follow_redirects=True
    )
    assert "Not erased" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Patient, patient.id) is not None


def test_admin_erases_after_retention_and_it_is_audited(app, client, make, physio, admin):
    patient = make.patient(physio, reference="R-2")
    login(client, physio)
    aid = signed_visit(client, patient)
    client.post(f"/assessments/{aid}/plan/export")
    client.post(f"/patients/{patient.id}/archive")
    _age_records(app, patient.id, 8.2)
    client.post("/logout")
    login(client, physio)
    assert (
        client.post(f"/admin/patients/{patient.id}/erase", data={"confirm": "R-2"}).status_code
        == 403
    )
    client.post("/logout")
    login(client, admin)
    page = client.get("/admin/retention").get_data(as_text=True)
    assert "Erase" in page
    client.post(f"/admin/patients/{patient.id}/erase", data={"confirm": "R-2"})
    with app.app_context():
        assert db.session.get(Patient, patient.id) is None
        assert db.session.execute(select(Assessment)).first() is None
        erase = db.session.execute(
            select(AuditEvent).where(AuditEvent.action == "erase")
        ).scalar_one()
        assert erase.user_id == admin.id and erase.detail["deleted"]["assessments"] == 1
        assert "R-2" not in str(erase.detail)  # no personal details kept
        assert verify_chain().ok


def test_backup_and_restore_round_trip(app, runner, client, make, physio, tmp_path):
    patient = make.patient(physio, last_name="Original")
    login(client, physio)
    aid = signed_visit(client, patient)
    with app.app_context():
        before = assessment_service.canonical_content(db.session.get(Assessment, aid))
        audit_count = db.session.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    backup_file = tmp_path / "physio.backup"
    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0
    # damage after the backup: a new patient, a changed name, a deleted audit row
    make.patient(physio, last_name="Later")
    with app.app_context():
        db.session.execute(
            text("UPDATE patients SET last_name = 'Changed' WHERE id = :p"), {"p": patient.id}
        )
        db.session.execute(text("DELETE FROM audit_events WHERE id = 2"))
        db.session.commit()
    result = runner.invoke(args=["restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "audit chain intact" in result.output
    with app.app_context():
        names = set(db.session.execute(select(Patient.last_name)).scalars())
        assert names == {"Original"}
        assert assessment_service.canonical_content(db.session.get(Assessment, aid)) == before
        assert (
            db.session.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
            == audit_count
        )
        assert verify_chain().ok


def test_restore_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "nope")])
    assert result.exit_code != 0
