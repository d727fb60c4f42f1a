"""The editor's lines: a keyboard-first table over `InvoiceLinesModel`, its cell editors, and the findings on the
lines as a whole (the figures and the findings of each cell are the model's, `desktop.models.invoice_lines`)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.findings import Finding
from core.invoicing import VATEX_CODES, VatCategory
from desktop.errors import finding_message
from desktop.i18n import tr
from desktop.models.invoice_lines import CATEGORY, EDITABLE, EXEMPTION, NAME, NAME_AR, REASON, InvoiceLinesModel
from desktop.views.invoice_editor.findings import colour_of, hover_text


def category_text(category: VatCategory) -> str:
    return {VatCategory.STANDARD: tr("InvoiceLines", "S — Standard rate"),
            VatCategory.ZERO: tr("InvoiceLines", "Z — Zero rated"),
            VatCategory.EXEMPT: tr("InvoiceLines", "E — Exempt"),
            VatCategory.OUT_OF_SCOPE: tr("InvoiceLines", "O — Out of scope")}[category]


class LineDelegate(QStyledItemDelegate):
    """Editors of the line cells: product completion on the item, a category list, VATEX completion."""

    def __init__(self, model: InvoiceLinesModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.lines = model
        self.product_names: list[str] = []

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        column = index.column()
        if column == CATEGORY:
            combo = QComboBox(parent)
            for category in VatCategory:
                combo.addItem(category_text(category), category.value)
            return combo
        edit = QLineEdit(parent)
        edit.setFrame(False)
        words = self.product_names if column == NAME else sorted(set().union(*VATEX_CODES.values())) \
            if column == EXEMPTION else []
        if words:
            completer = QCompleter(words, edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            edit.setCompleter(completer)
        if column == NAME_AR:
            edit.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # typed in Arabic, from the right
        if column not in (NAME, NAME_AR, EXEMPTION, REASON):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: object, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            self.lines.setData(index, editor.currentData())
        else:
            super().setModelData(editor, model, index)  # type: ignore[arg-type]


class LinesTable(QTableView):
    """Keyboard-first line entry: type to edit, Tab or Enter to move on, Enter on the last cell adds a line,
    Delete removes the current line."""

    def __init__(self, model: InvoiceLinesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = model
        self.setModel(model)
        self.setObjectName("lines")
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.SelectedClicked)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.setColumnWidth(NAME, 220)
        self.setColumnWidth(NAME_AR, 160)
        self.setColumnWidth(REASON, 180)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter: move on like a spreadsheet
            current = self.currentIndex()
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            self.advance(current)
            return
        super().closeEditor(editor, hint)

    def advance(self, index: QModelIndex) -> None:
        """From a cell to the next one to type in; past the last cell of the last line, a new line."""
        if not index.isValid() or self.lines.read_only:
            return
        row, column = index.row(), index.column()
        following = [c for c in self.lines.entry_columns(row) if c > column]
        if following:
            target = self.lines.index(row, following[0])
        else:
            if row == self.lines.rowCount() - 1:
                self.lines.add_row()
            target = self.lines.index(row + 1, NAME)
        self.setCurrentIndex(target)
        self.edit(target)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and not self.lines.read_only:
            if key == Qt.Key.Key_Delete and self.currentIndex().isValid():
                row = self.currentIndex().row()
                self.lines.remove_row(row)
                if self.lines.rowCount():
                    self.setCurrentIndex(self.lines.index(min(row, self.lines.rowCount() - 1), NAME))
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                current = self.currentIndex()
                if current.isValid() and current.column() in EDITABLE:
                    self.edit(current)
                elif self.lines.rowCount() == 0:
                    self.lines.add_row()
                    self.setCurrentIndex(self.lines.index(0, NAME))
                    self.edit(self.currentIndex())
                return
        super().keyPressEvent(event)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Tab from the item goes on to the quantity, as it always did: the Arabic name beside it usually comes
        with the product; the arrow keys or a click reach it."""
        target = super().moveCursor(action, modifiers)
        tabs = (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious)
        if action in tabs and target.isValid() and target.column() == NAME_AR:
            step = 1 if action == QAbstractItemView.CursorAction.MoveNext else -1
            return self.lines.index(target.row(), NAME_AR + step)
        return target


class LinesPanel(QWidget):
    """The table, the findings about the lines as a whole under it (e.g. "no line"), and how to type in it."""

    def __init__(self, model: InvoiceLinesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = LinesTable(model)
        self.delegate = LineDelegate(model, self.table)
        self.table.setItemDelegate(self.delegate)
        self.hint = QLabel(objectName="linesHint")
        self.hint.setWordWrap(True)
        self.finding = QLabel(objectName="linesFinding")
        self.finding.setWordWrap(True)
        self.finding.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.finding)
        layout.addWidget(self.hint)

    def show_findings(self, findings: list[Finding], language: str) -> None:
        """The findings that name the lines but no one cell: under the table, and its border in their colour."""
        if not findings:
            self.finding.hide()
            self.table.setStyleSheet("")
            return
        color = colour_of(findings)
        self.finding.setText("\n".join(finding_message(f, language) for f in findings))
        self.finding.setToolTip(hover_text(findings, language))
        self.finding.setStyleSheet(f"color: {color};")
        self.finding.show()
        self.table.setStyleSheet(f"QTableView {{ border: 2px solid {color}; }}")

    def go_to(self, row: int, column: int) -> None:
        """Put the cursor on a cell (on the table alone when it has no line)."""
        model = self.table.lines
        if model.rowCount():
            index = model.index(row, column)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.hint.setText(tr("InvoiceEditor", "Type an item name or code; Tab moves to the next cell, Enter on "
                                              "the last cell adds a line, Delete removes the current line."))
