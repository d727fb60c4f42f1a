"""The audit chain's hashing rule, shared by the writer, the verifier and the evidence bundle.

An entry's hash is SHA-256 over its fields joined by the unit separator U+001F, in this order:

    seq, at, actor, device_id, action, subject, payload, prev_hash

encoded as UTF-8, written as lower-case hex. The first entry's prev_hash is GENESIS. No field may
contain U+001F (the payload is JSON, which escapes control characters), so a record has exactly
seven separators and its split into fields is unambiguous. This text is repeated in every evidence
bundle so that an auditor can re-implement the check without Qayd.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
SEP = "\x1f"
FIELDS = ("seq", "at", "actor", "device_id", "action", "subject", "payload", "prev_hash")
CHECKPOINT_DOMAIN = "qayd-audit-checkpoint-v1"


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    at: str
    actor: str
    device_id: str
    action: str
    subject: str
    payload: str
    prev_hash: str
    hash: str

    def as_row(self) -> tuple[int, str, str, str, str, str, str, str, str]:
        return (self.seq, self.at, self.actor, self.device_id, self.action, self.subject, self.payload,
                self.prev_hash, self.hash)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    device_id: str
    signature: bytes

    def message(self) -> bytes:
        return checkpoint_message(self.device_id, self.seq, self.hash, self.at)


def entry_hash(seq: int, at: str, actor: str, device_id: str, action: str, subject: str, payload: str,
               prev_hash: str) -> str:
    record = f"{seq}{SEP}{at}{SEP}{actor}{SEP}{device_id}{SEP}{action}{SEP}{subject}{SEP}{payload}{SEP}{prev_hash}"
    return hashlib.sha256(record.encode()).hexdigest()


def canonical_json(value: Any) -> str:
    """The payload's one spelling: sorted keys, no spaces, UTF-8 kept, control characters escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def checkpoint_message(device_id: str, seq: int, hash_: str, at: str) -> bytes:
    return SEP.join((CHECKPOINT_DOMAIN, device_id, str(seq), hash_, at)).encode()


def check_field(name: str, value: str) -> None:
    if SEP in value or "\n" in value:
        raise ValueError(f"audit field {name} must not contain control characters")
