"""Issue 11, the data-integrity findings (1, 2, 5, 6, 7, 11, 12): each reproduced as it was
found (HTTP, direct SQL for tampering, threads for the races) and shown fixed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from physio.extensions import db
from physio.models import Assessment, Clinic, User
from physio.services import assessments as assessment_service
from tests.helpers import (
    ON_POSTGRES,
    TEST_DATABASE_URL,
    login,
    past_retention,
    sha256_rechain,
    signed_visit,
)

# --- finding 1: signed content hashes verify ---------------------------------------------------


def test_finding1_signed_value_is_stored_at_declared_precision_and_hash_covers_it(
    app, physio_client, make, physio, runner
):
    patient = make.patient(physio)
    aid = signed_visit(
        physio_client,
        patient,
        **{
            "training-runs_per_week": "3",
            "training-weekly_km_w1": "12.3456789",
            "training-weekly_km_w2": "45",
            "training-weekly_km_w3": "20.0",
            "training-weekly_km_w4": "0",
        },
    )
    with app.app_context():
        db.session.expire_all()
        a = db.session.get(Assessment, aid)
        assert a.training_weekly_km_w1 == Decimal("12.3")  # stored as shown, not 12.3456789
        assert assessment_service.verify_signed(a) is None  # reloaded from the database
        assert a.content_hash == assessment_service.content_hash(a)
        assert a.hash_version == assessment_service.HASH_VERSION
    page = physio_client.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "12.3" in page and "12.3456789" not in page
    result = runner.invoke(args=["records", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 signed records verified" in result.output


def test_finding1_canonical_form_omits_absent_values_so_new_fields_keep_old_hashes(
    app, physio_client, make, physio
):
    aid = signed_visit(physio_client, make.patient(physio))
    with app.app_context():
        content = assessment_service.canonical_content(db.session.get(Assessment, aid))
    # A field added to the schema later is absent from every old record: nothing of it (not
    # even a null) can be in an old record's canonical content.
    assert "null" not in content and '""' not in content and "[]" not in content
    assert '"hash_version":2' in content


def test_finding1_records_verify_names_a_value_changed_by_direct_sql(
    app, physio_client, make, physio, runner
):
    patient = make.patient(physio)
    good = signed_visit(physio_client, patient)
    bad = signed_visit(physio_client, patient)
    assert runner.invoke(args=["records", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(
            text("UPDATE assessments SET pain_nprs_now = 9 WHERE id = :i"), {"i": bad}
        )
        db.session.commit()
    result = runner.invoke(args=["records", "verify"])
    assert result.exit_code == 1
    assert f"assessment {bad} " in result.output and f"assessment {good} " not in result.output
    assert "1 of 2 signed records do not match" in result.output


def test_finding1_demo_data_verifies(app, runner, monkeypatch):
    import physio.demo

    seed_clinical = physio.demo.seed_clinical_demo
    monkeypatch.setattr(  # the dozen PDF exports are not what is tested here
        physio.demo,
        "seed_clinical_demo",
        lambda *args, **kw: seed_clinical(*args, **{**kw, "export_pdfs": False}),
    )
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        signed = db.session.execute(
            select(Assessment).where(Assessment.content_hash.is_not(None))
        ).all()
    result = runner.invoke(args=["records", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{len(signed)} signed records verified" in result.output and len(signed) > 10


def test_finding1_a_second_process_catches_the_tampering(tmp_path, fresh_app):
    """`flask records verify` run as its own process against the same database."""
    from config import TestingConfig
    from physio.app import create_app
    from tests.helpers import Factory

    url = TEST_DATABASE_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'physio.sqlite'}"
    app = fresh_app() if ON_POSTGRES else create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url)
    if not ON_POSTGRES:
        with app.app_context():
            db.create_all()
    make = Factory(app)
    physio = make.user(make.clinic("Second process"), email="p2@example.org")
    client = app.test_client()
    login(client, physio)
    aid = signed_visit(client, make.patient(physio))
    env = {**os.environ, "DATABASE_URL": url, "PHYSIO_ENV": "testing"}
    command = [sys.executable, "-m", "flask", "--app", "physio", "records", "verify"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "1 signed records verified" in ok.stdout, ok.stderr
    with app.app_context():
        db.session.execute(
            text("UPDATE assessments SET history_presenting_complaint = 'x' WHERE id = :i"),
            {"i": aid},
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    caught = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert caught.returncode == 1 and f"assessment {aid} " in caught.stderr


# --- finding 11: a signed record's tier doesn't follow later patient edits ------------------------


def test_finding11_signed_record_keeps_the_patient_facts_it_was_signed_with(
    app, physio_client, make, physio, runner
):
    patient = make.patient(physio, date_of_birth=date(1988, 4, 12))
    aid = signed_visit(physio_client, patient, **{"history-previous_episodes": "0"})
    with app.app_context():
        before = assessment_service.derive_for(db.session.get(Assessment, aid))
        assert not before.red_flags.first_episode_age_context
        # Born 1950: a first episode after 55 would add a context flag to the tier.
        db.session.execute(
            text("UPDATE patients SET date_of_birth = :d WHERE id = :p"),
            {"d": date(1950, 1, 1), "p": patient.id},
        )
        db.session.commit()
        db.session.expire_all()
        after = assessment_service.derive_for(db.session.get(Assessment, aid))
        assert after.age == before.age
        assert not after.red_flags.first_episode_age_context
        assert after.red_flags.tier == before.red_flags.tier
        signed = db.session.get(Assessment, aid).signed_patient
        assert signed == {"date_of_birth": "1988-04-12", "sex": "female"}
    # The facts are part of what is signed: changing them in the database is caught.
    assert runner.invoke(args=["records", "verify"]).exit_code == 0
    with app.app_context():
        db.session.execute(
            text("UPDATE assessments SET signed_patient = :s WHERE id = :i"),
            {"s": '{"date_of_birth": "1950-01-01", "sex": "female"}', "i": aid},
        )
        db.session.commit()
    assert runner.invoke(args=["records", "verify"]).exit_code == 1


# --- finding 7: clinics by identity, not by name ------------------------------------------------


def _create_user(runner, email, clinic, *extra):
    return runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            email,
            "--password",
            "long-enough-secret-1",
            "--name",
            "New Admin",
            "--role",
            "admin",
            "--clinic",
            clinic,
            *extra,
        ]
    )


def test_finding7_users_create_refuses_an_existing_clinic_name_without_join(
    app, runner, make, admin
):
    squatted = make.clinic("northside physio")  # an admin renamed their clinic to this
    result = _create_user(runner, "victim@example.org", "Northside Physio")
    assert result.exit_code == 1
    assert "already exists" in result.output and f"id {squatted.id}" in result.output
    assert "--join" in result.output
    with app.app_context():
        assert (
            db.session.execute(
                select(User).where(User.email == "victim@example.org")
            ).scalar_one_or_none()
            is None
        )
    joined = _create_user(runner, "staff@example.org", "Northside Physio", "--join")
    assert joined.exit_code == 0, joined.output
    assert f"(id {squatted.id})" in joined.output and "northside physio" in joined.output
    created = _create_user(runner, "new@example.org", "Southside Physio")
    assert created.exit_code == 0 and "new clinic 'Southside Physio'" in created.output
    missing = _create_user(runner, "x@example.org", "Nowhere", "--join")
    assert missing.exit_code == 1 and "no clinic named" in missing.output


def test_finding7_renaming_a_clinic_to_a_taken_name_is_a_clear_422(app, client, make, admin):
    make.clinic("Northside Physio")
    login(client, admin)
    response = client.post("/admin/clinic", data={"name": "NORTHSIDE physio", "phone": ""})
    assert response.status_code == 422
    assert "Another clinic already uses this name" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Clinic, admin.clinic_id).name == "Riverside"
    ok = client.post("/admin/clinic", data={"name": "Riverside Physio", "phone": ""})
    assert ok.status_code == 302


def test_finding7_the_database_refuses_two_clinics_differing_only_in_case(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add_all([Clinic(name="Hilltop"), Clinic(name="HILLTOP")])
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# --- finding 2: one version at a time -----------------------------------------------------------


@pytest.fixture
def race_app(app, tmp_path, restore_limiter):
    """An app whose database several threads can use at once: PostgreSQL as configured, or a
    SQLite file (the in-memory test database is one connection)."""
    from physio.extensions import limiter

    limiter.enabled = False  # several logins from one address (restored by the app fixture)
    if ON_POSTGRES:
        yield app
        return
    from config import TestingConfig
    from physio.app import create_app

    live = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'r.sqlite'}")
    with live.app_context():
        db.create_all()
    yield live
    with live.app_context():
        db.session.remove()
        db.engine.dispose()


def _race(app, user, requests: int, send) -> list:
    """`requests` logged-in clients send at the same moment; their status codes (or the
    exception a request raised, which is how a 500 shows in testing)."""
    import threading

    clients = []
    for _ in range(requests):
        client = app.test_client()
        login(client, user)
        clients.append(client)
    barrier = threading.Barrier(requests)
    results: list = [None] * requests

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send(clients[i]).status_code
        except Exception as error:  # a 500 in testing mode
            results[i] = repr(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _setup(race_app):
    from tests.helpers import Factory

    make = Factory(race_app)
    physio = make.user(make.clinic("Race"), email="race@example.org")
    client = race_app.test_client()
    login(client, physio)
    return make, physio, client


def test_finding2_simultaneous_amendments_make_one_version_2(race_app):
    make, physio, client = _setup(race_app)
    aid = signed_visit(client, make.patient(physio))
    results = _race(
        race_app, physio, 4, lambda c: c.post(f"/assessments/{aid}/amend", data={"reason": "r"})
    )
    assert set(results) <= {302, 409}, results
    with race_app.app_context():
        versions = db.session.execute(
            select(Assessment.version)
            .where((Assessment.id == aid) | (Assessment.root_id == aid))
            .execution_options(skip_clinic_scope=True)
        ).scalars()
        assert sorted(versions) == [1, 2]


def test_finding2_simultaneous_signatures_sign_once(race_app):
    from tests.helpers import PASSWORD, minimal_signable, new_assessment

    make, physio, client = _setup(race_app)
    aid = new_assessment(client, make.patient(physio))
    client.post(f"/assessments/{aid}/edit", data=minimal_signable(lock_version=1))
    results = _race(
        race_app,
        physio,
        3,
        lambda c: c.post(f"/assessments/{aid}/sign", data={"password": PASSWORD}),
    )
    assert sorted(results) == [302, 409, 409], results
    with race_app.app_context():
        signs = db.session.execute(
            text("SELECT count(*) FROM audit_events WHERE action = 'sign'")
        ).scalar_one()
        assert signs == 1
        a = db.session.execute(
            select(Assessment).where(Assessment.id == aid).execution_options(skip_clinic_scope=True)
        ).scalar_one()
        assert assessment_service.verify_signed(a) is None


def test_finding2_simultaneous_exports_number_their_versions_without_a_500(race_app):
    make, physio, client = _setup(race_app)
    aid = signed_visit(client, make.patient(physio))
    results = _race(race_app, physio, 3, lambda c: c.post(f"/assessments/{aid}/plan/export"))
    assert set(results) <= {302, 409}, results
    with race_app.app_context():
        versions = db.session.execute(
            text("SELECT version FROM plan_exports WHERE assessment_id = :a"), {"a": aid}
        ).scalars()
        assert sorted(versions) == list(range(1, results.count(302) + 1))


def test_finding2_the_database_refuses_a_second_version_2(app, physio_client, make, physio):
    from sqlalchemy.exc import IntegrityError

    aid = signed_visit(physio_client, make.patient(physio))
    assert physio_client.post(f"/assessments/{aid}/amend", data={"reason": "r"}).status_code == 302
    with app.app_context():
        first = db.session.get(Assessment, aid)
        fork = Assessment(
            clinic_id=first.clinic_id,
            patient_id=first.patient_id,
            kind=first.kind,
            seen_at=first.seen_at,
            created_by_id=physio.id,
            updated_by_id=physio.id,
            root_id=aid,
            amends_id=aid,
            version=2,
        )
        db.session.add(fork)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# --- finding 12: superseded versions ----------------------------------------------------------


def test_finding12_superseded_version_is_not_exported_shared_or_served(
    app, physio_client, make, physio
):
    from physio.services import patient_links as link_service
    from tests.helpers import sign

    aid = signed_visit(physio_client, make.patient(physio))
    assert physio_client.post(f"/assessments/{aid}/plan/export").status_code == 302
    with app.app_context():
        a = db.session.get(Assessment, aid)
        _, token = link_service.create_plan_link(a, db.session.get(User, physio.id), 30)
        db.session.commit()
    patient_side = app.test_client()
    assert patient_side.get(f"/p/{token}").status_code == 200
    amended = physio_client.post(f"/assessments/{aid}/amend", data={"reason": "wrong side"})
    new_id = int(amended.headers["Location"].split("/")[-2])
    # An open (unsigned) amendment changes nothing yet: version 1 is still the signed one.
    assert patient_side.get(f"/p/{token}").status_code == 200
    assert sign(physio_client, new_id).status_code == 302

    export = physio_client.post(f"/assessments/{aid}/plan/export")
    assert export.status_code == 409
    assert "Version 2 replaced it" in export.get_data(as_text=True)
    share = physio_client.post(f"/assessments/{aid}/share")
    assert share.status_code == 409
    page = patient_side.get(f"/p/{token}")
    assert page.status_code == 410 and "There is a newer plan" in page.get_data(as_text=True)
    assert patient_side.get(f"/p/{token}/plan.pdf").status_code == 410
    assert physio_client.post(f"/assessments/{new_id}/plan/export").status_code == 302
    with app.app_context():
        exported = db.session.execute(
            text("SELECT count(*) FROM plan_exports WHERE assessment_id = :a"), {"a": aid}
        ).scalar_one()
        assert exported == 1


# --- finding 5: an audit chain an insider can't rewrite quietly ----------------------------------


@pytest.fixture
def anchored(app, tmp_path):
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "audit_anchor.json")
    return tmp_path / "audit_anchor.json"


def _activity(client, physio, times: int = 3) -> None:
    login(client, physio)
    for _ in range(times):
        client.get("/patients/")
        client.post("/logout")
        login(client, physio)


def test_finding5_removing_the_newest_entries_is_caught_by_the_anchor(
    app, client, runner, physio, anchored
):
    _activity(client, physio)
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "match the anchor" in ok.output and "can't prove" in ok.output
    assert oct(anchored.stat().st_mode & 0o777) == "0o600"
    with app.app_context():
        newest = db.session.execute(text("SELECT max(id) FROM audit_events")).scalar_one()
        db.session.execute(text("DELETE FROM audit_events WHERE id >= :i"), {"i": newest - 1})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "newest entries were removed" in result.output


def test_finding5_deleting_one_entry_and_rechaining_without_the_key_is_caught(
    app, client, runner, physio, anchored
):
    _activity(client, physio)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_events WHERE id = 3"))
        db.session.commit()
    sha256_rechain(app, 4)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "rewritten without the audit key" in result.output


def test_finding5_rechaining_everything_unkeyed_is_caught_by_the_anchor(
    app, client, runner, physio, anchored
):
    _activity(client, physio)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_events WHERE id = 2"))
        db.session.commit()
    sha256_rechain(app, 1)  # the whole chain as if written before keys
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "rewritten" in result.output


def test_finding5_a_key_guessed_wrong_does_not_verify(app, client, runner, physio):
    _activity(client, physio, times=1)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    app.config["AUDIT_KEY"] = "another-key"
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "does not match its hash" in result.output


def test_finding5_the_default_audit_key_is_generated_once_and_private(tmp_path):
    from config import instance_key

    key_file = tmp_path / "instance" / "audit_key"
    key = instance_key(key_file)
    assert len(key) > 40 and instance_key(key_file) == key
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_finding5_entries_from_before_keys_still_verify_as_a_prefix(app, client, runner, physio):
    _activity(client, physio, times=1)
    sha256_rechain(app, 1)  # as an upgraded database holds them: all unkeyed
    _activity(client, physio, times=1)  # then keyed entries follow
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "from before keys" in result.output


# --- finding 6: no personal data in the audit log after erasure ---------------------------------


def test_finding6_patient_edits_are_audited_by_field_not_value(app, physio_client, make, physio):
    patient = make.patient(physio, first_name="Jane", last_name="Oldname")
    data = {
        "first_name": "Janet",
        "last_name": "Newname",
        "date_of_birth": "1988-04-12",
        "sex": "female",
        "email": "janet.newname@example.org",
        "phone": "07700 900999",
        "consent_treatment": "y",
    }
    assert physio_client.post(f"/patients/{patient.id}/edit", data=data).status_code == 302
    with app.app_context():
        details = " ".join(
            str(d) for d in db.session.execute(text("SELECT detail FROM audit_events")).scalars()
        )
    for value in ("Oldname", "Newname", "Janet", "janet.newname", "900999"):
        assert value not in details
    assert "last_name" in details


def test_finding6_erasure_scrubs_older_entries_and_the_chain_still_verifies(
    app, client, runner, make, physio, admin, anchored
):
    from physio.services import audit

    patient = make.patient(physio, last_name="Oldname", reference="R-6")
    other = make.patient(physio, last_name="Keepme")
    login(client, physio)
    aid = signed_visit(client, patient)
    client.post(f"/assessments/{aid}/amend", data={"reason": "Oldname told us her knee hurts"})
    with app.app_context():  # an entry as the edit page wrote them before this fix
        audit.record(
            "update",
            user_id=physio.id,
            clinic_id=physio.clinic_id,
            object_type="patient",
            object_id=patient.id,
            changes={"last_name": ["Oldname", "Olderstill"], "email": [None, "o@example.org"]},
        )
        audit.record(
            "update",
            user_id=physio.id,
            clinic_id=physio.clinic_id,
            object_type="patient",
            object_id=other.id,
            changes={"last_name": ["Keepme", "Keepme2"]},
        )
        db.session.commit()
    client.post(f"/patients/{patient.id}/archive")
    past_retention(app, patient.id)
    client.post("/logout")
    login(client, admin)
    response = client.post(f"/admin/patients/{patient.id}/erase", data={"confirm": "R-6"})
    assert response.status_code == 302
    with app.app_context():
        details = " ".join(
            str(d) for d in db.session.execute(text("SELECT detail FROM audit_events")).scalars()
        )
    assert "Oldname" not in details and "Olderstill" not in details
    assert "o@example.org" not in details and "knee" not in details
    assert "Keepme" in details  # another patient's history is untouched
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Oldname" not in page
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_finding1_a_changed_value_with_its_hash_recomputed_is_still_caught(
    app, physio_client, make, physio, runner
):
    aid = signed_visit(physio_client, make.patient(physio))
    with app.app_context():
        db.session.execute(
            text("UPDATE assessments SET pain_nprs_now = 9 WHERE id = :i"), {"i": aid}
        )
        db.session.commit()
        db.session.expire_all()
        a = db.session.get(Assessment, aid)
        forged = assessment_service.content_hash(a)  # anyone can recompute a plain SHA-256
        db.session.execute(
            text("UPDATE assessments SET content_hash = :h WHERE id = :i"), {"h": forged, "i": aid}
        )
        db.session.commit()
    result = runner.invoke(args=["records", "verify"])
    assert result.exit_code == 1
    assert "not the one the audit log recorded" in result.output


@pytest.mark.skipif(ON_POSTGRES, reason="plain SQL data fixes: checked once, on a SQLite file")
def test_finding2_and_7_upgrade_unforks_drafts_and_separates_clinic_names(tmp_path):
    """A database from before the fix, holding a forked draft and two clinics whose names
    differ only in case, upgrades (the unique indexes need both resolved)."""
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    env = {**os.environ, "DATABASE_URL": url, "PHYSIO_ENV": "testing"}
    flask = [sys.executable, "-m", "flask", "--app", "physio", "db", "upgrade"]
    before = subprocess.run([*flask, "0f9b753f6ab4"], env=env, capture_output=True, text=True)
    assert before.returncode == 0, before.stderr
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))  # rows without their users and patients
        conn.execute(
            text(
                "INSERT INTO clinics (id, name, odi_enabled, sbst_enabled, created_at) "
                "VALUES (1, 'Northside', 0, 0, '2026-01-01'), "
                "(2, 'NORTHSIDE', 0, 0, '2026-01-01')"
            )
        )
        columns = conn.execute(text("PRAGMA table_info(assessments)")).all()
        values = {}
        for _, name, kind, notnull, default, _pk in columns:
            if name == "id" or not notnull or default is not None:
                continue
            values[name] = "[]" if kind == "JSON" else 1 if kind in ("INTEGER",) else "x"
        values.update(
            seen_at="2026-01-01",
            created_at="2026-01-01",
            updated_at="2026-01-01",
            kind="initial",
            status="signed",
            version=1,
            lock_version=1,
        )
        for row_id, status, version, root in (
            (1, "signed", 1, None),
            (2, "draft", 2, 1),
            (3, "draft", 2, 1),
        ):
            row = {**values, "id": row_id, "status": status, "version": version, "root_id": root}
            names = ", ".join(row)
            conn.execute(
                text(
                    f"INSERT INTO assessments ({names}) VALUES ({', '.join(':' + n for n in row)})"
                ),
                row,
            )
    engine.dispose()
    after = subprocess.run(flask, env=env, capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT version FROM assessments")).scalars()) == [1, 2, 3]
        names = set(conn.execute(text("SELECT name FROM clinics")).scalars())
        assert names == {"Northside", "NORTHSIDE (2)"}
    engine.dispose()


def test_finding1_records_signed_before_hash_version_2_still_verify(
    app, physio_client, make, physio, runner
):
    """A record signed by the old code: hash version 1 over the values held in memory (45 km
    where the database hands back 45.0)."""
    import hashlib

    aid = signed_visit(
        physio_client,
        make.patient(physio),
        **{"training-runs_per_week": "3", "training-weekly_km_w1": "45"}
        | {f"training-weekly_km_w{i}": "30" for i in (2, 3, 4)},
    )
    with app.app_context():
        a = db.session.get(Assessment, aid)
        old_form = assessment_service._canonical_v1(a, assessment_service._plain_v1_whole)
        assert '"weekly_km_w1":"45"' in old_form
        db.session.execute(
            text(
                "UPDATE assessments SET hash_version = NULL, signed_patient = NULL, "
                "content_hash = :h WHERE id = :i"
            ),
            {"h": hashlib.sha256(old_form.encode()).hexdigest(), "i": aid},
        )
        db.session.execute(text("DELETE FROM audit_events WHERE action = 'sign'"))
        db.session.commit()
    result = runner.invoke(args=["records", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.execute(
            text("UPDATE assessments SET pain_nprs_now = 8 WHERE id = :i"), {"i": aid}
        )
        db.session.commit()
    assert runner.invoke(args=["records", "verify"]).exit_code == 1
