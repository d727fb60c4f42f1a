"""Per-subject keys for personal data in audit payloads: erasing a subject destroys its key, not the chain."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.store.models import SubjectKey
from core.vault.crypto import new_key, seal, unseal


class SubjectKeys:
    """Finds or makes a subject's key (wrapped with the master key) and seals values with it."""

    def __init__(self, session: Session, master_key: bytes, device_id: uuid.UUID) -> None:
        self._session = session
        self._master = master_key
        self._device_id = device_id
        self._cache: dict[str, tuple[uuid.UUID, bytes | None]] = {}

    def _key(self, subject: str, now: datetime | None) -> tuple[uuid.UUID, bytes | None]:
        if subject in self._cache:
            return self._cache[subject]
        with self._session.no_autoflush:  # keys made in this transaction are in the cache; don't flush for a lookup
            found = self._session.execute(select(SubjectKey.id, SubjectKey.wrapped_key)
                                          .where(SubjectKey.subject == subject)).first()
        if found is None and now is not None:
            key = new_key()
            ident = uuid.uuid4()
            self._session.add(SubjectKey(id=ident, subject=subject, created_at=now, device_id=self._device_id,
                                         wrapped_key=seal(self._master, key, _aad(subject))))
            self._cache[subject] = (ident, key)
            return self._cache[subject]
        if found is None:
            return uuid.UUID(int=0), None
        ident, wrapped = found
        self._cache[subject] = (ident, None if wrapped is None else unseal(self._master, wrapped, _aad(subject)))
        return self._cache[subject]

    def seal(self, subject: str, value: dict[str, Any], now: datetime) -> dict[str, str]:
        key_id, key = self._key(subject, now)
        if key is None:
            raise ValueError(f"the key of {subject} was destroyed; its personal data may not be recorded again")
        body = json.dumps(value, sort_keys=True, ensure_ascii=False).encode()
        return {"subject": subject, "key": str(key_id), "ct": base64.b64encode(seal(key, body, _aad(subject))).decode()}

    def open(self, sealed: dict[str, str]) -> dict[str, Any] | None:
        """The personal data, or None when the subject's key was destroyed (the subject was erased)."""
        _, key = self._key(sealed["subject"], None)
        if key is None:
            return None
        return dict(json.loads(unseal(key, base64.b64decode(sealed["ct"]), _aad(sealed["subject"]))))


def _aad(subject: str) -> bytes:
    return f"qayd-subject:{subject}".encode()
