"""The audit evidence report: the audit chain verified for real, printed as evidence for an auditor or ZATCA.

`build_audit_report` runs the same verification as `qayd audit verify` (every entry's hash, every signed checkpoint,
the signed head file, the anchor beside the master key, every issued document's stamp and ICV/PIH chain) and prints
the verdict, the store and the device that signs it, the chain's extent, what
happened in the period (entries per action), the checkpoints with their signatures checked, and, when the chain is
broken, the break in detail with its neighbouring entries (their actions and times only: audit payloads, which may
carry sealed personal data, are never printed). It closes with how to verify the chain without Qayd, from an
evidence bundle (`qayd audit export`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from core.audit.chain import GENESIS, Checkpoint, Entry, entry_digest
from core.audit.service import (
    entries_around,
    entry_count,
    fingerprint,
    stored_checkpoints,
    trusted_checkpoints,
    verify_store,
)
from core.audit.signing import signature_ok
from core.audit.verify import Break, BreakKind, VerifyReport
from core.clock import SAUDI_TIME as RIYADH
from core.clock import saudi_time
from core.reports.audit_stamps import verdict_texts, write_anchors, write_documents
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, finish, identity
from core.reports.errors import ReportCancelled, ReportError
from core.reports.labels import Label, period, timestamp
from core.reports.layout import ACCENT, ALERT, MUTED, Column, Progress, ReportWriter
from core.store.models import AuditEntry, Device
from core.uow import Context

TITLE: Label = ("Audit evidence report", "تقرير أدلة التدقيق")
RIYADH_NOTE: Label = ("Times are Riyadh time (UTC+03:00).", "الأوقات بتوقيت الرياض، UTC+03:00.")


# --- small shared helpers (also used by core.reports.privacy_reports) ----------------------------------------------


class Steps:
    """Progress between the phases of a document, and cancellation checked at each of them."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelFn | None) -> None:
        self.progress, self.cancelled = progress, cancelled

    def __call__(self, fraction: float, message: str) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled(message)
        if self.progress is not None:
            self.progress(fraction, message)

    def rows(self, start: float, end: float) -> Progress:
        """A table's row progress, mapped into [start, end] of the whole document."""
        report = None
        if self.progress is not None:
            progress = self.progress

            def report(fraction: float, message: str) -> None:
                progress(start + (end - start) * fraction, message)

        return Progress(report, self.cancelled)


riyadh = timestamp  # the one Riyadh-time format (core.reports.labels), under the name the privacy reports use


def riyadh_day(moment: datetime) -> date:
    return saudi_time(moment).date()


def grouped(hex_text: str, group: int = 8) -> str:
    """Long hex in groups (so it wraps at group boundaries and can be read aloud and compared)."""
    return " ".join(hex_text[i:i + group] for i in range(0, len(hex_text), group))


def safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in text).strip("-") or "x"


def verdict(writer: ReportWriter, good: bool, text: Label | str, detail: Label | str = "", size: float = 15) -> None:
    """A verdict line in large type, green when good and red when not, with an optional line under it."""
    writer.ensure(size + 25)
    writer.space(size * 0.4)
    writer.text(writer.t(text), 0, writer.y, size, True, color=ACCENT if good else ALERT)
    writer.space(size + 3)
    if detail:
        writer.paragraph(detail, size=9.5, color=ACCENT if good else ALERT, bold=True)
    writer.space(4)


# --- what the report shows -------------------------------------------------------------------------------------------

BREAK_KINDS: dict[BreakKind, Label] = {
    BreakKind.CHANGED: ("changed", "تعديل"),
    BreakKind.DELETED: ("deleted", "حذف"),
    BreakKind.INSERTED: ("inserted", "إدراج"),
    BreakKind.REORDERED: ("reordered", "إعادة ترتيب"),
    BreakKind.TRUNCATED: ("truncated", "اقتطاع"),
    BreakKind.FORGED_CHECKPOINT: ("forged checkpoint", "نقطة تحقق مزوّرة"),
}

