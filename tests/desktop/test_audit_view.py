"""The audit view: verify an intact chain, find a tampered entry with its neighbours, cancel, export a bundle."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from core.audit.bundle import verify_bundle
from core.audit.chain import checkpoint_message, entry_digest, make_body
from core.config import Settings
from core.invoicing.demo import create_demo
from core.uow import Context
from desktop.jobs import SyncPool
from desktop.session import AUDIT, AppSession
from desktop.views.audit import BROKEN, AuditView
from tests.conftest import StepClock
from tests.integration.test_audit_tamper import tamper

WORDS = {  # what the clerk reads, per language
    "en": {"intact": "Intact", "broken": "Broken at entry 20", "changed": "changed", "cancelled": "cancelled",
           "bundle": "Evidence bundle written to"},
    "ar": {"intact": "سليمة", "broken": "مكسورة عند القيد 20", "changed": "تعديل", "cancelled": "أُلغي التحقق",
           "bundle": "كُتبت حزمة الأدلة"},
}


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def session(lang: str, settings: Settings, clock: StepClock, ctx: Context, qtbot: QtBot) -> Iterator[AppSession]:
    create_demo(ctx, drafts=5)  # a few dozen entries with checkpoints and a head file
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(lang)
    yield session
    session.set_language("en")


@pytest.fixture
def view(session: AppSession, qtbot: QtBot) -> AuditView:
    view = AuditView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    return view


def test_state_and_an_intact_chain(view: AuditView, session: AppSession, ctx: Context) -> None:
    words = WORDS[session.language]
    assert int(view.entries_value.text().replace(",", "")) == view.state.entries > 20  # type: ignore[union-attr]
    assert view.recent_model.rowCount() == view.state.entries  # type: ignore[union-attr]  # under one page
    assert view.recent_model.entries[0].seq == view.state.entries  # type: ignore[union-attr]  # newest first
    view.verify_button.click()
    assert view.report is not None and view.report.ok
    assert words["intact"] in view.result.text()
    assert not view.break_table.isVisible()
    assert view.verify_button.isEnabled() and not view.progress.isVisible()


def test_a_changed_entry_is_shown_with_its_neighbours(view: AuditView, session: AppSession, ctx: Context) -> None:
    words = WORDS[session.language]
    tamper(ctx, "UPDATE audit_entry SET body = body || ' ' WHERE seq = 20")
    view.verify_button.click()
    assert view.report is not None and view.report.broken is not None
    text = view.result.text()
    assert words["broken"] in text and words["changed"] in text
    assert view.break_table.isVisible()
    seqs = [int(view.break_table.item(row, 0).text()) for row in range(view.break_table.rowCount())]
    assert seqs == [18, 19, 20, 21, 22]
    flagged = [int(view.break_table.item(r, 0).text()) for r in range(view.break_table.rowCount())
               if view.break_table.item(r, 0).foreground().color() == QColor(BROKEN)]
    assert flagged == [20]


def test_a_changed_issued_document_is_not_shown_as_intact(view: AuditView, session: AppSession, ctx: Context) -> None:
    from core.zatca.demo import add_demo_egs
    from tests.integration.test_stored_documents import documents, one_character_changed, set_xml
    from tests.integration.test_stored_documents import tamper as tamper_documents

    add_demo_egs(ctx, issue=3)
    number, _icv, xml, _digest = documents(ctx)[1]
    tamper_documents(ctx, set_xml(number, one_character_changed(xml)))
    view.verify_button.click()
    assert view.report is not None and view.report.chain_ok and not view.report.ok
    text = view.result.text()
    assert {"en": "Not intact", "ar": "غير سليمة"}[session.language] in text and number in text
    assert words_absent(text, WORDS[session.language]["intact"] + ":")
    what = {"en": "the XML was changed", "ar": "عُدّل الملف"}[session.language]  # what failed, in the UI's language
    assert what in text
    if session.language == "ar":
        assert "the XML was changed" not in text and "stamp:" not in text


def words_absent(text: str, words: str) -> bool:
    return not text.startswith(words)


def add_entries(ctx: Context, n: int) -> None:
    """Append n valid entries straight into SQLite (fast), as the benchmark does, with a closing checkpoint."""
    device = str(ctx.device_id)
    ctx.db.dispose()
    conn = sqlite3.connect(ctx.db.path)
    seq, prev = conn.execute("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone()
    rows, at = [], "2026-11-25T07:00:00.000000+00:00"
    template = make_body(at=at, actor="user:test", device=device, action="test.bulk", subject="thing:%d",
                         payload={"n": 0}).replace('"n":0', '"n":%d')
    for _ in range(n):
        seq += 1
        body = template % (seq, seq)
        digest = entry_digest(prev, seq, body.encode())
        rows.append((seq, body, prev, digest))
        prev = digest
    conn.executemany("INSERT INTO audit_entry (seq, body, prev_hash, hash) VALUES (?,?,?,?)", rows)
    conn.execute("INSERT INTO audit_checkpoint VALUES (?,?,?,?,?)",
                 (seq, prev.hex(), at, device, ctx.device_key.sign(checkpoint_message(device, seq, prev.hex(), at))))
    conn.commit()
    conn.close()
    ctx.head_file.unlink(missing_ok=True)


@pytest.mark.parametrize("lang", ["en"])  # 70,000 entries take a few seconds to write; once is enough
def test_cancel_stops_a_long_verification(view: AuditView, session: AppSession, ctx: Context) -> None:
    add_entries(ctx, 70_000)  # the verifier reports progress every 65,536 entries
    view.refresh()
    assert view.state is not None and view.state.entries > 70_000
    assert view.recent_model.rowCount() == 200  # the latest entries, one page; more as the list scrolls
    assert view.recent_model.canFetchMore(QModelIndex())
    seen: list[int] = []
    view.progress.valueChanged.connect(lambda value: (seen.append(value), value > 0 and view.cancel()))
    view.verify_button.click()
    assert any(v > 0 for v in seen)  # it was under way when Cancel was pressed
    assert view.outcome == "cancelled" and view.report is None
    assert WORDS[session.language]["cancelled"] in view.result.text()
    assert view.verify_button.isEnabled() and not view.cancel_button.isEnabled()


def test_export_writes_a_bundle_that_verifies(view: AuditView, session: AppSession, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "evidence"
    target.mkdir()
    monkeypatch.setattr(view, "choose_folder", lambda: target)
    view.export_button.click()
    assert view.bundle is not None and view.bundle.parent == target
    report = verify_bundle(view.bundle)
    assert report.ok and report.entries == view.state.entries  # type: ignore[union-attr]
    assert WORDS[session.language]["bundle"] in view.result.text()


def test_refreshes_when_the_chain_grows(view: AuditView, session: AppSession, ctx: Context) -> None:
    before = view.state.entries  # type: ignore[union-attr]
    with ctx.uow() as uow:
        uow.audit.append("test.event", "thing:1", {"n": 1})
        uow.commit()
    session.notify(AUDIT)
    assert view.state is not None and view.state.entries == before + 1
    assert view.recent_model.entries[0].action == "test.event"
