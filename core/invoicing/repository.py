"""Turns store rows into invoicing domain values and back; nothing outside core sees the rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, insert, select, type_coerce
from sqlalchemy.orm import Session

from core.errors import ImmutableError
from core.invoicing.model import (
    Address,
    AllowanceCharge,
    CompanyProfile,
    Customer,
    CustomerKind,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    Party,
    PrepaymentRef,
    Product,
    Totals,
    VatCategory,
)
from core.personal import roles, sealing
from core.store import models as m

if TYPE_CHECKING:
    from core.uow import UnitOfWork

ADDRESS_FIELDS = ("street", "building_number", "district", "city", "postal_code", "country", "additional_number",
                  "province")


def company_from_row(row: m.Company) -> CompanyProfile:
    return CompanyProfile(
        id=row.id, legal_name_ar=row.legal_name_ar, legal_name_en=row.legal_name_en, vat_number=row.vat_number,
        id_value=row.id_value, id_scheme=IdScheme(row.id_scheme),
        address=Address(**{f: getattr(row, f) for f in ADDRESS_FIELDS}),
    )


def company_values(profile: CompanyProfile) -> dict[str, Any]:
    values = {f: getattr(profile.address, f) for f in ADDRESS_FIELDS}
    values.update(legal_name_ar=profile.legal_name_ar, legal_name_en=profile.legal_name_en,
                  vat_number=profile.vat_number, id_value=profile.id_value, id_scheme=profile.id_scheme.value)
    return values


def address_to_json(address: Address | None) -> str | None:
    return None if address is None else json.dumps(asdict(address), ensure_ascii=False, sort_keys=True)


def address_from_json(text: str | None) -> Address | None:
    return None if not text else Address(**json.loads(text))


def customer_from_row(row: m.Customer) -> Customer:
    return Customer(
        id=row.id, kind=CustomerKind(row.kind), name=row.name, name_ar=row.name_ar, vat_number=row.vat_number,
        id_scheme=IdScheme(row.id_scheme) if row.id_scheme else None, id_value=row.id_value,
        address=address_from_json(row.address_json), email=row.email, phone=row.phone,
    )


def customer_values(c: Customer) -> dict[str, Any]:
    return {"kind": c.kind.value, "name": c.name, "name_ar": c.name_ar, "vat_number": c.vat_number,
            "id_scheme": c.id_scheme.value if c.id_scheme else None, "id_value": c.id_value,
            "address_json": address_to_json(c.address), "email": c.email, "phone": c.phone}


def customer_personal(c: Customer) -> dict[str, Any]:
    """The customer's personal data, as it goes (encrypted) into audit payloads."""
    values = customer_values(c)
    values.pop("kind")
    values["address"] = asdict(c.address) if c.address else None
    values.pop("address_json")
    return values


def product_from_row(row: m.Product) -> Product:
    return Product(
        id=row.id, name=row.name, name_ar=row.name_ar, sku=row.sku, unit_price=row.unit_price,
        unit_code=row.unit_code, vat_category=VatCategory(row.vat_category), vat_rate=row.vat_rate,
        exemption_reason_code=row.exemption_reason_code, exemption_reason=row.exemption_reason,
    )


def product_values(p: Product) -> dict[str, Any]:
    return {"name": p.name, "name_ar": p.name_ar, "sku": p.sku, "unit_price": p.unit_price,
            "unit_code": p.unit_code, "vat_category": p.vat_category.value, "vat_rate": p.vat_rate,
            "exemption_reason_code": p.exemption_reason_code, "exemption_reason": p.exemption_reason}


def party_to_json(party: Party | None) -> str | None:
    if party is None:
        return None
    doc = asdict(party)
    doc["kind"] = party.kind.value
    doc["id_scheme"] = party.id_scheme.value if party.id_scheme else None
    return json.dumps(doc, ensure_ascii=False, sort_keys=True)


def party_from_json(text: str | None) -> Party | None:
    """The buyer of a stored document; a sealed one (kept after an erasure) reads as a restricted buyer here:
    only `draft_from_row` with a unit of work opens it (core.personal.sealing)."""
    if not text:
        return None
    if sealing.is_held(text):
        return Party(name=roles.RESTRICTED, kind=CustomerKind.INDIVIDUAL)
    doc = json.loads(text)
    address = Address(**doc["address"]) if doc.get("address") else None
    return Party(name=doc["name"], kind=CustomerKind(doc["kind"]), vat_number=doc.get("vat_number", ""),
                 id_scheme=IdScheme(doc["id_scheme"]) if doc.get("id_scheme") else None,
                 id_value=doc.get("id_value", ""), address=address, name_ar=doc.get("name_ar", ""))