BREAK_DETAIL_AR: dict[BreakKind, str] = {
    BreakKind.CHANGED: "عُدّل القيد رقم {seq}: لم يعد محتواه أو ارتباطه يطابق التجزئة المسجلة في السلسلة.",
    BreakKind.DELETED: "حُذفت قيود من السلسلة: القيد رقم {seq} مفقود.",
    BreakKind.INSERTED: "أُدرج القيد رقم {seq} في السلسلة دون أن يكون جزءاً منها عند كتابتها.",
    BreakKind.REORDERED: "تغيّر ترتيب القيود عند القيد رقم {seq}.",
    BreakKind.TRUNCATED: "تنتهي السلسلة قبل آخر نقطة تحقق موقّعة: اقتُطعت القيود ابتداءً من القيد رقم {seq}.",
    BreakKind.FORGED_CHECKPOINT: "نقطة التحقق عند القيد رقم {seq} لا تحمل توقيعاً صحيحاً بمفتاح هذا الجهاز.",
}

WARNINGS_AR: tuple[tuple[str, str], ...] = (
    ("The signed head file", "ملف رأس السلسلة الموقّع مفقود؛ لا يمكن كشف اقتطاع ذيل السلسلة إذا حُذفت نقاط التحقق معه."),
    ("The device table's public key", "المفتاح العام في جدول الأجهزة يختلف عن المفتاح في مخزن الأسرار؛ "
                                      "واستُخدم مفتاح مخزن الأسرار."),
    ("No signed checkpoint covers", "لا توجد نقطة تحقق موقّعة تغطي هذه السلسلة، لذا لا يمكن كشف اقتطاع ذيلها."),
    ("No device public key", "لا يوجد مفتاح عام للجهاز، فلم يُتحقق من تواقيع نقاط التحقق."),
)

HOW_TO_VERIFY: Label = (
    "To verify this evidence without Qayd, export the chain with `qayd audit export --out FOLDER`. The bundle holds "
    "every entry (entries.jsonl), the signed checkpoints (checkpoints.jsonl), the device's public key "
    "(device-public-key.pem) and a manifest of the SHA-256 of every file; its VERIFY.txt states the rule: each "
    "entry's hash is SHA-256 over the previous entry's hash, the entry's sequence number, the byte 0x1F and the "
    "entry's body, and each checkpoint is an Ed25519 signature by the device key over the chain head. Anyone can "
    "recompute this with standard tools; `qayd audit verify --bundle FOLDER` runs the same checks. The head hash and "
    "the public-key fingerprint printed above must match the bundle's.",
    "للتحقق من هذه الأدلة دون برنامج قيد، تُصدَّر السلسلة بالأمر qayd audit export --out FOLDER. وتضم الحزمة جميع "
    "القيود في الملف entries.jsonl، ونقاط التحقق الموقّعة في checkpoints.jsonl، والمفتاح العام للجهاز في "
    "device-public-key.pem، وبياناً بتجزئة SHA-256 لكل ملف، ويشرح الملف VERIFY.txt فيها القاعدة: "
    "تجزئة كل قيد هي SHA-256 لتجزئة القيد "
    "السابق ورقم تسلسل القيد والبايت 0x1F ومحتوى القيد، وكل نقطة تحقق توقيع Ed25519 بمفتاح الجهاز على رأس السلسلة. "
    "ويمكن لأي طرف إعادة هذا الحساب بأدوات قياسية، كما يُجري الأمر qayd audit verify --bundle FOLDER الفحوص نفسها. "
    "ويجب أن تطابق تجزئة رأس السلسلة وبصمة المفتاح العام المطبوعتان أعلاه ما في الحزمة.",
)


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


def _period_label(start: date | None, end: date | None, first: datetime | None, today: date) -> Label:
    if start is None and end is None:
        return ("Period: the whole chain", "الفترة: السلسلة كاملة")
    lo = start.isoformat() if start else (riyadh_day(first).isoformat() if first else "—")
    hi = (end or today).isoformat()
    return period(lo, hi, basis=("days in Riyadh time", "الأيام بتوقيت الرياض"))


def _warning(text: str, lang: str) -> str:
    if lang == "ar":
        for prefix, arabic in WARNINGS_AR:
            if text.startswith(prefix):
                return arabic
    return text


def _entry_action(entry: Entry) -> str:
    try:
        return entry.action
    except (ValueError, KeyError, TypeError):
        return "(unreadable)"


