"""The desktop window over a real company, offscreen."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.uow import Context
from desktop.app import MainWindow, summary_rows


def labels(window: MainWindow) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel)]


def test_window_shows_the_company_in_english(qtbot: QtBot, ctx: Context, settings: Settings) -> None:
    create_demo(ctx, drafts=12)
    ctx.close()
    window = MainWindow(summary_rows(settings), "en")
    qtbot.addWidget(window)
    window.show()
    texts = labels(window)
    assert DEMO_COMPANY.legal_name_en in texts and "12" in texts


def test_window_in_arabic_is_right_to_left(qtbot: QtBot, ctx: Context, settings: Settings) -> None:
    create_demo(ctx, drafts=3)
    ctx.close()
    arabic = settings.model_copy(update={"language": "ar"})
    window = MainWindow(summary_rows(arabic), "ar")
    qtbot.addWidget(window)
    window.show()
    assert DEMO_COMPANY.legal_name_ar in labels(window)
    assert window.isRightToLeft()
