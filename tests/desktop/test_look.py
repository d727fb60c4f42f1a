"""The look: icons on navigation and main actions, one style sheet, status badges, cards, a list that fits, Arabic.

Checked as a person sees it: widgets are rendered offscreen with the real style sheet and their pixels read back
(the badge's fill colour inside its cell, the sort arrow inside its header section, a card's surface), over a real
company whose documents went through the local Fatoora portal (cleared, reported, rejected, waiting).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, qInstallMessageHandler
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
)
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing.demo import create_demo
from core.invoicing.figures import period_of, sales_figures
from core.resources import resource_path
from core.uow import Context
from core.zatca.demo import add_demo_egs
from desktop.i18n import format_int, install_language
from desktop.icons import NAV_ICONS, SHELL_ACTIONS, VIEW_ACTIONS
from desktop.jobs import SyncPool
from desktop.models.invoice_list import COLUMNS, column_of
from desktop.session import AppSession
from desktop.shell import MainWindow
from desktop.style import BADGES, PALETTE, apply_style, clear_style, style_sheet
from desktop.views.dashboard import COUNT_BADGES, PERIODS, DashboardView
from desktop.views.invoices import InvoicesView
from desktop.views.registry import view_classes
from tests.conftest import StepClock


@pytest.fixture(autouse=True)
def styled(qapp: QApplication) -> Iterator[QApplication]:
    """The app as `qayd-desktop` starts it (Fusion, palette, style sheet); Qt's defaults again afterwards."""
    apply_style(qapp)
    yield qapp
    clear_style(qapp)
    install_language(qapp, "en")


@pytest.fixture
def demo(ctx: Context) -> Context:
    create_demo(ctx, drafts=40)
    add_demo_egs(ctx, issue=10)
    return ctx


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, clock: StepClock, demo: Context) -> MainWindow:
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=demo))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def painted(image: QImage, rect: QRect, color: str) -> int:
    """How many pixels inside `rect` are exactly `color`."""
    wanted = QColor(color).rgb()
    return sum(1 for x in range(rect.left(), rect.right() + 1) for y in range(rect.top(), rect.bottom() + 1)
               if image.pixel(x, y) == wanted)


def inked(image: QImage) -> set[int]:
    """The opaque colours of an icon's pixels."""
    return {image.pixel(x, y) & 0xFFFFFF for x in range(image.width()) for y in range(image.height())
            if QColor.fromRgba(image.pixel(x, y)).alpha() > 200}


# --- icons ------------------------------------------------------------------------------------------------------


def test_every_navigation_item_and_main_action_has_an_icon(window: MainWindow) -> None:
    assert set(NAV_ICONS) == {cls.key for cls in view_classes()}  # a new view needs its icon, not a fallback
    for row in range(window.nav.count()):
        item_icon = window.nav.item(row).icon()
        assert not item_icon.isNull(), window.nav.item(row).text()
        assert QColor(PALETTE["muted"]).rgb() & 0xFFFFFF in inked(item_icon.pixmap(20, 20).toImage())
    for action in [*window.go_actions, *(window.findChild(type(window.new_invoice_action), name)
                                         for name in SHELL_ACTIONS)]:
        assert action is not None and not action.icon().isNull(), action.objectName()
    for key, actions in VIEW_ACTIONS.items():
        view = window.views[key]
        for attribute, (_name, primary) in actions.items():
            button = getattr(view, attribute)
            assert isinstance(button, QAbstractButton), f"{key}.{attribute}"
            assert not button.icon().isNull(), f"{key}.{attribute}"
            assert bool(button.property("primary")) is primary


def test_icons_ship_with_their_licence() -> None:
    licence = resource_path("icons", "lucide", "LICENSE").read_text("utf-8")
    assert "ISC License" in licence and "Lucide" in licence
    names = {n for n in NAV_ICONS.values()} | set(SHELL_ACTIONS.values())
    names |= {name for actions in VIEW_ACTIONS.values() for name, _primary in actions.values()}
    for name in names:
        assert "stroke=\"currentColor\"" in resource_path("icons", "lucide", f"{name}.svg").read_text("utf-8")


def test_primary_button_is_drawn_in_the_accent_colour(window: MainWindow) -> None:
    view = window.show_view("invoices")
    assert isinstance(view, InvoicesView)
    QApplication.processEvents()
    image = view.new_button.grab().toImage()
    inside = QRect(4, 4, image.width() - 8, image.height() - 8)
    assert painted(image, inside, PALETTE["accent"]) > inside.width() * inside.height() // 3
    assert painted(view.clear_button.grab().toImage(), inside.intersected(view.clear_button.rect()),
                   PALETTE["accent"]) == 0


