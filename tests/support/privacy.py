"""A data subject with a full history in a demo company, for the access export and erasure tests.

An individual customer with a name (English and Arabic), e-mail, phone, a national id and an address; drafts and
issued (signed) invoices to them; a rectification (sealed before/after in the audit chain); a request naming them;
reads of their record in the access log.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from core.clock import SAUDI_TIME as KSA
from core.invoicing import service
from core.invoicing.demo import create_demo
from core.invoicing.identifiers import luhn_ok
from core.invoicing.model import (
    Address,
    Customer,
    CustomerKind,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    VatCategory,
)
from core.invoicing.parties import update_customer
from core.store import models as m
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_many


def national_id(body: str = "107391524") -> str:
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


NAME = "Zubayda Qasimova"
NAME_AR = "زبيدة قاسموفا"
EMAIL = "zubayda.qasimova@example.org"
OLD_PHONE = "+966511112222"
PHONE = "+966534567891"
NID = national_id()
STREET = "Zubayda Lane"


@dataclass(frozen=True)
class Person:
    customer: Customer
    subject: str
    issued: tuple[str, ...]  # invoice numbers
    drafts: tuple[str, ...]
    request_ref: str

    @property
    def on_invoices(self) -> tuple[str, ...]:
        """What the held invoices carry (buyer snapshot and signed XML). The Arabic name is in the snapshot since
        issue 13: the printed tax invoice shows it, so it is kept (sealed) with the rest of the tax record."""
        return (NAME, NID, STREET, NAME_AR)

    @property
    def nowhere_after_erasure(self) -> tuple[str, ...]:
        """What only the customer record, drafts, requests and sealed audit payloads held."""
        return (EMAIL, PHONE, OLD_PHONE)

    @property
    def personal(self) -> tuple[str, ...]:
        """Every personal value of theirs: after an erasure none is left in plaintext in the store (held invoices
        are sealed)."""
        return (*self.on_invoices, *self.nowhere_after_erasure)


def add_person(ctx: Context, *, demo_drafts: int = 8, issued: int = 3, drafts: int = 2, demo_egs: bool = True,
               kinds: tuple[DocumentKind, ...] = (DocumentKind.SIMPLIFIED,)) -> Person:
    """`demo_egs=False`: the company is made and given an EGS unit by the caller (e.g. one onboarded with the local
    Fatoora server, so that the person's documents are queued for submission). `kinds` cycle over the documents."""
    if demo_egs:
        create_demo(ctx, drafts=demo_drafts)
        add_demo_egs(ctx, issue=2)
    customer = Customer(name=NAME, name_ar=NAME_AR, kind=CustomerKind.INDIVIDUAL, id_scheme=IdScheme.NAT,
                        id_value=NID, email=EMAIL, phone=OLD_PHONE,
                        address=Address(STREET, "4821", "Al Nakheel", "Riyadh", "12382"))
    now = ctx.clock().astimezone(KSA).replace(microsecond=0)
    line = InvoiceLine(name="Consulting hours", quantity=Decimal("2"), unit_price=Decimal("250.00"),
                       vat_category=VatCategory.STANDARD, vat_rate=Decimal("15"), unit_code="HUR")
    docs = [InvoiceDraft(kind=kinds[n % len(kinds)], type=DocumentType.INVOICE, number=f"ZQ-{n:03d}",
                         issue_datetime=now - timedelta(days=30 - n), supply_date=(now - timedelta(days=30 - n)).date(),
                         lines=(line,), buyer=customer.as_party(), customer_id=customer.id, payment_means="10")
            for n in range(1, issued + drafts + 1)]
    with ctx.uow() as uow:
        service.add_customer(uow, customer)
        service.import_drafts(uow, docs)
        issue_many(uow, [d.number for d in docs[:issued]])
        uow.commit()
    with ctx.uow() as uow:  # a rectification: the old and new phone sealed in the chain
        customer = update_customer(uow, replace(customer, phone=PHONE))
        reference = f"DSR-TEST-{uuid.uuid4().hex[:6]}"
        now_utc = uow.now()
        uow.session.add(m.GdprRequest(
            reference=reference, subject=f"customer:{customer.id}", kind="erasure", status="open",
            received_at=now_utc, due_at=now_utc + timedelta(days=30), extension_reason="",
            requester_json=json.dumps({"name": NAME, "email": EMAIL}), identity_method="national id card seen",
            identity_checked_at=now_utc, identity_checked_by=ctx.actor, outcome="",
            notes=f"called back on {PHONE}",
            created_at=now_utc, updated_at=now_utc, device_id=ctx.device_id))
        uow.record_access(f"customer:{customer.id}", ["customer.name", "customer.email"], "test: answering a call")
        uow.commit()
    return Person(customer, f"customer:{customer.id}", tuple(d.number for d in docs[:issued]),
                  tuple(d.number for d in docs[issued:]), reference)


def encodings(value: str) -> list[bytes]:
    """The ways SQLite could hold a text: UTF-8 (this store's encoding), UTF-16 in either byte order."""
    return [value.encode("utf-8"), value.encode("utf-16-le"), value.encode("utf-16-be")]
