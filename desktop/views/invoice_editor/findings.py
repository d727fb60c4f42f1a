"""The editor's findings: where each one is shown (a header field, a line's cell, the lines), and the list of them all.

The findings come from `core` (`validate`, and the refusal of a save or an issue); this module only places them.
"""

from __future__ import annotations

import re
from collections.abc import Container

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from core.findings import Finding, Severity
from desktop.errors import finding_fix, finding_message
from desktop.i18n import tr
from desktop.models.invoice_lines import FIELDS, NAME

ERROR_COLOR, WARNING_COLOR = "#c62828", "#b26a00"
_LINE_FIELD = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?")
# Header findings that name a field the form shows under another name.
_SHOWN_AS = {"supply_end_date": "supply_date", "customer_id": "buyer"}

Place = tuple[str, object]  # ("cell", (row, column)), ("field", name), ("lines", None) or ("", None)


def colour_of(findings: list[Finding]) -> str:
    """Red when any of them is an error, amber for warnings only."""
    return ERROR_COLOR if any(f.is_error for f in findings) else WARNING_COLOR


def hover_text(findings: list[Finding], language: str) -> str:
    """Each finding's rule and what to do, one a line (the tooltip of what it names)."""
    return "\n".join(f"{f.rule} — {finding_fix(f, language)}" for f in findings)


def merged(*groups: list[Finding]) -> list[Finding]:
    """The findings of every group once each (same rule, field and message), errors first."""
    seen: set[tuple[str, str, str]] = set()
    found = []
    for finding in [f for group in groups for f in group]:
        key = (finding.rule, finding.field, finding.message)
        if key not in seen:
            seen.add(key)
            found.append(finding)
    return sorted(found, key=lambda f: f.severity is not Severity.ERROR)


def place_of(field: str, rows: list[int], header_fields: Container[str]) -> Place:
    """Where a finding's `field` is shown. `rows` maps the draft's line positions to the table's rows (blank rows
    are not lines); `header_fields` holds the names of the header's fields."""
    match = _LINE_FIELD.match(field)
    if match:
        position = int(match[1])
        if position < len(rows):
            return "cell", (rows[position], FIELDS.get(match[2] or "name", NAME))
        return "lines", None
    head = field.split(".")[0].split("[")[0]
    head = _SHOWN_AS.get(head, head)
    if head == "lines":
        return "lines", None
    return ("field", head) if head in header_fields else ("", None)


class FindingField:
    """A header field with the findings that name it: a coloured border, their messages below, rule and fix on hover."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.box = QWidget()
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(widget)
        self.message = QLabel()
        self.message.setObjectName(f"{widget.objectName()}Finding")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.findings: list[Finding] = []

    def show(self, findings: list[Finding], language: str) -> None:
        self.findings = findings
        if not findings:
            self.widget.setProperty("finding", "")
            self.widget.setStyleSheet("")
            self.widget.setToolTip("")
            self.message.hide()
            return
        color = colour_of(findings)
        self.widget.setProperty("finding", "error" if color == ERROR_COLOR else "warning")
        self.widget.setStyleSheet(f"border: 2px solid {color};")
        self.widget.setToolTip(hover_text(findings, language))
        self.message.setText("\n".join(finding_message(f, language) for f in findings))
        self.message.setStyleSheet(f"color: {color};")
        self.message.setToolTip(self.widget.toolTip())
        self.message.show()


class FindingsPanel(QGroupBox):
    """Every finding of the document in one list, errors first, with a count; choosing one emits `chosen`."""

    chosen = Signal(object)  # the Finding clicked or activated

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel(objectName="findingsSummary")
        self.list = QListWidget(objectName="findings")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)

    def show_findings(self, findings: list[Finding], language: str, *, read_only: bool) -> None:
        self.list.clear()
        for finding in findings:
            mark = "✖" if finding.is_error else "⚠"
            item = QListWidgetItem(f"{mark} {finding_message(finding, language)}")
            item.setToolTip(f"{finding.rule} — {finding_fix(finding, language)}")
            item.setForeground(QColor(ERROR_COLOR if finding.is_error else WARNING_COLOR))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            self.list.addItem(item)
        errors = sum(f.is_error for f in findings)
        if read_only:
            summary = ""
        elif not findings:
            summary = tr("InvoiceEditor", "No problems found.")
        else:
            summary = tr("InvoiceEditor", "{errors} error(s), {warnings} warning(s)").format(
                errors=errors, warnings=len(findings) - errors)
        self.summary.setText(summary)

    def _choose(self, item: QListWidgetItem) -> None:
        finding = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(finding, Finding):
            self.chosen.emit(finding)

    def retranslate(self) -> None:
        self.setTitle(tr("InvoiceEditor", "Findings"))
