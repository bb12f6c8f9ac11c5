"""Clinic scoping, in one place.

While a user is logged in, every ORM SELECT of a `ClinicOwned` model (including relationship
loads) gets `clinic_id = <the user's clinic>` added by SQLAlchemy's `with_loader_criteria`, so a
record of another clinic behaves exactly like one that does not exist: 404.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort, g
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from physio.extensions import db
from physio.models.base import ClinicOwned

M = TypeVar("M")


def set_clinic_scope(clinic_id: int | None) -> None:
    g.clinic_scope = clinic_id


def current_clinic_scope() -> int | None:
    return g.get("clinic_scope") if g else None


@event.listens_for(Session, "do_orm_execute")
def _add_clinic_criteria(state: ORMExecuteState) -> None:
    # Column and relationship loads inherit the criteria from the statement that loaded the
    # parent (documented behaviour of with_loader_criteria), as in SQLAlchemy's own example.
    if (
        not state.is_select
        or state.is_column_load
        or state.is_relationship_load
        or state.execution_options.get("skip_clinic_scope")
    ):
        return
    try:
        clinic_id = current_clinic_scope()
    except RuntimeError:  # no app context (scripts, pure tests)
        return
    if clinic_id is None:
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            ClinicOwned,
            lambda cls: cls.clinic_id == clinic_id,
            include_aliases=True,
        )
    )


def get_or_404(model: type[M], ident: int, *options) -> M:
    """Load one row by primary key through a SELECT (never the identity map), so the clinic
    criteria above always apply. Another clinic's id and a missing id are both 404."""
    stmt = select(model).where(model.id == ident)  # type: ignore[attr-defined]
    if options:
        stmt = stmt.options(*options)
    obj = db.session.execute(stmt).unique().scalar_one_or_none()
    if obj is None:
        abort(404)
    return obj
