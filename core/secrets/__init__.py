"""Secrets: the master key (OS keyring or an explicit source) and values sealed with it (AES-GCM)."""

from core.secrets.crypto import new_key, seal, unseal
from core.secrets.master import MasterKeySource, install_id
from core.secrets.memory_keyring import MemoryKeyring
from core.secrets.store import SecretStore

__all__ = ["MasterKeySource", "MemoryKeyring", "SecretStore", "install_id", "new_key", "seal", "unseal"]
