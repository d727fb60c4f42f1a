"""The sync triggers: migration 0007's frozen table list matches the synchronised tables of today's models, the SQL
the migrations carry is what the live code makes for their tables, and the triggers of every synchronised table exist
in a new store."""

from __future__ import annotations

import importlib
import sqlite3

import pytest

from core.sync.tables import TABLES, trigger_sql
from core.uow import Context


def test_migrations_0007_and_0010_list_todays_synchronised_tables() -> None:
    first = importlib.import_module("core.store.migrations.versions.0007_sync")
    added = importlib.import_module("core.store.migrations.versions.0010_sync_profile_series")
    payments = importlib.import_module("core.store.migrations.versions.0013_payments")
    incident = importlib.import_module("core.store.migrations.versions.0014_incident")
    insights = importlib.import_module("core.store.migrations.versions.0015_insights")
    frozen = first.SYNCED + added.ADDED + payments.ADDED + incident.ADDED + insights.ADDED
    assert sorted(frozen) == sorted((s.name, s.key, s.versioned) for s in TABLES.values())


@pytest.mark.parametrize(("module", "tables"), [("0007_sync", "SYNCED"), ("0010_sync_profile_series", "ADDED"),
                                                       ("0013_payments", "ADDED"), ("0014_incident", "ADDED"),
                                                       ("0015_insights", "ADDED")])
def test_a_migrations_frozen_triggers_are_what_the_live_code_makes(module: str, tables: str) -> None:
    """The migrations carry their SQL as text (they import no live code); it must be, statement for statement, what
    core.sync.tables.trigger_sql made for that revision's tables, so a store made or upgraded today is unchanged."""
    migration = importlib.import_module(f"core.store.migrations.versions.{module}")
    made = [sql for name, key, versioned in getattr(migration, tables) for sql in trigger_sql(name, key, versioned)]
    assert list(migration.TRIGGERS) == made
    assert len(made) == 3 * len(getattr(migration, tables))


def test_a_new_store_notes_changes_of_every_synchronised_table(ctx: Context) -> None:
    with sqlite3.connect(ctx.db.path) as conn:
        triggers = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {f"sync_{t}_{e}" for t in TABLES for e in ("insert", "update", "delete")} <= triggers
