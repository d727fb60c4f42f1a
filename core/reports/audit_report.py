"""The audit evidence report: the audit chain verified for real, printed as evidence for an auditor or ZATCA.

`build_audit_report` runs the same verification as `qayd audit verify` (every entry's hash, every signed checkpoint,
the signed head file, the anchor beside the master key, every issued document's stamp and ICV/PIH chain) and prints
the verdict, the store and the device that signs it, the chain's extent, what
happened in the period (entries per action), the checkpoints with their signatures checked, and, when the chain is
broken, the break in detail with its neighbouring entries (their actions and times only: audit payloads, which may
carry sealed personal data, are never printed). It closes with how to verify the chain without Qayd, from an
evidence bundle (`qayd audit export`).

The report is made in two steps: `gather_audit_facts` verifies and reads everything it shows into `AuditFacts`, and
`core.reports.audit_report_layout` lays those out without reading the store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from core.audit.chain import Checkpoint
from core.audit.service import (
    entries_around,
    entry_count,
    fingerprint,
    stored_checkpoints,
    trusted_checkpoints,
    verify_store,
)
from core.audit.signing import signature_ok
from core.audit.verify import VerifyReport
from core.clock import SAUDI_TIME as RIYADH
from core.reports.audit_report_layout import TITLE, AuditFacts, CheckpointLine, lay_out_audit_report
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, identity
from core.reports.errors import ReportError
from core.reports.evidence_parts import RIYADH_NOTE, Steps, grouped, riyadh, riyadh_day, safe_name, verdict
from core.store.models import AuditEntry, Device
from core.uow import Context, UnitOfWork

# re-exported: the evidence documents' shared parts lived here before
__all__ = ["RIYADH_NOTE", "TITLE", "AuditEvidence", "AuditFacts", "Steps", "audit_evidence", "build_audit_report",
           "count_actions", "gather_audit_facts", "grouped", "riyadh", "riyadh_day", "safe_name", "verdict"]


@dataclass(frozen=True)
class AuditEvidence:
    """A built audit report and the verification it printed (the CLI exits 1 when the chain is broken)."""

    built: Built
    report: VerifyReport


def _bounds(start: date | None, end: date | None) -> tuple[str | None, str | None]:
    """The period as `at` bounds (UTC text as the chain stores it): [from, to), days taken in Riyadh time."""
    if start is not None and end is not None and start > end:
        raise ReportError(f"The period starts ({start}) after it ends ({end}).", fix="Give --from before --to.")

    def stamp(day: date) -> str:
        return datetime.combine(day, time(0), RIYADH).astimezone(UTC).isoformat(timespec="microseconds")

    return (stamp(start) if start else None, stamp(end + timedelta(days=1)) if end else None)



def _ends(uow: UnitOfWork) -> tuple[tuple[int, datetime] | None, tuple[int, datetime, str] | None, int]:
    """The chain's first and last stored entries and how many rows it has."""
    s = uow.session
    first = s.execute(select(AuditEntry.seq, AuditEntry.body).order_by(AuditEntry.seq).limit(1)).first()
    last = s.execute(select(AuditEntry.seq, AuditEntry.body, AuditEntry.hash)
                     .order_by(AuditEntry.seq.desc()).limit(1)).first()
    rows = int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    return (None if first is None else (first[0], _body_at(first[1])),
            None if last is None else (last[0], _body_at(last[1]), bytes(last[2]).hex()), rows)


def _device(ctx: Context, uow: UnitOfWork) -> tuple[str, bool]:
    """The device's recorded name and whether its recorded public key is the one that verifies."""
    row = uow.session.get(Device, ctx.device_id)
    if row is None:
        return "—", False
    return row.name, row.public_key == ctx.device_key.public_bytes()


class _ActionCounts:
    """Entries per action in the period, counted on a read-only connection of its own in a thread beside the
    verification: SQLite runs without the GIL, so a million entries are counted while the chain verifies."""

    def __init__(self, ctx: Context, lo: str | None, hi: str | None) -> None:
        self._conn = sqlite3.connect(f"file:{ctx.db.path}?mode=ro", uri=True, check_same_thread=False)
        self._result: list[tuple[str, int]] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(lo, hi), name="qayd-report-actions", daemon=True)
        self._thread.start()

    def _run(self, lo: str | None, hi: str | None) -> None:
        try:
            self._result = count_actions(self._conn, lo, hi)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> list[tuple[str, int]]:
        self._thread.join()
        self._conn.close()
        if self._error is not None:
            raise self._error
        return self._result

    def stop(self) -> None:
        """Abandon the count (the report was cancelled or failed)."""
        self._conn.interrupt()
        self._thread.join()
        self._conn.close()


