"""The books as the checks read them: every issued document with what the checks need, read in a few queries.

One `Book` per run, loaded once (`load_book`) and read by every check (core.insights.checks): pure functions of the
book and the thresholds, so they are tested on books built in memory and measured on 100,000 documents
(tests/benchmarks/test_bench_insights.py). Money is integer halalas (hundredths) as the store keeps it (`Cents`), so
sums are exact and fast; a figure shown to a person is turned back into a Decimal (`money`).

Buyer names and VAT numbers are read to match duplicates and never leave the book: findings name customers by id,
and the faces show names through `core.insights.service.shown_names`, which writes the access log.
"""

from __future__ import annotations

import gc
import json
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from core.clock import SAUDI_TIME, saudi_time

if TYPE_CHECKING:
    from core.uow import UnitOfWork


def money(halalas: int) -> Decimal:
    """Integer hundredths as the Decimal amount they stand for."""
    return Decimal(halalas).scaleb(-2)


def halalas(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def buyer_key(vat_number: str, name: str) -> str:
    """How duplicates recognise one buyer: the VAT number when there is one, else the name folded (case, accents,
    Arabic letter forms, spaces); "" for a buyer with neither (a walk-in simplified sale)."""
    if vat_number:
        return "vat:" + vat_number
    folded = fold_name(name)
    return "name:" + folded if folded else ""


def fold_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.translate(_ARABIC_FOLD)
    return " ".join("".join(ch for ch in text if ch.isalnum() or ch.isspace()).split())


# Letter forms one writer types one way and another the other: alef with hamza or madda, taa marbuta, alef maqsura.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": None})


@dataclass(frozen=True, slots=True)
class Line:
    product: str  # the product's id, or the line's folded name when it names no product
    category: str  # S, Z, E or O
    net: int  # quantity × price − discount, in halalas
    quantity: str  # as stored (exact text)
    unit_price: str


@dataclass(slots=True)
class Doc:
    """One issued document (invoice, credit or debit note)."""

    id: str  # the invoice's UUID, as text with dashes
    number: str
    type: str  # invoice | credit_note | debit_note
    kind: str  # standard | simplified
    issued: datetime  # the issue date and time, in Riyadh time
    recorded: datetime | None  # when the audit chain recorded the issue (else when the desk stamped it)
    user: str  # who issued it (the audit entry's actor), or "desk:<device>" when this desk holds no entry for it
    customer: str | None  # the customer's id, when the buyer is one of the company's customers
    buyer: str  # buyer_key(): the VAT number or the folded name; "" for none (personal: never in a finding)
    buyer_name: str  # the buyer's name as written (personal: fuzzy matching only, never in a finding)
    buyer_country: str  # the buyer's address country ("" when none)
    egs: str  # the EGS unit's id
    icv: int  # the unit's invoice counter value
    total: int  # tax-inclusive total, halalas, in the document's currency
    tax: int  # VAT in SAR, halalas
    currency: str
    billing_reference: str  # a note's original invoice number
    export: bool
    lines: tuple[Line, ...] = ()

    @property
    def is_credit(self) -> bool:
        return self.type == "credit_note"

    @property
    def day(self) -> date:
        return self.issued.date()


@dataclass(frozen=True, slots=True)
class Paid:
    invoice: str  # the invoice's id
    amount: int  # halalas
    paid_at: datetime  # Riyadh time


@dataclass(frozen=True, slots=True)
class Client:
    """A customer as the checks need it: no name, no contact (the faces resolve those through the access log)."""

    id: str
    kind: str  # business | individual
    created_at: datetime
    erased: bool


@dataclass
class Book:
    """The documents of the period judged and the history before it (for baselines), oldest first.

    `start`/`end` are the period's first and last Riyadh days; checks flag documents of the period only
    (`in_period`), and may read every document for their baselines."""

    docs: list[Doc]
    start: date
    end: date
    now: datetime
    payments: list[Paid] = field(default_factory=list)
    customers: dict[str, Client] = field(default_factory=dict)
    drafts: set[str] = field(default_factory=set)  # numbers held by drafts not issued yet (not gaps in a series)

    def __post_init__(self) -> None:
        self.docs.sort(key=lambda d: (d.issued, d.number))
        self.by_id = {d.id: d for d in self.docs}
        self.by_number = {d.number: d for d in self.docs}

    def in_period(self, doc: Doc) -> bool:
        return self.start <= doc.issued.date() <= self.end

    def period_docs(self) -> Iterable[Doc]:
        return (d for d in self.docs if self.start <= d.issued.date() <= self.end)


def _uuid_text(value: object) -> str:
    """A UUID as text with dashes: the store keeps 32 hex digits (SQLAlchemy's Uuid on SQLite)."""
    text = str(value)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}" if len(text) == 32 else text


