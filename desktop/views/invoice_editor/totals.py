"""The editor's totals panel: the document's sums as core computed them (`compute_totals`), in its currency."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from core.invoicing import InvoiceDraft, Totals
from desktop.i18n import format_money, tr

TOTALS = ("line_extension", "allowances", "tax_exclusive", "tax_total", "tax_inclusive", "payable")


def _caption(key: str) -> str:
    return {"line_extension": tr("InvoiceEditor", "Lines"),
            "allowances": tr("InvoiceEditor", "Charges less allowances"),
            "tax_exclusive": tr("InvoiceEditor", "Total without VAT"),
            "tax_total": tr("InvoiceEditor", "VAT"),
            "tax_inclusive": tr("InvoiceEditor", "Total with VAT"),
            "payable": tr("InvoiceEditor", "Amount due")}[key]


class TotalsPanel(QGroupBox):
    """One row a total: its caption and its amount (objectName `total_<key>`); "—" while a line is not a number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.labels = {key: (QLabel(), QLabel(objectName=f"total_{key}")) for key in TOTALS}
        for caption, value in self.labels.values():
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.addRow(caption, value)

    def show_totals(self, totals: Totals, draft: InvoiceDraft, language: str) -> None:
        values: dict[str, Decimal] = {
            "line_extension": totals.line_extension, "allowances": totals.charge_total - totals.allowance_total,
            "tax_exclusive": totals.tax_exclusive, "tax_total": totals.tax_total,
            "tax_inclusive": totals.tax_inclusive, "payable": totals.payable}
        for key, value in values.items():
            text = format_money(value, language, draft.currency) if value.is_finite() else "—"
            self.labels[key][1].setText(text)
        for label in self.labels["allowances"]:  # a document without charges or allowances does not show the row
            label.setVisible(bool(draft.allowances))

    def retranslate(self) -> None:
        self.setTitle(tr("InvoiceEditor", "Totals"))
        for key, (caption, _value) in self.labels.items():
            caption.setText(_caption(key))
