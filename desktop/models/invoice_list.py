"""The invoice list's item model: 100 000 documents without holding them.

The selection (filters and order, both done by SQLite through `core.invoicing.browse`) is read once as a list
of compact keys in a background job; rows are then read a page at a time, by key, also in the background, when
the view first asks for one (showing "…" meanwhile), and only the most recent pages are kept: the UI thread
only formats and paints. Sorting by a header asks the database for a new order.
A page that cannot be read shows its error in its rows instead of failing the view.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from core.invoicing import BrowseFilter, BrowseSort, InvoiceRow, browse
from core.payments import keep_paid, paid_states
from desktop.badges import BADGE_ROLE, badge_text
from desktop.errors import user_message
from desktop.i18n import format_date, format_money, tr
from desktop.jobs import Job
from desktop.session import AppSession
from desktop.style import invoice_badge

log = logging.getLogger(__name__)
PAGE = 50  # rows read at once (a screenful or two)
KEEP_PAGES = 60  # pages kept (3 000 rows); older ones are dropped and read again if needed
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the InvoiceRow (None while not loaded or failed)
Index = QModelIndex | QPersistentModelIndex


def status_text(value: str) -> str:
    return {"draft": tr("InvoiceList", "Draft"), "issued": tr("InvoiceList", "Issued")}.get(value, value)


def kind_text(value: str) -> str:
    return {"standard": tr("InvoiceList", "Standard (B2B)"),
            "simplified": tr("InvoiceList", "Simplified (B2C)")}.get(value, value)


def type_text(value: str) -> str:
    return {"invoice": tr("InvoiceList", "Invoice"), "credit_note": tr("InvoiceList", "Credit note"),
            "debit_note": tr("InvoiceList", "Debit note")}.get(value, value)


def zatca_text(value: str) -> str:
    return {"none": tr("InvoiceList", "Not submitted"), "pending": tr("InvoiceList", "Pending"),
            "sending": tr("InvoiceList", "Sending"), "done": tr("InvoiceList", "Accepted"),
            "rejected": tr("InvoiceList", "Rejected")}.get(value, value)


def paid_text(value: str) -> str:
    return {"outstanding": tr("InvoiceList", "Outstanding"), "partly_paid": tr("InvoiceList", "Partly paid"),
            "paid": tr("InvoiceList", "Paid"), "overpaid": tr("InvoiceList", "Overpaid")}.get(value, value)


def paid_tip(value: str) -> str:
    """The paid badge's tooltip: the state in full (the badge is short), and for overpaid, its finding."""
    if value == "overpaid":  # the finding QAYD-PAY-OVERPAID, said where the clerk sees it
        return tr("InvoiceList", "Overpaid: a finding. Money to give back, or a payment meant for another invoice.")
    return paid_text(value)


def short_kind_text(value: str) -> str:
    """The kind in the list's column (the full name, with B2B or B2C, is its tooltip): room for the paid column."""
    return {"standard": tr("InvoiceList", "Standard"),
            "simplified": tr("InvoiceList", "Simplified")}.get(value, value)


def _customer(row: InvoiceRow, lang: str) -> str:
    if lang == "ar" and row.customer_name_ar:
        return row.customer_name_ar
    return row.customer_name or tr("InvoiceList", "(no buyer)")


def badge_of(row: InvoiceRow) -> str:
    """The status badge: draft, or what ZATCA made of the issued document (cleared, reported, waiting, …)."""
    return invoice_badge(row.status, row.zatca_state, row.kind)


@dataclass(frozen=True)
class Column:
    """One column, declared once: its sort key in the database, header, text and alignment.

    `samples(lang)` are the widest texts the column shows (the view sizes it to them, so the list fits the window
    without measuring 100 000 rows); a column without samples takes the width left over.
    """

    sort_key: str
    header: Callable[[], str]
    text: Callable[[InvoiceRow, str], str]
    amount: bool = False
    samples: Callable[[str], list[str]] | None = None
    badge: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("number", lambda: tr("InvoiceList", "Number"), lambda r, lang: r.number,
           samples=lambda lang: ["DEMO-2026-000000"]),
    # The day only (the time and the Hijri date are in the cell's tooltip): it fits the default window.
    Column("issue_datetime", lambda: tr("InvoiceList", "Date"), lambda r, lang: r.issue_datetime.date().isoformat(),
           samples=lambda lang: ["0000-00-00"]),
    Column("customer", lambda: tr("InvoiceList", "Customer"), _customer),
    Column("kind", lambda: tr("InvoiceList", "Kind"), lambda r, lang: short_kind_text(r.kind),
           samples=lambda lang: [short_kind_text(k) for k in ("standard", "simplified")]),
    Column("type", lambda: tr("InvoiceList", "Type"), lambda r, lang: type_text(r.type),
           samples=lambda lang: [type_text(t) for t in ("invoice", "credit_note", "debit_note")]),
    Column("status", lambda: tr("InvoiceList", "Status"), lambda r, lang: badge_text(badge_of(r)), badge=True,
           samples=lambda lang: [badge_text(k) for k in BADGE_KEYS]),
    # Filled from the page's paid states (one read per window), not from the row: see `_texts`.
    Column("paid_status", lambda: tr("InvoiceList", "Payment"), lambda r, lang: "", badge=True,
           samples=lambda lang: [badge_text(k) for k in PAID_KEYS]),
    Column("payable", lambda: tr("InvoiceList", "Total"),
           lambda r, lang: format_money(r.payable, lang, r.currency), amount=True,
           samples=lambda lang: [format_money(Decimal("9999999.99"), lang)]),
    Column("tax_total", lambda: tr("InvoiceList", "VAT"),
           lambda r, lang: format_money(r.tax_total, lang, r.currency), amount=True,
           samples=lambda lang: [format_money(Decimal("999999.99"), lang)]),
)
BADGE_KEYS = ("draft", "issued", "waiting", "sending", "cleared", "reported", "rejected")
PAID_KEYS = ("outstanding", "partly_paid", "paid", "overpaid")
STATUS_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.badge)
PAID_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.sort_key == "paid_status")
KIND_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.sort_key == "kind")
DATE_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.sort_key == "issue_datetime")