class _Memo(dict[Any, Any]):
    """`memo[key]` computes `fn(key)` once: customers, products, buyers and prices repeat over 100,000 documents."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.fn(key)
        return value


_NO_ENTRY = (None, None)


def _riyadh(text: str) -> datetime:
    """A stored time in Riyadh time (most are stored with +03:00 already: no conversion then)."""
    moment = datetime.fromisoformat(text)
    if text.endswith("+03:00"):
        return moment.replace(tzinfo=SAUDI_TIME)
    return saudi_time(moment)


def _line(values: tuple[str | None, str, str, str, str, str]) -> Line:
    product_id, name, quantity, unit_price, discount, category = values
    product = _uuid_text(product_id) if product_id else "name:" + fold_name(name)
    net = halalas(Decimal(quantity) * Decimal(unit_price) - Decimal(discount))
    return Line(product, category, net, quantity, unit_price)


def _buyer(buyer_json: str | None) -> tuple[str, str, str]:
    """(buyer_key, name, country) of a document's buyer; a sealed buyer (kept after an erasure) reads as none."""
    buyer = json.loads(buyer_json) if buyer_json and buyer_json.startswith("{") else {}
    address = buyer.get("address") or {}
    name, vat = str(buyer.get("name") or ""), str(buyer.get("vat_number") or "")
    country = str(address.get("country") or "") if isinstance(address, dict) else ""
    return buyer_key(vat, name), name, country


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a book's hundreds of thousands of objects are made (none of them cycles):
    CPython would otherwise walk the growing heap again and again, a third of the load's time at 100,000 documents.
    Collection resumes (and catches up) afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_book(uow: UnitOfWork, start: date, end: date, *, history_months: int = 24) -> Book:
    """Every issued document from `history_months` before `start` to `end` (Riyadh days), with their lines, the
    audit chain's record of each issue, the payments and the customers. A few plain queries on the driver's cursor
    (no per-row ORM or result processing), with what repeats (ids, buyers, prices) computed once and the cyclic
    garbage collector paused: about 3 s of CPU for 100,000 documents and 200,000 lines on this machine (9 s before),
    about 10x one SELECT of the invoice columns (tests/benchmarks/test_bench_insights.py). Amounts stay exact:
    Decimal arithmetic on the stored text."""
    with gc_paused():
        return _load_book(uow, start, end, history_months)