def _entry_at(entry: Entry) -> str:
    try:
        return riyadh(entry.at)
    except (ValueError, KeyError, TypeError):
        return "—"


def _self_consistent(entry: Entry, previous: Entry | None) -> bool:
    """The entry's stored hash is the chain rule's over its content and the stored hash of the entry before it
    (the first entry: the genesis; an entry whose predecessor is missing: its own stored link)."""
    if previous is not None:
        prev = bytes.fromhex(previous.hash)
    else:
        prev = GENESIS if entry.seq == 1 else bytes.fromhex(entry.prev_hash)
    return entry_digest(prev, entry.seq, entry.body.encode("utf-8")) == bytes.fromhex(entry.hash)


class _Chain:
    """What the store says about its chain besides the verification: extent, period counts, checkpoints."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def ends(self) -> tuple[tuple[int, datetime] | None, tuple[int, datetime, str] | None, int]:
        with self.ctx.uow(write=False) as uow:
            s = uow.session
            first = s.execute(select(AuditEntry.seq, AuditEntry.body).order_by(AuditEntry.seq).limit(1)).first()
            last = s.execute(select(AuditEntry.seq, AuditEntry.body, AuditEntry.hash)
                             .order_by(AuditEntry.seq.desc()).limit(1)).first()
            rows = int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
        return (None if first is None else (first[0], _body_at(first[1])),
                None if last is None else (last[0], _body_at(last[1]), bytes(last[2]).hex()), rows)

    def device(self) -> tuple[str, bool]:
        """The device's recorded name and whether its recorded public key is the one that verifies."""
        with self.ctx.uow(write=False) as uow:
            row = uow.session.get(Device, self.ctx.device_id)
            if row is None:
                return "—", False
            return row.name, row.public_key == self.ctx.device_key.public_bytes()


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
        inside = int(conn.execute("SELECT count(*) FROM audit_entry" + clause, args).fetchone()[0])
        if inside == 0:
            return []
        hint = " NOT INDEXED" if inside * 5 > total else ""
    rows = conn.execute(f"SELECT action, count(*) FROM audit_entry{hint}{clause} GROUP BY action", args).fetchall()
    return sorted(((str(a), int(n)) for a, n in rows), key=lambda r: (-r[1], r[0]))


def _body_at(body: str) -> datetime:
    try:
        return datetime.fromisoformat(json.loads(body)["at"])
    except (ValueError, KeyError, TypeError):
        return datetime.min.replace(tzinfo=UTC)


def _checkpoint_rows(ctx: Context, checkpoints: list[Checkpoint], stored: set[int], lang: str,
                     lo: str | None, hi: str | None) -> Iterator[list[str]]:
    public = ctx.device_key.public_bytes()
    valid: Label = ("valid", "صحيح")
    invalid: Label = ("NOT valid", "غير صحيح")
    table: Label = ("checkpoint table", "جدول نقاط التحقق")
    head: Label = ("signed head file", "ملف الرأس الموقّع")
    pick = 1 if lang == "ar" else 0
    for cp in checkpoints:
        if (lo is not None and cp.at < lo) or (hi is not None and cp.at >= hi):
            continue
        ok = signature_ok(public, cp.signature, cp.message())
        yield [f"{cp.seq:,}", riyadh(cp.at), grouped(cp.hash[:16]), (table if cp.seq in stored else head)[pick],
               (valid if ok else invalid)[pick]]


