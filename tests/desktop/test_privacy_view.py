"""The Privacy view, in English and Arabic: a request added, its identity verified, seen in the queue with its
due date, erased after the preview and a confirmation (erasure and export faked), closed; overdue in red;
the subject search with the subject's requests and access log."""

from __future__ import annotations

import sys
import types
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing import service
from core.invoicing.model import Customer, CustomerKind, IdScheme
from core.privacy import requests as dsr
from core.uow import Context
from desktop.jobs import Job, SyncPool
from desktop.session import AppSession
from desktop.views.privacy import OVERDUE, ErasureDialog, NewRequestDialog, PrivacyView, StepDialog
from tests.conftest import StepClock

PERSON = Customer(name="Fatima Al-Harbi", name_ar="فاطمة الحربي", kind=CustomerKind.INDIVIDUAL,
                  id_scheme=IdScheme.NAT, id_value="1012345678", email="fatima@example.sa", phone="+966551234567")
SUBJECT = f"customer:{PERSON.id}"

WORDS = {  # what the clerk reads, per language
    "en": {"new": "New request…", "received": "Received", "verified": "Identity verified",
           "left": "days left", "progress": "In progress", "erased": "Erased:", "overdue": "overdue by",
           "missing": "requester's name is missing", "completed": "Completed", "tab": "Access log"},
    "ar": {"new": "طلب جديد…", "received": "مُستلم", "verified": "تم التحقق من الهوية",
           "left": "يوماً متبقياً", "progress": "قيد التنفيذ", "erased": "تم المسح:", "overdue": "متأخر",
           "missing": "اسم مقدّم الطلب مفقود", "completed": "مُنجز", "tab": "سجل الاطلاع"},
}


class FakeErasure(types.ModuleType):
    """core.privacy.erasure as the view calls it: a preview and an erasure that only record their calls."""

    def __init__(self) -> None:
        super().__init__("core.privacy.erasure")
        self.calls: list[tuple[str, str | None]] = []
        self.certificate = uuid.uuid4()

    def preview(self, uow: Any, subject: str) -> Any:
        item = types.SimpleNamespace
        return types.SimpleNamespace(
            subject=subject, erased_at=None, counts={},
            erase=[item(record=subject, fields=("customer.name", "customer.email"), basis="", held_until=None,
                        description_en="The customer record: name, e-mail and phone are overwritten.",
                        description_ar="سجل العميل: يُستبدل الاسم والبريد والهاتف.")],
            keep=[item(record="invoice:1", fields=("invoice.buyer_json",), basis="ksa-vat-records",
                       held_until=date(2032, 12, 31), description_en="Invoice INV-1, issued 2026-03-01.",
                       description_ar="الفاتورة INV-1 الصادرة في 2026-03-01.")])

    def erase(self, ctx: Context, subject: str, *, request_ref: str | None = None, progress: Any = None,
              cancelled: Any = None) -> Any:
        if progress is not None:
            progress(0.5, "erasing")
        self.calls.append((subject, request_ref))
        return types.SimpleNamespace(certificate_id=self.certificate, erased=1, kept=1)


class FakeExport(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("core.privacy.export")
        self.calls: list[tuple[str, Path, str]] = []

    def export_subject(self, ctx: Context, subject: str, out_dir: Path, *, purpose: str = "", progress: Any = None,
                       cancelled: Any = None) -> Any:
        self.calls.append((subject, out_dir, purpose))
        folder = out_dir / "export"
        return types.SimpleNamespace(folder=folder, files=[folder / "manifest.json"], records=12)


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeErasure, FakeExport]:
    erasure, export = FakeErasure(), FakeExport()
    monkeypatch.setitem(sys.modules, "core.privacy.erasure", erasure)
    monkeypatch.setitem(sys.modules, "core.privacy.export", export)
    return erasure, export


@pytest.fixture
def session(lang: str, settings: Settings, clock: StepClock, ctx: Context, qtbot: QtBot) -> Iterator[AppSession]:
    with ctx.uow() as uow:
        service.add_customer(uow, PERSON)
        uow.commit()
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(lang)
    yield session
    session.set_language("en")


