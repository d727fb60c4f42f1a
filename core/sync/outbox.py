"""The device side of a sync: reading the outbox with each row's current state, acknowledging what central took,
and applying what other installs pushed.

Rows travel as the raw values SQLite holds (text, integers, reals; blobs as base64), keyed by column name, so every
install of the same schema reads them back exactly; the central database keeps them as opaque JSON.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.store.models import Base
from core.sync.tables import FOREIGN_KEYS, TABLES, Synced

if TYPE_CHECKING:
    from core.uow import UnitOfWork


def raw(uow: UnitOfWork) -> sqlite3.Connection:
    """The unit of work's sqlite3 connection, inside its transaction."""
    dbapi = uow.session.connection().connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    return dbapi


@dataclass(frozen=True, slots=True)
class Pending:
    """One outbox entry with the row's state now (None once deleted)."""

    seq: int
    entity: str
    row_id: str
    op: str
    base_version: int | None
    gen: int
    resolves: bool
    version: int | None
    payload: dict[str, Any] | None

    def change_id(self, device_id: str) -> str:
        return f"{device_id}:{self.seq}:{self.gen}"

    def as_json(self, device_id: str) -> dict[str, Any]:
        return {"change_id": self.change_id(device_id), "entity": self.entity, "row_id": self.row_id,
                "op": self.op, "base_version": self.base_version, "version": self.version, "payload": self.payload,
                "resolves": self.resolves}


def encode_row(spec: Synced, row: sqlite3.Row | Sequence[Any], columns: Sequence[str]) -> dict[str, Any]:
    values = dict(zip(columns, row, strict=True))
    for name in spec.blobs:
        if values.get(name) is not None:
            values[name] = base64.b64encode(bytes(values[name])).decode("ascii")
    return values


def _absent(table: str, name: str) -> Any:
    """The value a row sent without column `name` takes: the column's literal server default, else NULL."""
    default = Base.metadata.tables[table].c[name].server_default
    arg = getattr(default, "arg", None)
    return arg if isinstance(arg, str) else None


def decode_row(spec: Synced, payload: dict[str, Any]) -> dict[str, Any]:
    # A column added after the sending desk's schema (invoice_line.name_ar, 0011) takes its server default.
    values = {name: payload[name] if name in payload else _absent(spec.name, name) for name in spec.columns}
    for name in spec.blobs:
        encoded = values.get(name)
        if encoded is not None:
            values[name] = base64.b64decode(str(encoded))
    return values


