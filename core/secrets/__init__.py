"""Secrets: the master key (OS keyring or an explicit source), values sealed with it (AES-GCM), key rotation and the
managed secrets' use cases.

`manager` is exported as a namespace: the managed-secret use cases (`manager.set_secret`, `manager.rotate`).
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.secrets import manager
    from core.secrets.crypto import new_key, seal, unseal
    from core.secrets.manager import SecretEvent, SecretRow
    from core.secrets.master import MasterKeySource, install_id, keyring_problem
    from core.secrets.memory_keyring import MemoryKeyring
    from core.secrets.store import KeyVersionInfo, RotationResult, SecretStore

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "KeyVersionInfo": "core.secrets.store",
    "MasterKeySource": "core.secrets.master",
    "MemoryKeyring": "core.secrets.memory_keyring",
    "RotationResult": "core.secrets.store",
    "SecretEvent": "core.secrets.manager",
    "SecretRow": "core.secrets.manager",
    "SecretStore": "core.secrets.store",
    "install_id": "core.secrets.master",
    "keyring_problem": "core.secrets.master",
    "manager": "core.secrets.manager",
    "new_key": "core.secrets.crypto",
    "seal": "core.secrets.crypto",
    "unseal": "core.secrets.crypto",
}
__all__ = [
    "KeyVersionInfo",
    "MasterKeySource",
    "MemoryKeyring",
    "RotationResult",
    "SecretEvent",
    "SecretRow",
    "SecretStore",
    "install_id",
    "keyring_problem",
    "manager",
    "new_key",
    "seal",
    "unseal",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