# --- the style sheet --------------------------------------------------------------------------------------------


def test_style_sheet_is_complete_and_parses(qtbot: QtBot) -> None:
    text = style_sheet()
    assert "@" not in text  # every palette name and icon path filled in
    for path in [line.split("url(")[1].split(")")[0] for line in text.splitlines() if "url(" in line]:
        assert QImage(path).width() > 0, path  # Qt can read every image the sheet names
    said: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _context, message: said.append(message))
    try:
        QApplication.instance().setStyleSheet(text)  # type: ignore[union-attr]
        for kind in (QPushButton, QComboBox, QSpinBox, QLineEdit, QTableView, QGroupBox, QTabWidget, QProgressBar):
            widget = kind()
            qtbot.addWidget(widget)
            widget.show()  # Qt parses the sheet when it polishes a widget, and warns if it cannot
        QApplication.processEvents()
    finally:
        qInstallMessageHandler(previous)
    assert not [m for m in said if "parse" in m.lower()], said


def test_arabic_is_mirrored_with_the_style_applied(window: MainWindow, styled: QApplication) -> None:
    window.session.set_language("ar")
    QApplication.processEvents()
    assert styled.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft and window.nav.isRightToLeft()
    assert window.nav.geometry().x() > window.stack.geometry().x()  # the navigation on the right
    assert PALETTE["accent"] in styled.styleSheet()
    # The selected navigation item wears the style sheet's accent wash, on the right-hand side.
    image = window.nav.grab().toImage()
    assert painted(image, window.nav.visualItemRect(window.nav.currentItem()), PALETTE["accent_soft"]) > 500
    view = window.show_view("invoices")
    assert isinstance(view, InvoicesView)
    assert view.table.isRightToLeft() and view.new_button.icon().isNull() is False


# --- the invoice list fits the window ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("size", [None, (1280, 800)])  # the window's default size; the screenshots' size
def test_invoice_list_columns_fit_the_window(window: MainWindow, language: str, size: tuple[int, int] | None) -> None:
    if size is not None:
        window.resize(*size)
    window.session.set_language(language)
    view = window.show_view("invoices")
    assert isinstance(view, InvoicesView)
    QApplication.processEvents()
    header, viewport = view.table.horizontalHeader(), view.table.viewport().width()
    assert sum(header.sectionSize(i) for i in range(len(COLUMNS))) <= viewport
    assert view.table.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    status = column_of("status")
    left = header.sectionViewportPosition(status)
    assert not header.isSectionHidden(status) and left >= 0 and left + header.sectionSize(status) <= viewport
    # Each sized column shows its widest text whole: the date and the amount are never cut.
    cells = view.table.fontMetrics()
    row = view.model.invoice_at(0)
    assert row is not None
    for name in ("issue_datetime", "payable", "number"):
        text = str(view.model.data(view.model.index(0, column_of(name))))
        assert cells.horizontalAdvance(text) < header.sectionSize(column_of(name)), name
    assert header.sectionSize(column_of("customer")) >= 120  # and the customer still has room


