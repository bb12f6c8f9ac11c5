"""physio: clinical records and personalised treatment plans for runners with low back pain.

This file imports nothing, so the pure clinical core (`physio.clinical`, `physio.plan`) loads
without Flask or SQLAlchemy. The app factory lives in `physio/app.py`; `create_app` here only
forwards to it, so `flask --app physio` and `gunicorn 'physio:create_app()'` find it.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    from physio.app import create_app as _create_app

    return _create_app(*args, **kwargs)
