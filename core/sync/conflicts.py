"""Conflicts: a row changed here and on another install (or refused by this store) keeps both versions until a
person chooses, field by field, what to keep. The resolution is written as a new version of the row that supersedes
both, sent with the next sync, and audited (which fields came from which side; never the values)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.errors import NotFoundError, ValidationError
from core.findings import Finding
from core.sync import outbox
from core.sync.outbox import raw
from core.sync.tables import TABLES
from core.uow import Context, UnitOfWork

# Columns a person never chooses: identity, bookkeeping, and what the resolution itself sets.
FIXED = frozenset({"id", "version", "created_at", "updated_at", "device_id"})


@dataclass(frozen=True, slots=True)
class FieldDiff:
    name: str
    local: Any
    remote: Any


@dataclass(frozen=True, slots=True)
class Conflict:
    id: int
    entity: str
    row_id: str
    kind: str  # edit: both changed it; refused: this store could not take the other version
    detail: str
    detected_at: str
    remote_device: str
    remote_version: int | None
    local: dict[str, Any] | None
    remote: dict[str, Any] | None

    @property
    def differences(self) -> list[FieldDiff]:
        """The fields whose values differ between the two versions (all fields when one side is missing)."""
        local, remote = self.local or {}, self.remote or {}
        names = [n for n in TABLES[self.entity].columns if n not in FIXED]
        return [FieldDiff(n, local.get(n), remote.get(n)) for n in names if local.get(n) != remote.get(n)]


def _conflict(row: Any) -> Conflict:
    ident, entity, row_id, kind, detail, detected, device, version, local, remote = row
    return Conflict(ident, entity, row_id, kind, detail, detected, device or "", version,
                    json.loads(local) if local else None, json.loads(remote) if remote else None)


_COLUMNS = ("id, entity, row_id, kind, detail, detected_at, remote_device, remote_version, local_json, remote_json")


def list_conflicts(uow: UnitOfWork) -> list[Conflict]:
    rows = raw(uow).execute(f"SELECT {_COLUMNS} FROM sync_conflict WHERE resolved_at IS NULL ORDER BY id").fetchall()  # nosec B608 # _COLUMNS is this module's constant
    return [_conflict(r) for r in rows]


def get_conflict(uow: UnitOfWork, ident: int) -> Conflict:
    row = raw(uow).execute(f"SELECT {_COLUMNS} FROM sync_conflict WHERE id = ? AND resolved_at IS NULL",  # nosec B608 # _COLUMNS is this module's constant; the id is a parameter
                           (ident,)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no open conflict {ident}.", fix="`qayd sync conflicts` lists them.")
    return _conflict(row)


def resolve(ctx: Context, ident: int, choices: dict[str, str] | None = None, *, take: str = "local") -> dict[str, Any]:
    """Resolve conflict `ident`: every differing field from `take` ("local" or "remote") unless `choices` names
    the side for it. Writes the merged row as a new version in one transaction with its audit entry; the next
    sync sends it as the resolution. Returns the merged row."""
    if take not in ("local", "remote") or any(v not in ("local", "remote") for v in (choices or {}).values()):
        raise ValidationError("The resolution", [Finding(
            "QAYD-SYNC-01", "resolution", "Each field is kept from local or remote.", "Use local or remote.",
            message_ar="يحفظ كل حقل من النسخة المحلية أو البعيدة.", fix_ar="اختر المحلية أو البعيدة.")])
    with ctx.uow() as uow:
        conflict = get_conflict(uow, ident)
        unknown = set(choices or {}) - {d.name for d in conflict.differences}
        if unknown:
            raise ValidationError("The resolution", [Finding(
                "QAYD-SYNC-02", "fields", f"These fields do not differ: {', '.join(sorted(unknown))}.",
                "Choose among the fields the conflict lists.",
                message_ar=f"هذه الحقول لا تختلف: {', '.join(sorted(unknown))}.",
                fix_ar="اختر من الحقول التي يعرضها التعارض.")])
        spec = TABLES[conflict.entity]
        side = {d.name: (choices or {}).get(d.name, take) for d in conflict.differences}
        base = dict(conflict.local or conflict.remote or {})
        for name, which in side.items():
            source = conflict.remote if which == "remote" else conflict.local
            base[name] = (source or {}).get(name)
        db = raw(uow)
        deleted = (take == "remote" and conflict.remote is None) or (take == "local" and conflict.local is None)
        versions = [v for v in ((conflict.local or {}).get("version"), conflict.remote_version) if v is not None]
        if spec.versioned:
            base["version"] = max(versions, default=0) + 1
        if "updated_at" in base:
            base["updated_at"] = ctx.clock().isoformat(sep=" ")
        with outbox.applying(db):  # noted below as a resolution, not by the triggers
            if deleted:
                db.execute(outbox.delete_sql(spec), (conflict.row_id,))
            else:
                values = outbox.decode_row(spec, base)
                db.execute(outbox.upsert_sql(spec), [values[c] for c in spec.columns])
        # The resolution supersedes central's version: its base is the version central holds.
        db.execute("INSERT INTO sync_outbox (entity, row_id, op, base_version, gen, resolves) "
                   "VALUES (?, ?, ?, ?, 0, 1) ON CONFLICT (entity, row_id) DO UPDATE SET op = excluded.op, "
                   "base_version = excluded.base_version, gen = gen + 1, resolves = 1",
                   (conflict.entity, conflict.row_id, "delete" if deleted else "upsert", conflict.remote_version))
        db.execute("UPDATE sync_conflict SET resolved_at = ?, resolution = ? WHERE id = ?",
                   (ctx.clock().isoformat(), json.dumps(side, sort_keys=True), ident))
        uow.audit.append("sync.conflict_resolved", f"{conflict.entity}:{conflict.row_id}",
                         {"conflict": ident, "kind": conflict.kind, "fields": side, "take": take})
        uow.commit()
    return base
