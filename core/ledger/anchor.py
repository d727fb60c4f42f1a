"""The head anchor: the latest signed checkpoint, kept outside the store beside the master key.

The head file beside the database survives a cut table, but a person who can rewrite the store file can also
delete or restore that file. The anchor lives where the master key lives (the OS keyring entry beside it, or a file
beside the key file), so rolling the chain back also means rolling back the keyring. It only ever moves forward.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Protocol

from core.ledger.chain import Checkpoint

log = logging.getLogger(__name__)


class AnchorSlot(Protocol):
    """Where an anchor is kept (core.secrets.master.KeyringSlot or FileSlot)."""

    @property
    def where(self) -> str: ...

    @property
    def inside_data_dir(self) -> bool: ...

    def read(self) -> str | None: ...

    def write(self, text: str) -> None: ...


class UnreadableAnchor(ValueError):
    """The slot holds something that is not an anchor."""


def encode(cp: Checkpoint) -> str:
    return json.dumps({"seq": cp.seq, "hash": cp.hash, "at": cp.at, "device_id": cp.device_id,
                       "signature": base64.b64encode(cp.signature).decode()}, separators=(",", ":"))


def decode(text: str) -> Checkpoint:
    try:
        doc = json.loads(text)
        return Checkpoint(int(doc["seq"]), str(doc["hash"]), str(doc["at"]), str(doc["device_id"]),
                          base64.b64decode(doc["signature"], validate=True))
    except (ValueError, KeyError, TypeError) as exc:
        raise UnreadableAnchor(f"not an audit head anchor ({type(exc).__name__})") from None


def read_anchor(slot: AnchorSlot) -> Checkpoint | None:
    text = slot.read()
    return None if text is None else decode(text)


def advance_anchor(slot: AnchorSlot, checkpoint: Checkpoint) -> None:
    """Record `checkpoint` unless the anchor already stands at or beyond it (it never moves back).

    Two installs' processes committing at once may finish their writes out of order; keeping the higher one
    means the anchor can lag the chain by a commit but never claim less than was once anchored.
    """
    try:
        current = read_anchor(slot)
    except UnreadableAnchor:
        current = None  # a damaged anchor is replaced; verify reported it while it was there
    if current is not None and current.device_id == checkpoint.device_id and current.seq >= checkpoint.seq:
        return
    slot.write(encode(checkpoint))


def advance_quietly(slot: AnchorSlot, checkpoint: Checkpoint) -> None:
    """After a commit: the change is already durable, so a keyring that refuses is logged, not raised."""
    try:
        advance_anchor(slot, checkpoint)
    except Exception as exc:  # keyring backends raise their own types; the commit must stand
        log.warning("the audit head anchor could not be written to %s (%s)", slot.where, type(exc).__name__)
