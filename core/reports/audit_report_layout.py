"""The printed audit evidence report: lays out gathered `AuditFacts` as a PDF/A-3 (no store is read here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from core.audit.chain import GENESIS, Checkpoint, Entry, entry_digest
from core.audit.verify import Break, BreakKind, VerifyReport
from core.clock import saudi_time
from core.reports.audit_stamps import verdict_texts, write_anchors, write_documents
from core.reports.document import Built, finish
from core.reports.evidence_parts import RIYADH_NOTE, Steps, grouped, riyadh, riyadh_day, safe_name, verdict
from core.reports.labels import Label, period
from core.reports.layout import ALERT, MUTED, Column, Identity, ReportWriter

TITLE: Label = ("Audit evidence report", "تقرير أدلة التدقيق")


@dataclass(frozen=True, slots=True)
class CheckpointLine:
    """A signed checkpoint of the period as listed: its signature checked again when the facts were gathered."""

    seq: int
    at: str
    hash: str
    in_table: bool  # False: it came from the signed head file
    valid: bool


@dataclass(frozen=True, slots=True)
class AuditFacts:
    """Everything the audit evidence report shows: the verification, the chain's extent, the period's actions, the
    checkpoints, the store and its device, read before a line is laid out."""

    report: VerifyReport
    start: date | None
    end: date | None
    bounded: bool  # a period was given (only its checkpoints are listed)
    actions: tuple[tuple[str, int], ...]  # entries per action in the period, most frequent first
    first: tuple[int, datetime] | None  # the first stored entry: its sequence and time
    last: tuple[int, datetime, str] | None  # the last stored entry: its sequence, time and hash
    stored_rows: int
    total: int  # the highest sequence number
    checkpoints: tuple[Checkpoint, ...]  # every trusted checkpoint (the break is checked against them)
    checkpoint_lines: tuple[CheckpointLine, ...]  # those of the period, as listed
    around: tuple[Entry, ...]  # the break's neighbours (empty when the chain is intact)
    device_name: str
    device_key_matches: bool
    device_id: str
    fingerprint: str  # of the device's public key
    database_name: str
    head_file_present: bool
    who: Identity
    now: datetime

    @property
    def today(self) -> date:
        return riyadh_day(self.now)


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



def lay_out_audit_report(f: AuditFacts, lang: str, steps: Steps) -> Built:
    """The verdict, the store and device, the chain, the period, the checkpoints, the break (when there is one),
    the heads and documents checked, and how to verify independently."""
    writer = ReportWriter(lang=lang, title=TITLE, identity=f.who, generated_at=saudi_time(f.now),
                          subtitle=_period_label(f.start, f.end, f.first[1] if f.first else None, f.today))
    _verdict(writer, f, lang)
    _store_and_device(writer, f)
    _chain(writer, f)
    _period_and_checkpoints(writer, f, lang, steps)
    _break(writer, f, lang, steps)
    return _close(writer, f, steps)


def _verdict(writer: ReportWriter, f: AuditFacts, lang: str) -> None:
    # The verdict
    if f.report.broken is None and not f.report.ok:  # the entries verify; an outside head or a document does not
        verdict(writer, False, *verdict_texts(f.report))
    elif f.report.broken is None:
        verdict(writer, True, ("Verdict: INTACT — the audit chain verifies",
                               "النتيجة: سلسلة التدقيق سليمة ومتحقَّق منها"),
                (f"All {f.report.entries:,} entries and {f.report.checkpoints:,} signed checkpoints verified on "
                 f"{riyadh(f.now)} (Riyadh time).",
                 f"تم التحقق من جميع القيود وعددها {f.report.entries:,}، ومن نقاط التحقق الموقّعة وعددها "
                 f"{f.report.checkpoints:,}، في {riyadh(f.now)} بتوقيت الرياض."))
    else:
        b = f.report.broken
        kind = BREAK_KINDS.get(b.kind, (b.kind.value, b.kind.value))
        verdict(writer, False, (f"Verdict: BROKEN at entry {b.seq} ({kind[0]})",
                                f"النتيجة: سلسلة التدقيق غير سليمة عند القيد رقم {b.seq}، {kind[1]}"),
                (f"Entries 1 to {f.report.entries:,} verify; the chain does not verify from entry {b.seq} on. "
                 "The break is described below.",
                 f"القيود من 1 إلى {f.report.entries:,} سليمة؛ ولا تتحقق السلسلة ابتداءً من القيد رقم {b.seq}. "
                 "وتفاصيل الانقطاع أدناه."))
    for warning in f.report.warnings:
        writer.paragraph(("Warning: ", "تنبيه: ")[lang == "ar"] + _warning(warning, lang), size=8.5, color=ALERT)



def _store_and_device(writer: ReportWriter, f: AuditFacts) -> None:
    t = writer.t
    # The store and the device
    writer.heading(("Store and device", "قاعدة البيانات والجهاز"))
    writer.fields([
        (("Database file", "ملف قاعدة البيانات"), f.database_name),
        (("Device name", "اسم الجهاز"), f.device_name),
        (("Signature algorithm", "خوارزمية التوقيع"), "Ed25519"),
        (("Signed head file", "ملف الرأس الموقّع"),
         t(("present", "موجود") if f.head_file_present else ("missing", "مفقود"))),
    ])
    writer.fields([
        (("Device ID", "معرّف الجهاز"), f.device_id),
        (("Public-key fingerprint", "بصمة المفتاح العام"), f.fingerprint),
        (("Key recorded for the device", "المفتاح المسجّل للجهاز"),
         t(("the same key as the one that verifies", "هو نفسه المفتاح المستخدم في التحقق") if f.device_key_matches
           else ("differs from the key that verifies", "يختلف عن المفتاح المستخدم في التحقق"))),
    ], columns=1, label_share=0.225)



def _chain(writer: ReportWriter, f: AuditFacts) -> None:
    # The chain
    writer.heading(("The chain", "سلسلة التدقيق"))
    writer.fields([
        (("First entry", "القيد الأول"), f"#{f.first[0]:,} · {riyadh(f.first[1])}" if f.first else "—"),
        (("Last entry", "القيد الأخير"), f"#{f.last[0]:,} · {riyadh(f.last[1])}" if f.last else "—"),
        (("Entries in the store", "عدد القيود المخزنة"), f"{f.stored_rows:,}"),
        (("Highest sequence number", "أعلى رقم تسلسل"), f"{f.total:,}"),
        (("Entries verified", "القيود المتحقَّق منها"), f"{f.report.entries:,}"),
        (("Signed checkpoints", "نقاط التحقق الموقّعة"), f"{f.report.checkpoints:,}"),
    ])
    heads: list[tuple[Label, str]] = [(("Head hash", "تجزئة رأس السلسلة"), grouped(f.report.head_hash))]
    if f.last is not None and f.last[2] != f.report.head_hash:
        heads.append((("Last stored entry's hash", "تجزئة آخر قيد مخزن"), grouped(f.last[2])))
    writer.fields(heads, columns=1, label_share=0.225)
    writer.paragraph(("The head hash is the hash of the last entry that verifies; it fixes the content and order of "
                      "every entry before it. " + RIYADH_NOTE[0],
                      "تجزئة رأس السلسلة هي تجزئة آخر قيد يتحقق، وهي تثبّت محتوى كل القيود السابقة له وترتيبها. "
                      + RIYADH_NOTE[1]), size=8, color=MUTED)



def _period_and_checkpoints(writer: ReportWriter, f: AuditFacts, lang: str, steps: Steps) -> None:
    # The period
    in_period = sum(n for _a, n in f.actions)
    writer.heading(("Entries in the period, by action", "القيود خلال الفترة حسب الإجراء"))
    writer.table([Column(("Action", "الإجراء"), 3), Column(("Entries", "عدد القيود"), 1, "end")],
                 ([a, f"{n:,}"] for a, n in f.actions), total_rows=len(f.actions),
                 empty=("No entries in this period.", "لا توجد قيود خلال هذه الفترة."))
    writer.summary([(("Entries in the period", "إجمالي القيود خلال الفترة"), f"{in_period:,}")])
    steps(0.85, "Writing the checkpoints")

    # The checkpoints
    writer.heading(("Signed checkpoints", "نقاط التحقق الموقّعة"))
    writer.paragraph(("Each checkpoint is the chain head at that entry, signed with the device key; the signature is "
                      "checked again for this report." + (" Only checkpoints made in the period are listed."
                                                          if f.bounded else ""),
                      "كل نقطة تحقق هي رأس السلسلة عند ذلك القيد موقّعاً بمفتاح الجهاز، وقد أُعيد التحقق من التوقيع "
                      "لهذا التقرير." + (" وتُدرج نقاط التحقق المنشأة خلال الفترة فقط." if f.bounded else "")),
                     size=8.5, color=MUTED)
    writer.table([Column(("Entry", "رقم القيد"), 1, "end"), Column(("Time (Riyadh)", "الوقت بتوقيت الرياض"), 2),
                  Column(("Hash (first 16 hex digits)", "التجزئة: أول 16 خانة"), 2),
                  Column(("Source", "المصدر"), 1.6), Column(("Signature", "التوقيع"), 1.1)],
                 _checkpoint_rows(f.checkpoint_lines, lang), total_rows=len(f.checkpoints),
                 progress=steps.rows(0.85, 0.95),
                 empty=("No signed checkpoint in this period.", "لا توجد نقاط تحقق موقّعة خلال هذه الفترة."))



def _break(writer: ReportWriter, f: AuditFacts, lang: str, steps: Steps) -> None:
    t = writer.t
    # The break
    if f.report.broken is not None:
        b = f.report.broken
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
                     _break_checks(b, f.around, f.checkpoints, lang), size=7.5)
        writer.paragraph(("Neighbouring entries (their actions and times only; payloads are not printed):",
                          "القيود المجاورة، بالإجراء والوقت فقط دون طباعة محتواها:"), size=8.5, color=MUTED)
        previous = {e.seq + 1: e for e in f.around}
        pick = 1 if lang == "ar" else 0
        rows = [[("» " if e.seq == b.seq else "") + f"#{e.seq:,}", _entry_at(e), _entry_action(e),
                 grouped(e.hash[:16]),
                 (("hash matches", "التجزئة مطابقة") if _self_consistent(e, previous.get(e.seq))
                  else ("hash does NOT match", "التجزئة غير مطابقة"))[pick]]
                for e in f.around if e.seq >= b.seq - 2]
        writer.table([Column(("Entry", "رقم القيد"), 1, "end"), Column(("Time (Riyadh)", "الوقت بتوقيت الرياض"), 2),
                      Column(("Action", "الإجراء"), 2.2), Column(("Stored hash", "التجزئة المخزنة"), 2),
                      Column(("Chain check", "فحص السلسلة"), 1.6)], rows,
                     empty=("No neighbouring entries are stored.", "لا توجد قيود مجاورة مخزنة."))



def _close(writer: ReportWriter, f: AuditFacts, steps: Steps) -> Built:
    t = writer.t
    write_anchors(writer, f.report)
    write_documents(writer, f.report)

    # How to verify without Qayd
    writer.heading(("How to verify independently", "كيفية التحقق المستقل"))
    writer.paragraph(HOW_TO_VERIFY, size=8.5)
    steps(0.98, "Packaging the PDF/A document")
    span = "all" if f.start is None and f.end is None else (
        f"{f.start.isoformat() if f.start else (riyadh_day(f.first[1]).isoformat() if f.first else 'begin')}_"
        f"{(f.end or f.today).isoformat()}")
    filename = f"audit-evidence_{safe_name(f.who.vat_number)}_{span}_{writer.lang}.pdf"
    built = finish(writer, filename=filename, title=t(TITLE), created=f.now,
                   keywords="audit; evidence; " + ("intact" if f.report.ok else "broken"))
    return built


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



def _checkpoint_rows(lines: tuple[CheckpointLine, ...], lang: str) -> Iterator[list[str]]:
    valid: Label = ("valid", "صحيح")
    invalid: Label = ("NOT valid", "غير صحيح")
    table: Label = ("checkpoint table", "جدول نقاط التحقق")
    head: Label = ("signed head file", "ملف الرأس الموقّع")
    pick = 1 if lang == "ar" else 0
    for cp in lines:
        yield [f"{cp.seq:,}", riyadh(cp.at), grouped(cp.hash[:16]), (table if cp.in_table else head)[pick],
               (valid if cp.valid else invalid)[pick]]


def _break_checks(b: Break, around: tuple[Entry, ...], checkpoints: tuple[Checkpoint, ...],
                  lang: str) -> list[list[str]]:
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