@dataclass
class InvoiceBatch:
    """Rows of many documents, written with one executemany per table (the ORM costs ~10x more per row)."""

    invoices: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    allowances: list[dict[str, Any]] = field(default_factory=list)

    def add(self, draft: InvoiceDraft, totals: Totals, *, device_id: uuid.UUID, now: datetime) -> None:
        self.invoices.append({
            "id": draft.id, "number": draft.number, "status": "draft", "kind": draft.kind.value,
            "type": draft.type.value, "issue_datetime": draft.issue_datetime, "supply_date": draft.supply_date,
            "supply_end_date": draft.supply_end_date, "currency": draft.currency,
            "exchange_rate": draft.exchange_rate, "customer_id": draft.customer_id,
            "buyer_json": party_to_json(draft.buyer), "payment_means": draft.payment_means,
            "billing_reference": draft.billing_reference, "reason": draft.reason, "note": draft.note,
            "prepaid_amount": draft.prepaid_amount, "line_extension": totals.line_extension,
            **{flag: getattr(draft, flag) for flag in FLAGS}, "payable_rounding": draft.payable_rounding,
            "prepayments_json": prepayments_to_json(draft.prepayments),
            "tax_exclusive": totals.tax_exclusive, "tax_total": totals.tax_total,
            "tax_total_sar": totals.tax_total_sar, "tax_inclusive": totals.tax_inclusive, "payable": totals.payable,
            "version": 1, "created_at": now, "updated_at": now, "deleted_at": None, "device_id": device_id,
        })
        self.lines += [_line_values(draft.id, i, line, device_id) for i, line in enumerate(draft.lines, 1)]
        self.allowances += [_ac_values(draft.id, i, ac, device_id) for i, ac in enumerate(draft.allowances, 1)]

    def write(self, session: Session) -> None:
        tables = m.Base.metadata.tables
        for name, rows in (("invoice", self.invoices), ("invoice_line", self.lines),
                           ("invoice_allowance_charge", self.allowances)):
            if rows:
                session.execute(insert(tables[name]), rows)
        self.invoices, self.lines, self.allowances = [], [], []


def _line_values(invoice_id: uuid.UUID, position: int, line: InvoiceLine, device_id: uuid.UUID) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "invoice_id": invoice_id, "position": position, "name": line.name,
            "quantity": line.quantity, "unit_price": line.unit_price, "discount": line.discount,
            "vat_category": line.vat_category.value, "vat_rate": line.vat_rate,
            "exemption_reason_code": line.exemption_reason_code, "exemption_reason": line.exemption_reason,
            "unit_code": line.unit_code, "product_id": line.product_id, "name_ar": line.name_ar,
            "device_id": device_id}


def _ac_values(invoice_id: uuid.UUID, position: int, ac: AllowanceCharge, device_id: uuid.UUID) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "invoice_id": invoice_id, "position": position, "is_charge": ac.is_charge,
            "amount": ac.amount, "reason": ac.reason, "reason_code": ac.reason_code,
            "vat_category": ac.vat_category.value, "vat_rate": ac.vat_rate,
            "exemption_reason_code": ac.exemption_reason_code, "exemption_reason": ac.exemption_reason,
            "device_id": device_id}


def draft_from_row(row: m.Invoice, uow: UnitOfWork | None = None, *, purpose: str = "invoice record") -> InvoiceDraft:
    """A stored document as a draft. A held (sealed) buyer is opened with `uow`, for an admin or compliance user,
    and the read logged; without `uow` (copying the document into a new one) it is refused: the erased person's
    details must not be copied out of the sealed record."""
    buyer_json = row.buyer_json
    if buyer_json is not None and sealing.is_held(buyer_json):
        if uow is None:
            raise ImmutableError(
                f"{row.number} is kept only because tax law requires it, after its buyer's personal data was "
                "erased; its buyer's details cannot be copied into a new document.",
                fix="Write the new document with its own buyer, or ask a compliance officer.")
        buyer_json = sealing.open_held_text(uow, buyer_json, record=sealing.record_of(row.id), column=sealing.BUYER,
                                            purpose=purpose)
    return draft_from_parts(row, row.lines, row.allowances, buyer_json=buyer_json)


def draft_from_parts(row: Any, lines: Iterable[Any], allowances: Iterable[Any], *,
                     lines_as_read: tuple[InvoiceLine, ...] | None = None,
                     buyer_json: str | None = None) -> InvoiceDraft:
    """A draft from an invoice row and its line and allowance rows: ORM objects or Core rows alike.

    `lines_as_read` gives the lines already made (`load_drafts`), instead of line rows; `buyer_json` the buyer
    already opened (a sealed, held record: `draft_from_row`), instead of the row's.
    """
    return InvoiceDraft(
        id=row.id, kind=DocumentKind(row.kind), type=DocumentType(row.type), number=row.number,
        issue_datetime=row.issue_datetime, supply_date=row.supply_date, supply_end_date=row.supply_end_date,
        currency=row.currency, exchange_rate=row.exchange_rate, customer_id=row.customer_id,
        buyer=party_from_json(row.buyer_json if buyer_json is None else buyer_json), payment_means=row.payment_means,
        billing_reference=row.billing_reference, reason=row.reason, note=row.note,
        prepaid_amount=row.prepaid_amount, payable_rounding=row.payable_rounding,
        prepayments=prepayments_from_json(row.prepayments_json), **{flag: bool(getattr(row, flag)) for flag in FLAGS},
        lines=lines_as_read if lines_as_read is not None else tuple(
            InvoiceLine(name=ln.name, quantity=ln.quantity, unit_price=ln.unit_price, discount=ln.discount,
                        vat_category=VatCategory(ln.vat_category), vat_rate=ln.vat_rate,
                        exemption_reason_code=ln.exemption_reason_code, exemption_reason=ln.exemption_reason,
                        unit_code=ln.unit_code, product_id=ln.product_id, name_ar=ln.name_ar or "")
            for ln in lines
        ),
        allowances=tuple(
            AllowanceCharge(amount=ac.amount, vat_category=VatCategory(ac.vat_category), vat_rate=ac.vat_rate,
                            reason=ac.reason, reason_code=ac.reason_code, is_charge=ac.is_charge,
                            exemption_reason_code=ac.exemption_reason_code, exemption_reason=ac.exemption_reason)
            for ac in allowances
        ),
    )


