"""The install's master key: from the OS keyring by default, or from a source the user names explicitly."""

from __future__ import annotations

import base64
import binascii
import json
import os
import stat
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from core.errors import SecretStoreError
from core.files import private_dir, write_private
from core.vault.crypto import new_key

SERVICE = "qayd"
KEY_LEN = 32

NO_KEYRING_FIX = (
    "Unlock or install an OS keyring (GNOME Keyring or KWallet on Linux, Keychain on macOS, Credential "
    "Manager on Windows), or choose another source explicitly: QAYD_MASTER_KEY_SOURCE=file keeps the key in "
    "a file only you can read; QAYD_MASTER_KEY_SOURCE=env reads a base64 32-byte key from QAYD_MASTER_KEY."
)


def keyring_problem() -> str | None:
    """Why the OS keyring cannot hold the master key on this machine, or None when a real backend is there.

    Only the backend keyring chose is looked at (nothing is read or written, so no unlock prompt appears): the
    "fail" and "null" backends, or a chainer with nothing in it, are what keyring picks when no OS keyring exists.
    """
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "no keyring backend is installed (keyring's chainer has none to use)"
    if isinstance(backend, fail.Keyring | null.Keyring):
        return f"no usable OS keyring was found (keyring chose {type(backend).__module__}.{type(backend).__name__})"
    return None


def install_id(data_dir: Path) -> str:
    """The install's id, kept in the data folder so the keyring entry survives moving the folder."""
    marker = data_dir / "install.json"
    if marker.exists():
        return str(json.loads(marker.read_text("utf-8"))["install_id"])
    private_dir(data_dir)
    ident = str(uuid.uuid4())
    write_private(marker, json.dumps({"install_id": ident}).encode("utf-8"))
    return ident


@dataclass(frozen=True)
class MasterKeySource:
    """Where the master key lives; `load(create=True)` makes one on first use."""

    kind: str  # keyring | env | file
    data_dir: Path
    key_file: Path | None = None
    environ: Mapping[str, str] | None = None

    def load(self, *, create: bool = False, version: int = 1) -> bytes:
        loader = {"keyring": self._from_keyring, "env": self._from_env, "file": self._from_file}[self.kind]
        return loader(create, version)

    def _from_keyring(self, create: bool, version: int) -> bytes:
        import keyring  # here, not at the top: a tenth of a second at every start when the key comes from a file
        from keyring.errors import KeyringError, NoKeyringError

        username = f"master-key:{install_id(self.data_dir)}:v{version}"
        try:
            stored = keyring.get_password(SERVICE, username)
            if stored is None and create:
                stored = base64.b64encode(new_key()).decode()
                keyring.set_password(SERVICE, username, stored)
        except NoKeyringError:
            raise SecretStoreError("No OS keyring is available to hold Qayd's master key.",
                                   fix=NO_KEYRING_FIX) from None
        except KeyringError as exc:
            raise SecretStoreError(
                f"The OS keyring refused access to Qayd's master key ({type(exc).__name__}).", fix=NO_KEYRING_FIX
            ) from None
        if stored is None:
            raise SecretStoreError(
                "The OS keyring holds no master key for this install, so its secrets cannot be opened.",
                fix="Restore the keyring entry 'qayd' from a backup, or point QAYD_MASTER_KEY_SOURCE at the key.",
            )
        return _decode(stored, "the keyring entry")

    def _from_env(self, create: bool, version: int) -> bytes:
        value = (self.environ if self.environ is not None else os.environ).get("QAYD_MASTER_KEY")
        if not value:
            raise SecretStoreError(
                "QAYD_MASTER_KEY_SOURCE is 'env' but QAYD_MASTER_KEY is not set.",
                fix="Set QAYD_MASTER_KEY to a base64 32-byte key, e.g. from "
                "`python -c 'import os,base64;print(base64.b64encode(os.urandom(32)).decode())'`.",
            )
        return _decode(value, "QAYD_MASTER_KEY")

    def _from_file(self, create: bool, version: int) -> bytes:
        path = self.key_file or self.data_dir / "master.key"
        if not path.exists():
            if not create:
                raise SecretStoreError(f"The master key file {path} does not exist.", fix=NO_KEYRING_FIX)
            private_dir(path.parent, own=False)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(new_key()).decode())
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise SecretStoreError(
                f"The master key file {path} can be read by other users.", fix=f"Run `chmod 600 {path}`."
            )
        return _decode(path.read_text("ascii").strip(), f"the key file {path}")


    def head_anchor(self, company: str) -> AnchorSlot:
        """Where this install keeps the audit head anchor of `company`: beside the master key, outside the store.

        keyring: an entry of the same service as the master key; file: a file beside the key file; env: a file in
        the user's state folder (the key itself has no home on disk to stand beside).
        """
        name = f"audit-head:{install_id(self.data_dir)}:{company}"
        if self.kind == "keyring":
            return KeyringSlot(name)
        folder = (self.key_file or self.data_dir / "master.key").parent if self.kind == "file" \
            else self._state_dir() / "audit-anchors"
        inside = folder.resolve().is_relative_to(self.data_dir.resolve())
        return FileSlot(folder / f"{name.replace(':', '-')}.json", inside_data_dir=inside)

    def _state_dir(self) -> Path:
        """The user's state folder; XDG_STATE_HOME is read from the environment this source was given."""
        env = self.environ if self.environ is not None else os.environ
        return Path(env["XDG_STATE_HOME"]) / "qayd" if env.get("XDG_STATE_HOME") else platformdirs.user_state_path(
            "qayd")


@dataclass(frozen=True)
class KeyringSlot:
    """One keyring entry beside the master key (service 'qayd')."""

    username: str
    inside_data_dir: bool = False

    @property
    def where(self) -> str:
        return f"the OS keyring entry '{SERVICE}/{self.username}'"

    def read(self) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(SERVICE, self.username)
        except KeyringError as exc:
            raise SecretStoreError(f"The OS keyring refused to read {self.where} ({type(exc).__name__}).",
                                   fix=NO_KEYRING_FIX) from None

    def write(self, text: str) -> None:
        import keyring

        keyring.set_password(SERVICE, self.username, text)


@dataclass(frozen=True)
class FileSlot:
    """A small file (mode 0600) beside the master key file, replaced whole on each write."""

    path: Path
    inside_data_dir: bool = False

    @property
    def where(self) -> str:
        return f"the file {self.path}"

    def read(self) -> str | None:
        try:
            return self.path.read_text("utf-8")
        except FileNotFoundError:
            return None

    def write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, self.path)


AnchorSlot = KeyringSlot | FileSlot


def _decode(value: str, where: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_LEN:
        raise SecretStoreError(f"The master key in {where} is not a base64-encoded 32-byte key.")
    return key
