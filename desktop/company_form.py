"""The company profile form, shared by the first-run wizard and the Settings view.

Every field is checked as it is typed with the core's own rules (`core.invoicing.rules.validate_company`), and
each finding is shown under its field with the rule id, the message and the fix, in the UI language. A field's
findings appear once it has been edited (or after `reveal_all()`), so an empty form does not start out red.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.findings import Finding
from core.invoicing.model import Address, CompanyProfile
from core.invoicing.rules import validate_company
from desktop.errors import finding_fix, finding_message
from desktop.i18n import tr

# Field paths as the core's findings name them, in the order of the form.
FIELDS = (
    "legal_name_ar",
    "legal_name_en",
    "vat_number",
    "commercial_registration",
    "address.street",
    "address.building_number",
    "address.additional_number",
    "address.district",
    "address.city",
    "address.postal_code",
)
_ADDRESS = {f.removeprefix("address."): f for f in FIELDS if f.startswith("address.")}
_MAX_LENGTH = {"vat_number": 15, "commercial_registration": 10, "address.building_number": 4,
               "address.additional_number": 4, "address.postal_code": 5}
ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"
RLM = "\u200f"


def field_labels() -> dict[str, str]:
    return {
        "legal_name_ar": tr("CompanyForm", "Legal name (Arabic)"),
        "legal_name_en": tr("CompanyForm", "Legal name (English)"),
        "vat_number": tr("CompanyForm", "VAT number"),
        "commercial_registration": tr("CompanyForm", "Commercial registration"),
        "address.street": tr("CompanyForm", "Street"),
        "address.building_number": tr("CompanyForm", "Building number"),
        "address.additional_number": tr("CompanyForm", "Additional number"),
        "address.district": tr("CompanyForm", "District"),
        "address.city": tr("CompanyForm", "City"),
        "address.postal_code": tr("CompanyForm", "Postal code"),
    }


def field_hints() -> dict[str, str]:
    return {
        "vat_number": tr("CompanyForm", "15 digits, starting and ending with 3"),
        "commercial_registration": tr("CompanyForm", "10 digits"),
        "address.building_number": tr("CompanyForm", "4 digits"),
        "address.additional_number": tr("CompanyForm", "4 digits (optional)"),
        "address.postal_code": tr("CompanyForm", "5 digits"),
    }


def finding_text(finding: Finding, language: str) -> str:
    """One finding for a person: "[RULE] message" and its fix on the next line, in `language`."""
    fix = finding_fix(finding, language)
    text = f"[{finding.rule}] {finding_message(finding, language)}"
    if fix:
        text = f"{text}\n{tr('CompanyForm', 'Fix: {fix}').format(fix=fix)}"
    # In Arabic, each line starts with a right-to-left mark, so that a line opening with the Latin rule id is
    # still laid out right to left.
    return "\n".join(f"{RLM}{line}" for line in text.split("\n")) if language == "ar" else text


class CompanyForm(QWidget):
    """A form over a CompanyProfile; `changed` fires on every edit, `is_valid()` has no error findings."""

    changed = Signal()

    def __init__(self, language: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language = language
        self._base = CompanyProfile("", "", "", "", Address("", "", "", "", ""))
        self._touched: set[str] = set()
        self._reveal = False
        self._extra: list[Finding] = []  # findings from a refused save, shown until the next edit
        self.current: list[Finding] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        for name in FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"edit_{name}")
            if name in _MAX_LENGTH:
                edit.setMaxLength(_MAX_LENGTH[name] + 5)  # room to type a wrong value and see why it is wrong
            edit.textEdited.connect(lambda _text, n=name: self._edited(n))
            message = QLabel()
            message.setObjectName(f"finding_{name}")
            message.setWordWrap(True)
            message.hide()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(message)
            label = QLabel()
            label.setBuddy(edit)
            self.form.addRow(label, box)
            self.edits[name], self.messages[name], self.labels[name] = edit, message, label
        # Findings about fields the form does not show (the country of the address, ...).
        self.other = QLabel()
        self.other.setObjectName("finding_other")
        self.other.setWordWrap(True)
        self.other.hide()
        layout.addWidget(self.other)
        self.retranslate()
        self.validate()

    # --- data ---------------------------------------------------------------------------------------------------

    def profile(self) -> CompanyProfile:
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        address = replace(self._base.address, **{key: values[name] for key, name in _ADDRESS.items()})
        return replace(self._base, address=address, legal_name_ar=values["legal_name_ar"],
                       legal_name_en=values["legal_name_en"], vat_number=values["vat_number"],
                       commercial_registration=values["commercial_registration"])

    def set_profile(self, profile: CompanyProfile) -> None:
        self._base = profile
        values = {"legal_name_ar": profile.legal_name_ar, "legal_name_en": profile.legal_name_en,
                  "vat_number": profile.vat_number, "commercial_registration": profile.commercial_registration,
                  **{name: getattr(profile.address, key) for key, name in _ADDRESS.items()}}
        for name, edit in self.edits.items():
            edit.setText(values[name])
        self._touched.clear()
        self._reveal = True  # a stored profile is shown with everything the rules say about it
        self._extra = []
        self.validate()

    def is_modified(self) -> bool:
        return self.profile() != self._base

    # --- validation ---------------------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        return not any(f.is_error for f in self.current)

    def reveal_all(self) -> None:
        self._reveal = True
        self.validate()

    def show_findings(self, findings: list[Finding]) -> None:
        """Findings the core returned when it refused a save (shown beside their fields until the next edit)."""
        self._extra = list(findings)
        self._reveal = True
        self._render()

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self._extra = []
        self.validate()
        self.changed.emit()

    def validate(self) -> list[Finding]:
        self.current = validate_company(self.profile())
        self._render()
        return self.current

    def _render(self) -> None:
        language = self._language()
        by_field: dict[str, list[Finding]] = {}
        for finding in [*self.current, *(f for f in self._extra if f not in self.current)]:
            by_field.setdefault(finding.field if finding.field in self.messages else "", []).append(finding)
        for name, label in self.messages.items():
            shown = by_field.get(name, []) if (self._reveal or name in self._touched) else []
            label.setVisible(bool(shown))
            label.setText("\n".join(finding_text(f, language) for f in shown))
            label.setStyleSheet(ERROR_STYLE if any(f.is_error for f in shown) else WARNING_STYLE)
            tip = "\n".join(f.fix_ar if language == "ar" and f.fix_ar else f.fix for f in shown)
            label.setToolTip(tip)
            self.edits[name].setToolTip(tip or field_hints().get(name, ""))
        others = by_field.get("", []) if self._reveal else []
        self.other.setVisible(bool(others))
        self.other.setText("\n".join(finding_text(f, language) for f in others))
        self.other.setStyleSheet(ERROR_STYLE if any(f.is_error for f in others) else WARNING_STYLE)

    # --- language -----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        labels, hints = field_labels(), field_hints()
        for name, label in self.labels.items():
            label.setText(labels[name])
            self.edits[name].setPlaceholderText(hints.get(name, ""))
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
