"""Open a company's SQLite store: pragmas, serialised writes, and migrations after a backup."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError as SqlAlchemyDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import StoreError
from core.files import create_private, private_dir, private_file
from core.store.busy import BusyPolicy, begin_immediate

if TYPE_CHECKING:
    from alembic.config import Config

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


def _begin_listener(policy: BusyPolicy, name: str) -> Callable[[Any], None]:
    def on_begin(conn: Any) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE): two writers never deadlock on a lock upgrade,
        # and one that waits on another process says so, then gives up with StoreBusyError (busy.py).
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "IMMEDIATE":
            begin_immediate(conn, policy, name)
        else:
            conn.exec_driver_sql(f"BEGIN {mode}")

    return on_begin


def make_engine(path: Path, busy: BusyPolicy | None = None) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _begin_listener(busy or BusyPolicy(), path.name))
    return engine


# Alembic is imported only when a migration is due: its import alone cost a fifth of the desktop's start.
def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:['"]([^'"]*)['"]|None)""", re.MULTILINE)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration, read from the revision files' `revision`/`down_revision` lines (a test holds this
    equal to Alembic's own answer). A linear history: the one revision no other names as its parent."""
    revisions: set[str] = set()
    parents: set[str | None] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _REVISION.findall(script.read_text("utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision") or None)
    heads = revisions - parents
    if len(heads) != 1:
        raise StoreError(f"The installed migrations have {len(heads)} heads instead of one.",
                         fix="Reinstall Qayd; the installation is incomplete.")
    head: str = heads.pop()  # the None parent is never a revision
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema version the store is at (Alembic's `alembic_version`), None for a new file."""
    with engine.connect() as conn:
        try:
            row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        except Exception as exc:  # no such table: a new, empty file
            if "no such table" not in str(exc):
                raise
            return None
        return None if row is None else str(row[0])


def backup(path: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup (consistent even with a WAL) beside the file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{label}-{stamp}{path.suffix}")
    src = sqlite3.connect(path)
    dst = sqlite3.connect(create_private(target))  # a full copy of the books: owner-only (issue 12 point 9)
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
    from alembic import command

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


def open_database(path: Path, *, create: bool = False, busy: BusyPolicy | None = None) -> Database:
    """Open (or create) the store at `path`, migrating it to the current schema; `busy`: how writers wait."""
    if not path.exists() and not create:
        raise StoreError(
            f"There is no company database at {path}.",
            fix="Create one with `qayd init` (or `qayd init --demo`), or pick another with --company/--data-dir.",
        )
    private_dir(path.parent, own=False)  # bootstrap narrows the data and companies folders it owns
    # The store file exists 0600 before SQLite opens it; SQLite gives its -wal and -shm files the store's mode.
    create_private(path)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        private_file(companion)
    engine = make_engine(path, busy)
    try:
        migrate(engine, path)
    except (sqlite3.DatabaseError, SqlAlchemyDatabaseError) as exc:  # SQLAlchemy wraps what sqlite3 raises
        engine.dispose()
        reason = exc.orig if isinstance(exc, SqlAlchemyDatabaseError) else exc
        raise StoreError(f"{path.name} is not a usable Qayd database ({reason}).",
                         fix="Restore it from a backup, or choose the right company with --company/--data-dir; "
                             "Qayd has not changed the file.") from None

    reader = sessionmaker(engine, expire_on_commit=False)
    writer = sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)
    return Database(path=path, engine=engine, reader=reader, writer=writer)