def _break_checks(b: Break, around: list[Entry], checkpoints: list[Checkpoint], lang: str) -> list[list[str]]:
    """Expected against found at the break: the entry's hash recomputed from its content, its link to the entry
    before it, the next entry's link to it, and the signed checkpoint there (when there is one)."""
    by_seq = {e.seq: e for e in around}
    entry, before, after = by_seq.get(b.seq), by_seq.get(b.seq - 1), by_seq.get(b.seq + 1)
    pick = 1 if lang == "ar" else 0
    ok: Label = ("matches", "مطابق")
    bad: Label = ("does NOT match", "غير مطابق")
    rows: list[list[str]] = []

    def row(check: Label, expected: str, found: str) -> None:
        rows.append([check[pick], grouped(expected), grouped(found), (ok if expected == found else bad)[pick]])

    if entry is None:
        missing: Label = (f"Entry {b.seq} is not in the store", f"القيد رقم {b.seq} غير موجود في قاعدة البيانات")
        rows.append([missing[pick], "", "", bad[pick]])
        if after is not None and before is not None:
            row((f"Link of entry {after.seq} to entry {before.seq}", f"ارتباط القيد {after.seq} بالقيد {before.seq}"),
                before.hash, after.prev_hash)
        return rows
    prev = bytes.fromhex(before.hash) if before is not None else GENESIS
    recomputed = entry_digest(prev, entry.seq, entry.body.encode("utf-8")).hex()
    row((f"Hash of entry {entry.seq} (recomputed from its content and the entry before it / stored)",
         f"تجزئة القيد {entry.seq}: المحسوبة من محتواه والقيد السابق مقابل المخزنة"), recomputed, entry.hash)
    row((f"Link of entry {entry.seq} to the entry before it", f"ارتباط القيد {entry.seq} بالقيد السابق"),
        prev.hex(), entry.prev_hash)
    if after is not None:
        row((f"Link of entry {after.seq} to entry {entry.seq}", f"ارتباط القيد {after.seq} بالقيد {entry.seq}"),
            entry.hash, after.prev_hash)
    for cp in checkpoints:
        if cp.seq == entry.seq:
            row((f"Signed checkpoint at entry {cp.seq}", f"نقطة التحقق الموقّعة عند القيد {cp.seq}"), cp.hash,
                entry.hash)
    return rows


