"""The desktop's health alerts: the checks run in a job, what is not ok counts on the bell and new alerts toast."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.config import Settings
from core.health import CheckResult, Report, Status
from core.uow import Context
from desktop.jobs import SyncPool, ThreadPool
from desktop.session import AppSession
from tests.conftest import StepClock

T0 = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def check(id_: str, status: Status, runbook: str = "zatca-reporting-deadline") -> CheckResult:
    return CheckResult(id_, f"Check {id_}", status, f"{id_} found this", fix="the fix", runbook=runbook)


def report(*checks: CheckResult) -> Report:
    return Report(checks=tuple(checks), started_at=T0)


class Runner:
    """Stands in for core.health.run_checks: answers the reports it is given in turn, recording each call."""

    def __init__(self, *reports: Report | Exception) -> None:
        self.reports = list(reports)
        self.calls: list[dict[str, Any]] = []
        self.threads: list[int] = []

    def __call__(self, ctx: Context, settings: Settings, **options: Any) -> Report:
        self.calls.append(options)
        self.threads.append(threading.get_ident())
        answer = self.reports.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What the desktop asked the OS to open (nothing is really opened)."""
    import desktop.alerts_poller

    asked: list[tuple[str, str]] = []

    class Services:
        @staticmethod
        def openUrl(url: Any) -> bool:
            asked.append((url.scheme(), url.toLocalFile()))
            return True

    monkeypatch.setattr(desktop.alerts_poller, "QDesktopServices", Services)
    return asked


def main_window(qtbot: Any, session: AppSession, runner: Runner, monkeypatch: pytest.MonkeyPatch) -> Any:
    import desktop.alerts_poller
    import desktop.shell
    from desktop.shell import MainWindow

    monkeypatch.setattr(desktop.shell, "RETENTION_DELAY_MS", 10)
    monkeypatch.setattr(desktop.alerts_poller, "default_runner", lambda: runner)
    window = MainWindow(session)  # an open session: the window fills itself and starts the poller
    qtbot.addWidget(window)
    return window


def test_a_failing_check_rings_the_bell_and_toasts_then_a_healthy_run_clears_the_count(
        qtbot: Any, qapp: QApplication, settings: Settings, ctx: Context, clock: StepClock,
        monkeypatch: pytest.MonkeyPatch, opened: list[tuple[str, str]]) -> None:
    runner = Runner(report(check("store.integrity", Status.OK), check("zatca.reporting_deadline", Status.FAIL)),
                    report(check("store.integrity", Status.OK), check("zatca.reporting_deadline", Status.OK)))
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    window = main_window(qtbot, session, runner, monkeypatch)
    bar, poller = window.sync_status, window.alerts_poller
    assert session.sync is None and poller is not None and poller.timer.isActive()
    assert bar.bell.isHidden()  # no central and no alert: no bell
    window.show()
    qtbot.waitUntil(lambda: bar.bell.count == 1, timeout=5000)
    assert runner.calls == [{"deep": False, "network": False, "scans": False,  # no network, no whole-store scan
                             "progress": runner.calls[0]["progress"]}]
    assert bar.bell.isVisible() and bar.bell.badge.isVisible() and bar.bell.badge.text() == "1"
    [toast] = bar.toasts.toasts
    assert toast.message.text() == "Failure: Check zatca.reporting_deadline"
    assert "zatca.reporting_deadline found this" in toast.detail.text()

    popup = bar.show_notifications()
    assert popup is not None and popup.list.count() == 1
    row = popup.list.item(0)
    assert "Check zatca.reporting_deadline" in row.text()
    popup.list.itemClicked.emit(row)  # a click on the alert opens its runbook
    assert opened == [("file", str(Path(poller.current[0].path("en") or "")))]
    assert opened[0][1].endswith("runbooks/zatca-reporting-deadline.md")

    poller.check_now()  # the next tick: healthy
    assert bar.bell.count == 0 and bar.bell.badge.isHidden() and bar.bell.isHidden()
    assert poller.current == () and poller.last is not None and len(poller.last.cleared) == 1
    assert len(bar.toasts.toasts) <= 1  # nothing new to toast
    window.close()
    assert not poller.timer.isActive()


def test_only_new_alerts_toast_and_a_warning_turned_failure_toasts_again(
        qtbot: Any, qapp: QApplication, settings: Settings, ctx: Context, clock: StepClock,
        opened: list[tuple[str, str]]) -> None:
    from PySide6.QtWidgets import QMainWindow

    from desktop.alerts_poller import AlertsPoller
    from desktop.notifications import SyncStatusBar

    host = QMainWindow()
    qtbot.addWidget(host)
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    bar = SyncStatusBar(session, host)
    runner = Runner(report(check("sync.last", Status.WARN, "sync-failing")),
                    report(check("sync.last", Status.WARN, "sync-failing")),
                    report(check("sync.last", Status.FAIL, "sync-failing"), check("mail.failed", Status.WARN,
                                                                                   "mail-failed")))
    poller = AlertsPoller(session, runner)
    toasted: list[str] = []
    poller.changed.connect(lambda change: toasted.extend(t.message.text() for t in bar.show_alerts(change)))
    poller.check_now()
    poller.check_now()  # the same warning: still on, not toasted again
    assert toasted == ["Warning: Check sync.last"] and bar.bell.count == 1
    poller.check_now()
    assert toasted[1:] == ["Failure: Check sync.last", "Warning: Check mail.failed"] and bar.bell.count == 2
    session.language = "ar"
    toast = bar.toasts.toasts[-1]
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)  # a click on a toast opens the runbook, in Arabic here
    assert opened[-1][1].endswith("runbooks/mail-failed.ar.md")


