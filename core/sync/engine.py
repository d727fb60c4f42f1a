"""`qayd sync`: register this device, push the outbox and the audit chain, pull what others pushed, in batches.

Every step is safe to cut at any point and to repeat:

* a push batch is one central transaction; its changes carry ids (device, outbox entry, generation), so a batch
  sent again after a dropped connection is applied once and answered with the first outcome;
* the outbox entries are dropped only after central answered, in one local transaction with an audit entry;
* a pull batch is applied in one local transaction together with the new cursor, so a crash either applies the
  batch and moves the cursor, or neither.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg
import sqlalchemy.exc
from psycopg.types.json import Jsonb

from core.central.admin import CentralSetupError
from core.errors import QaydError
from core.incident import held
from core.progress import CancelCheck, part
from core.progress import Progress as Progress  # re-exported: its importers' old place
from core.progress import check as check_cancelled  # the loop below has its own `check`
from core.store import models as m
from core.sync import outbox
from core.sync.audit_gaps import attest_heads, check_own_copy, send_all_to_new_central
from core.sync.live import announce_new_events
from core.sync.outbox import raw
from core.sync.ownership import DeviceOwnerError, acting_as_device, device_refusal
from core.sync.received import attest_received
from core.uow import Context

PUSH_BATCH = 5000
PULL_BATCH = 5000
AUDIT_BATCH = 5000


class SyncError(QaydError):
    """The central database could not be reached or refused the sync; nothing local was lost."""

    exit_code = 4


@dataclass
class SyncResult:
    pushed: int = 0
    push_conflicts: int = 0
    audit_pushed: int = 0
    pulled: int = 0
    applied: int = 0
    conflicts: int = 0
    refused: int = 0
    audit_lost: int = 0  # entries of this chain central had lost (deleted by its owner): recorded, sent again
    last_seq: int = 0
    seconds: float = 0.0
    announced: list[str] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)  # the tables pulled changes touched (views showing them refresh)
    push_held: bool = False  # incident mode held the push: only incident rows were sent (core.incident)


@contextmanager
def central(dsn: str, *, connect_timeout: int = 10) -> Iterator[psycopg.Connection[Any]]:
    try:
        conn = psycopg.connect(dsn, connect_timeout=connect_timeout, application_name="qayd")
    except psycopg.OperationalError as exc:
        if "authentication failed" in str(exc):
            raise SyncError("The central database refused the login.",
                            fix="Check the login and its password: `qayd central connect URL --user LOGIN`.") from exc
        raise SyncError("The central database cannot be reached.",
                        fix="Check the network; work goes on offline and `qayd sync` catches up later.") from exc
    try:
        yield conn
    finally:
        conn.close()


def register_device(ctx: Context, conn: psycopg.Connection[Any]) -> uuid.UUID:
    """Register this install's device (its id and audit-signing public key) with its company; returns the company."""
    with ctx.uow(write=False) as uow:
        device = uow.session.get(m.Device, ctx.device_id)
        assert device is not None
        name, key = device.name, device.public_key
    known = conn.execute("SELECT EXISTS (SELECT 1 FROM qayd.device WHERE id = %s)", (ctx.device_id,)).fetchone()
    with acting_as_device():
        row = conn.execute("SELECT qayd.register_device(%s, %s, %s)", (ctx.device_id, name, key)).fetchone()
    conn.commit()
    assert row is not None and known is not None
    if not known[0]:
        send_all_to_new_central(ctx)
    company = uuid.UUID(str(row[0]))
    _keep_own_profile(ctx, company)
    return company


def _keep_own_profile(ctx: Context, company: uuid.UUID) -> None:
    """Remember central's company; a profile typed here before joining (another company id) is not sent: its outbox
    entries are dropped, and the drop audited. Writes only when there is something to write."""
    with ctx.uow(write=False) as uow:
        db = raw(uow)
        known = outbox.get_state(db, "central.company") == str(company)
        foreign = db.execute("SELECT count(*) FROM sync_outbox WHERE entity = 'company' AND row_id <> ?",
                             (company.hex,)).fetchone()[0]
    if known and not foreign:
        return
    with ctx.uow() as uow:
        db = raw(uow)
        outbox.set_state(db, "central.company", str(company))
        dropped = outbox.drop_foreign_company(db, company.hex)
        if dropped:
            uow.audit.append("sync.profile_not_sent", f"device:{ctx.device_id}",
                             {"central_company": str(company), "entries": dropped})
        uow.commit()


