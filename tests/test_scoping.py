"""Users and audit entries are clinic-scoped like every clinical row (physio/scoping.py): a
logged-in user's reads see their own clinic only, except where the code says otherwise (the
one-login-per-email check, writing and verifying the audit chain)."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from physio.extensions import db
from physio.models import AuditEvent, User
from physio.scoping import set_clinic_scope
from physio.services import audit
from physio.services.audit import verify_chain
from tests.helpers import count, login

ROOT = Path(__file__).resolve().parents[1]


def test_users_and_audit_entries_of_another_clinic_are_invisible_in_a_scoped_read(
    app, make, physio, clinic
):
    other = make.user(make.clinic("Elsewhere"), email="else@example.org")
    with app.app_context():
        audit.record("login", user_id=physio.id, clinic_id=clinic.id)
        audit.record("login", user_id=other.id, clinic_id=other.clinic_id)
        db.session.commit()
    with app.test_request_context():
        set_clinic_scope(clinic.id)
        users = db.session.execute(select(User)).scalars().all()
        events = db.session.execute(select(AuditEvent)).scalars().all()
        assert [u.id for u in users] == [physio.id]
        assert [e.user_id for e in events] == [physio.id]
        assert verify_chain().checked == 2  # the chain is walked across clinics


def test_an_email_used_in_another_clinic_is_no_business_of_this_clinic(app, admin_client, make):
    # Issue 11 finding 13: refusing it told the admin that another clinic has this email.
    # Emails are unique within a clinic; the same person may be staff at two (a locum).
    make.user(make.clinic("Elsewhere"), email="taken@example.org")
    response = admin_client.post(
        "/admin/users",
        data={
            "name": "Jo Lind",
            "email": "taken@example.org",
            "role": "physio",
            "password": "tempo-run-Thursday",
        },
    )
    assert response.status_code == 302
    assert count(app, User) == 3  # the admin, the other clinic's user, and the new one


def test_the_admin_audit_page_lists_only_the_clinic_s_people_and_entries(app, client, make, admin):
    other_clinic = make.clinic("Elsewhere")
    stranger = make.user(other_clinic, name="Stranger Danger")
    login(client, stranger)
    client.post("/logout")
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Alex Admin" in page and "Stranger Danger" not in page


# --- thin views ---------------------------------------------------------------------------------

THIN_VIEWS = ("audit_log.py", "patients.py", "retention.py")


def test_thin_views_hold_no_query_and_no_database_session():
    """request -> form -> one service call -> response: the queries live in physio/services."""
    for name in THIN_VIEWS:
        tree = ast.parse((ROOT / "physio" / "views" / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                imported = {alias.name for alias in node.names}
                assert not (node.module == "physio.extensions" and "db" in imported), name
                assert node.module != "sqlalchemy", name
            if isinstance(node, ast.Name):
                assert node.id not in ("db", "select"), (name, node.lineno)
