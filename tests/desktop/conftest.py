"""The desktop tests share one QApplication across many app starts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from desktop import app as desktop_app
from desktop.i18n import install_language


@pytest.fixture(scope="session", autouse=True)
def no_quit_when_the_last_window_closes(qapp: QApplication) -> None:
    """A start that ends closes its window (a refused setting, the first-run wizard cancelled, a test closing the main
    window); in a process of its own that posts Quit, which is right. Here the Quit would stay queued after that
    test's event loop and end every event loop of the next tests (qtbot's waits) the moment they begin."""
    qapp.setQuitOnLastWindowClosed(False)


@pytest.fixture
def app_unstyled(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[QApplication]:
    """The app started in-process on the tests' application as it is: styling it as `qayd-desktop` does (Fusion, the
    palette, the bundled font) would leak into the tests after it, whose pixels are measured."""
    monkeypatch.setattr(desktop_app, "_application", lambda: qapp)
    yield qapp
    install_language(qapp, "en")