def _load_book(uow: UnitOfWork, start: date, end: date, history_months: int) -> Book:
    first = start - timedelta(days=round(history_months * 30.44))
    low, high = first.isoformat(), (end + timedelta(days=2)).isoformat()  # text bounds, refined in Python
    raw = uow.session.connection().connection.dbapi_connection
    if raw is None:  # pragma: no cover - a live session always has its driver connection
        raise RuntimeError("the store's connection is closed")
    # Whole-table scans (the unary + keeps SQLite off the date index): a period with its history is most of the
    # books, and index order would visit the rows at random.
    heads = raw.execute(
        "SELECT id, number, type, kind, issue_datetime, customer_id, buyer_json, currency, billing_reference, "
        "export, tax_inclusive, tax_total_sar, device_id FROM invoice WHERE status != 'draft' AND deleted_at IS NULL "
        "AND +issue_datetime >= ? AND +issue_datetime < ? ORDER BY issue_datetime, number", (low, high)).fetchall()
    # Only the columns before the signed XML: a later one would make SQLite read every document's XML pages.
    stamped = {ident: (egs, icv) for ident, egs, icv in raw.execute(
        "SELECT invoice_id, egs_unit_id, icv FROM issued_document")}
    recorded: dict[str, tuple[str, str]] = {  # the document's id -> who issued it and when the chain recorded it
        ident: (actor, at) for ident, actor, at in raw.execute(
            "SELECT substr(subject, 9), actor, at FROM audit_entry WHERE action = 'invoice.issued'")}
    ids, buyers, same_lines = _Memo(_uuid_text), _Memo(_buyer), _Memo(_line)
    lines: dict[str, list[Line]] = {}
    for invoice_id, *values in raw.execute(
            "SELECT invoice_id, product_id, name, quantity, unit_price, discount, vat_category FROM invoice_line "
            "ORDER BY invoice_id, position"):  # the (invoice_id, position) index's order: no sort
        line = same_lines[tuple(values)]  # a Line is a frozen value: equal lines are one object
        if invoice_id in lines:
            lines[invoice_id].append(line)
        else:
            lines[invoice_id] = [line]
    docs: list[Doc] = []
    unrecorded: dict[str, Doc] = {}  # the store's id -> a document this chain holds no issue entry for
    text_of: dict[str, str] = {}  # the store's id -> the document's id as text
    for (ident, number, type_, kind, issue_text, customer_id, buyer_json, currency, reference, export, total,
         tax, device) in heads:
        moment = _riyadh(issue_text)
        if moment.date() > end or ident not in stamped:
            continue
        egs, icv = stamped[ident]
        invoice_id = text_of[ident] = _uuid_text(ident)
        actor, at = recorded.get(invoice_id, _NO_ENTRY)
        buyer, name, country = buyers[buyer_json]
        doc = Doc(  # positional, in the fields' order: a third cheaper than by name, 125,000 times
            invoice_id, number, type_, kind, moment, None if at is None else _riyadh(at),
            actor or f"desk:{ids[device][:8]}", ids[customer_id] if customer_id else None, buyer, name, country,
            ids[egs], int(icv), int(total), int(tax), currency, reference or "", bool(export),
            tuple(lines.get(ident, ())))
        docs.append(doc)
        if at is None:
            unrecorded[ident] = doc
    _stamped_at(raw, unrecorded)
    payments = [Paid(text_of.get(invoice_id) or _uuid_text(invoice_id), halalas(Decimal(amount) - Decimal(refunded)),
                     _riyadh(paid_at))
                for invoice_id, amount, refunded, paid_at in raw.execute(
                    "SELECT invoice_id, amount, refunded, paid_at FROM payment WHERE invoice_id IS NOT NULL "
                    "AND deleted_at IS NULL AND state = 'matched'")]
    customers = {ids[ident]: Client(ids[ident], kind, _riyadh(created), erased is not None)
                 for ident, kind, created, erased in raw.execute(
                     "SELECT id, kind, created_at, erased_at FROM customer")}
    drafts = {number for (number,) in raw.execute(
        "SELECT number FROM invoice WHERE status = 'draft' AND deleted_at IS NULL")}
    return Book(docs=docs, start=start, end=end, now=uow.now(), payments=payments, customers=customers,
                drafts=drafts)


def _stamped_at(raw: Any, docs: dict[str, Doc]) -> None:
    """When the desk stamped the documents this chain holds no issue entry for (another desk's, before its entry
    came with the pull): their `recorded`."""
    idents = list(docs)
    for index in range(0, len(idents), 500):
        chunk = idents[index:index + 500]
        marks = ",".join("?" * len(chunk))
        for ident, issued_at in raw.execute(
                f"SELECT invoice_id, issued_at FROM issued_document WHERE invoice_id IN ({marks})",  # nosec B608 # only ?s
                chunk):
            docs[ident].recorded = _riyadh(issued_at)