def read_rows(conn: sqlite3.Connection, spec: Synced, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The current rows of `spec` with these keys, encoded."""
    found: dict[str, dict[str, Any]] = {}
    columns = ", ".join(spec.columns)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {columns} FROM {spec.name} WHERE {spec.key} IN ({marks})", chunk):  # nosec B608 # table, key, columns from core.sync.tables (code); ids are parameters
            values = encode_row(spec, row, spec.columns)
            found[str(values[spec.key])] = values
    return found


def pending(conn: sqlite3.Connection, limit: int, *, after: int = 0, only: str | None = None) -> list[Pending]:
    """The oldest `limit` outbox entries after entry `after`, with their rows' current state, in outbox order
    (`only`: of that table alone, as while incident mode holds the push of everything but the incident itself)."""
    entries = conn.execute("SELECT seq, entity, row_id, op, base_version, gen, resolves FROM sync_outbox "
                           "WHERE seq > ? AND (? IS NULL OR entity = ?) ORDER BY seq LIMIT ?",
                           (after, only or None, only or None, limit)).fetchall()
    by_entity: dict[str, list[str]] = {}
    for _seq, entity, row_id, op, *_rest in entries:
        if op == "upsert":
            by_entity.setdefault(entity, []).append(row_id)
    rows = {entity: read_rows(conn, TABLES[entity], keys) for entity, keys in by_entity.items()}
    out = []
    for seq, entity, row_id, op, base, gen, resolves in entries:
        payload = rows.get(entity, {}).get(row_id) if op == "upsert" else None
        if op == "upsert" and payload is None:  # deleted since; the delete trigger changed op already
            op = "delete"
        version = payload.get("version") if payload is not None and TABLES[entity].versioned else None
        out.append(Pending(seq, entity, row_id, op, base, gen, bool(resolves), version, payload))
    return out


def count_pending(conn: sqlite3.Connection, only: str | None = None) -> int:
    if only:
        return int(conn.execute("SELECT count(*) FROM sync_outbox WHERE entity = ?", (only,)).fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0])


def acknowledge(conn: sqlite3.Connection, sent: Iterable[Pending]) -> None:
    """Central holds these: drop their outbox entries, unless the row changed again meanwhile (a newer generation),
    in which case the entry stays with the version central now has as its base."""
    for item in sent:
        deleted = conn.execute("DELETE FROM sync_outbox WHERE seq = ? AND gen = ?", (item.seq, item.gen)).rowcount
        if not deleted:
            conn.execute("UPDATE sync_outbox SET base_version = ?, resolves = 0 WHERE seq = ?",
                         (item.version, item.seq))


def drop_foreign_company(conn: sqlite3.Connection, company_id: str) -> int:
    """Forget the outbox entries of a company profile that is not central's company (a desk set up with its own
    profile before it joined keeps it to itself); returns how many were dropped."""
    return int(conn.execute("DELETE FROM sync_outbox WHERE entity = 'company' AND row_id <> ?",
                            (company_id,)).rowcount)


def get_state(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                 "SET value = excluded.value", (key, value))


@dataclass(frozen=True, slots=True)
class Remote:
    """A change another install pushed, as pulled from central."""

    seq: int
    device_id: str
    entity: str
    row_id: str
    op: str
    version: int | None
    payload: dict[str, Any] | None


@dataclass
class Applied:
    applied: int = 0
    conflicts: int = 0
    refused: int = 0


def upsert_sql(spec: Synced) -> str:
    """Insert or overwrite one row of `spec`, its values in `spec.columns` order."""
    columns = ", ".join(spec.columns)
    marks = ", ".join("?" * len(spec.columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in spec.columns if c != spec.key)
    return (f"INSERT INTO {spec.name} ({columns}) VALUES ({marks}) "  # nosec B608 # table and column names from core.sync.tables (code); values are parameters
            f"ON CONFLICT ({spec.key}) DO UPDATE SET {updates}")


def delete_sql(spec: Synced) -> str:
    return f"DELETE FROM {spec.name} WHERE {spec.key} = ?"  # nosec B608 # table and key names from core.sync.tables (code); the id is a parameter


@contextmanager
def applying(conn: sqlite3.Connection) -> Iterator[None]:
    """Writes inside are not noted in the outbox (the triggers stay quiet): a pulled change is not sent back, and
    a resolution notes itself."""
    conn.execute("UPDATE sync_apply SET active = 1")
    try:
        yield
    finally:
        conn.execute("UPDATE sync_apply SET active = 0")


_CONFLICT = ("INSERT INTO sync_conflict (entity, row_id, kind, local_json, remote_json, remote_version, "
             "remote_device, detail, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "ON CONFLICT (entity, row_id) WHERE resolved_at IS NULL DO UPDATE SET local_json = excluded.local_json")


def _local_json(conn: sqlite3.Connection, entity: str, row_id: str) -> str | None:
    local = read_rows(conn, TABLES[entity], [row_id]).get(row_id)
    return json.dumps(local) if local else None


def record_conflict(conn: sqlite3.Connection, change: Remote, kind: str, detail: str, now: str) -> None:
    """Keep `change` and this store's row as both sides of the row's open conflict (opened if none is)."""
    conn.execute(
        _CONFLICT + ", remote_json = excluded.remote_json, remote_version = excluded.remote_version, "
        "remote_device = excluded.remote_device, detail = excluded.detail",
        (change.entity, change.row_id, kind, _local_json(conn, change.entity, change.row_id),
         json.dumps(change.payload) if change.payload is not None else None, change.version, change.device_id,
         detail, now))


def record_push_conflict(conn: sqlite3.Connection, item: Pending, now: str) -> None:
    """Central kept another install's version of `item`'s row: open a conflict with this store's row, the other
    side to come with the pull. A conflict already open keeps the other side it knows (a row edited again before
    its conflict was resolved conflicts again on push; central's version has been pulled already)."""
    conn.execute(_CONFLICT, (item.entity, item.row_id, "edit", _local_json(conn, item.entity, item.row_id), None,
                             None, None, "central holds a newer version from another install", now))


def apply_remote(conn: sqlite3.Connection, changes: Sequence[Remote], now: str, *,
                 check_foreign_keys: bool = False) -> Applied:
    """Apply pulled changes in order inside the caller's transaction (triggers quiet, foreign keys checked at
    commit). A row with unsent local edits or an open conflict is not overwritten: both versions are kept as a
    conflict. A change the store refuses (a duplicate invoice number, an immutable document) is kept as a conflict
    too, with the reason; nothing is dropped."""
    result = Applied()
    # A store holds one company: a desk whose profile was typed before it joined (another id) does not take central's.
    own_company = {str(r) for (r,) in conn.execute("SELECT id FROM company")}
    # This install's own device row (its key, its series) and its EGS units (counter, last hash, certificate) are
    # written here only: another install's change to one is kept as refused, never applied (it would take the
    # device row's local mark, or move the unit to the other device, and this desk would lose its device or unit).
    owned = {("device", str(r)) for (r,) in conn.execute("SELECT id FROM device WHERE is_local = 1")}
    owned |= {("egs_unit", str(r)) for (r,) in conn.execute(
        "SELECT id FROM egs_unit WHERE device_id IN (SELECT id FROM device WHERE is_local = 1)")}
    busy = {(e, r) for e, r in conn.execute("SELECT entity, row_id FROM sync_outbox")}
    busy |= {(e, r) for e, r in conn.execute("SELECT entity, row_id FROM sync_conflict WHERE resolved_at IS NULL")}
    conn.execute("PRAGMA defer_foreign_keys = ON")
    with applying(conn):
        batch: list[Remote] = []
        for change in changes:
            if change.entity not in TABLES or (change.entity == "company" and own_company
                                               and change.row_id not in own_company):
                continue
            if (change.entity, change.row_id) in owned:
                _flush(conn, batch, result, now, check_foreign_keys)
                batch = []
                record_conflict(conn, change, "refused", f"another install changed this install's own {change.entity}",
                                now)
                result.refused += 1
                continue
            if (change.entity, change.row_id) in busy:
                _flush(conn, batch, result, now, check_foreign_keys)
                batch = []
                record_conflict(conn, change, "edit", "changed here and on another install", now)
                result.conflicts += 1
                continue
            if batch and (batch[-1].entity != change.entity or batch[-1].op != change.op):
                _flush(conn, batch, result, now, check_foreign_keys)
                batch = []
            batch.append(change)
        _flush(conn, batch, result, now, check_foreign_keys)
    return result


def _missing_parent(conn: sqlite3.Connection, change: Remote) -> str:
    """The parent table a pulled row points to but this store does not hold ("" when every parent is here)."""
    if change.op != "upsert" or change.payload is None:
        return ""
    for column, (parent, key) in FOREIGN_KEYS.get(change.entity, {}).items():
        value = change.payload.get(column)
        if value is not None and conn.execute(f"SELECT 1 FROM {parent} WHERE {key} = ?", (value,)).fetchone() is None:  # nosec B608 # parent table and key from core.sync.tables (code); the value is a parameter
            return parent
    return ""


def _params(change: Remote) -> list[Any]:
    spec = TABLES[change.entity]
    values = decode_row(spec, change.payload or {})
    if change.entity == "device":
        values["is_local"] = 0  # another install's device is never this one
    return [values[c] for c in spec.columns]


def _flush(conn: sqlite3.Connection, batch: list[Remote], result: Applied, now: str, one_by_one: bool = False) -> None:
    """Apply a run of same-entity, same-kind changes at once; if the store refuses any, one by one. One by one from
    the start when a commit failed on a foreign key: then a row whose parent this store does not hold (say, an
    invoice it refused) is kept as a conflict instead of applied."""
    if not batch:
        return
    spec = TABLES[batch[0].entity]
    if batch[0].op == "delete":
        statement, rows = delete_sql(spec), [[c.row_id] for c in batch]
    else:
        statement, rows = upsert_sql(spec), [_params(c) for c in batch]
    if not one_by_one:
        conn.execute("SAVEPOINT sync_batch")
        try:
            conn.executemany(statement, rows)
            conn.execute("RELEASE sync_batch")
            result.applied += len(batch)
            return
        except sqlite3.DatabaseError:
            conn.execute("ROLLBACK TO sync_batch")
            conn.execute("RELEASE sync_batch")
    for change, row in zip(batch, rows, strict=True):
        if one_by_one and (parent := _missing_parent(conn, change)):
            record_conflict(conn, change, "refused", f"it belongs to a {parent} row this store does not hold", now)
            result.refused += 1
            continue
        conn.execute("SAVEPOINT sync_one")
        try:
            conn.execute(statement, row)
            conn.execute("RELEASE sync_one")
            result.applied += 1
        except sqlite3.DatabaseError as exc:
            conn.execute("ROLLBACK TO sync_one")
            conn.execute("RELEASE sync_one")
            record_conflict(conn, change, "refused", f"the store refused it: {exc}", now)
            result.refused += 1
