"""Evidence of each device's audit chain that the central database's owner cannot remove silently.

The owner of the central database can always disable the append-only triggers and delete rows. A gap in the
middle of a device's chain, or a tail cut below a signed checkpoint that is still there, shows in the chain
itself. A tail cut together with the checkpoints covering it leaves a shorter chain that verifies; what shows
it is evidence kept outside central:

* each install, at every sync, records in its own chain (`sync.heads_seen`) the latest signed checkpoint of every
  other device of its company that it has not recorded yet (`qayd.audit_heads()`); the head is signed with that
  device's key, so it cannot be made up, and the record sits in the recorder's chain, centrally and on its desk;
* an install knows how far its own chain reached central (`last_pushed_audit_seq`) and holds those entries.

`qayd audit verify --central` compares central's copy of each device's chain with the highest head any of this
evidence names: entries missing below it, or a different hash at it, are reported by device and range.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from core.audit.chain import Checkpoint
from core.audit.signing import signature_ok
from core.sync import outbox
from core.sync.outbox import raw
from core.uow import Context

HEADS_ACTION = "sync.heads_seen"
LOST_ACTION = "sync.audit_lost_centrally"
HEADS_PREFIX = b'{"action":"' + HEADS_ACTION.encode() + b'"'  # bodies are canonical JSON with sorted keys
LOST_PREFIX = b'{"action":"' + LOST_ACTION.encode() + b'"'
SEEN_STATE = "audit_heads_seen"
SEEN_AT_STATE = "audit_heads_seen_at"
HEADS_EVERY = timedelta(hours=1)  # how often a desk with nothing to sync still records the others' heads
SENT_STATE = "last_pushed_audit_seq"


@dataclass(frozen=True, slots=True)
class Evidence:
    device_id: str
    seq: int
    hash: str  # hex
    source: str  # where it was found, for the report


@dataclass(frozen=True, slots=True)
class Gap:
    """Something central's copy of a device's chain lacks or contradicts; `text` says what and who has it."""

    device_id: str
    kind: str  # missing | differs | unsigned | key
    first: int
    last: int
    text: str


def attest_heads(ctx: Context, conn: psycopg.Connection[Any], *, moved: bool = True) -> int:
    """Record in this install's chain the other devices' signed heads that moved on since it last recorded them;
    returns how many. Heads whose signature the device's registered key does not verify are not recorded.

    Only in a sync that `moved` data (pushed or pulled changes), or once HEADS_EVERY otherwise: each record moves
    this chain's own head, so two idle desks recording each other at every sync would write an entry per sync
    forever."""
    if not moved and not _due(ctx):
        return 0
    rows = conn.execute("SELECT h.device_id::text, h.seq, h.hash, h.at, h.signature, d.public_key "
                        "FROM qayd.audit_heads() h JOIN qayd.device d ON d.id = h.device_id").fetchall()
    conn.commit()
    me = str(ctx.device_id)
    with ctx.uow() as uow:
        db = raw(uow)
        seen: dict[str, int] = json.loads(outbox.get_state(db, SEEN_STATE, "{}"))
        fresh = {device: {"seq": int(seq), "hash": h, "at": at, "signature": bytes(sig).hex()}
                 for device, seq, h, at, sig, key in rows
                 if device != me and int(seq) > seen.get(device, 0)
                 and signature_ok(bytes(key), bytes(sig), Checkpoint(int(seq), h, at, device, bytes(sig)).message())}
        if not fresh:
            return 0
        uow.audit.append(HEADS_ACTION, "central", {"heads": fresh})
        seen.update({device: head["seq"] for device, head in fresh.items()})
        outbox.set_state(db, SEEN_STATE, json.dumps(seen, sort_keys=True))
        outbox.set_state(db, SEEN_AT_STATE, ctx.clock().isoformat())
        uow.commit()
    return len(fresh)


def _due(ctx: Context) -> bool:
    with ctx.uow(write=False) as uow:
        last = outbox.get_state(raw(uow), SEEN_AT_STATE)
    return not last or ctx.clock() - datetime.fromisoformat(last) >= HEADS_EVERY


def check_own_copy(ctx: Context, conn: psycopg.Connection[Any]) -> int:
    """Whether central still holds every entry of this device's chain that was sent; if the database owner deleted
    some, record the loss in this chain (it travels with this sync) and send the whole chain again. Returns how many
    entries central had lost."""
    row = conn.execute("SELECT entries, newest FROM qayd.audit_held(%s)", (ctx.device_id,)).fetchone()
    conn.commit()
    assert row is not None
    held, newest = int(row[0]), int(row[1])
    with ctx.uow() as uow:
        db = raw(uow)
        sent = int(outbox.get_state(db, SENT_STATE, "0"))
        if held >= sent:
            return 0
        uow.audit.append(LOST_ACTION, f"device:{ctx.device_id}", {"held": held, "newest": newest, "sent": sent})
        outbox.set_state(db, SENT_STATE, "0")  # push_audit sends from the start; what central holds is skipped
        uow.commit()
    return sent - held


def send_all_to_new_central(ctx: Context) -> None:
    """This device was unknown to central until now (another central database): its whole chain is sent, and
    that is recorded, so the next check does not take the empty copy for a loss."""
    with ctx.uow() as uow:
        db = raw(uow)
        sent = int(outbox.get_state(db, SENT_STATE, "0"))
        if sent:
            uow.audit.append("sync.central_new", f"device:{ctx.device_id}", {"sent_before": sent})
            outbox.set_state(db, SENT_STATE, "0")
            uow.commit()


def heads_in(body: bytes, where: str, keys: dict[str, bytes]) -> tuple[list[Evidence], list[Gap]]:
    """The signed heads one `sync.heads_seen` entry records: each checked against its device's registered key."""
    found: list[Evidence] = []
    unsigned: list[Gap] = []
    try:
        heads = json.loads(body)["payload"]["data"]["heads"]
        marks = [Checkpoint(int(head["seq"]), str(head["hash"]), str(head["at"]), device,
                            bytes.fromhex(head["signature"])) for device, head in heads.items() if device in keys]
    except (ValueError, KeyError, TypeError, AttributeError):
        return [], []  # a mangled entry: the chain's own verification reports it
    for mark in marks:
        device = mark.device_id
        if signature_ok(keys[device], mark.signature, mark.message()):
            found.append(Evidence(device, mark.seq, mark.hash, where))
        else:
            unsigned.append(Gap(device, "unsigned", mark.seq, mark.seq,
                                f"{where} holds a head of it (entry {mark.seq}) that its registered key does not "
                                "verify: was its key replaced centrally?"))
    return found, unsigned


