"""Secrets sealed inside the company store with versioned keys; values never leave as text in logs or audit.

Key versions (`secret_key` rows): version 1 is the master key itself (stores made before migration 0004 sealed
every secret with it); later versions are random data-encryption keys wrapped with the master key. Each value
is sealed with AES-256-GCM and an AAD naming the secret and its key version, so a sealed value cannot be moved
to another name or relabelled with another version. A rotation adds the next version, re-seals every secret
with it, reads every one back, and destroys the older versions, all in the caller's one transaction.

Audit (never the value): `secret.set`, `secret.deleted`, `secret.rotated` (one per secret) and
`secret.key_rotated` (the key versions) go into the caller's unit of work; `secret.used` is recorded once per
secret per unit of work, before the value is handed out (in a read-only unit of work it is written at once in a
short transaction of its own, see `core.uow.separate_audit`).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import Cancelled as Cancelled  # re-exported: core.secrets.store names it
from core.errors import NotFoundError, SecretStoreError
from core.progress import CancelCheck, check
from core.progress import Progress as Progress  # re-exported: its importers' old place
from core.store.models import Secret, SecretKey
from core.vault.crypto import new_key, seal, unseal

LEGACY_VERSION = 1  # the master key itself

AuditFn = Callable[[str, str, dict[str, Any]], object]


@dataclass(frozen=True)
class SecretInfo:
    """What may be shown about a secret: never its value."""

    name: str
    key_version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class KeyVersionInfo:
    version: int
    created_at: datetime | None  # None for version 1: the master key, made with the install
    destroyed_at: datetime | None
    wraps_master: bool  # version 1: the master key itself

    @property
    def active(self) -> bool:
        return self.destroyed_at is None


@dataclass(frozen=True)
class RotationResult:
    new_version: int
    old_versions: tuple[int, ...]  # destroyed by the rotation
    secrets: int  # re-sealed (and read back) with the new version
    cancelled: bool = False  # always False: a cancelled rotation raises Cancelled (kept for the JSON's shape)


RotationCancelled = Cancelled  # the one cancellation (core.errors), under the name the rotation used


class SecretStore:
    """Reads and writes sealed secrets in the session's transaction."""

    def __init__(self, session: Session, master_key: bytes, device_id: uuid.UUID,
                 audit: AuditFn | None = None) -> None:
        self._session = session
        self._audit = audit
        self._master = master_key
        self._device_id = device_id
        self._keys: dict[int, bytes] = {}
        self._used: set[str] = set()

    # --- keys -------------------------------------------------------------------------------------------------

    def current_version(self) -> int:
        """The key version new values are sealed with: the newest one not destroyed."""
        with self._session.no_autoflush:
            newest = self._session.scalar(select(func.max(SecretKey.version))
                                          .where(SecretKey.wrapped_key.is_not(None)))
            if newest is not None:
                return int(newest)
            if self._session.get(SecretKey, LEGACY_VERSION) is None:
                return LEGACY_VERSION
        raise SecretStoreError("The secret store has no usable key version; every one was destroyed.",
                               fix="Restore the company database from a backup taken before the damage.")

    def _key(self, version: int) -> bytes:
        if version in self._keys:
            return self._keys[version]
        with self._session.no_autoflush:
            row = self._session.get(SecretKey, version)
        if version == LEGACY_VERSION and row is None:
            key = self._master
        elif row is None or row.wrapped_key is None:
            state = "does not exist" if row is None else "was destroyed by a key rotation"
            raise SecretStoreError(
                f"A secret is sealed with key version {version}, which {state}; it cannot be opened.",
                fix="Set the secret again (`qayd secrets set NAME`), or restore the database from a backup.",
            )
        else:
            key = unseal(self._master, row.wrapped_key, _key_aad(version))
        self._keys[version] = key
        return key

    def versions(self) -> list[KeyVersionInfo]:
        rows = {r.version: r for r in self._session.scalars(select(SecretKey).order_by(SecretKey.version))}
        found = [KeyVersionInfo(v, None if v == LEGACY_VERSION else r.created_at, r.destroyed_at, v == LEGACY_VERSION)
                 for v, r in rows.items()]
        if LEGACY_VERSION not in rows:
            found.insert(0, KeyVersionInfo(LEGACY_VERSION, None, None, True))
        return found

    # --- values -----------------------------------------------------------------------------------------------

    def set(self, name: str, value: bytes, *, now: datetime) -> None:
        version = self.current_version()
        sealed = seal(self._key(version), value, _aad(name, version))
        row = self._session.get(Secret, name)
        created = row is None
        if row is None:
            row = Secret(name=name, created_at=now, device_id=self._device_id)
            self._session.add(row)
        row.key_version, row.sealed, row.updated_at, row.device_id = version, sealed, now, self._device_id
        if self._audit is not None:  # the change is recorded; the value never is
            self._audit("secret.set", subject(name), {"key_version": version, "created": created})

    def get(self, name: str) -> bytes:
        """The value; the use is recorded (once per unit of work) before it is returned."""
        row = self._session.get(Secret, name)
        if row is None:
            raise NotFoundError(f"There is no secret named {name!r}.",
                                fix="`qayd secrets list` shows the names; `qayd secrets set NAME` adds one.")
        value = unseal(self._key(row.key_version), row.sealed, _aad(name, row.key_version))
        if self._audit is not None and name not in self._used:
            self._audit("secret.used", subject(name), {"key_version": row.key_version})
            self._used.add(name)
        return value

    def exists(self, name: str) -> bool:
        return self._session.get(Secret, name) is not None

    def delete(self, name: str) -> None:
        row = self._session.get(Secret, name)
        if row is None:
            raise NotFoundError(f"There is no secret named {name!r}.",
                                fix="`qayd secrets list` shows the names.")
        version = row.key_version
        self._session.delete(row)  # a real delete: secure_delete overwrites the freed bytes
        self._session.flush()
        if self._audit is not None:
            self._audit("secret.deleted", subject(name), {"key_version": version})

    def names(self) -> list[str]:
        return list(self._session.scalars(select(Secret.name).order_by(Secret.name)))

    def infos(self) -> list[SecretInfo]:
        rows = self._session.execute(select(Secret.name, Secret.key_version, Secret.created_at, Secret.updated_at)
                                     .order_by(Secret.name))
        return [SecretInfo(name, version, created, updated) for name, version, created, updated in rows]

    def verify_all(self) -> dict[str, str]:
        """Open every value without handing it out: {name: problem} for those that cannot be opened."""
        problems: dict[str, str] = {}
        for name, version, sealed in self._session.execute(select(Secret.name, Secret.key_version, Secret.sealed)):
            try:
                unseal(self._key(version), sealed, _aad(name, version))
            except SecretStoreError as exc:
                problems[name] = exc.message
        return problems

    # --- rotation ---------------------------------------------------------------------------------------------

    def rotate(self, *, now: datetime, progress: Progress | None = None,
               cancelled: CancelCheck | None = None) -> RotationResult:
        """Seal every secret with a new key version, read each back, then destroy the older versions.

        All in the session's transaction: the caller commits, and a failure (or `Cancelled`) at any step
        leaves, after the caller's rollback, every secret and key exactly as they were.
        """
        session = self._session
        versions = self.versions()
        olds = sorted(v.version for v in versions if v.active)
        new_version = max(v.version for v in versions) + 1
        new = new_key()
        session.add(SecretKey(version=new_version, wrapped_key=seal(self._master, new, _key_aad(new_version)),
                              created_at=now, device_id=self._device_id))
        rows = list(session.execute(select(Secret.name, Secret.key_version, Secret.sealed).order_by(Secret.name)))
        digests: dict[str, bytes] = {}
        total = len(rows)
        for done, (name, version, sealed) in enumerate(rows):
            check(cancelled, f"{done:,} of {total:,} secrets re-sealed")
            value = unseal(self._key(version), sealed, _aad(name, version))
            digests[name] = hashlib.sha256(value).digest()
            row = session.get(Secret, name)
            assert row is not None
            row.key_version, row.sealed, row.device_id = new_version, seal(new, value, _aad(name, new_version)), \
                self._device_id
            del value
            if progress is not None:
                progress(0.9 * (done + 1) / max(total, 1), name)
        session.flush()
        # Read every secret back from the database, as a later unit of work will, before anything is destroyed.
        stored = list(session.execute(select(Secret.name, Secret.key_version, Secret.sealed)))
        if len(stored) != total:
            raise SecretStoreError("The rotation was stopped: the number of secrets changed while re-sealing. "
                                   "Nothing was changed.", fix="Run `qayd secrets rotate` again.")
        for name, version, sealed in stored:
            value = unseal(new, sealed, _aad(name, new_version)) if version == new_version else b""
            if version != new_version or hashlib.sha256(value).digest() != digests.get(name):
                raise SecretStoreError(f"The rotation was stopped: the secret {name!r} did not read back intact "
                                       "with the new key. Nothing was changed.",
                                       fix="Run `qayd secrets check`, then `qayd secrets rotate` again.")
        check(cancelled, "every secret re-sealed, before the older keys are destroyed")
        for version in olds:  # destroy the older versions: only now that every secret reads back with the new one
            key_row = session.get(SecretKey, version)
            if key_row is None:  # version 1, the master key itself: retired (the master key also wraps the others)
                session.add(SecretKey(version=version, wrapped_key=None, created_at=now, destroyed_at=now,
                                      device_id=self._device_id))
            else:
                key_row.wrapped_key, key_row.destroyed_at = None, now
            self._keys.pop(version, None)
        self._keys[new_version] = new
        if self._audit is not None:
            for name, old_version, _ in rows:
                self._audit("secret.rotated", subject(name), {"from_version": old_version, "key_version": new_version})
            self._audit("secret.key_rotated", f"secret-key:v{new_version}",
                        {"key_version": new_version, "destroyed": olds, "secrets": total})
        session.flush()
        if progress is not None:
            progress(1.0, "")
        return RotationResult(new_version=new_version, old_versions=tuple(olds), secrets=total)


def subject(name: str) -> str:
    """The audit subject of a secret."""
    return f"secret:{name}"


def _aad(name: str, version: int) -> bytes:
    if version == LEGACY_VERSION:  # as stores before 0004 sealed them; the master key is used by no other version
        return f"qayd-secret:{name}".encode()
    return f"qayd-secret:{name}:v{version}".encode()


def _key_aad(version: int) -> bytes:
    return f"qayd-secret-key:v{version}".encode()
