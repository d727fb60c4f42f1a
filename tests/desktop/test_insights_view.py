"""The Insights view: runs the checks in a Job over a small store with planted findings and shows them (names through
the access log, read in the Job), in Arabic right to left with the Arabic texts; a false positive marked is gone on
the next run; a clerk cannot mark; a double-click on an evidence document opens it as the invoice list does.

The checks themselves are other lanes' (issue 17): every check module is replaced here, two of them by planted ones
that flag real documents of the store, so the findings are known and everything else (the run, the store of findings,
the marks, the names) is the real core.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.insights import DocRef, Finding, NotApplicable
from core.insights.book import Book
from core.invoicing.demo import create_demo
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.badges import BADGE_ROLE
from desktop.jobs import SyncPool, ThreadPool
from desktop.session import AppSession
from desktop.views.insights import InsightsView
from tests.conftest import StepClock


def planted_duplicates(book: Book, _thresholds: object) -> list[Finding | NotApplicable]:
    """Two documents of a business customer flagged as a possible duplicate (high); one of a person's, issued at night
    (a person's name is personal data: showing it is logged)."""
    docs = [d for d in book.period_docs() if d.customer and book.customers[d.customer].kind == "business"]
    first = docs[0]
    twin = next(d for d in docs[1:] if d.customer == first.customer)
    night = next(d for d in book.period_docs() if d.customer and book.customers[d.customer].kind == "individual")
    return [
        Finding(rule="INS-DUP-AMOUNT", score=0.93,
                summary=f"{first.number} and {twin.number}: same buyer, same total, 2 days apart.",
                summary_ar=f"{first.number} و{twin.number}: المشتري نفسه والإجمالي نفسه بفارق يومين.",
                action="Check whether one of them was issued twice; if so, cancel it with a credit note.",
                action_ar="تحقق مما إذا كانت إحداهما قد صدرت مرتين؛ فإن كانت كذلك فألغها بإشعار دائن.",
                documents=(DocRef(first.id, first.number), DocRef(twin.id, twin.number)),
                customers=(str(first.customer),), figures={"total": "1150.00", "days_apart": "2"}),
        Finding(rule="INS-TIME-HOURS", score=0.55, summary=f"{night.number} was issued at 02:14 Riyadh time.",
                summary_ar=f"صدرت {night.number} الساعة 02:14 بتوقيت الرياض.",
                action="Confirm who issued it and why at that hour.", action_ar="تأكد ممن أصدرها ولماذا في تلك الساعة.",
                documents=(DocRef(night.id, night.number),), customers=(str(night.customer),), users=(night.user,)),
    ]


def too_few(_book: Book, _thresholds: object) -> list[Finding | NotApplicable]:
    return [NotApplicable("INS-DIG-BENFORD", "Only 40 amounts: Benford needs at least 1,000.",
                          "40 مبلغًا فقط: يحتاج اختبار بنفورد إلى 1,000 مبلغ على الأقل.")]


def nothing(_book: Book, _thresholds: object) -> list[Finding | NotApplicable]:
    return []


@pytest.fixture(autouse=True)
def planted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the planted findings: the real checks (the demo's documents are back-dated, for one) are silenced."""
    import importlib

    from core.insights.checks import CHECKS

    for name in CHECKS:
        module = importlib.import_module(f"core.insights.checks.{name}")
        monkeypatch.setattr(module, "check", {"duplicates": planted_duplicates, "benford": too_few}.get(name, nothing))


@pytest.fixture
def company(ctx: Context) -> Context:
    create_demo(ctx, drafts=30)
    add_demo_egs(ctx, issue=20)
    return ctx


def session_in(language: str, settings: Settings, clock: StepClock, ctx: Context) -> AppSession:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(language)
    return session


@pytest.fixture(params=["en", "ar"])
def session(request: pytest.FixtureRequest, settings: Settings, clock: StepClock,
            company: Context) -> Iterator[AppSession]:
    session = session_in(request.param, settings, clock, company)
    yield session
    session.set_language("en")


def shown_view(session: AppSession, qtbot: QtBot) -> InsightsView:
    view = InsightsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.show()
    view.refresh()
    return view


def cells(view: InsightsView, column: int) -> list[str]:
    return [view.table.item(row, column).text() for row in range(view.table.rowCount())]


def test_the_checks_run_and_their_findings_show_in_the_uis_language(session: AppSession, qtbot: QtBot) -> None:
    from core.privacy.access_log import search

    view = shown_view(session, qtbot)
    assert view.table.rowCount() == 0 and view.data_shown()  # nothing run yet: it says how to start
    view.run_checks()
    lang = session.language
    assert view.last_run is not None and len(view.last_run.findings) == 2
    assert view.table.rowCount() == 2
    duplicate = view.shown[0].finding
    assert duplicate.rule == "INS-DUP-AMOUNT"  # highest score first
    badge = view.table.item(0, 0)
    assert badge.data(BADGE_ROLE) == "rejected" and badge.text() == ("عالية" if lang == "ar" else "High")
    title, summary, action = duplicate.text(lang)
    assert cells(view, 1)[0] == title and cells(view, 2)[0] == summary
    assert cells(view, 3)[0] == ", ".join(d.number for d in duplicate.documents)
    with session.uow(write=False) as uow:  # the customer by name, as the customers list shows it
        from core.invoicing import get_customer

        customer = get_customer(uow, duplicate.customers[0])
    assert cells(view, 4)[0] == (customer.name_ar or customer.name if lang == "ar" else customer.name)
    assert view.detail_title.text().startswith(title) and action == view.action.text()
    assert [view.documents.item(i).text() for i in range(view.documents.count())] == [
        d.number for d in duplicate.documents]
    assert ("بنفورد" if lang == "ar" else "Benford") in view.not_applicable.text()
    if lang == "ar":
        assert view.isRightToLeft() and any("\u0600" <= ch <= "\u06ff" for ch in cells(view, 2)[1])
        assert view.run_button.text() == "تشغيل الفحوص"
    else:
        assert not view.isRightToLeft()
    person = view.shown[1].finding.customers[0]
    with session.uow(write=False) as uow:  # the person's name was read through the access log, for the insights
        reads = [r for r in search(uow) if r.purpose == "insights"]
    assert [(r.subject, r.channel) for r in reads] == [(f"customer:{person}", "desktop")]


def test_the_filter_narrows_by_group_severity_and_mark(session: AppSession, qtbot: QtBot) -> None:
    view = shown_view(session, qtbot)
    view.run_checks()
    view.group_combo.setCurrentIndex(view.group_combo.findData("timing"))
    assert [s.finding.rule for s in view.shown] == ["INS-TIME-HOURS"]
    view.group_combo.setCurrentIndex(0)
    view.severity_combo.setCurrentIndex(view.severity_combo.findData("high"))
    assert [s.finding.rule for s in view.shown] == ["INS-DUP-AMOUNT"]
    view.severity_combo.setCurrentIndex(0)
    view.mark_combo.setCurrentIndex(view.mark_combo.findData("acknowledged"))
    assert view.shown == []


def test_a_false_positive_is_gone_on_the_next_run(settings: Settings, clock: StepClock, company: Context,
                                                  qtbot: QtBot) -> None:
    view = shown_view(session_in("en", settings, clock, company), qtbot)
    view.run_checks()
    view.mark_combo.setCurrentIndex(view.mark_combo.findData(""))  # any: marked ones stay in sight
    view.table.setCurrentCell(0, 0)
    duplicate = view.current()
    assert duplicate is not None and view.false_button.isEnabled()
    view.false_button.click()
    assert cells(view, 7)[0] == "False positive"
    view.run_checks()
    assert [s.finding.rule for s in view.shown] == ["INS-TIME-HOURS"]
    assert view.last_run is not None and view.last_run.suppressed == 1
    assert "1 left out" in view.result.text()


def test_a_clerk_reads_the_findings_but_cannot_mark(settings: Settings, clock: StepClock, company: Context,
                                                    qtbot: QtBot) -> None:
    view = shown_view(session_in("en", settings, clock, company), qtbot)
    view.run_checks()
    company.actor_role = "clerk"
    view.table.setCurrentCell(1, 0)
    assert view.table.rowCount() == 2
    for button in (view.ack_button, view.false_button, view.resolve_button):
        assert not button.isEnabled()
        assert "administrator or a compliance officer" in button.toolTip()
    assert "administrator or a compliance officer" in view.mark_reason.text()
    from core.errors import AccessDeniedError
    from core.insights import mark

    with pytest.raises(AccessDeniedError):  # and the core refuses it whatever the buttons say
        mark(company, view.shown[0].finding.key, "resolved")


class FakeEditor(QDialog):
    """Stands in for the invoice editor (another part of the app): records what the view asked it to open."""

    opened: ClassVar[list[str | None]] = []

    def __init__(self, session: AppSession, ref: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        FakeEditor.opened.append(ref)


def test_a_double_click_on_evidence_opens_the_document(settings: Settings, clock: StepClock, company: Context,
                                                       qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("desktop.views.invoice_editor")
    module.InvoiceEditorDialog = FakeEditor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desktop.views.invoice_editor", module)
    FakeEditor.opened = []
    view = shown_view(session_in("en", settings, clock, company), qtbot)
    view.run_checks()
    item = view.documents.item(1)
    view.documents.itemDoubleClicked.emit(item)
    assert FakeEditor.opened == [item.data(Qt.ItemDataRole.UserRole)] == [view.shown[0].finding.documents[1].number]


def test_names_are_read_in_the_job_never_on_the_ui_thread(settings: Settings, clock: StepClock, company: Context,
                                                          qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop.views.insights as insights

    threads: list[bool] = []
    real = insights.shown_names

    def watched(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(insights, "shown_names", watched)
    pool = ThreadPool()
    session = AppSession(settings, clock=clock, pool=pool, ctx=company)
    view = InsightsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.run_checks()
    qtbot.waitUntil(lambda: view.job is None and view.loaded is not None, timeout=20_000)
    assert pool.wait(10_000)
    assert view.table.rowCount() == 2 and threads == [False]


def test_a_view_outliving_its_company_never_reopens_it(settings: Settings, clock: StepClock, company: Context,
                                                       qtbot: QtBot) -> None:
    """A language switch reaches every live widget, a view whose company was closed too: it must not reopen it."""
    session = session_in("en", settings, clock, company)
    view = shown_view(session, qtbot)
    view.run_checks()
    session.close()
    session.set_language("ar")
    try:
        assert not session.is_open and view.run_button.text() == "تشغيل الفحوص"
        assert not view.false_button.isEnabled()
    finally:
        session.set_language("en")


def test_a_mark_pulled_from_another_desk_shows_without_a_new_run(settings: Settings, clock: StepClock,
                                                                 company: Context, qtbot: QtBot) -> None:
    """Sync applies another desk's `insight_mark` row and notifies the INSIGHTS topic (desktop.sync_controller's
    TOPICS); the open view reloads the stored findings: the one marked elsewhere leaves the "Not marked" list."""
    from core.insights import mark as mark_finding
    from desktop.session import INSIGHTS
    from desktop.sync_controller import TOPICS

    assert TOPICS["insight_mark"] == (INSIGHTS,)
    view = shown_view(session_in("en", settings, clock, company), qtbot)
    view.run_checks()
    before = [s.finding.key for s in view.shown]
    assert len(before) == 2
    mark_finding(company, before[0], "resolved")  # as the pulled row would be: written under the view
    view.session.notify(INSIGHTS)
    assert [s.finding.key for s in view.shown] == before[1:]


def test_the_period_picked_is_the_period_judged(settings: Settings, clock: StepClock, company: Context,
                                                qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.insights.checks.duplicates.check", nothing)  # its planted pair may lie outside
    session = session_in("ar", settings, clock, company)
    try:
        _pick_and_run(shown_view(session, qtbot), company)
    finally:
        session.set_language("en")  # the translators are process-wide: the next test reads English


def _pick_and_run(view: InsightsView, company: Context) -> None:
    from core.insights import period_for

    view.period_combo.setCurrentIndex(view.period_combo.findData("this_quarter"))
    assert view.period_combo.currentText() == "هذا الربع"
    view.run_checks()
    assert view.outcome == "" and view.last_run is not None, view.outcome
    quarter = period_for("this_quarter", company.clock())
    assert view.last_run.period == quarter != period_for("rolling_year", company.clock())