def test_sort_indicator_is_drawn_on_the_sorted_column(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_view("invoices")
    assert isinstance(view, InvoicesView)
    header = view.table.horizontalHeader()
    date = column_of("issue_datetime")
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == date
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # newest first, as the model reads
    total = column_of("payable")
    view.table.sortByColumn(total, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == total and view.model.order.column == "payable"
    QApplication.processEvents()

    def section(column: int) -> QImage:
        rect = QRect(header.sectionViewportPosition(column), 0, header.sectionSize(column), header.height())
        return header.grab(rect).toImage()

    with_arrow, other = section(total), section(date)
    header.setSortIndicatorShown(False)
    QApplication.processEvents()
    assert section(total) != with_arrow  # the arrow is drawn (the style sheet's chevron) …
    assert section(date) == other  # … and only on the sorted column
    header.setSortIndicatorShown(True)


# --- dashboard cards -----------------------------------------------------------------------------------------------


def test_dashboard_cards_show_figures(window: MainWindow) -> None:
    view = window.show_view("dashboard")
    assert isinstance(view, DashboardView)
    session = window.session
    with session.uow(write=False) as uow:
        figures = {kind: sales_figures(uow, period_of(kind, session.clock())) for kind in PERIODS}
    kind = next(k for k in PERIODS if figures[k].issued)  # the demo's issued documents fall in one of them
    view.period.setCurrentIndex(PERIODS.index(kind))
    QApplication.processEvents()
    assert view.issued.value.text() == format_int(figures[kind].issued) != "0"
    assert view.sales.value.text().startswith(f"{figures[kind].sales:,.2f}")
    for card in view.cards:
        assert card.objectName() == "card" and card.caption.text() and card.value.text()
        pixmap = card.icon.pixmap()
        assert pixmap is not None and not pixmap.isNull()
        image = card.grab().toImage()
        assert image.pixelColor(card.width() // 2, card.height() - 4) == QColor(PALETTE["surface"])  # a card …
    for value, badge in zip(view.status_values, COUNT_BADGES, strict=True):  # counts wear their status's colour
        if badge is not None:
            assert value.grab().toImage().pixelColor(3, value.height() // 2) == QColor(BADGES[badge].background)
    backdrop = view.grab().toImage()
    assert backdrop.pixelColor(2, view.height() - 3) == QColor(PALETTE["window"])  # … on the window's colour


# --- README: the desktop section matches the app --------------------------------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"


def desktop_section() -> str:
    text = README.read_text("utf-8")
    return text[text.index("## The desktop app"):text.index("## The command line")]


def test_readme_lists_the_views_and_shortcuts_the_app_has(window: MainWindow) -> None:
    section = desktop_section()
    titles = [cls.title() for cls in view_classes()]
    found = [section.index(title) for title in titles]
    assert found == sorted(found), "README lists the views in another order than the navigation"
    numbered = min(len(titles), 10)  # Ctrl+1 … Ctrl+9, then Ctrl+0; views past the tenth have none
    last = numbered % 10
    assert f"Ctrl+{last}" in section and window.go_actions[numbered - 1].shortcut().toString() == f"Ctrl+{last}"
    shortcuts = {window.new_invoice_action.shortcut().toString() or "Ctrl+N",
                 window.switch_language_action.shortcut().toString(), window.quit_action.shortcut().toString()}
    assert all(keys in section for keys in shortcuts), shortcuts
    for image in re.findall(r"\((docs/screenshots/[^)]+\.png)\)", section):
        assert (README.parent / image).is_file(), image


def test_readme_config_block_shows_the_defaults() -> None:
    text = README.read_text("utf-8")
    block = text[text.index("## Configuration"):]
    block = block[block.index("```toml") + len("```toml"):]
    shown = tomllib.loads(block[:block.index("```")])
    defaults = Settings()
    assert shown["company"] == defaults.company and shown["language"] == defaults.language
    assert shown["log_level"] == defaults.log_level
    assert shown["secrets"] == {"master_key_source": defaults.secrets.master_key_source}
    assert shown["audit"]["checkpoint_every"] == defaults.audit.checkpoint_every
    assert shown["store"]["busy_timeout"] == defaults.store.busy_timeout
    assert shown["central"] == {"sslmode": defaults.central.sslmode}
    assert shown["zatca"] == {"environment": defaults.zatca.environment}


# --- dates read left to right in Arabic too ---------------------------------------------------------------------


def test_date_fields_read_left_to_right_in_arabic(qtbot: QtBot, window: MainWindow) -> None:
    """A QDateTimeEdit laid out right to left shows 17:51 as 51:17 and the date as 07-12-2026; Qayd writes year first,
    Latin digits, left to right, in both languages, as the printed invoice and the reports do. Every view's date
    fields and the invoice editor's, built after the switch to Arabic."""
    from desktop.views.invoice_editor import InvoiceEditorDialog

    window.session.set_language("ar")
    fields: list[QDateTimeEdit] = []
    for key in list(window.views):
        fields += window.show_view(key).findChildren(QDateTimeEdit)
    editor = InvoiceEditorDialog(window.session, None)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    fields += editor.findChildren(QDateTimeEdit)
    assert len(fields) >= 6 and editor.isRightToLeft()
    assert [f.objectName() for f in fields if f.isRightToLeft()] == []
    shown = {f.objectName(): f.lineEdit().text() for f in fields}
    assert {k: v for k, v in shown.items() if not re.fullmatch(r"\d{4}-\d\d-\d\d( \d\d:\d\d)?", v)} == {}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", shown["issueDate"])