def audit_evidence(ctx: Context, *, start: date | None, end: date | None, lang: str,
                   progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> AuditEvidence:
    """Verify the chain and print the evidence; returns the document and the verification it shows."""
    check_lang(lang)
    lo, hi = _bounds(start, end)
    steps = Steps(progress, cancelled)
    steps(0.0, "Verifying the audit chain")

    def verifying(fraction: float, message: str) -> None:
        if progress is not None:
            progress(0.75 * fraction, message)

    counting = _ActionCounts(ctx, lo, hi)  # beside the verification
    try:
        report = verify_store(ctx, progress=verifying, cancelled=cancelled)
        if report.cancelled:
            raise ReportCancelled("verification cancelled")
        steps(0.75, "Reading the chain's extent and the period")
    except BaseException:
        counting.stop()
        raise
    actions = counting.result()
    chain = _Chain(ctx)
    first, last, stored_rows = chain.ends()
    checkpoints, _warnings = trusted_checkpoints(ctx)
    stored = {cp.seq for cp in stored_checkpoints(ctx)}
    device_name, device_key_matches = chain.device()
    # the break's neighbours, and the entry before the first of them (to check its link)
    around = entries_around(ctx, report.broken.seq, before=3) if report.broken is not None else []
    total = entry_count(ctx)
    with ctx.uow(write=False) as uow:
        who = identity(uow)
    now = ctx.clock()
    today = riyadh_day(now)
    steps(0.8, "Writing the report")

    writer = ReportWriter(lang=lang, title=TITLE, identity=who, generated_at=saudi_time(now),
                          subtitle=_period_label(start, end, first[1] if first else None, today))
    t = writer.t

    # The verdict
    if report.broken is None and not report.ok:  # the entries verify; an outside head or a document does not
        verdict(writer, False, *verdict_texts(report))
    elif report.broken is None:
        verdict(writer, True, ("Verdict: INTACT — the audit chain verifies",
                               "النتيجة: سلسلة التدقيق سليمة ومتحقَّق منها"),
                (f"All {report.entries:,} entries and {report.checkpoints:,} signed checkpoints verified on "
                 f"{riyadh(now)} (Riyadh time).",
                 f"تم التحقق من جميع القيود وعددها {report.entries:,}، ومن نقاط التحقق الموقّعة وعددها "
                 f"{report.checkpoints:,}، في {riyadh(now)} بتوقيت الرياض."))
    else:
        b = report.broken
        kind = BREAK_KINDS.get(b.kind, (b.kind.value, b.kind.value))
        verdict(writer, False, (f"Verdict: BROKEN at entry {b.seq} ({kind[0]})",
                                f"النتيجة: سلسلة التدقيق غير سليمة عند القيد رقم {b.seq}، {kind[1]}"),
                (f"Entries 1 to {report.entries:,} verify; the chain does not verify from entry {b.seq} on. "
                 "The break is described below.",
                 f"القيود من 1 إلى {report.entries:,} سليمة؛ ولا تتحقق السلسلة ابتداءً من القيد رقم {b.seq}. "
                 "وتفاصيل الانقطاع أدناه."))
    for warning in report.warnings:
        writer.paragraph(("Warning: ", "تنبيه: ")[lang == "ar"] + _warning(warning, lang), size=8.5, color=ALERT)

    # The store and the device
    writer.heading(("Store and device", "قاعدة البيانات والجهاز"))
    public = ctx.device_key.public_bytes()
    writer.fields([
        (("Database file", "ملف قاعدة البيانات"), ctx.db.path.name),
        (("Device name", "اسم الجهاز"), device_name),
        (("Signature algorithm", "خوارزمية التوقيع"), "Ed25519"),
        (("Signed head file", "ملف الرأس الموقّع"),
         t(("present", "موجود") if ctx.head_file.exists() else ("missing", "مفقود"))),
    ])
    writer.fields([
        (("Device ID", "معرّف الجهاز"), str(ctx.device_id)),
        (("Public-key fingerprint", "بصمة المفتاح العام"), fingerprint(public)),
        (("Key recorded for the device", "المفتاح المسجّل للجهاز"),
         t(("the same key as the one that verifies", "هو نفسه المفتاح المستخدم في التحقق") if device_key_matches
           else ("differs from the key that verifies", "يختلف عن المفتاح المستخدم في التحقق"))),
    ], columns=1, label_share=0.225)

    # The chain
    writer.heading(("The chain", "سلسلة التدقيق"))
    writer.fields([
        (("First entry", "القيد الأول"), f"#{first[0]:,} · {riyadh(first[1])}" if first else "—"),
        (("Last entry", "القيد الأخير"), f"#{last[0]:,} · {riyadh(last[1])}" if last else "—"),
        (("Entries in the store", "عدد القيود المخزنة"), f"{stored_rows:,}"),
        (("Highest sequence number", "أعلى رقم تسلسل"), f"{total:,}"),
        (("Entries verified", "القيود المتحقَّق منها"), f"{report.entries:,}"),
        (("Signed checkpoints", "نقاط التحقق الموقّعة"), f"{report.checkpoints:,}"),
    ])
    heads: list[tuple[Label, str]] = [(("Head hash", "تجزئة رأس السلسلة"), grouped(report.head_hash))]
    if last is not None and last[2] != report.head_hash:
        heads.append((("Last stored entry's hash", "تجزئة آخر قيد مخزن"), grouped(last[2])))
    writer.fields(heads, columns=1, label_share=0.225)
    writer.paragraph(("The head hash is the hash of the last entry that verifies; it fixes the content and order of "
                      "every entry before it. " + RIYADH_NOTE[0],
                      "تجزئة رأس السلسلة هي تجزئة آخر قيد يتحقق، وهي تثبّت محتوى كل القيود السابقة له وترتيبها. "
                      + RIYADH_NOTE[1]), size=8, color=MUTED)

    # The period
    in_period = sum(n for _a, n in actions)
    writer.heading(("Entries in the period, by action", "القيود خلال الفترة حسب الإجراء"))
    writer.table([Column(("Action", "الإجراء"), 3), Column(("Entries", "عدد القيود"), 1, "end")],
                 ([a, f"{n:,}"] for a, n in actions), total_rows=len(actions),
                 empty=("No entries in this period.", "لا توجد قيود خلال هذه الفترة."))
    writer.summary([(("Entries in the period", "إجمالي القيود خلال الفترة"), f"{in_period:,}")])
    steps(0.85, "Writing the checkpoints")

    # The checkpoints
    writer.heading(("Signed checkpoints", "نقاط التحقق الموقّعة"))
    writer.paragraph(("Each checkpoint is the chain head at that entry, signed with the device key; the signature is "
                      "checked again for this report." + (" Only checkpoints made in the period are listed."
                                                          if lo or hi else ""),
                      "كل نقطة تحقق هي رأس السلسلة عند ذلك القيد موقّعاً بمفتاح الجهاز، وقد أُعيد التحقق من التوقيع "
                      "لهذا التقرير." + (" وتُدرج نقاط التحقق المنشأة خلال الفترة فقط." if lo or hi else "")),
                     size=8.5, color=MUTED)
    writer.table([Column(("Entry", "رقم القيد"), 1, "end"), Column(("Time (Riyadh)", "الوقت بتوقيت الرياض"), 2),
                  Column(("Hash (first 16 hex digits)", "التجزئة: أول 16 خانة"), 2),
                  Column(("Source", "المصدر"), 1.6), Column(("Signature", "التوقيع"), 1.1)],
                 _checkpoint_rows(ctx, checkpoints, stored, lang, lo, hi), total_rows=len(checkpoints),
                 progress=steps.rows(0.85, 0.95),
                 empty=("No signed checkpoint in this period.", "لا توجد نقاط تحقق موقّعة خلال هذه الفترة."))

    # The break
    if report.broken is not None:
        b = report.broken
        steps(0.95, "Describing the break")
        writer.heading(("The break", "تفاصيل الانقطاع"))
        kind = BREAK_KINDS.get(b.kind, (b.kind.value, b.kind.value))
        writer.fields([(("First entry that fails", "أول قيد لا يتحقق"), f"#{b.seq:,}"),
                       (("Kind of break", "نوع الانقطاع"), t(kind))])
        detail = b.detail if lang == "en" else BREAK_DETAIL_AR.get(b.kind, b.detail).format(seq=b.seq)
        writer.fields([(("What failed", "ما الذي فشل"), detail)], columns=1, label_share=0.225)
        writer.space(4)
        writer.table([Column(("Check", "الفحص"), 2.3), Column(("Expected", "المتوقع"), 2.2),
                      Column(("Found", "الموجود"), 2.2), Column(("Result", "النتيجة"), 1.1)],
                     _break_checks(b, around, checkpoints, lang), size=7.5)
        writer.paragraph(("Neighbouring entries (their actions and times only; payloads are not printed):",
                          "القيود المجاورة، بالإجراء والوقت فقط دون طباعة محتواها:"), size=8.5, color=MUTED)
        previous = {e.seq + 1: e for e in around}
        pick = 1 if lang == "ar" else 0
        rows = [[("» " if e.seq == b.seq else "") + f"#{e.seq:,}", _entry_at(e), _entry_action(e),
                 grouped(e.hash[:16]),
                 (("hash matches", "التجزئة مطابقة") if _self_consistent(e, previous.get(e.seq))
                  else ("hash does NOT match", "التجزئة غير مطابقة"))[pick]]
                for e in around if e.seq >= b.seq - 2]
        writer.table([Column(("Entry", "رقم القيد"), 1, "end"), Column(("Time (Riyadh)", "الوقت بتوقيت الرياض"), 2),
                      Column(("Action", "الإجراء"), 2.2), Column(("Stored hash", "التجزئة المخزنة"), 2),
                      Column(("Chain check", "فحص السلسلة"), 1.6)], rows,
                     empty=("No neighbouring entries are stored.", "لا توجد قيود مجاورة مخزنة."))

    write_anchors(writer, report)
    write_documents(writer, report)

    # How to verify without Qayd
    writer.heading(("How to verify independently", "كيفية التحقق المستقل"))
    writer.paragraph(HOW_TO_VERIFY, size=8.5)
    steps(0.98, "Packaging the PDF/A document")
    span = "all" if start is None and end is None else (
        f"{start.isoformat() if start else (riyadh_day(first[1]).isoformat() if first else 'begin')}_"
        f"{(end or today).isoformat()}")
    filename = f"audit-evidence_{safe_name(who.vat_number)}_{span}_{lang}.pdf"
    built = finish(writer, filename=filename, title=t(TITLE), created=now,
                   keywords="audit; evidence; " + ("intact" if report.ok else "broken"))
    if progress is not None:
        progress(1.0, f"{built.pages} page(s)")
    return AuditEvidence(built, report)


def build_audit_report(ctx: Context, *, start: date | None, end: date | None, lang: str,
                       progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Built:
    """The audit evidence report for `start`..`end` (Riyadh days; None: the whole chain) in `lang`."""
    return audit_evidence(ctx, start=start, end=end, lang=lang, progress=progress, cancelled=cancelled).built