_DISPLAY, _TIP, _ALIGN = (int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                            Qt.ItemDataRole.TextAlignmentRole))
_ROLES = frozenset({_DISPLAY, _TIP, _ALIGN, int(ROW_ROLE), BADGE_ROLE})
_ALIGNMENTS = [int((Qt.AlignmentFlag.AlignRight if c.amount else Qt.AlignmentFlag.AlignLeft)
                   | Qt.AlignmentFlag.AlignVCenter) for c in COLUMNS]


@dataclass
class _Page:
    rows: list[InvoiceRow | None]
    texts: list[tuple[str, ...] | None]  # formatted when a row is first shown
    paid: dict[str, str] = field(default_factory=dict)  # paid state by key: issued invoices only
    error: BaseException | None = None


class InvoiceListModel(QAbstractTableModel):
    loaded = Signal(int)  # the selection was (re)read: how many rows it has
    loading = Signal()  # a new selection is being read
    failed = Signal(object)  # reading the selection or a page failed: the exception

    def __init__(self, session: AppSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.filter = BrowseFilter()
        self.paid: str | None = None  # only issued invoices in this paid state (issue 15); None: any
        self.order = BrowseSort()
        self.language = session.language
        self._keys: list[str] = []
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._job: Job | None = None
        self._generation = 0  # of the selection asked for
        self._keys_version = 0  # of the selection shown (pages read for another are dropped)
        self._pending: set[int] = set()
        self.is_loading = False
        self.pages_read = 0  # how many pages were read from the store (tests, benchmarks)

    # --- the selection -------------------------------------------------------------------------------------

    def set_filter(self, f: BrowseFilter, paid: str | None = None) -> None:
        if f != self.filter or paid != self.paid:
            self.filter, self.paid = f, paid
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort_key not in browse.SORT_COLUMNS:
            return  # the paid state is computed, not stored: the database cannot sort by it
        wanted = BrowseSort(COLUMNS[column].sort_key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self.order:
            self.order = wanted
            self.reload()

    def reload(self) -> None:
        """Read the selection again (in the background); the rows shown stay until the new one arrives."""
        if self._job is not None:
            self._job.cancel()
        self._generation += 1
        generation, f, order, paid, ctx = self._generation, self.filter, self.order, self.paid, self.session.ctx

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> list[str]:
            with ctx.uow(write=False) as uow:  # this thread's own unit of work
                keys = browse.keys(uow, f, order)
                return keep_paid(uow, keys, paid) if paid else keys

        job = Job(work, "invoice-list")
        job.signals.succeeded.connect(lambda keys: self._arrived(generation, keys))
        job.signals.failed.connect(lambda exc: self._failed(generation, exc))
        self._job = job
        self.is_loading = True
        self.loading.emit()
        self.session.pool.start(job)

    def _arrived(self, generation: int, keys: list[str]) -> None:
        if generation != self._generation:
            return  # a newer selection was asked for meanwhile
        self.is_loading, self._job = False, None
        self.beginResetModel()
        self._keys = keys
        self._keys_version += 1
        self._pages.clear()
        self._pending.clear()
        self.endResetModel()
        self.loaded.emit(len(keys))

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.is_loading, self._job = False, None
            self.failed.emit(exc)

    def set_language(self, language: str) -> None:
        if language != self.language:
            self.language = language
            for page in self._pages.values():
                page.texts = [None] * len(page.rows)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._keys:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._keys) - 1, len(COLUMNS) - 1))

    # --- rows ------------------------------------------------------------------------------------------------

    def key_at(self, row: int) -> str | None:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def row_of(self, key: str) -> int:
        try:
            return self._keys.index(key)
        except ValueError:
            return -1

    def invoice_at(self, row: int) -> InvoiceRow | None:
        """The row's document, or None while its page is being read (or failed)."""
        if not 0 <= row < len(self._keys):
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        return page.rows[offset] if page is not None and page.error is None and offset < len(page.rows) else None

    @property
    def reading_pages(self) -> bool:
        """Pages asked for and not arrived yet."""
        return bool(self._pending)

    def cached_rows(self) -> int:
        return sum(len(p.rows) for p in self._pages.values())

    def _texts(self, row: InvoiceRow | None, paid: dict[str, str]) -> tuple[str, ...]:
        if row is None:
            return ("—",) + ("",) * (len(COLUMNS) - 1)
        texts = [c.text(row, self.language) for c in COLUMNS]
        state = paid.get(row.key)
        texts[PAID_COLUMN] = badge_text(state) if state else ""  # drafts and notes: no paid state
        return tuple(texts)

    def _page(self, number: int) -> _Page | None:
        """The page if read; otherwise ask for it in the background (the rows show "…" until it arrives)."""
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        self._request(number)
        return self._pages.get(number)  # a synchronous pool (tests) has already delivered it

    def _request(self, number: int) -> None:
        if number in self._pending:
            return
        self._pending.add(number)
        version, wanted, ctx = self._keys_version, self._keys[number * PAGE : (number + 1) * PAGE], self.session.ctx

        def work(progress: Callable[[float, str], None],
                 cancelled: Callable[[], bool]) -> tuple[list[InvoiceRow], dict[str, str]]:
            with ctx.uow(write=False) as uow:  # this thread's own unit of work
                rows = browse.rows(uow, wanted)
                states = paid_states(uow, [r.id for r in rows])  # the window's, in a bounded number of queries
                return rows, {i.hex: state for i, state in states.items()}

        job = Job(work, "invoice-page")
        job.signals.succeeded.connect(lambda found: self._page_arrived(version, number, wanted, found, None))
        job.signals.failed.connect(lambda exc: self._page_arrived(version, number, wanted, ([], {}), exc))
        self.session.pool.start(job)

    def _page_arrived(self, version: int, number: int, wanted: list[str],
                      found: tuple[list[InvoiceRow], dict[str, str]], error: BaseException | None) -> None:
        if version != self._keys_version:
            return  # read for a selection no longer shown
        self._pending.discard(number)
        self.pages_read += 1
        if error is not None:  # shown in the rows and reported, never a crash of the view
            log.debug("invoice page %d failed: %s", number, type(error).__name__)
            page = _Page([], [], error=error)
        else:
            by_key = {r.key: r for r in found[0]}
            rows = [by_key.get(k) for k in wanted]  # None: gone since the selection was read (until refresh)
            page = _Page(rows, [None] * len(rows), found[1])
        self._pages[number] = page
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)
        first, last = number * PAGE, min((number + 1) * PAGE, len(self._keys)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        if error is not None:
            self.failed.emit(error)

    # --- QAbstractTableModel ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header()
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section].amount:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~50 times per visible cell and repaint: plain ints, no enum lookups before the early return.
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _ALIGN:
            return _ALIGNMENTS[column]
        if not 0 <= row < len(self._keys):
            return None
        page = self._page(row // PAGE)
        offset = row % PAGE
        if page is None:  # being read
            return "…" if role == _DISPLAY and column == 0 else None
        if page.error is not None:
            message, fix = user_message(page.error)
            if role == ROW_ROLE:
                return None
            if role == _TIP:
                return f"{message}\n{fix}".strip()
            return tr("InvoiceList", "Could not load this row: {message}").format(message=message) \
                if column == 0 else ""
        if offset >= len(page.rows):
            return None
        if role == ROW_ROLE:
            return page.rows[offset]
        if role in (BADGE_ROLE, _TIP):
            return self._extra(page.rows[offset], column, role, page.paid)
        texts = page.texts[offset]
        if texts is None:
            texts = page.texts[offset] = self._texts(page.rows[offset], page.paid)
        return texts[column]

    def _extra(self, row: InvoiceRow | None, column: int, role: int, paid: dict[str, str]) -> str | None:
        """The status and paid cells' badge keys and tooltips; the date cell's tooltip (date, time, Hijri date)."""
        if row is None:
            return None
        if column == PAID_COLUMN:
            state = paid.get(row.key)
            return None if state is None else state if role == BADGE_ROLE else paid_tip(state)
        if role == BADGE_ROLE:
            return badge_of(row) if column == STATUS_COLUMN else None
        if column == KIND_COLUMN:
            return kind_text(row.kind)
        if column == DATE_COLUMN:
            return format_date(row.issue_datetime, self.language, hijri=True)
        if column == STATUS_COLUMN:
            return f"{status_text(row.status)} · {tr('InvoiceList', 'ZATCA')}: {zatca_text(row.zatca_state)}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def column_of(sort_key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.sort_key == sort_key)
