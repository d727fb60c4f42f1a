"""Lucide icons (ISC licence, `resources/icons/lucide/LICENSE`) tinted to Qayd's palette, and which widget wears which.

Lucide's SVGs draw with `stroke="currentColor"`; the colour is substituted before Qt's SVG renderer draws them, so
one file serves every state (muted, accent on a selected row, white on a primary button). Which icon a view's
navigation item and main actions wear is declared once here (`NAV_ICONS`, `VIEW_ACTIONS`) and applied by the
main window when it builds a view (`decorate_view`), so views stay free of look-and-feel code. No icon here
points left or right: Arabic mirrors the layout, and a directional icon would then point the wrong way.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton, QWidget

from core.resources import resource_path
from desktop.style import PALETTE

ICON_SIZES = (16, 20, 24, 32)  # buttons, navigation, toolbar; 32 for high-DPI screens

# The navigation item of each view (desktop.views.registry keys).
NAV_ICONS = {
    "dashboard": "layout-dashboard", "invoices": "receipt-text", "customers": "users", "products": "package",
    "zatca_queue": "cloud-upload", "audit": "shield-check", "privacy": "lock-keyhole",
    "reports": "file-chart-column", "sync": "refresh-cw", "settings": "settings",
    "diagnostics": "check-check", "insights": "search", "assistant": "bot",
}

# Each view's main actions: attribute of the view -> (icon, primary). A primary action is the accent button.
VIEW_ACTIONS: dict[str, dict[str, tuple[str, bool]]] = {
    "insights": {"run_button": ("check-check", True), "cancel_button": ("circle-x", False)},
    "assistant": {"ask_button": ("sparkles", True), "cancel_button": ("circle-x", False)},
    "diagnostics": {"run_button": ("check-check", True), "cancel_button": ("circle-x", False),
                    "runbook_button": ("info", False)},
    "invoices": {"new_button": ("file-plus", True), "clear_button": ("filter-x", False)},
    "customers": {"add_button": ("user-plus", True), "edit_button": ("pencil", False)},
    "products": {"add_button": ("package-plus", True), "edit_button": ("pencil", False)},
    "zatca_queue": {"retry_button": ("send", True), "cancel_button": ("circle-x", False),
                    "onboard_button": ("key-round", False), "correct_button": ("file-pen-line", False)},
    "audit": {"verify_button": ("shield-check", True), "cancel_button": ("circle-x", False),
              "export_button": ("download", False)},
    "privacy": {"new_button": ("plus", True), "verify_button": ("user-round-check", False),
                "extend_button": ("calendar-plus", False), "export_button": ("download", False),
                "close_button": ("check", False), "erase_button": ("eraser", False),
                "search_button": ("search", False), "cancel_button": ("circle-x", False)},
    "reports": {"generate_button": ("file-chart-column", True), "cancel_button": ("circle-x", False)},
    "sync": {"sync_button": ("refresh-cw", True), "mark_read_button": ("check-check", False)},
    "settings": {"save": ("save", True), "revert": ("rotate-ccw", False)},
}

# The main window's own actions (objectName -> icon).
SHELL_ACTIONS = {"newInvoice": "file-plus", "quit": "power", "about": "info", "switchLanguage": "languages"}


@cache
def _svg(name: str) -> str:
    return resource_path("icons", "lucide", f"{name}.svg").read_text("utf-8")


def _pixmap(renderer: QSvgRenderer, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


@cache
def icon(name: str, color: str = PALETTE["muted"], selected: str = PALETTE["accent_dark"]) -> QIcon:
    """A Lucide icon in `color`, and in `selected` on a selected item (Qt greys the disabled state itself)."""
    result = QIcon()
    for mode, tint in ((QIcon.Mode.Normal, color), (QIcon.Mode.Selected, selected)):
        renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", tint).encode("utf-8")))
        for size in ICON_SIZES:
            result.addPixmap(_pixmap(renderer, size), mode)
    return result


def decorate_button(button: QAbstractButton, name: str, *, primary: bool = False) -> None:
    """Give a button its icon; a primary one is drawn in the accent colour with a white icon (style sheet)."""
    button.setIcon(icon(name, "#ffffff", "#ffffff") if primary else icon(name))
    if primary:
        button.setProperty("primary", True)
        button.style().unpolish(button)  # the sheet's [primary="true"] rule applies to the new property
        button.style().polish(button)


def decorate_view(view: QWidget, key: str) -> list[QAbstractButton]:
    """Icons on a view's main actions (VIEW_ACTIONS); returns the buttons decorated."""
    done = []
    for attribute, (name, primary) in VIEW_ACTIONS.get(key, {}).items():
        button = getattr(view, attribute, None)
        if isinstance(button, QAbstractButton):
            decorate_button(button, name, primary=primary)
            done.append(button)
    return done
