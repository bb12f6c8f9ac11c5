"""Operator commands: `flask --app physio users create …`, `seed-demo`, and friends."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from physio.extensions import db
from physio.models import Role, User
from physio.services import users as user_service

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="Initial password (ask the user to change it).")
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.PHYSIO.value,
    show_default=True,
)
@click.option(
    "--clinic",
    "clinic_name",
    required=True,
    help="A new clinic of this name is created; an existing name is refused without --join.",
)
@click.option(
    "--join",
    is_flag=True,
    help="Add the user to the existing clinic of this name (its id is printed).",
)
@click.option("--registration", default=None, help="Professional registration number.")
def create_user_command(email, password, name, role, clinic_name, join, registration):
    """Create a user in a new clinic (or, with --join, in the existing clinic of that name)."""
    from physio.security import password_problems
    from physio.services import audit

    # Operators may script accounts (e.g. with a one-time password to be changed); the web form
    # for new users enforces the policy, here a weak password is reported, not refused.
    problems = password_problems(password, email=email, name=name, clinic=clinic_name)
    if problems:
        click.echo("Warning: weak password: " + " ".join(problems), err=True)
    try:
        if join:
            clinic = user_service.existing_clinic(clinic_name)
        else:
            clinic = user_service.create_clinic(clinic_name)
    except user_service.ClinicExists as exists:
        db.session.rollback()
        raise click.ClickException(
            f"A clinic named {exists.clinic.name!r} already exists (id {exists.clinic.id}); "
            "nothing was created. To add the user to that clinic, check it is the right one "
            "and repeat with --join."
        ) from None
    except user_service.InvalidClinicName as invalid:
        db.session.rollback()
        raise click.ClickException(
            f"The clinic name {clinic_name!r} holds {invalid} characters (invisible or control "
            "characters): a name is plain text; nothing was created."
        ) from None
    except user_service.NoSuchClinic:
        db.session.rollback()
        raise click.ClickException(
            f"There is no clinic named {clinic_name!r} to join; leave out --join to create it."
        ) from None
    try:
        user = user_service.create_user(
            clinic=clinic,
            name=name,
            email=email,
            password=password,
            role=role,
            registration=registration,
        )
    except user_service.DuplicateEmail:
        db.session.rollback()
        raise click.ClickException(f"A user with the email {email} already exists.") from None
    audit.record(
        "user_create",
        user_id=None,
        clinic_id=clinic.id,
        obj=user,
        via="cli",
        email=user.email,
        role=user.role.value,
    )
    db.session.commit()
    if join:
        click.echo(
            f"Created {user.role.value} {user.email} in the existing clinic {clinic.name!r} "
            f"(id {clinic.id})."
        )
    else:
        click.echo(f"Created {user.role.value} {user.email} in the new clinic {clinic.name!r}.")


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Add the demo even if the database has data.")
def seed_demo_command(force):
    """Load a demo clinic with users, patients and assessments."""
    from physio.demo import DEMO_PASSWORD, seed_demo

    has_data = db.session.execute(select(func.count()).select_from(User)).scalar_one() > 0
    if has_data and not force:
        raise click.ClickException(
            "The database already has data; refusing to add the demo. Use --force to add it anyway."
        )
    logins = seed_demo()
    db.session.commit()
    click.echo("Demo data loaded. Log in with:")
    for email, role in logins:
        click.echo(f"  {role:<7} {email}  password: {DEMO_PASSWORD}")


audit_cli = AppGroup("audit", help="The tamper-evident audit log.")


@audit_cli.command("verify")
def audit_verify_command():
    """Recompute the audit log's keyed hash chain and compare its newest entry with the anchor
    file; exit 1 if an entry was changed, removed (the newest ones too) or re-chained."""
    from physio.services.audit import anchor_note, check_anchor, verify_chain

    report = verify_chain()
    if not report.ok:
        raise click.ClickException(
            f"Audit chain broken at entry {report.first_bad_id}: {report.problem} "
            f"({report.checked} entries verified before it)."
        )
    anchored = check_anchor(report)
    if anchored:
        raise click.ClickException(
            f"Audit log tampered with: {anchored} ({report.checked} entries verified)."
        )
    keyed = report.checked - report.unkeyed
    click.echo(f"Audit chain intact: {report.checked} entries verified.")
    click.echo(
        f"  {keyed} keyed with the server's audit key"
        + (
            f"; {report.unkeyed} from before keys, checked as a plain chain"
            if report.unkeyed
            else ""
        )
        + ". "
        + anchor_note(report)
    )
    click.echo(
        "  This proves no entry was changed, inserted or removed (the newest ones included, "
        "against the anchor) by anyone without the audit key. It can't prove that someone "
        "holding the key, or able to rewrite the anchor file too, didn't rewrite the log; nor "
        "that every action was recorded in the first place."
    )


records_cli = AppGroup("records", help="Signed clinical records.")


@records_cli.command("verify")
def records_verify_command():
    """Recompute every signed assessment version from the database and compare it with the
    SHA-256 stored when it was signed and with the audit log's signature; report records
    signed twice and signatures whose record is gone; check every stored PDF against its
    SHA-256 and the audit log's export entry; exit 1 naming each mismatch."""
    from physio.services.assessments import verify_all_signed
    from physio.services.plans import verify_exports

    checked, mismatches = verify_all_signed()
    exports_checked, export_mismatches = verify_exports()
    for mismatch in [*mismatches, *export_mismatches]:
        click.echo(f"MISMATCH {mismatch}", err=True)
    missing = sum(1 for m in mismatches if m.missing)
    changed = len(mismatches) - missing
    if mismatches or export_mismatches:
        parts = [f"{changed} of {checked} signed records do not match their signed hash"]
        if missing:
            parts.append(f"{missing} signed records named by the audit log are missing")
        if export_mismatches:
            parts.append(
                f"{len(export_mismatches)} of {exports_checked} exported PDFs do not match "
                "their SHA-256"
            )
        raise click.ClickException("; ".join(parts) + ".")
    click.echo(f"{checked} signed records verified; {exports_checked} exported PDFs verified.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file):
    """Write a consistent backup of the whole database to FILE."""
    from pathlib import Path

    from physio.services.backup import BackupError, backup

    try:
        backup(Path(file))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Don't ask for confirmation.")
@with_appcontext
def restore_command(file, yes):
    """Replace the whole database with the backup in FILE, then verify its audit chain against
    the anchor's "keyed from" id; a backup that doesn't verify is refused and the database put
    back as it was."""
    from pathlib import Path

    from physio.services.audit import anchor_head, check_keyed_from, verify_chain
    from physio.services.backup import BackupError, restore_checked

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    reports = []

    def check() -> str | None:
        report = verify_chain()
        reports.append(report)
        if not report.ok:
            return (
                f"the restored audit chain does not verify at entry {report.first_bad_id}: "
                f"{report.problem}"
            )
        return check_keyed_from(report)

    try:
        restore_checked(Path(file), check)
    except BackupError as error:
        raise click.ClickException(f"Restore refused: {error}") from None
    report = reports[-1]
    anchor_head(report)  # the anchor now names the restored log's newest entry
    click.echo(f"Restored from {file}; audit chain intact ({report.checked} entries).")


@click.command("render-plan")
@click.argument("assessment_id", type=int)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the PDF.",
)
@click.option("--letter", is_flag=True, help="Render the GP referral letter instead (E/U).")
@with_appcontext
def render_plan_command(assessment_id, output, letter):
    """Render a preview of an assessment's current plan to a PDF file (nothing is stored)."""
    from pathlib import Path

    from physio.models import Assessment
    from physio.services import plans as plan_service

    a = db.session.get(Assessment, assessment_id)
    if a is None:
        raise click.ClickException(f"There is no assessment {assessment_id}.")
    try:
        rendered = plan_service.preview(a, "letter" if letter else "plan")
    except plan_service.ExportRefused as refused:
        raise click.ClickException(str(refused)) from None
    Path(output).write_bytes(rendered.data)
    click.echo(
        f"Wrote a preview to {output} ({len(rendered.data):,} bytes) for assessment {a.id}, "
        f"{a.patient.full_name}{' (draft)' if not a.is_signed else ''}: not a stored version "
        f"(Export on the plan page stores one)."
    )


