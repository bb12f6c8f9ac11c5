"""The patient's home log, per exported plan version: what they did each day, and after a run
how their back was during it and the next morning (0–10). No free text anywhere."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from physio.extensions import Model
from physio.models.base import ClinicOwned, UTCDateTime, utcnow


class PlanLogTick(ClinicOwned, Model):
    """One plan item done on one day (a row exists only while it is ticked)."""

    __tablename__ = "plan_log_ticks"
    __table_args__ = (UniqueConstraint("export_id", "day", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("plan_exports.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("patient_links.id"))
    day: Mapped[date]
    item_code: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanLogRun(ClinicOwned, Model):
    """Pain during one day's run and the morning after it (pain-monitoring model, [S19])."""

    __tablename__ = "plan_log_runs"
    __table_args__ = (UniqueConstraint("export_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    export_id: Mapped[int] = mapped_column(ForeignKey("plan_exports.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("patient_links.id"))
    day: Mapped[date]  # the day of the run
    pain_during: Mapped[int | None]
    pain_next_morning: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
