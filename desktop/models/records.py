"""A table model over a paged core listing (customers, products): rows are read in batches as the view scrolls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
BATCH = 200


@dataclass(frozen=True)
class RecordColumn(Generic[T]):
    header: Callable[[], str]
    text: Callable[[T], str]
    amount: bool = False


class RecordListModel(QAbstractTableModel):
    """`fetch(search, offset, limit)` reads one batch; `canFetchMore`/`fetchMore` read the next on demand."""

    failed = Signal(object)

    def __init__(self, columns: Sequence[RecordColumn[Any]], fetch: Callable[[str, int, int], list[Any]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch = fetch
        self.search = ""
        self.records: list[Any] = []
        self._exhausted = True

    def reload(self, search: str | None = None) -> None:
        if search is not None:
            self.search = search
        self.beginResetModel()
        self.records, self._exhausted = [], False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def record_at(self, row: int) -> Any:
        return self.records[row] if 0 <= row < len(self.records) else None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted:
            return
        try:
            batch = self._fetch(self.search, len(self.records), BATCH)
        except Exception as exc:  # shown by the view; the rows read so far stay
            self._exhausted = True
            self.failed.emit(exc)
            return
        self._exhausted = len(batch) < BATCH
        if batch:
            first = len(self.records)
            self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
            self.records.extend(batch)
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].header()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record_at(index.row()) if index.isValid() else None
        if record is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.amount else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == RECORD_ROLE:
            return record
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.records) - 1, len(self.columns) - 1))
