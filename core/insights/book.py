"""The books as the checks read them: every issued document with what the checks need, read in a few queries.

One `Book` per run, loaded once (`load_book`) and read by every check (core.insights.checks): pure functions of the
book and the thresholds, so they are tested on books built in memory and measured on 100,000 documents
(tests/benchmarks/test_bench_insights.py). Money is integer halalas (hundredths) as the store keeps it (`Cents`), so
sums are exact and fast; a figure shown to a person is turned back into a Decimal (`money`).

Buyer names and VAT numbers are read to match duplicates and never leave the book: findings name customers by id,
and the faces show names through `core.insights.service.shown_names`, which writes the access log.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from core.clock import saudi_time

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

    def __post_init__(self) -> None:
        self.docs.sort(key=lambda d: (d.issued, d.number))
        self.by_id = {d.id: d for d in self.docs}
        self.by_number = {d.number: d for d in self.docs}

    def in_period(self, doc: Doc) -> bool:
        return self.start <= doc.issued.date() <= self.end

    def period_docs(self) -> Iterable[Doc]:
        return (d for d in self.docs if self.start <= d.issued.date() <= self.end)


def _uuid_text(value: object) -> str:
    text = str(value)
    return str(uuid.UUID(text)) if len(text) == 32 else text


def load_book(uow: UnitOfWork, start: date, end: date, *, history_months: int = 24) -> Book:
    """Every issued document from `history_months` before `start` to `end` (Riyadh days), with their lines, the
    audit chain's record of each issue, the payments and the customers. A few plain queries: about 2 s for 100,000
    documents and 240,000 lines on this machine (tests/benchmarks/test_bench_insights.py)."""
    first = start - timedelta(days=round(history_months * 30.44))
    low, high = first.isoformat(), (end + timedelta(days=2)).isoformat()  # text bounds, refined in Python
    conn = uow.session.connection()
    heads = conn.exec_driver_sql(
        "SELECT i.id, i.number, i.type, i.kind, i.issue_datetime, i.customer_id, i.buyer_json, i.currency, "
        "i.billing_reference, i.export, i.tax_inclusive, i.tax_total_sar, i.device_id, d.egs_unit_id, d.icv, "
        "d.issued_at FROM invoice i JOIN issued_document d ON d.invoice_id = i.id "
        "WHERE i.deleted_at IS NULL AND i.issue_datetime >= ? AND i.issue_datetime < ?", (low, high)).all()
    issued = {str(row[0]): row for row in heads}
    recorded: dict[str, tuple[str, str]] = {}
    for subject, actor, at in conn.exec_driver_sql(
            "SELECT subject, actor, at FROM audit_entry WHERE action = 'invoice.issued'"):
        recorded[subject] = (actor, at)
    lines: dict[str, list[Line]] = {}
    for invoice_id, product_id, name, quantity, unit_price, discount, category in conn.exec_driver_sql(
            "SELECT l.invoice_id, l.product_id, l.name, l.quantity, l.unit_price, l.discount, l.vat_category "
            "FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id WHERE i.status != 'draft' "
            "AND i.issue_datetime >= ? AND i.issue_datetime < ? ORDER BY l.invoice_id, l.position", (low, high)):
        key = str(invoice_id)
        if key not in issued:
            continue
        net = halalas(Decimal(quantity) * Decimal(unit_price) - Decimal(discount))
        product = _uuid_text(product_id) if product_id else "name:" + fold_name(name)
        lines.setdefault(key, []).append(Line(product, category, net, quantity, unit_price))
    docs: list[Doc] = []
    for key, (ident, number, type_, kind, issue_text, customer_id, buyer_json, currency, reference, export, total,
              tax, device, egs, icv, issued_at) in issued.items():
        moment = saudi_time(datetime.fromisoformat(issue_text))
        if moment.date() > end:
            continue
        invoice_id = _uuid_text(ident)
        actor, at = recorded.get(f"invoice:{invoice_id}", (None, None))
        buyer = json.loads(buyer_json) if buyer_json and buyer_json.startswith("{") else {}
        address = buyer.get("address") or {}
        name, vat = str(buyer.get("name") or ""), str(buyer.get("vat_number") or "")
        docs.append(Doc(
            id=invoice_id, number=number, type=type_, kind=kind, issued=moment,
            recorded=saudi_time(datetime.fromisoformat(at or issued_at)),
            user=actor or f"desk:{_uuid_text(device)[:8]}",
            customer=_uuid_text(customer_id) if customer_id else None, buyer=buyer_key(vat, name), buyer_name=name,
            buyer_country=str(address.get("country") or "") if isinstance(address, dict) else "",
            egs=_uuid_text(egs), icv=int(icv), total=int(total), tax=int(tax), currency=currency,
            billing_reference=reference or "", export=bool(export), lines=tuple(lines.get(key, ()))))
    payments = [Paid(_uuid_text(invoice_id), halalas(Decimal(amount) - Decimal(refunded)),
                     saudi_time(datetime.fromisoformat(paid_at)))
                for invoice_id, amount, refunded, paid_at in conn.exec_driver_sql(
                    "SELECT invoice_id, amount, refunded, paid_at FROM payment WHERE invoice_id IS NOT NULL "
                    "AND deleted_at IS NULL AND state = 'matched'")]
    customers = {_uuid_text(ident): Client(_uuid_text(ident), kind, saudi_time(datetime.fromisoformat(created)),
                                           erased is not None)
                 for ident, kind, created, erased in conn.exec_driver_sql(
                     "SELECT id, kind, created_at, erased_at FROM customer")}
    return Book(docs=docs, start=start, end=end, now=uow.now(), payments=payments, customers=customers)
