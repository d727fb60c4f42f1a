"""The sync triggers: migration 0007's frozen table list matches the synchronised tables of today's models, and the
triggers of every synchronised table exist in a new store."""

from __future__ import annotations

import importlib
import sqlite3

from core.sync.tables import TABLES
from core.uow import Context


def test_migrations_0007_and_0010_list_todays_synchronised_tables() -> None:
    first = importlib.import_module("core.store.migrations.versions.0007_sync")
    added = importlib.import_module("core.store.migrations.versions.0010_sync_profile_series")
    assert sorted(first.SYNCED + added.ADDED) == sorted((s.name, s.key, s.versioned) for s in TABLES.values())


def test_a_new_store_notes_changes_of_every_synchronised_table(ctx: Context) -> None:
    with sqlite3.connect(ctx.db.path) as conn:
        triggers = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {f"sync_{t}_{e}" for t in TABLES for e in ("insert", "update", "delete")} <= triggers
