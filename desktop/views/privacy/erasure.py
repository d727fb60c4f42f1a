"""The erasure preview (`ErasureDialog`): what an erasure will erase, and what it keeps under which legal basis and
until when (`core.privacy.preview_erasure`); Erase is enabled only once the clerk confirms having checked the list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QTableWidget, QVBoxLayout

from core.clock import saudi_time
from core.privacy import requests as dsr
from desktop.i18n import format_date, format_int, hijri_text, tr
from desktop.views.privacy.texts import cell, fill_row, make_table, short_subject

if TYPE_CHECKING:
    from desktop.views.privacy.view import PrivacyView


def _fill(table: QTableWidget, items: Sequence[Any], language: str, *, keep: bool) -> None:
    """One row an item of the plan: what, which fields, and the record erased or the basis and end of its hold."""
    from core.privacy import LAWFUL_BASES as BASES

    table.setRowCount(len(items))
    for row, item in enumerate(items):
        description = item.description_ar if language == "ar" and item.description_ar else item.description_en
        cells = [cell(description, tip=description), cell(", ".join(item.fields))]
        if keep:
            basis = BASES.get(item.basis)
            law = (basis.law_ar if language == "ar" else basis.law_en) if basis else item.basis
            cells.append(cell(item.basis, tip=law))
            until = format_date(item.held_until, language) if item.held_until else ""
            cells.append(cell(until, tip=hijri_text(item.held_until, language) if item.held_until else ""))
        else:
            cells.append(cell(item.record))
        fill_row(table, row, cells)


class ErasureDialog(QDialog):
    """The erasure preview: what will be erased, what is kept (basis, until when); Erase only once confirmed."""

    def __init__(self, view: PrivacyView, info: dsr.RequestInfo, plan: Any) -> None:
        super().__init__(view)
        self.setObjectName("erasureDialog")
        self.view, self.info, self.plan = view, info, plan
        language = view.session.language
        self.heading = QLabel(objectName="erasureHeading")
        self.heading.setWordWrap(True)
        self.erase_label, self.keep_label = QLabel(), QLabel()
        self.erase_table = make_table(3, "erasureErase")
        self.keep_table = make_table(4, "erasureKeep")
        _fill(self.erase_table, plan.erase, language, keep=False)
        _fill(self.keep_table, plan.keep, language, keep=True)
        self.confirm = QCheckBox(objectName="erasureConfirm")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setObjectName("erasureRun")
        self.erase_button.setEnabled(False)
        self.confirm.toggled.connect(self.erase_button.setEnabled)
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.erase_label)
        layout.addWidget(self.erase_table, 1)
        layout.addWidget(self.keep_label)
        layout.addWidget(self.keep_table, 1)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self.resize(820, 560)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("PrivacyRequests", "Erase the subject's personal data"))
        text = tr("PrivacyRequests", "Request {ref}: erasing {subject}. Erasure cannot be undone; a signed "
                                     "certificate records what was erased and kept.").format(
            ref=self.info.reference, subject=short_subject(self.info.subject))
        erased_at = self.plan.erased_at
        if erased_at is not None:
            text += "\n" + tr("PrivacyRequests", "This subject was already erased on {date}.").format(
                date=format_date(saudi_time(erased_at).date(), self.view.session.language))
        self.heading.setText(text)
        self.erase_label.setText(tr("PrivacyRequests", "Will be erased ({n})").format(
            n=format_int(len(self.plan.erase))))
        self.keep_label.setText(tr("PrivacyRequests", "Will be kept, restricted, until the hold ends ({n})").format(
            n=format_int(len(self.plan.keep))))
        self.erase_table.setHorizontalHeaderLabels([tr("PrivacyRequests", "What"), tr("PrivacyRequests", "Fields"),
                                                    tr("PrivacyRequests", "Record")])
        self.keep_table.setHorizontalHeaderLabels([tr("PrivacyRequests", "What"), tr("PrivacyRequests", "Fields"),
                                                   tr("PrivacyRequests", "Legal basis"),
                                                   tr("PrivacyRequests", "Kept until")])
        self.confirm.setText(tr("PrivacyRequests", "I have checked the list: erase this subject's personal data now."))
        self.erase_button.setText(tr("PrivacyRequests", "Erase"))
