"""A generated book (tests.insights.synth) written into a real company store, in bulk, as issuing would leave it.

`write_book(ctx, synth)` writes the synth's customers (with the personal values a real store holds: names, e-mails,
phones, addresses), products, EGS units, documents with their lines, issued_document rows, the audit chain's
`invoice.issued` entry of each document (actor = the doc's `user`, at = its `recorded`, appended in that order
through the ledger's own `AuditLog`, so the chain and its signed checkpoints verify) and the payments.

Rows go in with one executemany per table and batch (SQLAlchemy Core, as `InvoiceBatch` does): 100,000 documents
in well under a minute. The issued XML is a small placeholder, not signed UBL: the checks never read it, and
signing 100,000 documents would take most of an hour (so `qayd audit verify` of the documents is not the point here;
the audit chain itself verifies: `core.audit.verify_store(ctx, documents=False)`).

`load_book` on the written store must give back `synth.book()`'s documents field by field
(tests/insights/test_store_writer.py): this is the loader's oracle.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from core.insights.book import Doc, Line, money
from core.ledger.log import AuditLog
from core.store.models import Base
from core.uow import Context
from tests.insights.synth import RIYADH, Synth

TABLES = Base.metadata.tables
BATCH = 10_000
RATE = {"S": Decimal("15"), "Z": Decimal("0"), "E": Decimal("0"), "O": Decimal("0")}
PLACEHOLDER_XML = b"<Invoice><!-- placeholder: tests.insights.store_writer writes no signed UBL --></Invoice>"


@dataclass(frozen=True)
class Personal:
    """The personal values written for one customer (what must never appear in a finding or an audit entry)."""

    name: str
    email: str
    phone: str
    vat: str  # an individual's VAT number is personal too; a business's is not

    def values(self) -> tuple[str, ...]:
        return tuple(v for v in (self.name, self.email, self.phone, self.vat) if v)


def personal_of(customer_id: str, name: str, vat: str) -> Personal:
    """Deterministic e-mail and phone for a customer (from its id): the privacy tests grep stored text for them."""
    digest = hashlib.sha256(customer_id.encode()).hexdigest()
    phone = "+9665" + "".join(str(int(c, 16) % 10) for c in digest[:8])
    return Personal(name=name, email=f"c{digest[:10]}@mail.example.sa", phone=phone, vat=vat)


class _SetClock:
    """The audit log's clock: the moment the entry being appended records (each doc's `recorded`)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class _ActorLog(AuditLog):
    """The ledger's own audit log, whose actor is each document's issuer (a desk's log has one actor per session;
    a generated book is many people's work). Only the actor and the clock differ from what a desk writes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = "system"

    @property  # type: ignore[override]
    def _actor(self) -> str:
        return self.current

    @_actor.setter
    def _actor(self, value: str) -> None:
        self.current = value


def _uid(text: str) -> uuid.UUID:
    return uuid.UUID(text)


def _batches(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(session: Any, table: str, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    for chunk in _batches(rows):
        session.execute(insert(TABLES[table]), chunk)
        count += len(chunk)
    return count


@dataclass(frozen=True)
class Written:
    documents: int
    lines: int
    payments: int
    customers: int
    personal: dict[str, Personal]  # customer id -> its personal values


def write_book(ctx: Context, synth: Synth, *, progress: Callable[[str], None] | None = None) -> Written:
    """Write the synth's book into `ctx`'s store in one transaction (see the module text)."""
    device = ctx.device_id
    now = ctx.clock()
    personal: dict[str, Personal] = {}
    with ctx.uow() as uow:
        session = uow.session
        customers = _insert(session, "customer", _customer_rows(synth, device, personal))
        _insert(session, "product", _product_rows(synth, device, now))
        _insert(session, "egs_unit", _egs_rows(synth, device, now))
        documents = _insert(session, "invoice", (_invoice_row(d, device) for d in synth.docs))
        lines = _insert(session, "invoice_line", (row for d in synth.docs for row in _line_rows(d, device)))
        _insert(session, "issued_document", (_issued_row(d, device) for d in synth.docs))
        if progress is not None:
            progress(f"{documents} documents and {lines} lines written")
        uow.audit = _issue_entries(uow, ctx, synth.docs)
        payments = _insert(session, "payment", _payment_rows(synth, device))
        uow.commit()
    if progress is not None:
        progress(f"{payments} payments; committed")
    return Written(documents, lines, payments, customers, personal)


def _customer_rows(synth: Synth, device: uuid.UUID, personal: dict[str, Personal]) -> Iterator[dict[str, Any]]:
    for c in synth.customers:
        person = personal_of(c.id, c.name, c.vat if c.kind == "individual" else "")
        personal[c.id] = person
        created = datetime.combine(c.created, time(9), RIYADH)
        address = {"street": f"Street {c.id[:4]}", "building_number": "1234", "district": "Al Olaya",
                   "city": "Riyadh", "postal_code": "12345", "country": c.country or "SA",
                   "additional_number": "", "province": ""}
        yield {"id": _uid(c.id), "kind": c.kind, "name": c.name, "name_ar": "", "vat_number": c.vat,
               "id_scheme": None, "id_value": "", "address_json": json.dumps(address, sort_keys=True),
               "email": person.email, "phone": person.phone, "restricted_at": None, "erased_at": None,
               "version": 1, "created_at": created, "updated_at": created, "deleted_at": None, "device_id": device}


def _product_rows(synth: Synth, device: uuid.UUID, now: datetime) -> Iterator[dict[str, Any]]:
    known = {p.id: p for p in synth.products}
    # products a planter named that the generator did not make (a line naming no product has "name:…")
    extra = {line.product: line for d in synth.docs for line in d.lines
             if not line.product.startswith("name:") and line.product not in known}
    rows = [(p.id, p.category, Decimal(p.price).scaleb(-2)) for p in synth.products]
    rows += [(ident, line.category, Decimal(line.unit_price)) for ident, line in extra.items()]
    for index, (ident, category, price) in enumerate(rows):
        yield {"id": _uid(ident), "name": f"Product {index}", "name_ar": f"منتج {index}", "sku": f"SKU-{index}",
               "unit_price": price, "unit_code": "PCE", "vat_category": category, "vat_rate": RATE[category],
               "exemption_reason_code": "", "exemption_reason": "", "version": 1, "created_at": now,
               "updated_at": now, "deleted_at": None, "device_id": device}


def _egs_rows(synth: Synth, device: uuid.UUID, now: datetime) -> Iterator[dict[str, Any]]:
    last: dict[str, int] = {}
    for d in synth.docs:
        last[d.egs] = max(last.get(d.egs, 0), d.icv)
    for index, (egs, icv) in enumerate(sorted(last.items())):
        yield {"id": _uid(egs), "name": f"synth-egs-{index + 1}", "serial_number": f"1-Qayd|2-Synth|3-{egs}",
               "environment": "demo", "invoice_types": "1100", "branch": "", "location": "", "industry": "",
               "status": "demo", "certificate_b64": None, "certificate_expires_at": None,
               "compliance_request_id": "", "icv": icv, "last_hash": "", "version": 1, "created_at": now,
               "updated_at": now, "deleted_at": None, "device_id": device}


def _buyer_json(doc: Doc) -> str | None:
    vat = doc.buyer[4:] if doc.buyer.startswith("vat:") else ""
    if not (doc.buyer_name or vat or doc.buyer_country):
        return None
    kind = "business" if doc.kind == "standard" else "individual"
    address = None if not doc.buyer_country else {
        "street": "Street", "building_number": "1234", "district": "District", "city": "City",
        "postal_code": "12345", "country": doc.buyer_country, "additional_number": "", "province": ""}
    return json.dumps({"name": doc.buyer_name, "kind": kind, "vat_number": vat, "id_scheme": None, "id_value": "",
                       "address": address, "name_ar": ""}, ensure_ascii=False, sort_keys=True)


def _invoice_row(doc: Doc, device: uuid.UUID) -> dict[str, Any]:
    net = sum(line.net for line in doc.lines)
    total, tax = money(doc.total), money(doc.tax)
    when = doc.recorded or doc.issued
    return {"id": _uid(doc.id), "number": doc.number, "status": "issued", "kind": doc.kind, "type": doc.type,
            "issue_datetime": doc.issued, "supply_date": doc.issued.date(), "supply_end_date": None,
            "currency": doc.currency, "exchange_rate": None,
            "customer_id": None if doc.customer is None else _uid(doc.customer), "buyer_json": _buyer_json(doc),
            "payment_means": "10", "billing_reference": doc.billing_reference,
            "reason": "Returned goods" if doc.type != "invoice" else "", "note": "",
            "prepaid_amount": Decimal(0), "third_party": False, "nominal": False, "export": doc.export,
            "summary": False, "self_billed": False, "prepayments_json": "[]", "payable_rounding": Decimal(0),
            "line_extension": money(net), "tax_exclusive": total - tax, "tax_total": tax, "tax_total_sar": tax,
            "tax_inclusive": total, "payable": total, "version": 2, "created_at": doc.issued, "updated_at": when,
            "deleted_at": None, "device_id": device}


def _line_rows(doc: Doc, device: uuid.UUID) -> Iterator[dict[str, Any]]:
    for position, line in enumerate(doc.lines, 1):
        yield _line_row(doc.id, position, line, device)


def _line_row(invoice_id: str, position: int, line: Line, device: uuid.UUID) -> dict[str, Any]:
    quantity, price = Decimal(line.quantity), Decimal(line.unit_price)
    # the discount that makes quantity × price − discount the line's net exactly (a partial credit note keeps the
    # original's quantity and price and credits a share of it)
    discount = quantity * price - Decimal(line.net).scaleb(-2)
    named = line.product.startswith("name:")
    return {"id": uuid.uuid4(), "invoice_id": _uid(invoice_id), "position": position,
            "name": line.product[5:] if named else f"Item {line.product[:8]}", "quantity": quantity,
            "unit_price": price, "discount": discount, "vat_category": line.category, "vat_rate": RATE[line.category],
            "exemption_reason_code": "", "exemption_reason": "", "unit_code": "PCE",
            "product_id": None if named else _uid(line.product), "name_ar": "", "device_id": device}


def _issued_row(doc: Doc, device: uuid.UUID) -> dict[str, Any]:
    digest = hashlib.sha256(doc.id.encode()).hexdigest()
    return {"invoice_id": _uid(doc.id), "egs_unit_id": _uid(doc.egs), "icv": doc.icv, "uuid": _uid(doc.id),
            "pih": "", "invoice_hash": digest, "phase": 2, "qr": "", "xml": PLACEHOLDER_XML,
            "issued_at": doc.recorded or doc.issued, "device_id": device}


def _issue_entries(uow: Any, ctx: Context, docs: list[Doc]) -> AuditLog:
    """Each document's `invoice.issued` entry, in the order the chain recorded them, by its issuer at its moment."""
    clock = _SetClock(ctx.clock())
    log = _ActorLog(uow.session, device_id=str(ctx.device_id), actor=ctx.actor, clock=clock,
                    subject_keys=uow.subject_keys, device_key=ctx.device_key, checkpoint_every=ctx.checkpoint_every)
    log.head()  # the chain so far (the company's own entries) before ours
    recorded = sorted((d for d in docs if d.recorded is not None), key=lambda d: (d.recorded, d.number))
    for index, doc in enumerate(recorded):
        clock.now, log.current = doc.recorded, doc.user  # type: ignore[assignment]
        log.append("invoice.issued", f"invoice:{doc.id}", {
            "number": doc.number, "egs": doc.egs, "icv": doc.icv, "pih": "", "phase": 2, "submission": "",
            "invoice_hash": hashlib.sha256(doc.id.encode()).hexdigest()})
        if index % BATCH == BATCH - 1:
            log.flush()
    clock.now, log.current = ctx.clock(), ctx.actor
    return log


def _payment_rows(synth: Synth, device: uuid.UUID) -> Iterator[dict[str, Any]]:
    # a planter that cuts a gap in the numbering takes documents away and leaves their payments: a store holds no
    # payment of a document it does not have (the foreign key), so those are left out
    kept = {d.id for d in synth.docs}
    for index, paid in enumerate(p for p in synth.payments if p.invoice in kept):
        yield {"id": uuid.uuid4(), "provider": "synth", "payment_ref": f"pay_{index:07d}",
               "invoice_id": _uid(paid.invoice), "link_id": None, "reference": paid.invoice,
               "amount": money(paid.amount), "fee": Decimal(0),
               "refunded": Decimal(0), "currency": "SAR", "state": "matched", "problem": "",
               "paid_at": paid.paid_at, "version": 1, "created_at": paid.paid_at, "updated_at": paid.paid_at,
               "deleted_at": None, "device_id": device}
