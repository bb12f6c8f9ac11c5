from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from physio.extensions import Model


class RateLimitCounter(Model):
    """One fixed-window counter of the rate limits (physio/ratelimit_storage.py): the key names
    the limit and who it counts (hashed), `expires_at` is when the window ends (Unix seconds)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
