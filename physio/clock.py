"""The clinic's time zone: times are stored in UTC and entered and shown in clinic time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def clinic_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_time(moment: datetime) -> datetime:
    """An aware UTC moment in the clinic's time zone."""
    return moment.astimezone(clinic_timezone())


def local_date(moment: datetime) -> date:
    return local_time(moment).date()
