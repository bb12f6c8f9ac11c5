"""Admins browse and filter their clinic's audit log."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from physio.clock import clinic_timezone
from physio.services import audit
from physio.views.helpers import require_admin

bp = Blueprint("audit_log", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _require_admin():
    require_admin()


@bp.route("/audit")
def index():
    """The clinic's audit entries, newest first, filtered by action, user, object and date."""
    filters = {k: request.args.get(k, "").replace("\x00", "").strip()[:100] for k in audit.FILTERS}
    found = audit.search(filters, page=request.args.get("page", 1, type=int), tz=clinic_timezone())
    return render_template(
        "admin/audit.html",
        page=found.page,
        users=found.users,
        actions=found.actions,
        object_types=audit.OBJECT_TYPES,
        filters=filters,
    )
