"""The audit chain's format and hashing rule, shared by the writer, the verifier and the evidence bundle.

An entry is a canonical JSON object, its *body*:

    {"action": …, "actor": …, "at": …, "device": …, "payload": {…}, "subject": …}

with sorted keys, no spaces, UTF-8 kept and control characters escaped. Its hash is

    hash = SHA-256( prev_hash ‖ ASCII(seq) ‖ 0x1F ‖ UTF-8(body) )

where prev_hash is the previous entry's 32-byte hash (32 zero bytes before the first entry) and seq
counts from 1. The body is stored exactly as it was hashed, so verifying reads one text and two
digests per entry; the columns used for searching (at, actor, action, subject, device) are generated
from the body by the database and cannot disagree with it. This text is repeated in every evidence
bundle so that an auditor can re-implement the check without Qayd.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = bytes(32)
SEP = "\x1f"
CHECKPOINT_DOMAIN = "qayd-audit-checkpoint-v1"


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    body: str
    prev_hash: str  # hex
    hash: str  # hex

    @property
    def fields(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    @property
    def action(self) -> str:
        return str(self.fields["action"])

    @property
    def subject(self) -> str:
        return str(self.fields["subject"])

    @property
    def at(self) -> str:
        return str(self.fields["at"])


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str  # hex
    at: str
    device_id: str
    signature: bytes

    def message(self) -> bytes:
        return checkpoint_message(self.device_id, self.seq, self.hash, self.at)


def entry_digest(prev: bytes, seq: int, body: bytes) -> bytes:
    return hashlib.sha256(prev + b"%d\x1f" % seq + body).digest()


def canonical_json(value: Any) -> str:
    """The one spelling of a value: sorted keys, no spaces, UTF-8 kept, control characters escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def make_body(*, at: str, actor: str, device: str, action: str, subject: str, payload: dict[str, Any]) -> str:
    return canonical_json({"action": action, "actor": actor, "at": at, "device": device, "payload": payload,
                           "subject": subject})


def checkpoint_message(device_id: str, seq: int, hash_hex: str, at: str) -> bytes:
    return SEP.join((CHECKPOINT_DOMAIN, device_id, str(seq), hash_hex, at)).encode()
