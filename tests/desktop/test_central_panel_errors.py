"""The Settings view's central panel when things go wrong: an address it refuses, a database that does not answer.
The person reads why under the fields and in the one error dialog; nothing half-saved, the typed password kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.sync.connection import save_connection
from core.uow import Context
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.central_panel import CentralPanel, saved_connection
from desktop.views.settings import SettingsView
from tests.conftest import StepClock
from tests.support.pg import free_port


@pytest.fixture
def views() -> Iterator[list[SettingsView]]:
    kept: list[SettingsView] = []  # the view owns the panel's widgets: it must outlive the test's use of them
    yield kept
    kept.clear()


def _panel(qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context, views: list[SettingsView]
           ) -> CentralPanel:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)  # type: ignore[arg-type]
    session.language = "en"
    view = SettingsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    views.append(view)
    return view.central_panel


def _dialog_text(panel: CentralPanel) -> str:
    box = panel.error_box
    assert isinstance(box, QMessageBox) and box.objectName() == "errorDialog"
    text = f"{box.text()} {box.informativeText()}"
    box.done(0)
    return text


@pytest.mark.parametrize(("url", "why", "fix"), [
    ("https://central.example/qayd", "is not a PostgreSQL address", "postgresql://HOST[:PORT]/DATABASE"),
    ("postgresql://alice:hunter2@central.example/qayd", "must not hold a password", "standard input"),
])
def test_an_address_it_refuses_is_explained_and_nothing_is_saved(
    qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context, views: list[SettingsView], url: str,
    why: str, fix: str
) -> None:
    panel = _panel(qtbot, settings, clock, ctx, views)
    panel.url.setText(url)
    panel.login.setText("alice")
    panel.password.setText("alice-password-1")
    assert panel.save.isEnabled()
    assert panel.save_connection() is False
    assert panel.result.text().startswith("Not connected: ") and why in panel.result.text()
    assert why in _dialog_text(panel) and fix in panel.error_box.informativeText()
    assert "hunter2" not in panel.result.text()
    assert saved_connection(ctx) == ("", "")  # nothing half-saved
    assert panel.password.text() == "alice-password-1"  # kept, to correct the address and save again
    assert not panel.test.isEnabled()


def test_a_database_that_does_not_answer_says_so_and_the_test_can_be_tried_again(
    qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context, views: list[SettingsView]
) -> None:
    save_connection(ctx, f"postgresql://127.0.0.1:{free_port()}/qayd?connect_timeout=3", "alice", "pw-123456789")
    panel = _panel(qtbot, settings, clock, ctx, views)
    assert panel.test.isEnabled()
    job = panel.test_connection()  # SyncPool: runs at once, its signals delivered before it returns
    assert job is not None and panel.job is None
    assert panel.result.text().startswith("Not connected: ")
    assert "pw-123456789" not in panel.result.text() and "pw-123456789" not in panel.error_box.text()
    _dialog_text(panel)
    assert panel.test.isEnabled()  # the failed test is over: another may be tried


def test_a_second_test_while_one_runs_starts_nothing(
    qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context, views: list[SettingsView]
) -> None:
    save_connection(ctx, "postgresql://127.0.0.1:1/qayd", "alice", "pw-123456789")
    panel = _panel(qtbot, settings, clock, ctx, views)
    panel.job = object()  # type: ignore[assignment]  # one is running
    assert panel.test_connection() is None and panel.result.text() == ""
