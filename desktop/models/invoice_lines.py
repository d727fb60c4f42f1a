"""The lines of the invoice editor: what the person typed, cell by cell, and the figures core computed for them.

Cells keep the text as typed (so "12,5" or "abc" stays visible and its finding sits on it); `lines()` turns the
rows into core `InvoiceLine`s, reading anything that is not a number as NaN for `validate` to report. Totals and
findings are pushed in by the editor from `core`; this model computes nothing itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from core.findings import Finding
from core.invoicing import InvoiceLine, LineTotals, Product, VatCategory, default_rate
from desktop.errors import finding_fix, finding_message
from desktop.i18n import tr

NAME, NAME_AR, QUANTITY, PRICE, DISCOUNT, CATEGORY, RATE, EXEMPTION, REASON, NET, VAT, TOTAL = range(12)
EDITABLE = (NAME, NAME_AR, QUANTITY, PRICE, DISCOUNT, CATEGORY, RATE, EXEMPTION, REASON)
TEXT_COLUMNS = (NAME, NAME_AR, CATEGORY, EXEMPTION, REASON)  # the rest are numbers, aligned right
EXEMPTION_COLUMNS = (EXEMPTION, REASON)  # only standard-rated lines go without them
# The finding field of each column (the part after "lines[i].").
FIELDS = {"name": NAME, "name_ar": NAME_AR, "quantity": QUANTITY, "unit_price": PRICE, "discount": DISCOUNT,
          "vat_category": CATEGORY, "vat_rate": RATE, "exemption_reason_code": EXEMPTION, "exemption_reason": REASON,
          "unit_code": NAME, "product_id": NAME}
ERROR_BACKGROUND = QColor("#fde0dc")
WARNING_BACKGROUND = QColor("#fff3cd")
FINDING_ROLE = Qt.ItemDataRole.UserRole + 1  # the findings on a cell, as a list

Index = QModelIndex | QPersistentModelIndex

# Arabic-Indic and Eastern Arabic-Indic digits, the Arabic decimal and thousands separators → ASCII.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")


def parse_decimal(text: str) -> Decimal:
    """The number a person typed ("1,250.5", "١٢٫٥"); NaN when it is none, so that validation reports it."""
    cleaned = text.strip().translate(_DIGITS).replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return Decimal("NaN")
    return value if value.is_finite() else Decimal("NaN")


def decimal_text(value: Decimal) -> str:
    return format(value, "f")


@dataclass
class LineRow:
    """One row as typed."""

    name: str = ""
    quantity: str = "1"
    unit_price: str = ""
    discount: str = "0"
    vat_category: str = "S"
    vat_rate: str = "15"
    exemption_reason_code: str = ""
    exemption_reason: str = ""
    unit_code: str = "PCE"
    product_id: uuid.UUID | None = None
    totals: LineTotals | None = field(default=None)
    name_ar: str = ""  # printed on the Arabic side; from the product, or typed

    @property
    def blank(self) -> bool:
        return not self.name.strip() and not self.unit_price.strip()

    @classmethod
    def of(cls, line: InvoiceLine) -> LineRow:
        return cls(line.name, decimal_text(line.quantity), decimal_text(line.unit_price), decimal_text(line.discount),
                   line.vat_category.value, decimal_text(line.vat_rate), line.exemption_reason_code,
                   line.exemption_reason, line.unit_code, line.product_id, name_ar=line.name_ar)

    def line(self) -> InvoiceLine:
        try:
            category = VatCategory(self.vat_category.strip().upper())
        except ValueError:
            category = VatCategory.STANDARD  # the combo offers only valid ones; typed text falls back
        return InvoiceLine(name=self.name.strip(), quantity=parse_decimal(self.quantity),
                           unit_price=parse_decimal(self.unit_price), discount=parse_decimal(self.discount or "0"),
                           vat_category=category, vat_rate=parse_decimal(self.vat_rate),
                           exemption_reason_code=self.exemption_reason_code.strip(),
                           exemption_reason=self.exemption_reason.strip(), unit_code=self.unit_code or "PCE",
                           product_id=self.product_id, name_ar=self.name_ar.strip())


def column_titles() -> list[str]:
    return [tr("InvoiceLines", "Item"), tr("InvoiceLines", "Arabic name"), tr("InvoiceLines", "Quantity"),
            tr("InvoiceLines", "Unit price"), tr("InvoiceLines", "Discount"), tr("InvoiceLines", "VAT category"),
            tr("InvoiceLines", "VAT %"),
            tr("InvoiceLines", "Exemption code"), tr("InvoiceLines", "Exemption reason"),
            tr("InvoiceLines", "Net"), tr("InvoiceLines", "VAT"),
            tr("InvoiceLines", "Total")]


class InvoiceLinesModel(QAbstractTableModel):
    edited = Signal()  # a cell changed, a row was added or removed

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.rows: list[LineRow] = []
        self.read_only = False
        self.language = "en"
        self._products: dict[str, Product] = {}
        self._findings: dict[tuple[int, int], list[Finding]] = {}

    # --- content ---------------------------------------------------------------------------------------------

    def set_products(self, products: Sequence[Product]) -> None:
        """Products the name column completes from, found by name, Arabic name or SKU (case-insensitive)."""
        self._products = {}
        for product in products:
            for key in (product.sku, product.name_ar, product.name):
                if key.strip():
                    self._products[key.strip().casefold()] = product

    def product_for(self, text: str) -> Product | None:
        return self._products.get(text.strip().casefold())

    def set_lines(self, lines: Sequence[InvoiceLine]) -> None:
        self.beginResetModel()
        self.rows = [LineRow.of(line) for line in lines]
        self._findings = {}
        self.endResetModel()

    def lines(self) -> tuple[tuple[InvoiceLine, ...], list[int]]:
        """The document's lines (blank rows left out) and, for each, the row it came from."""
        rows = [i for i, row in enumerate(self.rows) if not row.blank]
        return tuple(self.rows[i].line() for i in rows), rows

    def add_row(self) -> int:
        position = len(self.rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(LineRow())
        self.endInsertRows()
        self.edited.emit()
        return position

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        self._findings = {}
        self.edited.emit()

    def set_totals(self, totals: Sequence[LineTotals], rows: Sequence[int]) -> None:
        for row in self.rows:
            row.totals = None
        for line_totals, row_number in zip(totals, rows, strict=True):
            self.rows[row_number].totals = line_totals
        if self.rows:
            self.dataChanged.emit(self.index(0, NET), self.index(len(self.rows) - 1, TOTAL))

    def set_findings(self, findings: dict[tuple[int, int], list[Finding]]) -> None:
        self._findings = findings
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, TOTAL))

    def entry_columns(self, row: int) -> list[int]:
        """The cells Enter walks through on a row: a standard-rated line has no exemption to give."""
        standard = self.rows[row].vat_category.strip().upper() == VatCategory.STANDARD.value
        # The Arabic name comes with a product; typed by hand it is a click away, not a stop on every row.
        return [c for c in EDITABLE if c != NAME_AR and not (standard and c in EXEMPTION_COLUMNS)]

    def findings_at(self, row: int, column: int) -> list[Finding]:
        return self._findings.get((row, column), [])

    # --- Qt model --------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  # Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else TOTAL + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return column_titles()[section]
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in EDITABLE and not self.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, column, role == Qt.ItemDataRole.EditRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in TEXT_COLUMNS:
            return int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight)
        found = self._findings.get((index.row(), column), [])
        if role == FINDING_ROLE:
            return found
        if found and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(ERROR_BACKGROUND if any(f.is_error for f in found) else WARNING_BACKGROUND)
        if found and role == Qt.ItemDataRole.ToolTipRole:
            return "\n\n".join(f"{finding_message(f, self.language)}\n{f.rule} — {finding_fix(f, self.language)}"
                                 for f in found)
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME and row.product_id is not None:
            return tr("InvoiceLines", "From the product list")
        return None

    def _text(self, row: LineRow, column: int, editing: bool) -> str:
        typed = {NAME: row.name, NAME_AR: row.name_ar, QUANTITY: row.quantity, PRICE: row.unit_price,
                 DISCOUNT: row.discount, CATEGORY: row.vat_category, RATE: row.vat_rate,
                 EXEMPTION: row.exemption_reason_code, REASON: row.exemption_reason}
        if column in typed:
            return typed[column]
        if row.totals is None:
            return ""
        value = {NET: row.totals.net, VAT: row.totals.vat, TOTAL: row.totals.gross}[column]
        return f"{value:,.2f}" if value.is_finite() else "—"

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in EDITABLE or self.read_only:
            return False
        row, column, text = self.rows[index.row()], index.column(), str(value if value is not None else "")
        if column == NAME:
            self._set_name(row, text)
            first, last = self.index(index.row(), 0), self.index(index.row(), TOTAL)
        else:
            attribute = {NAME_AR: "name_ar", QUANTITY: "quantity", PRICE: "unit_price", DISCOUNT: "discount",
                         CATEGORY: "vat_category", RATE: "vat_rate", EXEMPTION: "exemption_reason_code",
                         REASON: "exemption_reason"}[column]
            if getattr(row, attribute) == text:
                return True
            setattr(row, attribute, text)
            if column == CATEGORY:
                row.vat_rate = decimal_text(default_rate(row.line().vat_category))  # core's rate for the category
            first, last = index, self.index(index.row(), TOTAL)
        self.dataChanged.emit(first, last)
        self.edited.emit()
        return True

    def _set_name(self, row: LineRow, text: str) -> None:
        product = self.product_for(text)
        if product is None:
            if row.product_id is not None and text.strip() != row.name:
                row.product_id = None  # typed by hand: no longer that product
            row.name = text
            return
        row.name = product.name_ar if self.language == "ar" and product.name_ar and \
            text.strip().casefold() == product.name_ar.casefold() else product.name
        row.unit_price = decimal_text(product.unit_price)
        row.vat_category = product.vat_category.value
        row.vat_rate = decimal_text(product.vat_rate)
        row.exemption_reason_code, row.exemption_reason = product.exemption_reason_code, product.exemption_reason
        row.unit_code, row.product_id = product.unit_code, product.id
        row.name_ar = product.name_ar
        if not row.quantity.strip():
            row.quantity = "1"
