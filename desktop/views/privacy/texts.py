"""The Privacy view's words and colours: request kinds and statuses, due dates, subjects in short, findings in a
list; and the table and cell every list of the view is made of."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.findings import Finding
from core.privacy import requests as dsr
from desktop.errors import finding_fix, finding_message
from desktop.i18n import format_date, format_int, tr

CHANNEL = "desktop"  # the access log's channel of every read made here
OVERDUE = QColor("#c62828")
SOON = QColor("#e65100")
DONE = QColor("#2e7d32")
SOON_DAYS = 7  # an open request due within this many days is shown in orange


def kind_text(kind: str) -> str:
    return {"access": tr("PrivacyRequests", "Access"), "erasure": tr("PrivacyRequests", "Erasure"),
            "rectification": tr("PrivacyRequests", "Rectification"),
            "portability": tr("PrivacyRequests", "Portability"),
            "restriction": tr("PrivacyRequests", "Restriction"),
            "objection": tr("PrivacyRequests", "Objection")}.get(kind, kind)


def status_text(status: str) -> str:
    return {"received": tr("PrivacyRequests", "Received"),
            "identity_verified": tr("PrivacyRequests", "Identity verified"),
            "in_progress": tr("PrivacyRequests", "In progress"), "extended": tr("PrivacyRequests", "Extended"),
            "completed": tr("PrivacyRequests", "Completed"), "refused": tr("PrivacyRequests", "Refused"),
            "withdrawn": tr("PrivacyRequests", "Withdrawn")}.get(status, status)


def due_text(info: dsr.RequestInfo, language: str) -> str:
    day = format_date(info.due_date, language)
    if not info.is_open or info.days_left is None:
        return day
    if info.overdue:
        return tr("PrivacyRequests", "{date}: overdue by {n} days").format(date=day, n=format_int(-info.days_left))
    if info.days_left == 0:
        return tr("PrivacyRequests", "{date}: due today").format(date=day)
    return tr("PrivacyRequests", "{date}: {n} days left").format(date=day, n=format_int(info.days_left))


def due_colour(info: dsr.RequestInfo) -> QColor | None:
    """Red when overdue, orange when an open request is due soon."""
    if info.overdue:
        return OVERDUE
    soon = info.is_open and info.days_left is not None and info.days_left <= SOON_DAYS
    return SOON if soon else None


def short_subject(subject: str) -> str:
    kind, _, ident = subject.partition(":")
    label = {"customer": tr("Privacy", "customer"), "user": tr("Privacy", "staff user")}.get(kind, kind)
    return f"{label} {ident[:8]}" if ident else subject


def findings_text(findings: Sequence[Finding], language: str) -> str:
    return "\n".join(f"• {finding_message(f, language)} {finding_fix(f, language)}".strip() for f in findings)


def make_table(columns: int, name: str) -> QTableWidget:
    """A read-only list: whole rows selected, one at a time."""
    table = QTableWidget(0, columns)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)
    return table


def cell(text: str, *, tip: str = "", color: QColor | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    if color is not None:
        item.setForeground(QBrush(color))
    return item


def fill_row(table: QTableWidget, row: int, cells: Sequence[QTableWidgetItem]) -> None:
    for column, item in enumerate(cells):
        table.setItem(row, column, item)
