"""The audit evidence report, built from a real store: an intact chain, a tampered one, periods, both languages."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from core.audit.service import fingerprint
from core.clock import SAUDI_TIME as RIYADH
from core.invoicing.demo import create_demo
from core.reports import service
from core.reports.audit_report import (
    _ActionCounts,
    audit_evidence,
    build_audit_report,
    count_actions,
    grouped,
)
from core.reports.errors import ReportCancelled, ReportError
from core.uow import Context
from core.zatca.demo import add_demo_egs
from tests.conftest import StepClock
from tests.support.pdf_text import has_run, pdf_text, pdfium_text, render_png, text_runs, words

BOUNDARY = datetime(2026, 11, 24, 21, 30, tzinfo=UTC)  # 00:30 on 25 November in Riyadh


@pytest.fixture
def chain(ctx: Context, clock: StepClock) -> Context:
    """A demo company with issued invoices, checkpoints every 10 entries, and 5 entries made just after midnight
    in Riyadh (still 24 November in UTC)."""
    ctx.checkpoint_every = 10
    create_demo(ctx, drafts=12)
    add_demo_egs(ctx, issue=3)
    resume = clock.now
    clock.now = BOUNDARY
    with ctx.uow() as uow:
        for n in range(5):
            uow.audit.append("test.after_midnight", f"thing:{n}", {"n": n}, personal={"name": f"Person {n}"})
        uow.commit()
    clock.now = resume
    return ctx


def rows(ctx: Context) -> list[tuple[int, str, str, bytes, bytes]]:
    with sqlite3.connect(ctx.db.path) as conn:
        return [(int(s), str(a), str(at), bytes(p), bytes(h)) for s, a, at, p, h in conn.execute(
            "SELECT seq, action, at, prev_hash, hash FROM audit_entry ORDER BY seq")]


def checkpoints(ctx: Context) -> list[tuple[int, str]]:
    with sqlite3.connect(ctx.db.path) as conn:
        return [(int(s), str(h)) for s, h in conn.execute("SELECT seq, hash FROM audit_checkpoint ORDER BY seq")]


def tamper(ctx: Context, sql: str) -> None:
    """Edit the file as an attacker would, past the append-only triggers."""
    ctx.db.dispose()
    with sqlite3.connect(ctx.db.path) as conn:
        for trigger in ("audit_entry_append_only_u", "audit_entry_append_only_d",
                        "audit_checkpoint_append_only_u", "audit_checkpoint_append_only_d"):
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute(sql)


def test_an_intact_chain_is_reported_with_its_device_extent_actions_and_checkpoints(chain: Context) -> None:
    evidence = audit_evidence(chain, start=None, end=None, lang="en")
    built, report = evidence.built, evidence.report
    text = words(pdf_text(built.pdf))
    stored = rows(chain)
    assert report.ok and report.entries == len(stored)
    assert "Verdict: INTACT — the audit chain verifies" in text
    assert f"All {len(stored):,} entries and {len(checkpoints(chain)):,} signed checkpoints verified" in text
    assert str(chain.device_id) in text and fingerprint(chain.device_key.public_bytes()) in text
    assert f"Head hash {grouped(stored[-1][4].hex())}" in text
    assert f"Entries in the store {len(stored):,}" in text
    assert "First entry #1 · 2026-11-25 10:00:00" in text  # 07:00 UTC, printed in Riyadh time
    # every action of the chain, with its count, counted here straight from the file
    for action, count in Counter(action for _s, action, _a, _p, _h in stored).items():
        assert f"{action} {count:,}" in text
    assert f"Entries in the period {len(stored):,}" in text
    with sqlite3.connect(chain.db.path) as conn:
        signed = list(conn.execute("SELECT seq, hash, at FROM audit_checkpoint ORDER BY seq"))
    for seq, digest, at in signed:
        local = datetime.fromisoformat(at).astimezone(RIYADH).strftime("%Y-%m-%d %H:%M:%S")
        assert f"{seq:,} {local} {grouped(digest[:16])} checkpoint table valid" in text
    assert "qayd audit export" in text and "VERIFY.txt" in text
    assert "The break" not in text and "Person 1" not in text
    assert built.filename == "audit-evidence_399999999900003_all_en.pdf"
    assert built.pdf.startswith(b"%PDF-") and built.pages >= 1


def test_the_period_is_taken_in_riyadh_time(chain: Context) -> None:
    stored = rows(chain)
    day = build_audit_report(chain, start=date(2026, 11, 25), end=date(2026, 11, 25), lang="en")
    text = words(pdf_text(day.pdf))
    assert "Period: from 2026-11-25 to 2026-11-25 · days in Riyadh time" in text  # one wording for periods
    arabic = build_audit_report(chain, start=date(2026, 11, 25), end=date(2026, 11, 25), lang="ar")
    written = "الفترة: من 2026-11-25 إلى 2026-11-25 · الأيام بتوقيت الرياض"
    assert written in pdfium_text(arabic.pdf)  # poppler moves the "·" next to the date: letters and digits hold
    assert has_run(text_runs(arabic.pdf), written, marks=False)
    assert "test.after_midnight 5" in text  # 21:30 UTC on the 24th is the 25th in Riyadh
    assert f"Entries in the period {len(stored):,}" in text
    assert day.filename == "audit-evidence_399999999900003_2026-11-25_2026-11-25_en.pdf"
    before = words(pdf_text(build_audit_report(chain, start=date(2026, 11, 1), end=date(2026, 11, 24),
                                               lang="en").pdf))
    assert "No entries in this period." in before and "Entries in the period 0" in before
    assert "No signed checkpoint in this period." in before
    assert "Verdict: INTACT" in before  # the verdict is about the whole chain, whatever the period
    with pytest.raises(ReportError):
        build_audit_report(chain, start=date(2026, 12, 1), end=date(2026, 11, 1), lang="en")


def test_a_changed_entry_is_shown_as_a_break_with_expected_and_found_hashes(chain: Context) -> None:
    target = 20
    tamper(chain, f"UPDATE audit_entry SET body = replace(body, '\"at\"', '\"at\" ') WHERE seq = {target}")
    stored = {seq: (action, at, prev, digest) for seq, action, at, prev, digest in rows(chain)}
    evidence = audit_evidence(chain, start=None, end=None, lang="en")
    assert evidence.report.broken is not None and evidence.report.broken.seq == target
    text = words(pdf_text(evidence.built.pdf))
    assert f"Verdict: BROKEN at entry {target} (changed)" in text
    assert f"Entries 1 to {target - 1} verify" in text
    assert f"First entry that fails #{target}" in text and "Kind of break changed" in text
    with sqlite3.connect(chain.db.path) as conn:
        body = conn.execute("SELECT body FROM audit_entry WHERE seq = ?", (target,)).fetchone()[0]
    recomputed = hashlib.sha256(stored[target - 1][3] + f"{target}\x1f".encode() + body.encode()).hexdigest()
    assert grouped(recomputed) in text and grouped(stored[target][3].hex()) in text
    assert "does NOT match" in text
    for seq in range(target - 2, target + 3):  # the neighbours: their actions and times, the broken one marked
        assert stored[seq][0] in text
    assert f"» #{target}" in text
    assert text.count("hash does NOT match") == 1 and text.count("hash matches") == 4
    assert "Person" not in text  # no payloads


def test_a_forged_checkpoint_signature_is_shown_as_not_valid(chain: Context) -> None:
    first = checkpoints(chain)[0][0]
    tamper(chain, f"UPDATE audit_checkpoint SET signature = zeroblob(64) WHERE seq = {first}")
    text = words(pdf_text(build_audit_report(chain, start=None, end=None, lang="en").pdf))
    assert f"Verdict: BROKEN at entry {first} (forged checkpoint)" in text
    assert "checkpoint table NOT valid" in text and "checkpoint table valid" in text


def test_actions_are_counted_by_time_with_or_without_the_index() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE audit_entry (seq INTEGER PRIMARY KEY, body TEXT, "
                 "at TEXT GENERATED ALWAYS AS (json_extract(body, '$.at')) VIRTUAL, "
                 "action TEXT GENERATED ALWAYS AS (json_extract(body, '$.action')) VIRTUAL)")
    conn.execute("CREATE INDEX ix_audit_entry_at ON audit_entry (at)")
    conn.executemany("INSERT INTO audit_entry (seq, body) VALUES (?, ?)", [
        (1, '{"action":"a.b","at":"2026-11-25T07:00:00.000000+00:00"}'),
        (2, '{"action":"a.b","at":"2026-11-25T08:00:00.000000+00:00"}'),
        (3, '{"action":"c.d","at":"2026-11-26T08:00:00.000000+00:00"}')])
    assert count_actions(conn, None, None) == [("a.b", 2), ("c.d", 1)]
    assert count_actions(conn, "2026-11-25T07:30:00", "2026-11-26T00:00:00") == [("a.b", 1)]
    assert count_actions(conn, "2027-01-01T00:00:00", None) == []
    assert count_actions(conn, "2026-11-25T07:30:00", None) == [("a.b", 1), ("c.d", 1)]  # most of it: a scan


def test_the_report_in_arabic(chain: Context) -> None:
    built = build_audit_report(chain, start=None, end=None, lang="ar")
    lines = text_runs(built.pdf)
    assert "تقرير أدلة التدقيق" in lines
    assert has_run(lines, "النتيجة: سلسلة التدقيق سليمة ومتحقَّق منها")
    for label in ("قاعدة البيانات والجهاز", "بصمة المفتاح العام", "القيود خلال الفترة حسب الإجراء",
                  "نقاط التحقق الموقّعة", "كيفية التحقق المستقل", "الفترة: السلسلة كاملة"):
        assert has_run(lines, label), label
    assert lines.count("صحيح") == len(checkpoints(chain))
    assert built.filename.endswith("_all_ar.pdf")
    pages = render_png(built.pdf, "audit-report-ar")
    assert pages and all(p.stat().st_size > 10_000 for p in pages)

    tamper(chain, "UPDATE audit_entry SET body = replace(body, '\"at\"', '\"at\" ') WHERE seq = 20")
    broken = build_audit_report(chain, start=None, end=None, lang="ar")
    lines = text_runs(broken.pdf)
    assert has_run(lines, "النتيجة: سلسلة التدقيق غير سليمة عند القيد رقم 20، تعديل", marks=False)
    assert "تفاصيل الانقطاع" in lines
    # The "does not match" cell; poppler may join it to the digest beside it, whose width varies run to run.
    assert any(re.search("غير مطابق(?!ة)", line) for line in lines)
    render_png(broken.pdf, "audit-report-broken-ar")
    render_png(build_audit_report(chain, start=None, end=None, lang="en").pdf, "audit-report-broken-en")


def test_progress_runs_to_the_end_and_a_cancelled_report_raises(chain: Context) -> None:
    seen: list[float] = []
    build_audit_report(chain, start=None, end=None, lang="en", progress=lambda f, _m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(ReportCancelled):
        build_audit_report(chain, start=None, end=None, lang="en", cancelled=lambda: True)
    asked = iter([False, False, True])  # cancelled after the verification, while writing
    with pytest.raises(ReportCancelled):
        build_audit_report(chain, start=None, end=None, lang="en", cancelled=lambda: next(asked, True))
    with pytest.raises(ReportError):
        build_audit_report(chain, start=None, end=None, lang="fr")
    through_service = service.build(chain, "audit", {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}, "ar")
    assert through_service.filename == "audit-evidence_399999999900003_2026-11-01_2026-11-30_ar.pdf"
    counting = _ActionCounts(chain, None, None)  # abandoned when the verification is cancelled: no hang, no error
    counting.stop()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_changed_issued_document_and_a_cut_anchor_make_the_report_not_intact(chain: Context, lang: str) -> None:
    from tests.integration.test_stored_documents import documents, one_character_changed, set_xml
    from tests.integration.test_stored_documents import tamper as tamper_documents

    intact = audit_evidence(chain, start=None, end=None, lang=lang)
    assert intact.report.ok and intact.report.documents is not None and intact.report.documents.documents == 3
    number, _icv, xml, _digest = documents(chain)[1]
    tamper_documents(chain, set_xml(number, one_character_changed(xml)))
    evidence = audit_evidence(chain, start=None, end=None, lang=lang)
    assert evidence.report.chain_ok and not evidence.report.ok
    text = words(pdf_text(evidence.built.pdf))
    assert number in text
    if lang == "en":
        assert "NOT INTACT" in text and "Issued documents" in text and "Keyring anchor" in text
        assert "the XML was changed" in text
    else:
        assert "غير سليمة" in text and "مرساة سلسلة المفاتيح" in text
        # Arabic is the report's legal language: what failed is said in Arabic, not copied from the English report.
        assert "عُدّل الملف" in text and "عُدّل بعد توقيعه" in text
        assert not any(phrase in text for phrase in ("the XML was changed", "stamp:", "signed head at entry"))
