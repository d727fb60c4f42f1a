"""Start-up (issue 14): the window paints before the company opens, then fills; a view loads when first shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.bootstrap import open_company
from core.config import Settings, load_settings
from core.errors import StoreError
from core.invoicing.demo import create_demo
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop import app as desktop_app
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.shell import MainWindow
from desktop.views.base import View
from desktop.views.registry import VIEWS, titles, view_classes
from tests.conftest import StepClock

ROOT = Path(__file__).resolve().parents[2]


def demo_env(tmp_path: Path, *, drafts: int = 12, issued: int = 2) -> dict[str, str]:
    """A demo company on disk, and the environment a fresh `qayd-desktop` process opens it with (offscreen)."""
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "demo", "QAYD_MASTER_KEY_SOURCE": "file",
           "QAYD_CONFIG": str(config)}
    ctx = open_company(load_settings(environ=env, config_file=config), create=True)
    try:
        create_demo(ctx, drafts=drafts)
        add_demo_egs(ctx, issue=issued)
    finally:
        ctx.close()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QAYD_")}
    return {**clean, **env, "QT_QPA_PLATFORM": "offscreen"}


def start_report(env: dict[str, str]) -> tuple[dict[str, object], dict[str, object]]:
    """Run `qayd-desktop --startup-report` in a fresh process: (the line at first paint, the line once filled)."""
    done = subprocess.run([sys.executable, "-m", "desktop.app", "--startup-report"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    painted, filled = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return painted, filled


def test_the_window_paints_before_the_store_loads_and_only_the_shown_view_is_imported(tmp_path: Path) -> None:
    painted, filled = start_report(demo_env(tmp_path))
    # The first paint came before the store stack (SQLAlchemy, the composition root, the unit of work) was loaded,
    # and before the dashboard's charts (pyqtgraph and numpy come after the first figures, issue 17).
    assert {"pydantic", "sqlalchemy", "pyqtgraph", "numpy"} <= set(desktop_app.PAINT_FREE_MODULES)
    assert painted["loaded_at_paint"] == []
    assert isinstance(filled["opened"], float) and isinstance(filled["data"], float)
    assert filled["painted"] < filled["opened"] <= filled["data"]
    # Only the dashboard, the view on screen, was imported; the mail, payment, PDF and XML stacks were not, nor the
    # charts (pyqtgraph), which wait until the first figures are shown.
    assert filled["views_loaded"] == ["dashboard"]
    assert filled["watched_loaded"] == []


@pytest.fixture
def closed_session(settings: Settings, clock: StepClock, ctx: Context) -> AppSession:
    """A session over an existing company that is not open yet, as `qayd-desktop` has it at its first paint."""
    create_demo(ctx, drafts=6)
    return AppSession(settings, clock=clock, pool=SyncPool())


def test_the_window_shows_its_navigation_before_the_company_opens_then_fills(
        qtbot: QtBot, closed_session: AppSession) -> None:
    window = MainWindow(closed_session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not closed_session.is_open  # building and showing the window opened nothing
    assert [window.nav.item(row).text() for row in range(window.nav.count())] == list(titles().values())
    assert window.views.built() == [] and not isinstance(window.stack.currentWidget(), View)
    assert window.company_label.text() == "…"
    window.open_company()
    assert closed_session.is_open
    assert [view.key for view in window.views.built()] == ["dashboard"]
    assert window.first_data_shown()  # the test pool runs the figures' job at once
    qtbot.waitUntil(lambda: window.status is not None, timeout=10_000)
    window.show_view("customers")
    assert [view.key for view in window.views.built()] == ["dashboard", "customers"]
    closed_session.close()


def test_a_store_that_cannot_be_opened_after_the_paint_ends_the_app_with_its_error(
        qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context, monkeypatch: pytest.MonkeyPatch,
        qapp: QApplication) -> None:
    ctx.close()
    for path in ctx.db.path.parent.glob(f"{ctx.db.path.name}*"):  # the store (and its WAL) gone since the check
        path.unlink()
    session = AppSession(settings, clock=clock, pool=SyncPool())
    window = MainWindow(session)
    qtbot.addWidget(window)
    shown: list[BaseException] = []
    exits: list[int] = []
    monkeypatch.setattr(desktop_app, "_config_error_dialog", shown.append)
    monkeypatch.setattr(qapp, "exit", exits.append)
    desktop_app._painted(qapp, window, {}, report=False)
    assert len(shown) == 1 and isinstance(shown[0], StoreError) and exits == [shown[0].exit_code]
    assert not window.isVisible() and not session.is_open


def test_every_registered_view_loads_with_its_key_and_title() -> None:
    assert [cls.key for cls in view_classes()] == [entry.key for entry in VIEWS]
    assert [cls.title() for cls in view_classes()] == [entry.title() for entry in VIEWS]
    assert len(set(titles())) == len(VIEWS)
