"""An in-memory keyring backend, for tests and for embedding Qayd where the caller supplies the key."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.compat.properties import classproperty
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Used only when set explicitly (`keyring.set_keyring(MemoryKeyring())`), as the tests do."""

    @classproperty
    def priority(cls) -> float:
        # keyring instantiates every KeyringBackend subclass whose priority it can read and picks the highest;
        # a number here (even 0.1) outranked the "fail" backend on machines without an OS keyring, so a master
        # key went into memory and was lost with the process. Raising makes keyring skip it when choosing.
        raise RuntimeError("the memory keyring is never chosen automatically")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)
