"""Statuses drawn as coloured badges in item views: a model answers BADGE_ROLE with a key of `desktop.style.BADGES`,
and BadgeDelegate paints the cell's text in a pill of that colour (on the leading side, mirrored in Arabic)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.i18n import tr
from desktop.style import BADGES

BADGE_ROLE = int(Qt.ItemDataRole.UserRole) + 40  # the badge key (str) of a status cell; None: a plain cell
PAD_X, PAD_Y, MARGIN = 10, 3, 6  # inside the pill; the pill's distance from the cell's leading edge
Index = QModelIndex | QPersistentModelIndex


def badge_text(key: str) -> str:
    """The word on a badge."""
    return {"draft": tr("Status", "Draft"), "issued": tr("Status", "Issued"), "waiting": tr("Status", "Waiting"),
            "sending": tr("Status", "Sending"), "cleared": tr("Status", "Cleared"),
            "reported": tr("Status", "Reported"), "rejected": tr("Status", "Rejected"),
            # paid states, short to fit the invoice list (the long words are in the cell's tooltip)
            "outstanding": tr("Status", "Unpaid"), "partly_paid": tr("Status", "Partial"),
            "paid": tr("Status", "Paid"), "overpaid": tr("Status", "Overpaid")}.get(key, key)


def badge_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setWeight(QFont.Weight.DemiBold)
    return bold


def badge_width(text: str, font: QFont) -> int:
    """The width a cell needs to show `text` as a whole badge."""
    return QFontMetrics(badge_font(font)).horizontalAdvance(text) + 2 * PAD_X + 2 * MARGIN


def badge_rect(option: QStyleOptionViewItem, text: str) -> QRect:
    """Where the pill goes: vertically centred, at the cell's leading edge (right in Arabic)."""
    metrics = QFontMetrics(badge_font(option.font))
    cell = option.rect
    width = min(metrics.horizontalAdvance(text) + 2 * PAD_X, cell.width() - 2 * MARGIN)
    height = min(metrics.height() + 2 * PAD_Y, cell.height() - 2)
    rect = QRect(0, 0, max(width, 0), height)
    rect.moveTop(cell.top() + (cell.height() - height) // 2)
    if option.direction == Qt.LayoutDirection.RightToLeft:
        rect.moveRight(cell.right() - MARGIN)
    else:
        rect.moveLeft(cell.left() + MARGIN)
    return rect


class BadgeDelegate(QStyledItemDelegate):
    """Paints cells whose model gives a BADGE_ROLE as a coloured pill; any other cell as usual."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        badge = BADGES.get(str(index.data(BADGE_ROLE)))
        if badge is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)  # selection, focus
        rect = badge_rect(opt, text)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(badge.background))
        radius = rect.height() / 2
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(QColor(badge.foreground))
        painter.setFont(badge_font(opt.font))
        shown = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - PAD_X)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), shown)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(BADGE_ROLE) in BADGES:
            size.setWidth(badge_width(str(index.data(Qt.ItemDataRole.DisplayRole) or ""), option.font))
        return size
