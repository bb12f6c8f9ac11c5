"""One page of a list, as plain data for a template (the pagination macro reads these names)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select

from physio.extensions import db

T = TypeVar("T")

# Pages beyond this are as empty as any page past the end; a larger number would overflow the
# database's OFFSET (?page=999999999999999999999).
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def paginate(stmt: Select, *, page: int, per_page: int, row: Callable[[Any], T]) -> Page[T]:
    """Run one page of `stmt` (a page past the end is empty, not an error) and turn each
    loaded object into plain view data with `row`."""
    page = min(max(page, 1), MAX_PAGE)
    result = db.paginate(stmt, page=page, per_page=per_page, max_per_page=200, error_out=False)
    return Page([row(item) for item in result.items], result.page, result.pages, result.total or 0)
