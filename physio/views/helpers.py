"""Small helpers shared by the views: auditing the current request, safe redirects, filters."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user
from markupsafe import Markup

from physio.body_chart_svg import body_chart_markup, body_chart_svg
from physio.charts import pain_log_chart_svg, progress_chart_svg
from physio.clinical import format_number
from physio.clinical.body_chart import describe as describe_chart
from physio.clock import local_time
from physio.forms.render import render_field, render_section
from physio.services import audit


@dataclass(frozen=True)
class SignedIn:
    """The logged-in user as the page header shows them."""

    name: str
    clinic_name: str
    is_admin: bool
    is_clinician: bool = False


def signed_in(user) -> SignedIn:
    return SignedIn(user.name, user.clinic.name, user.is_admin, user.is_clinician)


def per_user_key() -> str:
    """Rate-limit key: the logged-in user's id, wherever they are (one physio's signing or
    saving can't use up another's budget behind a shared address; logging in again, which
    gives a new session token, doesn't give a new budget)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


def actor() -> audit.Actor:
    """Who makes this request (the logged-in user, if any) and from which address."""
    user = current_user if current_user.is_authenticated else None
    return audit.Actor(
        user_id=user.id if user else None,
        clinic_id=user.clinic_id if user else None,
        ip=request.remote_addr,
    )


def audit_here(action: str, obj: object | None = None, **detail) -> None:
    """Record an audit entry for the logged-in user making this request."""
    audit.record_by(actor(), action, obj, **detail)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are allowed as a post-login redirect (Flask-Login docs)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def require_admin() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(403)


def _date(value: date | datetime | None, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def _datetime(value: datetime | None) -> str:
    if not value:
        return ""
    return (local_time(value) if value.tzinfo else value).strftime("%d %b %Y %H:%M")


def _iso_date(value: str | None) -> str:
    return _date(date.fromisoformat(value)) if value else ""


def _iso_datetime(value: str | None) -> str:
    return _datetime(datetime.fromisoformat(value)) if value else ""


def _blank(value) -> str:
    return "—" if value is None or value == "" or value == [] else str(value)


def _with_unit(value, unit: str) -> str:
    if value is None:
        return "—"
    glue = "" if unit.startswith(("/", "°", "%")) else " "
    return f"{format_number(value)}{glue}{unit}"


def _signed_num(value) -> str:
    shown = format_number(value)
    return f"+{shown}" if shown not in ("—", "0") and not shown.startswith("-") else shown


def _body_chart_img(marks, css_class: str = "body-chart") -> Markup:
    """The body chart as an embedded image (data: URL), as the PDFs embed every picture."""
    svg = body_chart_svg(marks, title="Body chart")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img class="{}" alt="Body chart" src="data:image/svg+xml;base64,{}">').format(
        css_class, data
    )


def _progress_chart(series) -> Markup:
    # Our own SVG; every text in it is escaped by the chart renderer.
    return Markup(progress_chart_svg(series or {}))


def _pain_log_chart(runs) -> Markup:
    # Our own SVG (numbers and dates only).
    return Markup(pain_log_chart_svg(runs or []))


def template_filters() -> dict:
    return {
        "progress_chart": _progress_chart,
        "body_chart": body_chart_markup,
        "body_chart_img": _body_chart_img,
        "body_chart_lines": describe_chart,
        "pain_log_chart": _pain_log_chart,
        "schema_field": render_field,
        "schema_section": render_section,
        "date": _date,
        "iso_date": _iso_date,
        "iso_datetime": _iso_datetime,
        "datetime": _datetime,
        "blank": _blank,
        "num": format_number,
        "signed_num": _signed_num,
        "with_unit": _with_unit,
    }