def load_drafts(session: Session, ids: Sequence[uuid.UUID]) -> list[tuple[InvoiceDraft, str, int]]:
    """Many documents with their lines in three queries, as (draft, status, version), in the order of `ids`.

    Core rows, not ORM objects: bulk issuing reads thousands of lines, and the identity map would cost more
    than the work itself; the lines come straight from the driver (see `_line_tuples`).
    """
    tables = m.Base.metadata.tables
    inv, acs = tables["invoice"], tables["invoice_allowance_charge"]
    heads = {r.id: r for r in session.execute(select(inv).where(inv.c.id.in_(ids)))}
    lines: dict[str, list[InvoiceLine]] = {i.hex: [] for i in heads}
    allowances: dict[str, list[Any]] = {i.hex: [] for i in heads}
    for owner, line in _line_tuples(session, [i.hex for i in heads]):
        lines[owner].append(line)
    # Only the columns a draft needs, the owner's id as raw text (rare rows: the ORM types are fine here).
    wanted = [c for c in acs.c if c.name not in ("id", "invoice_id", "device_id")]
    query = select(type_coerce(acs.c.invoice_id, String).label("owner"), *wanted)
    for r in session.execute(query.where(acs.c.invoice_id.in_(ids)).order_by(acs.c.position)):
        allowances[r.owner].append(r)
    return [(draft_from_parts(heads[i], (), allowances[i.hex], lines_as_read=tuple(lines[i.hex])), heads[i].status,
             heads[i].version) for i in ids if i in heads]


_CATEGORIES = {category.value: category for category in VatCategory}
_LINE_SQL = ("SELECT invoice_id, name, quantity, unit_price, vat_category, vat_rate, discount, exemption_reason_code, "
             "exemption_reason, unit_code, product_id, name_ar FROM invoice_line WHERE invoice_id IN ({}) "
             "ORDER BY invoice_id, position")


def _line_tuples(session: Session, owners: Sequence[str]) -> Iterable[tuple[str, InvoiceLine]]:
    """(owner id as stored, line) for every line of these documents, in document order.

    Read through the driver's own cursor inside the session's transaction: a document of 20 lines costs 20 rows,
    and SQLAlchemy's row and type processing took longer than building, checking and signing the document.
    The columns are the ones `m.InvoiceLine` declares (DecimalText is exact decimal text, Uuid is 32 hex digits).
    """
    if not owners:
        return
    raw = session.connection().connection.driver_connection
    assert raw is not None  # a live pooled connection always has its driver connection
    cursor = raw.execute(_LINE_SQL.format(",".join("?" * len(owners))), list(owners))
    category, decimal, new_uuid = _CATEGORIES.__getitem__, Decimal, uuid.UUID
    for owner, name, qty, price, vat, rate, discount, code, reason, unit, product, name_ar in cursor:
        yield owner, InvoiceLine(name, decimal(qty), decimal(price), category(vat), decimal(rate), decimal(discount),
                                 code, reason, unit, None if product is None else new_uuid(product), name_ar or "")


FLAGS = ("third_party", "nominal", "export", "summary", "self_billed")


def prepayments_to_json(refs: Sequence[PrepaymentRef]) -> str:
    docs = []
    for ref in refs:
        doc = asdict(ref)
        doc.update(issue_datetime=ref.issue_datetime.isoformat(), vat_category=ref.vat_category.value,
                   document_uuid=str(ref.document_uuid) if ref.document_uuid else None,
                   taxable_amount=str(ref.taxable_amount), tax_amount=str(ref.tax_amount), vat_rate=str(ref.vat_rate))
        docs.append(doc)
    return json.dumps(docs, ensure_ascii=False, sort_keys=True)


def prepayments_from_json(text: str) -> tuple[PrepaymentRef, ...]:
    refs = []
    for doc in json.loads(text or "[]"):
        doc.update(issue_datetime=datetime.fromisoformat(doc["issue_datetime"]),
                   vat_category=VatCategory(doc["vat_category"]),
                   document_uuid=uuid.UUID(doc["document_uuid"]) if doc.get("document_uuid") else None,
                   **{k: Decimal(doc[k]) for k in ("taxable_amount", "tax_amount", "vat_rate")})
        refs.append(PrepaymentRef(**doc))
    return tuple(refs)


def decimal_text(value: Decimal) -> str:
    return format(value, "f")
