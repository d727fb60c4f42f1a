"""Invoicing use cases: the company profile, customers, products and drafts, each change audited in its transaction."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select

from core.errors import AlreadyExistsError, NotFoundError, ValidationError
from core.findings import Finding, errors_in
from core.invoicing import repository as repo
from core.invoicing.interchange import draft_to_json
from core.invoicing.model import CompanyProfile, Customer, InvoiceDraft, Product, Totals
from core.invoicing.rules import validate, validate_company, validate_customer, validate_product
from core.invoicing.selection import count_customers as count_customers
from core.invoicing.selection import count_products as count_products
from core.invoicing.selection import customer_selection, product_selection
from core.invoicing.totals import compute_totals
from core.personal import roles
from core.store import models as m
from core.uow import UnitOfWork


def _refuse_errors(what: str, findings: list[Finding]) -> None:
    if errors_in(findings):
        raise ValidationError(what, findings)


# --- company ---------------------------------------------------------------------------------------------------


def get_company(uow: UnitOfWork) -> CompanyProfile:
    row = uow.session.scalars(select(m.Company).where(m.Company.deleted_at.is_(None))).first()
    if row is None:
        raise NotFoundError("This store has no company profile yet.", fix="Create it with `qayd init`.")
    return repo.company_from_row(row)


def create_company(uow: UnitOfWork, profile: CompanyProfile) -> CompanyProfile:
    _refuse_errors("The company profile", validate_company(profile))
    if uow.session.scalar(select(func.count()).select_from(m.Company)):
        raise AlreadyExistsError("This store already has a company profile.", fix="Change it with `qayd company edit`.")
    now = uow.now()
    uow.session.add(m.Company(id=profile.id, created_at=now, updated_at=now, device_id=uow.ctx.device_id,
                              **repo.company_values(profile)))
    uow.audit.append("company.created", f"company:{profile.id}", _jsonable(repo.company_values(profile)))
    return profile


def update_company(uow: UnitOfWork, profile: CompanyProfile) -> CompanyProfile:
    _refuse_errors("The company profile", validate_company(profile))
    row = uow.session.get(m.Company, get_company(uow).id)
    assert row is not None
    changes = {k: v for k, v in repo.company_values(profile).items() if getattr(row, k) != v}
    if not changes:
        return repo.company_from_row(row)
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at, row.device_id = uow.now(), uow.ctx.device_id
    uow.audit.append("company.updated", f"company:{row.id}", {"before": _jsonable(before), "after": _jsonable(changes)})
    return repo.company_from_row(row)


# --- customers and products ------------------------------------------------------------------------------------


def add_customer(uow: UnitOfWork, customer: Customer) -> Customer:
    _refuse_errors("The customer", validate_customer(customer))
    if customer.vat_number and _customer_by_vat(uow, customer.vat_number) is not None:
        raise AlreadyExistsError(f"A customer with VAT number {customer.vat_number} already exists.",
                                 fix="Use the existing customer (`qayd customer list`).")
    _insert_customer(uow, customer)
    return customer


def _insert_customer(uow: UnitOfWork, customer: Customer) -> None:
    now = uow.now()
    uow.session.add(m.Customer(id=customer.id, created_at=now, updated_at=now, device_id=uow.ctx.device_id,
                               **repo.customer_values(customer)))
    uow.audit.append("customer.created", f"customer:{customer.id}", {"kind": customer.kind.value},
                     personal=repo.customer_personal(customer))


def _customer_by_vat(uow: UnitOfWork, vat: str) -> m.Customer | None:
    return uow.session.scalars(select(m.Customer).where(m.Customer.vat_number == vat,
                                                        m.Customer.deleted_at.is_(None))).first()


def list_customers(uow: UnitOfWork, *, search: str = "", limit: int = 100, offset: int = 0,
                   purpose: str = "customer list") -> list[Customer]:
    """Customers by name; reads of individuals are logged (access log), restricted ones masked for clerks."""
    query = customer_selection(uow, select(m.Customer), search)
    rows = uow.session.scalars(query.order_by(m.Customer.name).limit(limit).offset(offset))
    found = []
    for r in rows:
        customer = repo.customer_from_row(r)
        found.append(customer if roles.screen_customer(uow, r, purpose) else roles.masked(customer))
    return found


def get_customer(uow: UnitOfWork, ref: str, *, purpose: str = "customer record") -> Customer:
    """A customer by id, VAT number or exact name (a restricted one: compliance and admin only, logged)."""
    conditions = [m.Customer.vat_number == ref, m.Customer.name == ref]
    with contextlib.suppress(ValueError):
        conditions.append(m.Customer.id == uuid.UUID(ref))
    rows = list(uow.session.scalars(select(m.Customer).where(or_(*conditions), m.Customer.deleted_at.is_(None))))
    if len(rows) != 1:
        raise NotFoundError(f"No single customer matches {ref!r} ({len(rows)} found).",
                            fix="Give the customer's id or VAT number; `qayd customer list --search` finds it.")
    roles.require_customer(uow, rows[0], purpose)
    return repo.customer_from_row(rows[0])


def add_product(uow: UnitOfWork, product: Product) -> Product:
    _refuse_errors("The product", validate_product(product))
    now = uow.now()
    values = repo.product_values(product)
    uow.session.add(m.Product(id=product.id, created_at=now, updated_at=now, device_id=uow.ctx.device_id, **values))
    uow.audit.append("product.created", f"product:{product.id}", _jsonable(values))
    return product


def list_products(uow: UnitOfWork, *, search: str = "", limit: int = 100, offset: int = 0) -> list[Product]:
    query = product_selection(select(m.Product), search)
    rows = uow.session.scalars(query.order_by(m.Product.name).limit(limit).offset(offset))
    return [repo.product_from_row(r) for r in rows]


# --- invoices --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    numbers: tuple[str, ...]
    customers_created: int
    warnings: tuple[Finding, ...]
    drafts: tuple[InvoiceDraft, ...] = ()  # as stored (with the customer each buyer was matched to)


def import_drafts(uow: UnitOfWork, drafts: Sequence[InvoiceDraft], *, rules_checked: bool = False,
                 check_xml: bool = True) -> ImportResult:
    """Store drafts all or nothing: any error in any document refuses the whole batch, listing every finding.

    `rules_checked` says the caller already ran `validate` on each draft (as `parse_documents` does), so
    only what needs the books is checked here: numbers and ids already taken, references to unknown rows.
    `check_xml` runs the context's draft prechecks (the ZATCA gate's check, about 3 ms a draft, which makes issuing
    them later cheap); the demo, which issues few of its drafts, leaves it off.
    """
    seller = get_company(uow)
    findings: list[Finding] = []
    for i, draft in enumerate(() if rules_checked else drafts):
        findings += [replace(f, field=f"[{i}].{f.field}") for f in validate(draft, seller=seller)]
    findings += _duplicate_numbers(uow, drafts) + _unknown_references(uow, drafts)
    _refuse_errors(f"The import of {len(drafts)} document(s)", findings)
    customers = _CustomerIndex(uow)
    batch = repo.InvoiceBatch()
    stored_drafts = []
    arabic = _product_names_ar(uow, drafts)
    for draft in drafts:
        known = draft.customer_id is not None or draft.buyer is None
        stored = draft if known else replace(draft, customer_id=customers.resolve(draft))
        stored = _with_arabic_names(stored, arabic)
        _add_draft(uow, batch, stored, compute_totals(stored))
        stored_drafts.append(stored)
    uow.session.flush()  # customers created on the way exist before the invoices that name them
    batch.write(uow.session)
    for precheck in uow.ctx.draft_prechecks if check_xml else ():
        precheck(uow, stored_drafts, rules_passed=True)  # an import stores no draft the rules refuse
    return ImportResult(tuple(d.number for d in drafts), customers.created, tuple(findings), tuple(stored_drafts))


def _product_names_ar(uow: UnitOfWork, drafts: Sequence[InvoiceDraft]) -> dict[uuid.UUID, str]:
    """The Arabic names of the products that lines without one of their own come from (one query)."""
    wanted = {ln.product_id for d in drafts for ln in d.lines if ln.product_id is not None and not ln.name_ar}
    if not wanted:
        return {}
    rows = uow.session.execute(select(m.Product.id, m.Product.name_ar).where(m.Product.id.in_(wanted)))
    return {row.id: row.name_ar for row in rows}


def _with_arabic_names(draft: InvoiceDraft, names: dict[uuid.UUID, str]) -> InvoiceDraft:
    """A line from a product and given no Arabic name takes the product's, as the editor does; it is stored with
    the line, so the printed invoice keeps it whatever later becomes of the product."""
    if not names:
        return draft
    lines = tuple(replace(ln, name_ar=names.get(ln.product_id, "")) if ln.product_id and not ln.name_ar else ln
                  for ln in draft.lines)
    return replace(draft, lines=lines)


def _duplicate_numbers(uow: UnitOfWork, drafts: Sequence[InvoiceDraft]) -> list[Finding]:
    numbers = [d.number for d in drafts]
    taken: set[str] = set()
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        taken.update(uow.session.scalars(select(m.Invoice.number).where(m.Invoice.number.in_(chunk))))
    seen: set[str] = set()
    findings = []
    for i, number in enumerate(numbers):
        if number in taken or number in seen:
            where = "is already in this company's books" if number in taken else "appears twice in this import"
            findings.append(Finding("QAYD-DUPLICATE-NUMBER", f"[{i}].number", f"Invoice number {number!r} {where}.",
                                    "Give every document its own number.",
                                    message_ar=f"رقم الفاتورة {number} مستخدم من قبل.",
                                    fix_ar="أعطِ كل مستند رقماً خاصاً به."))
        seen.add(number)
    return findings


def _unknown_references(uow: UnitOfWork, drafts: Sequence[InvoiceDraft]) -> list[Finding]:
    """Ids a document names must exist (customers, products) or be new (the document's own id)."""
    def existing(model: type[m.Customer] | type[m.Product] | type[m.Invoice], ids: set[uuid.UUID]) -> set[uuid.UUID]:
        return set(uow.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()

    customers = existing(m.Customer, {d.customer_id for d in drafts if d.customer_id})
    products = existing(m.Product, {ln.product_id for d in drafts for ln in d.lines if ln.product_id})
    taken = existing(m.Invoice, {d.id for d in drafts})
    findings = []
    for i, d in enumerate(drafts):
        if d.customer_id and d.customer_id not in customers:
            findings.append(_unknown(f"[{i}].customer_id", "customer", d.customer_id))
        findings += [_unknown(f"[{i}].lines[{n}].product_id", "product", ln.product_id)
                     for n, ln in enumerate(d.lines) if ln.product_id and ln.product_id not in products]
        if d.id in taken:
            findings.append(Finding("QAYD-DUPLICATE-ID", f"[{i}].id", f"A document with id {d.id} already exists.",
                                    "Leave out the id; Qayd gives every new document its own.",
                                    message_ar="يوجد مستند بهذا المعرّف من قبل.", fix_ar="احذف المعرّف من الملف."))
    return findings


def _unknown(field: str, what: str, ident: uuid.UUID) -> Finding:
    ar = {"customer": "عميل", "product": "منتج"}[what]
    return Finding("QAYD-UNKNOWN-REFERENCE", field, f"There is no {what} with id {ident} in this company.",
                    f"Leave out {field.rsplit('.', 1)[-1]}, or use the id of an existing {what}.",
                    message_ar=f"لا يوجد {ar} بالمعرّف {ident} في هذه الشركة.",
                    fix_ar="احذف المعرّف أو استخدم معرّفاً موجوداً.")


class _CustomerIndex:
    """Finds the customer a document's buyer is, creating one (audited) when the books do not know it yet."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._by_key: dict[str, uuid.UUID] = {}
        self.created = 0
        for row in uow.session.scalars(select(m.Customer).where(m.Customer.deleted_at.is_(None))):
            for key in _party_keys(row.vat_number, row.id_scheme or "", row.id_value, row.name):
                self._by_key.setdefault(key, row.id)

    def resolve(self, draft: InvoiceDraft) -> uuid.UUID:
        buyer = draft.buyer
        assert buyer is not None
        keys = _party_keys(buyer.vat_number, buyer.id_scheme.value if buyer.id_scheme else "", buyer.id_value,
                           buyer.name)
        for key in keys:
            if key in self._by_key:
                return self._by_key[key]
        customer = Customer(name=buyer.name, kind=buyer.kind, vat_number=buyer.vat_number,
                            id_scheme=buyer.id_scheme, id_value=buyer.id_value, address=buyer.address,
                            name_ar=buyer.name_ar)
        _insert_customer(self._uow, customer)
        self.created += 1
        for key in keys:
            self._by_key[key] = customer.id
        return customer.id


def _party_keys(vat: str, scheme: str, id_value: str, name: str) -> list[str]:
    keys = [f"vat:{vat}"] if vat else []
    if scheme and id_value:
        keys.append(f"id:{scheme}:{id_value}")
    if not keys:
        keys.append(f"name:{name.strip().casefold()}")
    return keys


def _add_draft(uow: UnitOfWork, batch: repo.InvoiceBatch, draft: InvoiceDraft, totals: Totals) -> None:
    batch.add(draft, totals, device_id=uow.ctx.device_id, now=uow.now())
    doc = draft_to_json(draft)
    buyer = doc.pop("buyer", None)
    doc["payable"] = repo.decimal_text(totals.payable)
    personal_subject = f"customer:{draft.customer_id}" if draft.customer_id else None
    uow.audit.append("invoice.draft_created", f"invoice:{draft.id}", doc,
                     personal={"buyer": buyer} if buyer else None, personal_subject=personal_subject)


@dataclass(frozen=True, slots=True)
class StoredInvoice:
    draft: InvoiceDraft
    status: str
    totals: Totals
    version: int
    created_at: datetime
    updated_at: datetime


def find_invoice_row(uow: UnitOfWork, ref: str) -> m.Invoice:
    """The stored document (not tombstoned) with this number or id."""
    conditions = [m.Invoice.number == ref]
    with contextlib.suppress(ValueError):
        conditions.append(m.Invoice.id == uuid.UUID(ref))
    row = uow.session.scalars(select(m.Invoice).where(or_(*conditions), m.Invoice.deleted_at.is_(None))).first()
    if row is None:
        raise NotFoundError(f"There is no invoice {ref!r}.", fix="`qayd invoice list --search` finds it.")
    return row


def get_invoice(uow: UnitOfWork, ref: str, *, purpose: str = "invoice record") -> StoredInvoice:
    """A document by number or id; an individual buyer's data is a logged read, a restricted one refused to clerks."""
    row = find_invoice_row(uow, ref)
    screen_buyer(uow, row, purpose)
    draft = repo.draft_from_row(row, uow, purpose=purpose)  # a held (sealed) buyer opened for admin/compliance
    return StoredInvoice(draft, row.status, compute_totals(draft), row.version, row.created_at, row.updated_at)


def screen_buyer(uow: UnitOfWork, row: m.Invoice, purpose: str) -> None:
    """Before a document's buyer is read: a restricted buyer is refused to clerks; an individual's read logged."""
    if row.customer_id is None or not row.buyer_json:
        return
    customer = uow.session.execute(select(m.Customer.kind, m.Customer.restricted_at.is_not(None))
                                   .where(m.Customer.id == row.customer_id)).first()
    if customer is None:
        return
    kind, restricted = customer
    roles.require_visible(uow, roles.customer_subject(row.customer_id), personal=kind == "individual",
                          restricted=bool(restricted), fields=("invoice.buyer_json",), purpose=purpose)


def count_invoices(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(m.Invoice)) or 0)


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    return {k: (str(v) if not isinstance(v, str | int | bool | type(None)) else v) for k, v in values.items()}
