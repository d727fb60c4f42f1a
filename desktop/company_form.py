"""The company profile form, shared by the first-run wizard and the Settings view.

Every field is checked as it is typed with the core's own rules (`core.invoicing.rules.validate_company`), and
each finding is shown under its field with the rule id, the message and the fix, in the UI language. A field's
findings appear once it has been edited (or after `reveal_all()`), so an empty form does not start out red.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.findings import Finding
from core.invoicing import SELLER_ID_SCHEMES, Address, CompanyProfile, IdScheme, validate_company
from desktop.errors import finding_fix, finding_message
from desktop.i18n import tr

# Field paths as the core's findings name them, in the order of the form.
FIELDS = (
    "legal_name_ar",
    "legal_name_en",
    "vat_number",
    "id_scheme",  # a combo box of the schemes BR-KSA-08 allows; every other field is a line edit
    "id_value",
    "address.street",
    "address.building_number",
    "address.additional_number",
    "address.district",
    "address.city",
    "address.postal_code",
)
_ADDRESS = {f.removeprefix("address."): f for f in FIELDS if f.startswith("address.")}
_MAX_LENGTH = {"vat_number": 15, "address.building_number": 4,
               "address.additional_number": 4, "address.postal_code": 5}
ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5a00;"
RLM = "\u200f"


def field_labels() -> dict[str, str]:
    return {
        "legal_name_ar": tr("CompanyForm", "Legal name (Arabic)"),
        "legal_name_en": tr("CompanyForm", "Legal name (English)"),
        "vat_number": tr("CompanyForm", "VAT number"),
        "id_scheme": tr("CompanyForm", "Seller identification"),
        "id_value": tr("CompanyForm", "Identification number"),
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
        "id_value": tr("CompanyForm", "letters and digits"),
        "address.building_number": tr("CompanyForm", "4 digits"),
        "address.additional_number": tr("CompanyForm", "4 digits (optional)"),
        "address.postal_code": tr("CompanyForm", "5 digits"),
    }


def scheme_names() -> dict[IdScheme, str]:
    """The seller id schemes as offered (BR-KSA-08's order: a seller with several gives the first it has)."""
    return {
        IdScheme.CRN: tr("CompanyForm", "Commercial registration (CRN)"),
        IdScheme.MOM: tr("CompanyForm", "MOMRAH licence (MOM)"),
        IdScheme.MLS: tr("CompanyForm", "MHRSD licence (MLS)"),
        IdScheme.N700: tr("CompanyForm", "700 number (700)"),
        IdScheme.SAG: tr("CompanyForm", "MISA licence (SAG)"),
        IdScheme.OTH: tr("CompanyForm", "Other ID (OTH)"),
    }


def value_hints() -> dict[IdScheme, str]:
    """What the number looks like under each scheme (BR-KSA-F-08, BR-KSA-F-09; BR-KSA-08 for the others)."""
    return {IdScheme.CRN: tr("CompanyForm", "10 digits"),
            IdScheme.N700: tr("CompanyForm", "10 digits starting with 7")}


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
        self.scheme = QComboBox()
        self.scheme.setObjectName("edit_id_scheme")
        for scheme in SELLER_ID_SCHEMES:
            self.scheme.addItem(scheme.value, scheme.value)
        self.scheme.activated.connect(lambda _index: self._edited("id_scheme"))
        for name in FIELDS:
            edit: QWidget = self.scheme if name == "id_scheme" else self._line_edit(name)
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
            self.messages[name], self.labels[name] = message, label
        # Findings about fields the form does not show (the country of the address, ...).
        self.other = QLabel()
        self.other.setObjectName("finding_other")
        self.other.setWordWrap(True)
        self.other.hide()
        layout.addWidget(self.other)
        self.retranslate()
        self.validate()

    def _line_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"edit_{name}")
        if name in _MAX_LENGTH:
            edit.setMaxLength(_MAX_LENGTH[name] + 5)  # room to type a wrong value and see why it is wrong
        edit.textEdited.connect(lambda _text, n=name: self._edited(n))
        self.edits[name] = edit
        return edit

    # --- data ---------------------------------------------------------------------------------------------------

    def scheme_value(self) -> IdScheme:
        return IdScheme(self.scheme.currentData() or IdScheme.CRN.value)

    def set_scheme(self, scheme: IdScheme) -> None:
        """Select `scheme` as a person would (a buyer-only scheme found in an old profile is added to be seen)."""
        index = self.scheme.findData(scheme.value)
        if index < 0:
            self.scheme.addItem(scheme.value, scheme.value)
            index = self.scheme.count() - 1
        self.scheme.setCurrentIndex(index)

    def profile(self) -> CompanyProfile:
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        address = replace(self._base.address, **{key: values[name] for key, name in _ADDRESS.items()})
        return replace(self._base, address=address, legal_name_ar=values["legal_name_ar"],
                       legal_name_en=values["legal_name_en"], vat_number=values["vat_number"],
                       id_scheme=self.scheme_value(), id_value=values["id_value"])

    def set_profile(self, profile: CompanyProfile) -> None:
        self._base = profile
        values = {"legal_name_ar": profile.legal_name_ar, "legal_name_en": profile.legal_name_en,
                  "vat_number": profile.vat_number, "id_value": profile.id_value,
                  **{name: getattr(profile.address, key) for key, name in _ADDRESS.items()}}
        self.set_scheme(profile.id_scheme)
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
        if name == "id_scheme":
            self._touched.add("id_value")  # the number is now checked against the new scheme's rules
            self.edits["id_value"].setPlaceholderText(self._hint("id_value"))
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
            (self.scheme if name == "id_scheme" else self.edits[name]).setToolTip(tip or self._hint(name))
        others = by_field.get("", []) if self._reveal else []
        self.other.setVisible(bool(others))
        self.other.setText("\n".join(finding_text(f, language) for f in others))
        self.other.setStyleSheet(ERROR_STYLE if any(f.is_error for f in others) else WARNING_STYLE)

    # --- language -----------------------------------------------------------------------------------------------

    def _hint(self, name: str) -> str:
        if name == "id_value":
            return value_hints().get(self.scheme_value(), field_hints()["id_value"])
        return field_hints().get(name, "")

    def retranslate(self) -> None:
        labels = field_labels()
        for name, label in self.labels.items():
            label.setText(labels[name])
        for name, edit in self.edits.items():
            edit.setPlaceholderText(self._hint(name))
        for index, text in enumerate(scheme_names().values()):
            self.scheme.setItemText(index, text)
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