@pytest.fixture
def view(session: AppSession, qtbot: QtBot) -> PrivacyView:
    view = PrivacyView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    return view


def cell(view: PrivacyView, row: int, column: int) -> str:
    return view.table.item(row, column).text()


def test_add_verify_erase_with_preview_and_confirmation_then_close(
        view: PrivacyView, session: AppSession, fakes: tuple[FakeErasure, FakeExport]) -> None:
    words, erasure = WORDS[session.language], fakes[0]
    assert view.new_button.text() == words["new"] and view.tabs.tabText(2) == words["tab"]
    assert view.layoutDirection() == (Qt.LayoutDirection.RightToLeft if session.language == "ar"
                                      else Qt.LayoutDirection.LeftToRight)

    view.new_button.click()
    dialog = view.dialog
    assert isinstance(dialog, NewRequestDialog) and dialog.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("erasure"))
    dialog.subject_search.setText("0551234567")
    assert dialog.find_subject() is not None  # read in a job
    assert [dialog.subject.itemData(i) for i in range(dialog.subject.count())] == [SUBJECT]
    dialog.contact.setText("fatima@example.sa")
    dialog.accept()  # no requester name: refused, shown in the dialog's language, the dialog stays
    assert dialog.isVisible() and words["missing"] in dialog.problems.text()
    dialog.requester.setText("Fatima Al-Harbi")
    dialog.accept()
    assert not dialog.isVisible() and dialog.created is not None
    ref = dialog.created.reference

    assert view.table.rowCount() == 1 and cell(view, 0, 0) == ref
    assert cell(view, 0, 3) == words["received"]
    assert cell(view, 0, 5).startswith("2026-12-25") and words["left"] in cell(view, 0, 5)  # one month, 30 days
    assert "Fatima" not in "".join(cell(view, 0, c) for c in range(6))  # the queue names no one
    assert view.selected() is not None and view.selected().reference == ref  # type: ignore[union-attr]
    assert not view.erase_button.isEnabled() and view.erase_button.toolTip()  # identity first: says why
    assert not view.export_button.isEnabled()  # not an access request

    view.verify_button.click()
    step = view.dialog
    assert isinstance(step, StepDialog)
    step.text.setPlainText("national id card seen at the counter")
    step.accept()
    assert not step.isVisible()
    assert cell(view, 0, 3) == words["verified"]
    assert view.erase_button.isEnabled()

    view.erase_button.click()  # the preview is read in a job, then shown for confirmation
    preview = view.dialog
    assert isinstance(preview, ErasureDialog) and preview.isVisible()
    assert preview.erase_table.rowCount() == 1 and preview.keep_table.rowCount() == 1
    assert preview.keep_table.item(0, 2).text() == "ksa-vat-records"
    assert preview.keep_table.item(0, 3).text() == "2032-12-31"
    description = preview.keep_table.item(0, 0).text()
    assert description.startswith("الفاتورة" if session.language == "ar" else "Invoice INV-1")
    assert not preview.erase_button.isEnabled() and erasure.calls == []  # nothing before the confirmation
    preview.confirm.setChecked(True)
    assert preview.erase_button.isEnabled()
    preview.erase_button.click()
    assert erasure.calls == [(SUBJECT, ref)]
    assert words["erased"] in view.result.text() and str(erasure.certificate) in view.result.text()
    assert cell(view, 0, 3) == words["progress"] and view.job is None and not view.progress.isVisible()

    view.close_button.click()
    closing = view.dialog
    assert isinstance(closing, StepDialog) and closing.status.isVisible()
    closing.accept()  # no outcome: refused and kept open
    assert closing.isVisible() and closing.problems.isVisible()
    closing.text.setPlainText("erased; invoices held under the VAT rules; requester told")
    closing.accept()
    assert not closing.isVisible()
    assert view.table.rowCount() == 0  # open requests only
    view.open_only.setChecked(False)
    assert cell(view, 0, 3) == words["completed"]
    with session.ctx.uow(write=False) as uow:
        assert dsr.get_request(uow, ref).status == "completed"


