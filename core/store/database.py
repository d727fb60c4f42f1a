"""Open a company's SQLite store: pragmas, serialised writes, and migrations after a backup."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from core.errors import StoreError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Database:
    """One company's store. `reader()` sessions never write; `writer()` sessions hold the write lock."""

    path: Path
    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]

    def dispose(self) -> None:
        self.engine.dispose()


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # Driver-level autocommit so that SQLAlchemy's "begin" event alone decides how a transaction starts.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "secure_delete=ON",  # erased personal data is overwritten, not left in free pages
        "synchronous=FULL",
        "busy_timeout=10000",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def _on_begin(conn: Any) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE): two writers never deadlock on a lock upgrade.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup(path: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup (consistent even with a WAL) beside the file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{label}-{stamp}{path.suffix}")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def migrate(engine: Engine, path: Path) -> Path | None:
    """Bring the schema to head; an existing database is backed up first. Returns the backup's path."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    backup_path = backup(path, current or "empty") if current is not None else None
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as exc:
        log.exception("migration failed")
        raise StoreError(
            f"The company database {path.name} could not be upgraded to the current version.",
            fix=f"Nothing was changed. A backup is at {backup_path}." if backup_path else "",
        ) from exc
    return backup_path


def open_database(path: Path, *, create: bool = False) -> Database:
    """Open (or create) the store at `path`, migrating it to the current schema."""
    if not path.exists() and not create:
        raise StoreError(
            f"There is no company database at {path}.",
            fix="Create one with `qayd init` (or `qayd init --demo`), or pick another with --company/--data-dir.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    try:
        migrate(engine, path)
    except sqlite3.DatabaseError as exc:
        engine.dispose()
        raise StoreError(f"{path.name} is not a usable Qayd database ({exc}).") from exc
    reader = sessionmaker(engine, expire_on_commit=False)
    writer = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)
    return Database(path=path, engine=engine, reader=reader, writer=writer)