def count_actions(conn: sqlite3.Connection, lo: str | None, hi: str | None) -> list[tuple[str, int]]:
    """Entries per action with `at` in [lo, hi), most frequent first. A narrow period goes through the index on
    `at`; a wide one is one pass over the table (faster than a million index lookups). Every stored body is JSON
    with an action and a time: the table's generated NOT NULL columns refuse anything else, edited by hand or not."""
    where, args = [], []
    if lo is not None:
        where.append("at >= ?")
        args.append(lo)
    if hi is not None:
        where.append("at < ?")
        args.append(hi)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    hint = ""
    if where:
        total = int(conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0])
        inside = int(conn.execute("SELECT count(*) FROM audit_entry" + clause, args).fetchone()[0])  # nosec B608 # clause is built from constant fragments; dates are parameters
        if inside == 0:
            return []
        hint = " NOT INDEXED" if inside * 5 > total else ""
    rows = conn.execute(f"SELECT action, count(*) FROM audit_entry{hint}{clause} GROUP BY action", args).fetchall()  # nosec B608 # hint and clause are constant fragments; dates are parameters
    return sorted(((str(a), int(n)) for a, n in rows), key=lambda r: (-r[1], r[0]))


def _body_at(body: str) -> datetime:
    try:
        return datetime.fromisoformat(json.loads(body)["at"])
    except (ValueError, KeyError, TypeError):
        return datetime.min.replace(tzinfo=UTC)



def gather_audit_facts(ctx: Context, start: date | None, end: date | None, steps: Steps) -> AuditFacts:
    """Verify the chain (counting the period's actions beside it), then read what the report shows about it."""
    lo, hi = _bounds(start, end)
    steps(0.0, "Verifying the audit chain")

    def verifying(fraction: float, message: str) -> None:
        if steps.progress is not None:
            steps.progress(0.75 * fraction, message)

    counting = _ActionCounts(ctx, lo, hi)  # beside the verification
    try:
        report = verify_store(ctx, progress=verifying, cancelled=steps.cancelled)  # raises Cancelled when asked
        steps(0.75, "Reading the chain's extent and the period")
    except BaseException:
        counting.stop()
        raise
    actions = counting.result()
    checkpoints, _warnings = trusted_checkpoints(ctx)
    stored = {cp.seq for cp in stored_checkpoints(ctx)}
    # the break's neighbours, and the entry before the first of them (to check its link)
    around = entries_around(ctx, report.broken.seq, before=3) if report.broken is not None else []
    total = entry_count(ctx)
    with ctx.uow(write=False) as uow:
        first, last, stored_rows = _ends(uow)
        device_name, device_key_matches = _device(ctx, uow)
        who = identity(uow)
    public = ctx.device_key.public_bytes()
    return AuditFacts(
        report=report, start=start, end=end, bounded=bool(lo or hi), actions=tuple(actions), first=first, last=last,
        stored_rows=stored_rows, total=total, checkpoints=tuple(checkpoints),
        checkpoint_lines=_checkpoint_lines(public, checkpoints, stored, lo, hi), around=tuple(around),
        device_name=device_name, device_key_matches=device_key_matches, device_id=str(ctx.device_id),
        fingerprint=fingerprint(public), database_name=ctx.db.path.name, head_file_present=ctx.head_file.exists(),
        who=who, now=ctx.clock())


def _checkpoint_lines(public: bytes, checkpoints: list[Checkpoint], stored: set[int], lo: str | None,
                      hi: str | None) -> tuple[CheckpointLine, ...]:
    """The checkpoints made in the period, each signature checked again with the device's public key."""
    return tuple(CheckpointLine(cp.seq, cp.at, cp.hash, cp.seq in stored, signature_ok(public, cp.signature,
                                                                                       cp.message()))
                 for cp in checkpoints if not ((lo is not None and cp.at < lo) or (hi is not None and cp.at >= hi)))


def audit_evidence(ctx: Context, *, start: date | None, end: date | None, lang: str,
                   progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> AuditEvidence:
    """Verify the chain and print the evidence; returns the document and the verification it shows."""
    check_lang(lang)
    steps = Steps(progress, cancelled)
    facts = gather_audit_facts(ctx, start, end, steps)
    steps(0.8, "Writing the report")
    built = lay_out_audit_report(facts, lang, steps)
    if progress is not None:
        progress(1.0, f"{built.pages} page(s)")
    return AuditEvidence(built, facts.report)


def build_audit_report(ctx: Context, *, start: date | None, end: date | None, lang: str,
                       progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Built:
    """The audit evidence report for `start`..`end` (Riyadh days; None: the whole chain) in `lang`."""
    return audit_evidence(ctx, start=start, end=end, lang=lang, progress=progress, cancelled=cancelled).built