def test_an_access_request_is_exported_into_a_chosen_folder(
        view: PrivacyView, session: AppSession, fakes: tuple[FakeErasure, FakeExport], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    export = fakes[1]
    with session.ctx.uow() as uow:
        info = dsr.add_request(uow, "access", subject=SUBJECT, requester=dsr.Requester("F", "f@example.sa"),
                               received_at=session.clock(), identity_method="Iqama seen")
        uow.commit()
    view.refresh()
    view.select(info.reference)
    assert view.export_button.isEnabled() and not view.erase_button.isEnabled()
    monkeypatch.setattr(view, "choose_folder", lambda: tmp_path)
    view.export_button.click()
    assert export.calls and export.calls[0][:2] == (SUBJECT, tmp_path) and info.reference in export.calls[0][2]
    assert "12" in view.result.text() and str(tmp_path / "export") in view.result.text()
    assert cell(view, 0, 3) == WORDS[session.language]["progress"]


def test_overdue_requests_are_red(view: PrivacyView, session: AppSession) -> None:
    with session.ctx.uow() as uow:
        late = dsr.add_request(uow, "rectification", subject=SUBJECT, requester=dsr.Requester("F", "f@x.sa"),
                               received_at=datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
        uow.commit()
    view.refresh()
    assert cell(view, 0, 0) == late.reference
    assert WORDS[session.language]["overdue"] in cell(view, 0, 5)
    assert view.table.item(0, 5).foreground().color() == OVERDUE
    assert view.summary.text() and OVERDUE.name() in view.summary.styleSheet()
    assert not view.extend_button.isEnabled()  # nothing chosen
    view.select(late.reference)
    assert view.verify_button.isEnabled() and not view.extend_button.isEnabled()  # too late to extend: it says why
    assert late.reference in view.extend_button.toolTip()


def test_subject_search_shows_its_requests_and_access_log(view: PrivacyView, session: AppSession) -> None:
    with session.ctx.uow() as uow:
        dsr.add_request(uow, "access", subject=SUBJECT, requester=dsr.Requester("F", "f@x.sa"),
                        received_at=session.clock())
        uow.commit()
    view.tabs.setCurrentIndex(1)
    view.search.setText("fatima@example")
    view.search_button.click()
    assert isinstance(session.pool, SyncPool)
    assert [job.name for job in session.pool.started][-1:] == ["privacy search"]  # off the UI thread
    assert view.subject_table.rowCount() == 1
    assert view.subject_table.item(0, 0).text() == "Fatima Al-Harbi — فاطمة الحربي"
    view.subject_table.setCurrentCell(0, 0)
    assert view.subject is not None and view.subject.subject == SUBJECT
    assert session.pool.started[-1].name == "privacy subject"  # its requests and access log, in a job
    assert view.subject_requests_table.rowCount() == 1
    assert view.log_table.rowCount() >= 1  # the search itself read the name, and was logged
    assert "desktop" in {view.log_table.item(r, 4).text() for r in range(view.log_table.rowCount())}
    assert "Fatima" in view.log_label.text()
    view.new_for_subject.click()
    dialog = view.dialog
    assert isinstance(dialog, NewRequestDialog) and dialog.subject.currentData() == SUBJECT
    dialog.reject()


def test_switching_language_retranslates_the_view(view: PrivacyView, session: AppSession,
                                                  qapp: QApplication) -> None:
    other = "en" if session.language == "ar" else "ar"
    session.set_language(other)
    assert view.new_button.text() == WORDS[other]["new"]
    assert view.tabs.tabText(2) == WORDS[other]["tab"]


def test_with_the_real_export_and_erasure(settings: Settings, clock: StepClock, ctx: Context, qtbot: QtBot,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ctx.uow() as uow:
        service.add_customer(uow, PERSON)
        access = dsr.add_request(uow, "access", subject=SUBJECT, requester=dsr.Requester("F", "f@example.sa"),
                                 received_at=clock(), identity_method="Iqama seen")
        erasure = dsr.add_request(uow, "erasure", subject=SUBJECT, requester=dsr.Requester("F", "f@example.sa"),
                                  received_at=clock(), identity_method="Iqama seen")
        uow.commit()
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    view = PrivacyView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    monkeypatch.setattr(view, "choose_folder", lambda: tmp_path)
    view.select(access.reference)
    view.export_button.click()
    assert view.last_export is not None and view.last_export.folder.parent == tmp_path
    assert (view.last_export.folder / "manifest.json").exists()
    view.select(erasure.reference)
    view.erase_button.click()
    preview = view.dialog
    assert isinstance(preview, ErasureDialog) and preview.erase_table.rowCount() >= 1
    preview.confirm.setChecked(True)
    preview.erase_button.click()
    assert view.last_erasure is not None and view.last_erasure.erased >= 1
    with ctx.uow(write=False) as uow:
        assert {dsr.get_request(uow, r.reference).status for r in (access, erasure)} == {"in_progress"}
    view.tabs.setCurrentIndex(1)
    view.search.setText(SUBJECT)
    view.search_subjects()
    assert [m.erased for m in view.matches] == [True]


def test_cancel_mid_way_shows_cancelled_and_changes_nothing(settings: Settings, clock: StepClock, ctx: Context,
                                                            qtbot: QtBot, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel pressed while the real export or erasure runs: core raises the one Cancelled, desktop.jobs shows the
    cancelled state (no error dialog), no export folder is left and nothing is erased."""
    with ctx.uow() as uow:
        service.add_customer(uow, PERSON)
        access = dsr.add_request(uow, "access", subject=SUBJECT, requester=dsr.Requester("F", "f@example.sa"),
                                 received_at=clock(), identity_method="Iqama seen")
        erasure = dsr.add_request(uow, "erasure", subject=SUBJECT, requester=dsr.Requester("F", "f@example.sa"),
                                  received_at=clock(), identity_method="Iqama seen")
        uow.commit()
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    view = PrivacyView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setattr(view, "choose_folder", lambda: out)
    failed: list[BaseException] = []
    monkeypatch.setattr(view, "_failed", failed.append)  # an error would be shown through here
    view.progress.valueChanged.connect(lambda value: value > 0 and view.cancel())  # Cancel, once under way
    view.select(access.reference)
    view.export_button.click()
    assert view.result.text() == "Cancelled; nothing was changed." and view.last_export is None
    assert list(out.iterdir()) == []
    view.select(erasure.reference)
    view.erase_button.click()
    preview = view.dialog
    assert isinstance(preview, ErasureDialog)
    preview.confirm.setChecked(True)
    preview.erase_button.click()
    assert view.result.text() == "Cancelled; nothing was changed." and view.last_erasure is None
    assert failed == [] and view.job is None and not view.progress.isVisible()
    with ctx.uow(write=False) as uow:  # neither request was marked started
        assert [dsr.get_request(uow, r.reference).status for r in (access, erasure)] == [access.status, erasure.status]
    view.tabs.setCurrentIndex(1)
    view.search.setText(SUBJECT)
    view.search_subjects()
    assert [m.erased for m in view.matches] == [False]


class HeldPool:
    """A pool that only holds the jobs it is given: the test runs them, in the order it wants."""

    def __init__(self) -> None:
        self.started: list[Job] = []

    def start(self, job: Job) -> None:
        self.started.append(job)


def test_an_older_read_finishing_last_is_not_shown(view: PrivacyView, session: AppSession) -> None:
    session.pool = HeldPool()
    view.search.setText("fatima")
    first = view.search_subjects()
    view.search.setText("nobody by this name")
    second = view.search_subjects()
    assert first is not None and second is not None and view.matches == []
    second.run()
    first.run()  # the stale search ends last: its match is not shown
    assert view.matches == [] and view.subject_table.rowCount() == 0
    view.search.setText("fatima")
    view.search_subjects().run()  # type: ignore[union-attr]
    assert [m.subject for m in view.matches] == [SUBJECT]
    view.subject_table.setCurrentCell(0, 0)
    subject_read = session.pool.started[-1]  # type: ignore[attr-defined]
    view.choose_subject(None)  # chosen away before its read ended
    subject_read.run()
    assert view.subject is None and view.log_table.rowCount() == 0
