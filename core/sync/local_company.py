"""Whether the configured company exists on this desk with its profile (cheap: no network or ORM stack loaded), so
that a join cut half-way, which leaves a store without its company, is offered the join again."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from core.store.paths import company_paths

if TYPE_CHECKING:
    from core.config import Settings


def has_company(settings: Settings) -> bool:
    """True once the store exists and holds a company profile."""
    path = company_paths(settings.data_dir, settings.company).db
    if not path.exists():
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        try:
            return bool(conn.execute("SELECT count(*) FROM company").fetchone()[0])
        except sqlite3.DatabaseError:
            return True  # not a store we can read: opening it says what is wrong