@click.command("analyze")
@with_appcontext
def analyze_command():
    """Refresh the query planner's statistics (run after bulk imports, and nightly)."""
    from sqlalchemy import text

    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    click.echo(f"Statistics refreshed ({db.engine.dialect.name}).")


questionnaires_cli = AppGroup("questionnaires", help="Questionnaire links sent to patients.")


@questionnaires_cli.command("remind")
@click.option(
    "--after-days",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Remind when a link was emailed at least this many days ago and is not completed.",
)
@click.option(
    "--base-url",
    default=None,
    help="The address patients open, e.g. https://physio.example.org (default: PUBLIC_BASE_URL).",
)
def remind_command(after_days, base_url):
    """Email one reminder for each questionnaire link not completed after N days (for cron).
    A link gets at most one reminder; completed, revoked, locked and expired links get none."""
    from flask import current_app, url_for

    from physio.clock import local_date
    from physio.mail import MailNotSent, mail_enabled, send_mail
    from physio.models import Clinic
    from physio.models.base import utcnow
    from physio.services import audit
    from physio.services import questionnaires as service
    from physio.views.patient_links import mail_text

    if not mail_enabled():
        raise click.ClickException("Email is not configured (set SMTP_URL): no reminder was sent.")
    base_url = base_url or current_app.config.get("PUBLIC_BASE_URL")
    if not base_url:
        raise click.ClickException(
            "Give --base-url (or set PUBLIC_BASE_URL): the address patients open the links at."
        )
    sent = skipped = failed = 0
    for q in service.due_reminders(after_days):
        patient, clinic = q.patient, db.session.get_one(Clinic, q.clinic_id)
        if not patient.email:
            skipped += 1
            continue
        token = service.new_reminder_token(q)
        with current_app.test_request_context(base_url=base_url):
            url = url_for("patient_questionnaire.questionnaire", token=token, _external=True)
            body = mail_text(
                "questionnaire_reminder",
                patient=patient,
                clinic=clinic,
                url=url,
                expires=local_date(q.expires_at),
            )
        try:
            send_mail(
                patient.email, f"Reminder: questions before your visit to {clinic.name}", body
            )
        except MailNotSent as problem:
            db.session.rollback()
            failed += 1
            click.echo(f"Questionnaire {q.id}: not sent ({problem}).", err=True)
            continue
        q.reminded_at = utcnow()
        audit.record("questionnaire_remind", user_id=None, clinic_id=q.clinic_id, obj=q, via="cli")
        db.session.commit()
        sent += 1
    click.echo(
        f"Sent {sent} reminder{'s' if sent != 1 else ''}"
        + (f"; {skipped} skipped (no email address)" if skipped else "")
        + (f"; {failed} failed" if failed else "")
        + "."
    )
    if failed:
        raise SystemExit(1)


commands = [
    users_cli,
    seed_demo_command,
    audit_cli,
    records_cli,
    backup_command,
    restore_command,
    render_plan_command,
    analyze_command,
    questionnaires_cli,
]
