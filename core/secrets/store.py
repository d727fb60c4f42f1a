"""Secrets sealed with the master key inside the company store; values never leave as text in logs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFoundError
from core.secrets.crypto import seal, unseal
from core.store.models import Secret


class SecretStore:
    """Reads and writes sealed secrets in the session's transaction."""

    def __init__(self, session: Session, master_key: bytes, device_id: uuid.UUID, key_version: int = 1,
                 audit: Callable[[str, str, dict[str, Any]], object] | None = None) -> None:
        self._session = session
        self._audit = audit
        self._key = master_key
        self._device_id = device_id
        self._version = key_version

    def set(self, name: str, value: bytes, *, now: datetime) -> None:
        sealed = seal(self._key, value, _aad(name))
        row = self._session.get(Secret, name)
        if row is None:
            row = Secret(name=name, created_at=now, device_id=self._device_id)
            self._session.add(row)
        row.key_version, row.sealed, row.updated_at = self._version, sealed, now
        if self._audit is not None:  # the change is recorded; the value never is
            self._audit("secret.set", f"secret:{name}", {"key_version": self._version})

    def get(self, name: str) -> bytes:
        row = self._session.get(Secret, name)
        if row is None:
            raise NotFoundError(f"There is no secret named {name!r}.")
        return unseal(self._key, row.sealed, _aad(name))

    def names(self) -> list[str]:
        return list(self._session.scalars(select(Secret.name).order_by(Secret.name)))


def _aad(name: str) -> bytes:
    return f"qayd-secret:{name}".encode()
