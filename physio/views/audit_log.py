"""Admins browse and filter their clinic's audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from physio.clock import clinic_timezone
from physio.extensions import db
from physio.models import AuditEvent, User
from physio.views.helpers import require_admin

bp = Blueprint("audit_log", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_admin():
    require_admin()


def _day(text: str | None):
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").date()
    except ValueError:
        return None


@bp.route("/audit")
def index():
    """The clinic's audit entries, newest first, filtered by action, user, object and date."""
    tz = clinic_timezone()
    filters = {
        k: request.args.get(k, "").replace("\x00", "").strip()[:100]
        for k in ("action", "user_id", "object_type", "object_id", "since", "until")
    }
    stmt = select(AuditEvent).where(AuditEvent.clinic_id == current_user.clinic_id)
    if filters["action"]:
        stmt = stmt.where(AuditEvent.action == filters["action"])
    if filters["user_id"].isdigit():
        stmt = stmt.where(AuditEvent.user_id == int(filters["user_id"]))
    if filters["object_type"]:
        stmt = stmt.where(AuditEvent.object_type == filters["object_type"])
    if filters["object_id"].isdigit():
        stmt = stmt.where(AuditEvent.object_id == int(filters["object_id"]))
    if since := _day(filters["since"]):
        stmt = stmt.where(AuditEvent.at >= datetime.combine(since, time.min, tz))
    if until := _day(filters["until"]):
        stmt = stmt.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tz))
    page = db.paginate(
        stmt.order_by(AuditEvent.id.desc()), per_page=50, max_per_page=200, error_out=False
    )
    users = {
        u.id: u
        for u in db.session.execute(
            select(User).where(User.clinic_id == current_user.clinic_id)
        ).scalars()
    }
    actions = (
        db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.clinic_id == current_user.clinic_id)
            .distinct()
            .order_by(AuditEvent.action)
        )
        .scalars()
        .all()
    )
    return render_template(
        "admin/audit.html", page=page, users=users, filters=filters, actions=actions
    )
