"""The audit chain's check: quick (the entries since the last signed checkpoint, that checkpoint's signature, and
the signed heads kept outside the store) or deep (`--deep`: core.audit's full verification, documents included)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

from core.health.checks_store import reader
from core.health.model import CheckResult, Status
from core.ledger.chain import GENESIS, Checkpoint, entry_digest
from core.ledger.signing import signature_ok

if TYPE_CHECKING:
    from core.health.doctor import Check, Run

RUNBOOK = "audit-chain-broken"
TITLE = "Audit chain"
FIX = ("Do not issue until it is understood: run `qayd audit verify` for the first wrong entry, then follow "
       "docs/runbooks/audit-chain-broken.md (compare with central and the evidence bundles).")
FIX_AR = ("لا تُصدر أي فاتورة قبل فهم ما جرى: شغّل `qayd audit verify` لمعرفة أول قيد خاطئ، ثم اتبع "
          "docs/runbooks/audit-chain-broken.ar.md (وقارن بنسخة المركز وبحزم الأدلة).")
OUTSIDE_AR = {"head file": "ملف الرأس الموقّع", "anchor": "المرساة"}


def chain(run: Run) -> CheckResult:
    return _deep(run) if run.deep else _quick(run)


def _quick(run: Run) -> CheckResult:
    from core.audit.heads import read_outside, signed_heads

    ctx = run.ctx
    outside = read_outside(ctx.head_file, ctx.anchor, None)  # before reading the store, as verification does
    public = ctx.device_key.public_bytes()
    with closing(reader(ctx.db.path)) as conn:
        conn.execute("BEGIN")  # one snapshot for every read below
        top = int(conn.execute("SELECT coalesce(max(seq), 0) FROM audit_entry").fetchone()[0])
        row = conn.execute("SELECT seq, hash, at, device_id, signature FROM audit_checkpoint ORDER BY seq DESC "
                           "LIMIT 1").fetchone()
        stored = [] if row is None else [Checkpoint(int(row[0]), str(row[1]), str(row[2]), str(row[3]),
                                                    bytes(row[4]))]
        heads = stored + signed_heads(outside, str(ctx.device_id))
        problem, problem_ar = _signed(heads, public, top, conn)
        if not problem:
            problem, problem_ar = _tail(conn, stored[0].seq if stored else 0, top)
        conn.rollback()
    failed_outside = [f"the {name}: {error}" for name, error in (("head file", outside.head_error),
                                                                 ("anchor", outside.anchor_error)) if error]
    failed_outside_ar = [f"{OUTSIDE_AR[name]} لا يتحقق: «{error}»" for name, error in (
        ("head file", outside.head_error), ("anchor", outside.anchor_error)) if error]
    figures = {"entries": top, "checkpoint_seq": stored[0].seq if stored else 0, "unsealed": top - (
        stored[0].seq if stored else 0)}
    if problem or failed_outside:
        return CheckResult("audit.chain", TITLE, Status.FAIL, (problem or "") + " ".join(failed_outside), FIX,
                           RUNBOOK, figures, found_ar=" ".join([problem_ar, *failed_outside_ar]).strip(),
                           fix_ar=FIX_AR)
    return CheckResult("audit.chain", TITLE, Status.OK,
                       f"{top:,} entries; the last signed checkpoint, the signed heads and the entries after them "
                       "verify (`qayd doctor --deep` checks every entry).", runbook=RUNBOOK, figures=figures,
                       found_ar=f"عدد القيود: {top:,}؛ وقد تحققت آخر نقطة تحقق موقّعة والرؤوس الموقّعة والقيود التي "
                                "بعدها (يفحص `qayd doctor --deep` كل قيد).")


def _signed(heads: list[Checkpoint], public: bytes, top: int, conn: sqlite3.Connection) -> tuple[str, str]:
    """The first signed head that is forged, beyond the chain's end, or not matching its entry, in English and
    Arabic (empty when none)."""
    for cp in heads:
        if not signature_ok(public, cp.signature, cp.message()):
            return (f"The signed head at entry {cp.seq:,} does not carry this device's signature.",
                    f"الرأس الموقّع عند القيد {cp.seq:,} لا يحمل توقيع هذا الجهاز.")
        if cp.seq > top:
            return (f"The chain ends at entry {top:,}, but a signed head says it reached entry {cp.seq:,}: it was cut.",
                    f"تنتهي السلسلة عند القيد {top:,}، لكن رأسًا موقّعًا يقول إنها بلغت القيد {cp.seq:,}: لقد "
                    "قُطعت.")
        found = conn.execute("SELECT hash FROM audit_entry WHERE seq = ?", (cp.seq,)).fetchone()
        if found is None or bytes(found[0]).hex() != cp.hash:
            return (f"Entry {cp.seq:,} no longer matches the signed head that sealed it: it was changed.",
                    f"القيد {cp.seq:,} لم يعد يطابق الرأس الموقّع الذي ختمه: لقد عُدِّل.")
    return "", ""


def _tail(conn: sqlite3.Connection, start: int, top: int) -> tuple[str, str]:
    """Each entry from the last checkpoint on is hashed over its predecessor, its place and its body."""
    rows = conn.execute("SELECT seq, body, prev_hash, hash FROM audit_entry WHERE seq >= ? ORDER BY seq",
                        (max(1, start),))
    expected, last = max(1, start), None
    for seq, body, prev, digest in rows:
        prev, digest = bytes(prev), bytes(digest)
        body = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        if seq != expected:
            return (f"Entry {expected:,} is missing from the chain.", f"القيد {expected:,} مفقود من السلسلة.")
        link = GENESIS if seq == 1 else (last if last is not None else prev)
        if prev != link or entry_digest(link, seq, body) != digest:
            return (f"Entry {seq:,} was changed: it no longer matches its hash or its predecessor.",
                    f"عُدِّل القيد {seq:,}: لم يعد يطابق بصمته أو القيد الذي قبله.")
        expected, last = seq + 1, digest
    if expected - 1 != top:
        return (f"The chain ends at entry {expected - 1:,}, not {top:,}.",
                f"تنتهي السلسلة عند القيد {expected - 1:,}، لا عند القيد {top:,}.")
    return "", ""


def _deep(run: Run) -> CheckResult:
    from core.audit import verify_store

    report = verify_store(run.ctx, progress=run.progress, cancelled=run.cancelled, documents=True)
    figures = {"entries": report.entries, "checkpoints": report.checkpoints,
               "documents": report.documents.documents if report.documents else 0,
               "documents_broken": len(report.documents.broken) if report.documents else 0}
    if report.ok:
        return CheckResult("audit.chain", TITLE + " (full)", Status.OK,
                           f"All {report.entries:,} entries, their checkpoints and anchors, and every issued "
                           "document's stamp verify.", runbook=RUNBOOK, figures=figures,
                           found_ar=f"تحققت القيود كلها وعددها {report.entries:,}، ونقاط التحقق والمراسي، وختم كل "
                                    "مستند صادر.")
    if report.broken is not None:
        found = f"{report.broken.kind}: {report.broken.detail}"
        found_ar = f"لا تتحقق سلسلة التدقيق ({report.broken.kind}): «{report.broken.detail}»"
    elif any(a.failed for a in report.anchors):
        found = "; ".join(f"the {a.name}: {a.note}" for a in report.anchors if a.failed)
        found_ar = "؛ ".join(f"{OUTSIDE_AR.get(a.name, a.name)} لا يتحقق: «{a.note}»" for a in report.anchors
                             if a.failed)
    else:
        found = f"{figures['documents_broken']} issued document(s) no longer verify (stamp or ICV/PIH chain)."
        found_ar = (f"عدد المستندات الصادرة التي لم تعد تتحقق (الختم أو سلسلة ICV/PIH): "
                    f"{figures['documents_broken']}.")
    return CheckResult("audit.chain", TITLE + " (full)", Status.FAIL, found, FIX, RUNBOOK, figures,
                       found_ar=found_ar, fix_ar=FIX_AR)


def secrets(run: Run) -> CheckResult:
    """The master key opens every sealed value (the device key, sealed at creation, is the canary); nothing is
    handed out, logged or audited."""
    from core.secrets import SecretStore

    ctx = run.ctx
    with ctx.uow(write=False) as uow:
        store = SecretStore(uow.session, ctx.master_key, ctx.device_id)  # no audit hook: nothing is used
        count = len(store.names())
        problems = store.verify_all()
    figures = {"secrets": count, "unreadable": len(problems)}
    if count == 0:
        return CheckResult("secrets.master_key", "Master key and secret store", Status.FAIL,
                           "The secret store holds no sealed value, not even the device key.",
                           "Restore the company database from a backup.", "secret-store", figures,
                           found_ar="لا يحمل مخزن الأسرار أي قيمة مختومة، ولا حتى مفتاح الجهاز.",
                           fix_ar="استعد قاعدة بيانات المنشأة من نسخة احتياطية.")
    if problems:
        return CheckResult("secrets.master_key", "Master key and secret store", Status.FAIL,
                           f"{len(problems)} of {count} sealed value(s) cannot be opened with this master key "
                           f"({', '.join(sorted(problems)[:3])}).",
                           "Use the master key this store was sealed with (docs/runbooks/secret-store.md); set "
                           "the others again with `qayd secrets set NAME`.", "secret-store", figures,
                           found_ar=f"تعذّر فتح {len(problems)} من أصل {count} من القيم المختومة بهذا المفتاح "
                                    f"الرئيسي ({', '.join(sorted(problems)[:3])}).",
                           fix_ar="استخدم المفتاح الرئيسي الذي خُتم به هذا المخزن "
                                  "(docs/runbooks/secret-store.ar.md)؛ واضبط القيم الأخرى من جديد بالأمر "
                                  "`qayd secrets set NAME`.")
    return CheckResult("secrets.master_key", "Master key and secret store", Status.OK,
                       f"The master key opens all {count} sealed value(s).", runbook="secret-store", figures=figures,
                       found_ar=f"يفتح المفتاح الرئيسي جميع القيم المختومة وعددها {count}.")


CHECKS: list[tuple[str, str, Check]] = [
    ("audit.chain", TITLE, chain),
    ("secrets.master_key", "Master key and secret store", secrets),
]
