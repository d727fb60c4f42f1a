"""A record form (customer, product) checked as it is typed: each core finding shown beside its field.

The form only collects text; `check(values)` (a core function) returns the findings and `save(values)` (a
core write in one unit of work) stores the record. A finding is shown in the row of the field it names, in
the current language, with its rule id and fix on hover; errors keep Save disabled, warnings do not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.errors import ValidationError
from core.findings import Finding
from desktop.errors import finding_fix, finding_message, present_error
from desktop.i18n import tr
from desktop.session import AppSession

CHECK_DELAY_MS = 150


@dataclass(frozen=True)
class Field:
    name: str
    label: Callable[[], str]
    choices: Sequence[tuple[str, Callable[[], str]]] = ()  # a combo box of (value, text); else a line edit


def finding_tip(finding: Finding, language: str) -> str:
    return f"{finding.rule}: {finding_message(finding, language)}\n{finding_fix(finding, language)}"


class RecordDialog(QDialog):
    def __init__(self, session: AppSession, fields: Sequence[Field], values: dict[str, str],
                 check: Callable[[dict[str, str]], list[Finding]], save: Callable[[dict[str, str]], Any],
                 title: Callable[[], str], parent: QWidget | None = None,
                 field_of: Callable[[str], str] = lambda path: path) -> None:
        super().__init__(parent)
        self.session, self.fields, self._check, self._save, self._title = session, list(fields), check, save, title
        self._field_of = field_of
        self.setObjectName("recordDialog")
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        self.finding_labels: dict[str, QLabel] = {}
        self.findings: list[Finding] = []
        self.saved: Any = None
        form_body = QWidget()
        form = QFormLayout(form_body)
        for field in self.fields:
            widget: QLineEdit | QComboBox
            if field.choices:
                widget = QComboBox()
                for value, text in field.choices:
                    widget.addItem(text(), value)
                found = widget.findData(values.get(field.name, ""))
                widget.setCurrentIndex(max(found, 0))
                widget.currentIndexChanged.connect(lambda _i: self._schedule())
            else:
                widget = QLineEdit(values.get(field.name, ""))
                widget.textChanged.connect(lambda _t: self._schedule())
            widget.setObjectName(f"field_{field.name}")
            note = QLabel(objectName=f"finding_{field.name}")
            note.setWordWrap(True)
            note.hide()
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widget)
            column.addWidget(note)
            label = QLabel()
            label.setBuddy(widget)
            form.addRow(label, cell)
            self.inputs[field.name], self.labels[field.name], self.finding_labels[field.name] = widget, label, note
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_body)
        self.general = QLabel(objectName="finding_general")  # findings about no single field
        self.general.setWordWrap(True)
        self.general.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.resize(560, 640)
        self.retranslate()
        self.check()

    def values(self) -> dict[str, str]:
        result = {}
        for name, widget in self.inputs.items():
            result[name] = str(widget.currentData() or "") if isinstance(widget, QComboBox) else widget.text()
        return result

    def set_value(self, name: str, value: str) -> None:
        """Type into a field (tests, and callers filling the form)."""
        widget = self.inputs[name]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(value), 0))
        else:
            widget.setText(value)

    def _schedule(self) -> None:
        self._timer.start()

    def check(self) -> list[Finding]:
        """Run the core's rules over what is typed and show every finding beside its field."""
        self._timer.stop()
        self.findings = self._check(self.values())
        self._show_findings()
        return self.findings

    def _show_findings(self) -> None:
        lang = self.session.language
        by_field: dict[str, list[Finding]] = {}
        general: list[Finding] = []
        for finding in self.findings:
            name = self._field_of(finding.field)
            (by_field.setdefault(name, []) if name in self.inputs else general).append(finding)
        for name, note in self.finding_labels.items():
            found = by_field.get(name, [])
            self._paint(note, found, lang)
        self._paint(self.general, general, lang)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not any(f.is_error for f in self.findings))

    @staticmethod
    def _paint(note: QLabel, found: list[Finding], lang: str) -> None:
        if not found:
            note.hide()
            note.clear()
            note.setToolTip("")
            return
        error = any(f.is_error for f in found)
        note.setText("\n".join(f"{'✖' if f.is_error else '⚠'} {finding_message(f, lang)} [{f.rule}]" for f in found))
        note.setToolTip("\n\n".join(finding_tip(f, lang) for f in found))
        note.setStyleSheet("color: #b00020;" if error else "color: #8a5a00;")
        note.setProperty("severity", "error" if error else "warning")
        note.show()

    def field_findings(self, name: str) -> list[Finding]:
        return [f for f in self.findings if self._field_of(f.field) == name]

    def save(self) -> None:
        if any(f.is_error for f in self.check()):
            return
        try:
            self.saved = self._save(self.values())
        except ValidationError as exc:
            self.findings = exc.findings
            self._show_findings()
            return
        except Exception as exc:
            present_error(self, exc)
            return
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        for field in self.fields:
            self.labels[field.name].setText(field.label())
            widget = self.inputs[field.name]
            if isinstance(widget, QComboBox):
                for i, (_value, text) in enumerate(field.choices):
                    widget.setItemText(i, text())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Customers", "Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Customers", "Cancel"))
        self._show_findings()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