def local_evidence(ctx: Context, keys: dict[str, bytes]) -> tuple[list[Evidence], list[Gap]]:
    """What this install's own store says: how far its chain reached central, and the heads it recorded."""
    me = str(ctx.device_id)
    found: list[Evidence] = []
    gaps: list[Gap] = []
    with ctx.uow(write=False) as uow:
        db = raw(uow)
        pushed = int(outbox.get_state(db, "last_pushed_audit_seq", "0"))
        row = db.execute("SELECT hash FROM audit_entry WHERE seq = ?", (pushed,)).fetchone()
        if row is not None:
            found.append(Evidence(me, pushed, bytes(row[0]).hex(), "its own store"))
        recorded = db.execute("SELECT seq, body FROM audit_entry WHERE body LIKE ? ORDER BY seq",
                              (HEADS_PREFIX.decode() + "%",)).fetchall()
    for seq, body in recorded:
        more, unsigned = heads_in(body.encode() if isinstance(body, str) else bytes(body),
                                  f"this install's own chain (entry {seq})", keys)
        found += more
        gaps += unsigned
    if me in keys and keys[me] != ctx.device_key.public_bytes():
        gaps.append(Gap(me, "key", 0, 0, "its registered public key is not the key in its own store"))
    return found, gaps


def recorded_heads(rows: Iterable[tuple[int, bytes]], device: str, name: str,
                   keys: dict[str, bytes]) -> tuple[list[Evidence], list[Gap]]:
    """The heads recorded in one device's central chain, given as (seq, body) rows, and the losses it recorded."""
    found: list[Evidence] = []
    gaps: list[Gap] = []
    for seq, body in rows:
        if body.startswith(LOST_PREFIX):
            gaps += _recorded_loss(body, device, f"its chain (entry {seq})")
        elif body.startswith(HEADS_PREFIX):
            more, unsigned = heads_in(body, f"the chain of device {name} (entry {seq})", keys)
            found += more
            gaps += unsigned
    return found, gaps


def _recorded_loss(body: bytes, device: str, where: str) -> list[Gap]:
    try:
        data = json.loads(body)["payload"]["data"]
        held, sent = int(data["held"]), int(data["sent"])
    except (ValueError, KeyError, TypeError):
        return []
    return [Gap(device, "lost", held + 1, sent, f"{where} records that central had lost {sent - held} of the "
                f"{sent} entries it had sent; they were sent again")]


def compare_all(conn: psycopg.Connection[Any], held_to: dict[str, int], evidence: list[Evidence]) -> list[Gap]:
    """`compare` for every device central holds, reading the hashes at the evidence's sequence numbers."""
    gaps: list[Gap] = []
    for device, top in held_to.items():
        mine = [e for e in evidence if e.device_id == device]
        seqs = sorted({e.seq for e in mine if e.seq <= top})
        held = {int(s): str(h) for s, h in conn.execute(
            "SELECT seq, encode(hash, 'hex') FROM qayd.audit_entry WHERE device_id = %s AND seq = ANY(%s)",
            (device, seqs))} if seqs else {}
        conn.commit()
        # an entry in the middle that is gone: the chain's own verification names it as deleted
        gaps += compare(device, top, held, [e for e in mine if e.seq > top or e.seq in held])
    return gaps


def compare(device: str, held_to: int, held_hash: dict[int, str], evidence: Iterable[Evidence]) -> list[Gap]:
    """Central's copy of one device's chain (entries up to `held_to`; `held_hash` the hashes at the evidence's
    sequence numbers it holds) against the evidence: the widest missing tail, and any hash that differs."""
    gaps: list[Gap] = []
    tail = max((e for e in evidence if e.seq > held_to), key=lambda e: e.seq, default=None)
    if tail is not None:
        span = f"entry {tail.seq}" if tail.seq == held_to + 1 else f"entries {held_to + 1}–{tail.seq}"
        has = "has them" if tail.source == "its own store" else "holds its signed head at entry " + str(tail.seq)
        gaps.append(Gap(device, "missing", held_to + 1, tail.seq, f"{span} missing centrally; {tail.source} {has}"))
    for e in sorted(evidence, key=lambda e: e.seq):  # the first that differs: the rewrite starts at or before it
        if e.seq in held_hash and held_hash[e.seq] != e.hash:
            gaps.append(Gap(device, "differs", e.seq, e.seq, f"entry {e.seq} differs centrally from the one "
                            f"{e.source} holds: the chain was rewritten at or before it"))
            break
    return gaps
