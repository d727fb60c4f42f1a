"""The incident banner: red over every view while an incident is active (reason, since when in Riyadh time, what is
held), gone once it ends; refreshed by session changes; the admin's dialog starts and ends it; Arabic too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.incident import end, start, status
from core.invoicing.demo import create_demo
from core.sync.connection import dsn_for
from core.sync.engine import sync_once
from core.uow import Context
from desktop.i18n import install_language
from desktop.jobs import SyncPool
from desktop.session import AUDIT, AppSession
from desktop.shell import MainWindow
from desktop.sync_controller import SyncController
from tests.conftest import StepClock
from tests.desktop.test_sync_desktop import (  # noqa: F401  (fixtures: central with two desks, their controllers)
    Install,
    central_db,
    central_template,
    central_url,
    controllers,
    install_a,
    second,
)


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "en")


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context) -> MainWindow:
    create_demo(ctx, drafts=2)
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_the_banner_shows_on_every_view_while_an_incident_is_active(window: MainWindow, ctx: Context,
                                                                     qapp: QApplication) -> None:
    banner = window.incident.banner
    assert banner.isHidden()
    start(ctx, "phishing from our domain", hold_sync_push=True)
    window.session.notify(AUDIT)  # what a write, or a pull, tells the window
    assert banner.isVisible() and banner.y() < window.stack.mapTo(window, window.stack.rect().topLeft()).y()
    text = banner.label.text()
    assert "phishing from our domain" in text and "Riyadh" in text and "e-mail" in text
    assert "sending changes to central" in text and "10:00" in text  # the clock's 07:00 UTC, in Riyadh time
    for key in ("invoices", "audit", "settings"):
        window.show_view(key)
        assert banner.isVisible()
    install_language(qapp, "ar")
    assert "بتوقيت الرياض" in banner.label.text() and "البريد الإلكتروني" in banner.label.text()
    install_language(qapp, "en")
    end(ctx, "SPF fixed")
    window.session.notify(AUDIT)
    assert banner.isHidden()


def test_the_admins_dialog_starts_and_ends_it(window: MainWindow, ctx: Context) -> None:
    assert window.incident.action.isEnabled() and window.incident.action.text() == "Incident mode…"
    dialog = window.incident.open_dialog()
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # a reason is required
    dialog.reason.setText("the EGS key was copied")
    dialog.pause_submission.setChecked(True)
    ok.click()
    active = status(ctx)
    assert active is not None and active.pause_submission and "submission" in active.holds
    assert window.incident.banner.isVisible() and "ZATCA submission" in window.incident.banner.label.text()
    dialog = window.incident.open_dialog()
    assert dialog is not None and dialog.pause_submission.isHidden()
    dialog.reason.setText("unit revoked and renewed")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert status(ctx) is None and window.incident.banner.isHidden()


def test_a_clerk_has_no_incident_dialog(qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context) -> None:
    ctx.actor_role = "clerk"
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    qtbot.addWidget(main)
    assert not main.incident.action.isEnabled() and main.incident.open_dialog() is None
    assert "administrator" in main.incident.action.toolTip()


def test_an_incident_started_on_another_desk_shows_here_after_a_pull(
        qtbot: QtBot, install_a: Install, second: Callable[..., Install],  # noqa: F811
        controllers: list[SyncController]) -> None:  # noqa: F811
    window = MainWindow(install_a.session)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: install_a.session.sync is not None, timeout=3000)
    controller = install_a.session.sync
    assert controller is not None
    controllers.append(controller)
    assert window.incident.banner.isHidden()
    b = second()
    start(b.ctx, "a stolen laptop at the Jeddah branch")
    sync_once(b.ctx, dsn_for(b.ctx))
    controller.sync_now()
    qtbot.waitUntil(lambda: not window.incident.banner.isHidden(), timeout=5000)
    assert "Jeddah branch" in window.incident.banner.label.text()
    end(b.ctx, "laptop found")
    sync_once(b.ctx, dsn_for(b.ctx))
    controller.sync_now()
    qtbot.waitUntil(window.incident.banner.isHidden, timeout=5000)
