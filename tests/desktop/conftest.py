"""The desktop tests share one QApplication across many app starts."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def no_quit_when_the_last_window_closes(qapp: QApplication) -> None:
    """A start that ends closes its window (a refused setting, the first-run wizard cancelled, a test closing the main
    window); in a process of its own that posts Quit, which is right. Here the Quit would stay queued after that
    test's event loop and end every event loop of the next tests (qtbot's waits) the moment they begin."""
    qapp.setQuitOnLastWindowClosed(False)