def test_the_checks_run_in_a_background_job_never_on_the_ui_thread(
        qtbot: Any, qapp: QApplication, settings: Settings, ctx: Context, clock: StepClock) -> None:
    from desktop.alerts_poller import AlertsPoller

    started = threading.Event()
    release = threading.Event()

    class Slow(Runner):
        def __call__(self, ctx: Context, settings: Settings, **options: Any) -> Report:
            started.set()
            release.wait(5)
            return super().__call__(ctx, settings, **options)

    pool = ThreadPool()
    runner = Slow(report(check("clock.skew", Status.WARN, "clock-skew")))
    session = AppSession(settings, clock=clock, pool=pool, ctx=ctx)
    poller = AlertsPoller(session, runner)
    changes: list[Any] = []
    poller.changed.connect(changes.append)
    poller.check_now()
    assert started.wait(5)  # running while the UI thread is free to go on …
    assert poller.job is not None and poller.job in pool.running
    poller.check_now()  # … and a second tick meanwhile starts no second run
    release.set()
    qtbot.waitUntil(lambda: bool(changes), timeout=5000)
    assert runner.threads and threading.get_ident() not in runner.threads
    assert len(runner.calls) == 1 and changes[0].new[0].id == "clock.skew"
    qtbot.waitUntil(lambda: poller.job is None, timeout=5000)
    assert pool.wait(5000)


def test_a_failed_run_is_logged_without_its_text_and_the_next_tick_runs_again(
        qapp: QApplication, settings: Settings, ctx: Context, clock: StepClock,
        caplog: pytest.LogCaptureFixture) -> None:
    from desktop.alerts_poller import AlertsPoller

    runner = Runner(RuntimeError("cannot read /home/someone/secret-path"),
                    report(check("store.free_disk", Status.WARN, "store-health")))
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    poller = AlertsPoller(session, runner)
    with caplog.at_level("INFO", logger="desktop.alerts_poller"):
        poller.check_now()
    assert poller.last is None and poller.job is None
    assert "RuntimeError" in caplog.text and "secret-path" not in caplog.text
    poller.check_now()
    assert poller.last is not None and [a.id for a in poller.current] == ["store.free_disk"]


def test_without_an_injected_runner_the_poller_runs_the_real_local_checks(
        qapp: QApplication, settings: Settings, ctx: Context, clock: StepClock) -> None:
    from core import incident
    from desktop.alerts_poller import AlertsPoller

    poller = AlertsPoller(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    poller.check_now()
    assert poller.last is not None and poller.current == ()  # a healthy company: nothing on the bell
    incident.start(ctx, "a lost laptop", actor="admin")  # something the real checks see
    poller.check_now()
    assert [(a.id, a.runbook) for a in poller.current] == [("incident.active", "incident-mode")]


def test_in_arabic_the_toast_and_the_bell_show_the_checks_arabic_right_to_left(
        qtbot: Any, qapp: QApplication, settings: Settings, ctx: Context, clock: StepClock) -> None:
    from PySide6.QtWidgets import QMainWindow

    from desktop.alerts_poller import AlertsPoller
    from desktop.notifications import SyncStatusBar

    host = QMainWindow()
    qtbot.addWidget(host)
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language("ar")
    try:
        bar = SyncStatusBar(session, host)
        arabic = replace(check("zatca.reporting_deadline", Status.FAIL), found_ar="انقضت مهلة الإبلاغ",
                         fix_ar="شغّل `qayd zatca submit` الآن")
        poller = AlertsPoller(session, Runner(report(arabic, check("mail.failed", Status.WARN, "mail-failed"))))
        toasts: list[Any] = []
        poller.changed.connect(lambda change: toasts.extend(bar.show_alerts(change)))
        poller.check_now()
        by_title = {t.message.text(): t for t in toasts}
        toast = by_title["فشل: مهلة الإبلاغ لدى زاتكا"]  # the check's Arabic name too
        assert "انقضت مهلة الإبلاغ" in toast.detail.text() and "found this" not in toast.detail.text()
        assert "\u2066" not in toast.detail.text()  # Arabic runs right to left: no left-to-right isolate
        english = next(t for title, t in by_title.items() if title != "فشل: مهلة الإبلاغ لدى زاتكا")
        assert "\u2066mail.failed found this\u2069" in english.detail.text()  # no Arabic written: English, isolated
        popup = bar.show_notifications()
        assert popup is not None
        rows = [popup.list.item(i) for i in range(popup.list.count())]
        row = next(r for r in rows if "انقضت" in r.text())
        assert row.toolTip() == "شغّل `qayd zatca submit` الآن"
        popup.close()
    finally:
        session.set_language("en")