def refusal(exc: psycopg.Error) -> QaydError:
    """The error a person can act on for central refusing a login's request (never the driver's traceback)."""
    owner = device_refusal(exc)
    if owner is not None:
        return owner
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return CentralSetupError(f"The central database does not let this login in as a Qayd user: {_describe(exc)}",
                                 fix="Ask the database owner to make it a Qayd login: `qayd central user URL LOGIN "
                                     "--level staff`.")
    return SyncError(f"The central database refused the request: {_describe(exc)}",
                     fix="Nothing was changed here; check the address and try again.")


def register_checked(ctx: Context, conn: psycopg.Connection[Any]) -> uuid.UUID:
    """`register_device` for a connection check (`central connect`, Settings): refusals as QaydErrors."""
    try:
        return register_device(ctx, conn)
    except psycopg.Error as exc:
        raise refusal(exc) from exc


def push_changes(ctx: Context, conn: psycopg.Connection[Any], result: SyncResult, *, batch: int | None = None,
                 progress: Progress | None = None, cancelled: CancelCheck | None = None) -> None:
    """Send the outbox in batches. The next batch is read and encoded on a helper thread while central applies the
    current one, so the two overlap; acknowledgements stay in batch order on this thread.

    While incident mode holds the push (`hold_sync_push`), only the incident rows travel, so that every other desk
    still learns of the incident and of its end; the rest stays in the outbox (`result.push_held`)."""
    size = batch or PUSH_BATCH
    device = str(ctx.device_id)
    with ctx.uow(write=False) as uow:
        only = "incident" if "sync_push" in held(uow) else None
        result.push_held = only is not None
        total = max(outbox.count_pending(raw(uow), only), 1)
    ready: queue.Queue[tuple[list[outbox.Pending], str] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        after = 0
        try:
            while not stop.is_set():
                with ctx.uow(write=False) as uow:
                    items = outbox.pending(raw(uow), size, after=after, only=only)
                if not items:
                    ready.put(None)
                    return
                after = items[-1].seq
                ready.put((items, json.dumps([i.as_json(device) for i in items], separators=(",", ":"))))
        except BaseException as exc:  # handed to the sending thread
            ready.put(exc)

    reader = threading.Thread(target=produce, name="qayd-sync-reader", daemon=True)
    reader.start()
    try:
        while True:
            check_cancelled(cancelled, "sync")
            got = ready.get()
            if got is None:
                return
            if isinstance(got, BaseException):
                raise got
            items, body = got
            answer = conn.execute("SELECT qayd.push(%s, %s::json)", (ctx.device_id, body)).fetchone()
            conn.commit()
            assert answer is not None
            _acknowledge(ctx, device, items, answer[0], result)
            if progress is not None:
                progress(min(result.pushed / total, 1.0), f"pushed {result.pushed}")
    finally:
        stop.set()
        while reader.is_alive():  # let a producer blocked on a full queue finish
            with contextlib.suppress(queue.Empty):
                ready.get_nowait()
            reader.join(0.05)


def _acknowledge(ctx: Context, device: str, items: list[outbox.Pending], outcomes_list: list[dict[str, Any]],
                 result: SyncResult) -> None:
    outcomes = {o["change_id"]: o for o in outcomes_list}
    conflicted = [i for i in items if outcomes[i.change_id(device)]["conflict"]]
    with ctx.uow() as uow:
        db = raw(uow)
        outbox.acknowledge(db, items)
        now = ctx.clock().isoformat()
        for item in conflicted:  # central kept another install's version: keep both here until resolved
            outbox.record_push_conflict(db, item, now)
        seqs = [o["seq"] or 0 for o in outcomes_list]
        uow.audit.append("sync.pushed", f"device:{device}", {"changes": len(items), "conflicts": len(conflicted),
                                                             "first_seq": min(seqs), "last_seq": max(seqs)})
        uow.commit()
    result.pushed += len(items)
    result.push_conflicts += len(conflicted)


def push_audit(ctx: Context, conn: psycopg.Connection[Any], result: SyncResult, *, batch: int | None = None,
               cancelled: CancelCheck | None = None) -> None:
    """Send the device's audit entries and checkpoints that central does not hold yet."""
    while True:
        check_cancelled(cancelled, "sync")
        with ctx.uow(write=False) as uow:
            db = raw(uow)
            after = int(outbox.get_state(db, "last_pushed_audit_seq", "0"))
            entries = db.execute("SELECT seq, body, prev_hash, hash FROM audit_entry WHERE seq > ? ORDER BY seq "
                                 "LIMIT ?", (after, batch or AUDIT_BATCH)).fetchall()
            if not entries:
                return
            last = entries[-1][0]
            checkpoints = db.execute("SELECT seq, hash, at, signature FROM audit_checkpoint WHERE seq > ? AND "
                                     "seq <= ? ORDER BY seq", (after, last)).fetchall()
        body = [{"seq": s, "body": b.decode() if isinstance(b, bytes) else b, "prev_hash": bytes(p).hex(),
                 "hash": bytes(h).hex()} for s, b, p, h in entries]
        marks = [{"seq": s, "hash": h, "at": a, "signature": bytes(sig).hex()} for s, h, a, sig in checkpoints]
        conn.execute("SELECT qayd.push_audit(%s, %s, %s)", (ctx.device_id, Jsonb(body), Jsonb(marks)))
        conn.commit()
        with ctx.uow() as uow:
            outbox.set_state(raw(uow), "last_pushed_audit_seq", str(last))
            uow.commit()
        result.audit_pushed += len(entries)


def pull(ctx: Context, conn: psycopg.Connection[Any], result: SyncResult, *, batch: int | None = None,
         progress: Progress | None = None, cancelled: CancelCheck | None = None) -> None:
    """Apply, batch by batch, every change other installs pushed after this install's cursor."""
    batch = batch or PULL_BATCH  # read when called (not bound at import), so a test can make batches small
    with ctx.uow(write=False) as uow:
        after = int(outbox.get_state(raw(uow), "last_pulled_seq", "0"))
    newest = conn.execute("SELECT coalesce(max(seq), 0) FROM qayd.change WHERE company_id = qayd.my_company()"
                          ).fetchone()
    conn.commit()
    top = int(newest[0]) if newest else 0
    while True:
        check_cancelled(cancelled, "sync")
        rows = conn.execute(
            "SELECT seq, device_id::text, entity, row_id, op, version, payload FROM qayd.change "
            "WHERE company_id = qayd.my_company() AND seq > %s AND device_id <> %s AND NOT conflict "
            "ORDER BY seq LIMIT %s", (after, ctx.device_id, batch)).fetchall()
        conn.commit()
        if not rows:
            result.last_seq = max(result.last_seq, after)
            return
        changes = [outbox.Remote(int(s), d, e, r, o, v, p) for s, d, e, r, o, v, p in rows]
        last = changes[-1].seq
        done = _apply_batch(ctx, changes)
        after = last
        result.pulled += len(changes)
        result.entities.update(c.entity for c in changes)
        result.applied += done.applied
        result.conflicts += done.conflicts
        result.refused += done.refused
        result.last_seq = last
        if progress is not None and top:
            progress(min(last / top, 1.0), f"pulled {result.pulled}")


def _apply_batch(ctx: Context, changes: list[outbox.Remote]) -> outbox.Applied:
    """One pulled batch and the cursor after it, in one local transaction. Foreign keys are checked at commit; if a
    row's parent is missing (the store refused it), the batch is applied again with such rows kept as conflicts."""
    last = changes[-1].seq
    for check in (False, True):
        try:
            with ctx.uow() as uow:
                db = raw(uow)
                done = outbox.apply_remote(db, changes, ctx.clock().isoformat(), check_foreign_keys=check)
                outbox.set_state(db, "last_pulled_seq", str(last))
                attest_received(uow, changes)
                uow.audit.append("sync.pulled", f"device:{ctx.device_id}",
                                 {"changes": len(changes), "applied": done.applied, "conflicts": done.conflicts,
                                  "refused": done.refused, "first_seq": changes[0].seq, "last_seq": last})
                uow.commit()
            return done
        except sqlalchemy.exc.IntegrityError as exc:
            if check or "FOREIGN KEY" not in str(exc):
                raise
    raise AssertionError("unreachable")


def sync_once(ctx: Context, dsn: str, *, progress: Progress | None = None, cancelled: CancelCheck | None = None,
              connect_timeout: int = 10) -> SyncResult:
    """Register, push changes, pull, record the other devices' signed heads, check central's copy of this chain and
    push the chain (core.sync.audit_gaps), announce. Safe to cut and repeat at any point."""
    started = time.perf_counter()
    result = SyncResult()
    try:
        with central(dsn, connect_timeout=connect_timeout) as conn:
            register_device(ctx, conn)
            push_changes(ctx, conn, result, progress=part(progress, 0.0, 0.5), cancelled=cancelled)
            pull(ctx, conn, result, progress=part(progress, 0.5, 0.95), cancelled=cancelled)
            # before push_audit: the records travel with this sync
            attest_heads(ctx, conn, moved=bool(result.pushed or result.pulled))
            result.audit_lost = check_own_copy(ctx, conn)
            if not result.push_held:  # the chain is pushed too: held with the rest
                push_audit(ctx, conn, result, cancelled=cancelled)
            result.announced = announce_new_events(ctx, conn)
    except psycopg.Error as exc:
        refused = device_refusal(exc)  # another login's device: running again cannot help, so not a SyncError
        _remember(ctx, error=refused.message if refused else _describe(exc))
        if refused is not None:
            raise refused from exc
        raise SyncError(f"The sync stopped: {_describe(exc)}",
                        fix="Nothing local was lost; run `qayd sync` again (it resumes where it stopped).") from exc
    except (SyncError, DeviceOwnerError) as exc:
        _remember(ctx, error=exc.message)
        raise
    result.seconds = time.perf_counter() - started
    _remember(ctx, error="")
    if progress is not None:
        progress(1.0, "synced")
    return result


def _describe(exc: psycopg.Error) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return first.removeprefix("qayd: ")


def _remember(ctx: Context, *, error: str) -> None:
    with ctx.uow() as uow:
        db = raw(uow)
        if not error:
            outbox.set_state(db, "last_sync_at", ctx.clock().isoformat())
        outbox.set_state(db, "last_error", error)
        uow.commit()


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar and `qayd sync status` show."""

    configured: bool
    url: str
    user: str
    last_sync_at: datetime | None
    last_error: str
    pending: int
    conflicts: int
    last_pulled_seq: int
    audit_pushed_to: int
    own_profile: bool = False  # this desk's profile was typed here (another company id): it does not synchronise


def status(ctx: Context) -> SyncStatus:
    with ctx.uow(write=False) as uow:
        db = raw(uow)
        last = outbox.get_state(db, "last_sync_at")
        conflicts = db.execute("SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL").fetchone()[0]
        url = outbox.get_state(db, "central.url")
        central_company = outbox.get_state(db, "central.company")
        local = {str(r) for (r,) in db.execute("SELECT id FROM company")}
        own = bool(central_company and local and uuid.UUID(central_company).hex not in local)
        return SyncStatus(bool(url), url, outbox.get_state(db, "central.user"),
                          datetime.fromisoformat(last) if last else None, outbox.get_state(db, "last_error"),
                          outbox.count_pending(db), int(conflicts), int(outbox.get_state(db, "last_pulled_seq", "0")),
                          int(outbox.get_state(db, "last_pushed_audit_seq", "0")), own)
