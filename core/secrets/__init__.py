"""Secrets: the master key (OS keyring or an explicit source) and values sealed with it (AES-GCM)."""

from typing import TYPE_CHECKING, Any

from core.secrets.crypto import new_key, seal, unseal
from core.secrets.master import MasterKeySource, install_id
from core.secrets.store import SecretStore

if TYPE_CHECKING:
    from core.secrets.memory_keyring import MemoryKeyring


def __getattr__(name: str) -> Any:
    # The memory keyring imports the keyring package; only tests and embedders need it, so it loads on first use.
    if name == "MemoryKeyring":
        from core.secrets.memory_keyring import MemoryKeyring

        return MemoryKeyring
    raise AttributeError(f"module 'core.secrets' has no attribute {name!r}")


__all__ = ["MasterKeySource", "MemoryKeyring", "SecretStore", "install_id", "new_key", "seal", "unseal"]
