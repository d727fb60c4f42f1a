"""SQLAlchemy mapped classes of the local store; the same logical schema serves the central PostgreSQL.

Sync-ready from the start: keys are UUIDs made on the device, mutable rows carry `version` (optimistic
locking) and `updated_at`, nothing is hard-deleted (`deleted_at` is the tombstone), and every row names
the device that last wrote it. The audit tables are append-only and keyed by the device's sequence.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Computed, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from core.store.types import AwareDateTime, Cents, DecimalText, IsoDate


class Base(DeclarativeBase):
    pass


class SyncedMixin:
    """Columns every mutable, synchronised row has."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # optimistic locking: an UPDATE that finds another version raises StaleDataError
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Device(Base):
    """This install (and, after sync, the others): its id and the public half of its signing key."""

    __tablename__ = "device"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    is_local: Mapped[bool] = mapped_column(nullable=False, default=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # Ed25519, raw 32 bytes
    # The invoice number series this device draws from (INV-2026-<series>-0001); '' is the company's main series.
    series: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)


class StaffUser(SyncedMixin, Base):
    """A person who acts in Qayd; audit entries name the user's id, never the name."""

    __tablename__ = "staff_user"
    username: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # admin | compliance | clerk: held (restricted) personal data is shown to admin and compliance only
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="clerk")


class Company(SyncedMixin, Base):
    __tablename__ = "company"
    legal_name_ar: Mapped[str] = mapped_column(String(1000), nullable=False)
    legal_name_en: Mapped[str] = mapped_column(String(1000), nullable=False)
    vat_number: Mapped[str] = mapped_column(String(15), nullable=False)
    id_value: Mapped[str] = mapped_column(String(127), nullable=False)  # the seller id (BT-29); was the CRN (0008)
    id_scheme: Mapped[str] = mapped_column(String(3), nullable=False, default="CRN", server_default="CRN")
    street: Mapped[str] = mapped_column(String(1000), nullable=False)
    building_number: Mapped[str] = mapped_column(String(10), nullable=False)
    district: Mapped[str] = mapped_column(String(1000), nullable=False)
    city: Mapped[str] = mapped_column(String(1000), nullable=False)
    postal_code: Mapped[str] = mapped_column(String(10), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="SA")
    additional_number: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    province: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class Customer(SyncedMixin, Base):
    __tablename__ = "customer"
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(1000), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    vat_number: Mapped[str] = mapped_column(String(15), nullable=False, default="", index=True)
    id_scheme: Mapped[str | None] = mapped_column(String(3))
    id_value: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    address_json: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    restricted_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # GDPR Art. 18, or erased but held
    erased_at: Mapped[datetime | None] = mapped_column(AwareDateTime)  # personal fields anonymised (Art. 17)


class Product(SyncedMixin, Base):
    __tablename__ = "product"
    name: Mapped[str] = mapped_column(String(1000), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    sku: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    unit_price: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    unit_code: Mapped[str] = mapped_column(String(10), nullable=False, default="PCE")
    vat_category: Mapped[str] = mapped_column(String(1), nullable=False)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    exemption_reason_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    exemption_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")


class Invoice(SyncedMixin, Base):
    """A draft or issued document. Once `status` leaves 'draft', a trigger refuses any change."""

    __tablename__ = "invoice"
    number: Mapped[str] = mapped_column(String(127), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft", index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    type: Mapped[str] = mapped_column(String(20), nullable=False)
    issue_datetime: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False, index=True)
    supply_date: Mapped[date | None] = mapped_column(IsoDate)
    supply_end_date: Mapped[date | None] = mapped_column(IsoDate)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    exchange_rate: Mapped[Decimal | None] = mapped_column(DecimalText)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer.id"), index=True)
    buyer_json: Mapped[str | None] = mapped_column(Text)  # the buyer as on this document (personal data)
    payment_means: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    billing_reference: Mapped[str] = mapped_column(String(127), nullable=False, default="")
    reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    prepaid_amount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False, default=Decimal("0"))
    third_party: Mapped[bool] = mapped_column(nullable=False, default=False)
    nominal: Mapped[bool] = mapped_column(nullable=False, default=False)
    export: Mapped[bool] = mapped_column(nullable=False, default=False)
    summary: Mapped[bool] = mapped_column(nullable=False, default=False)
    self_billed: Mapped[bool] = mapped_column(nullable=False, default=False)
    prepayments_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    payable_rounding: Mapped[Decimal] = mapped_column(DecimalText, nullable=False, default=Decimal("0"))
    line_extension: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    tax_exclusive: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    tax_total: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    tax_total_sar: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    tax_inclusive: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    payable: Mapped[Decimal] = mapped_column(Cents, nullable=False)
    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan", lazy="selectin"
    )
    allowances: Mapped[list[InvoiceAllowanceCharge]] = relationship(
        order_by="InvoiceAllowanceCharge.position", cascade="all, delete-orphan", lazy="selectin"
    )


class InvoiceLine(Base):
    """A line of one document; it lives and dies with its document (no own version)."""

    __tablename__ = "invoice_line"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(1000), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    discount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    vat_category: Mapped[str] = mapped_column(String(1), nullable=False)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    exemption_reason_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    exemption_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    unit_code: Mapped[str] = mapped_column(String(10), nullable=False, default="PCE")
    product_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product.id"))
    name_ar: Mapped[str] = mapped_column(String(1000), nullable=False, default="", server_default="")  # 0011
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    __table_args__ = (Index("ix_invoice_line_invoice", "invoice_id", "position", unique=True),)


class InvoiceAllowanceCharge(Base):
    __tablename__ = "invoice_allowance_charge"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    is_charge: Mapped[bool] = mapped_column(nullable=False, default=False)
    amount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    reason_code: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    vat_category: Mapped[str] = mapped_column(String(1), nullable=False)
    vat_rate: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    exemption_reason_code: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    exemption_reason: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


class Setting(SyncedMixin, Base):
    """Company-wide settings kept in the store (not the per-install config file)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    value_json: Mapped[str] = mapped_column(Text, nullable=False)


class AuditEntry(Base):
    """One link of this device's audit chain (see core.audit.chain for the format and hashing rule).

    Only `body`, `prev_hash` and `hash` are stored; the searchable columns are generated from the body
    by SQLite, so they cannot be edited apart from what was hashed.
    """

    __tablename__ = "audit_entry"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON; personal data encrypted
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    at: Mapped[str] = mapped_column(String(40), Computed("json_extract(body, '$.at')", persisted=False), index=True)
    actor: Mapped[str] = mapped_column(String(80), Computed("json_extract(body, '$.actor')", persisted=False))
    device_id: Mapped[str] = mapped_column(String(36), Computed("json_extract(body, '$.device')", persisted=False))
    action: Mapped[str] = mapped_column(String(80), Computed("json_extract(body, '$.action')", persisted=False))
    subject: Mapped[str] = mapped_column(String(120), Computed("json_extract(body, '$.subject')", persisted=False),
                                         index=True)


class AuditCheckpoint(Base):
    """The chain head at some sequence, signed with the device key: makes a cut-off tail visible."""

    __tablename__ = "audit_checkpoint"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[str] = mapped_column(String(40), nullable=False)
    device_id: Mapped[str] = mapped_column(String(36), nullable=False)
    signature: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class SubjectKey(Base):
    """A data subject's key for the personal data in audit payloads; erasure destroys it (crypto-shredding)."""

    __tablename__ = "subject_key"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subject: Mapped[str] = mapped_column(String(120), nullable=False, unique=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # AES-GCM under the master key; NULL once destroyed
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    destroyed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


class Secret(Base):
    """A secret value sealed (AES-GCM) with the key of `key_version` (see SecretKey); rotation re-seals it."""

    __tablename__ = "secret"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    key_version: Mapped[int] = mapped_column(Integer, nullable=False)
    sealed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


class SecretKey(Base):
    """A data-encryption key version of the secret store, wrapped with the master key (AES-GCM).

    Version 1 is the master key itself (how stores before 0004 sealed their secrets) and has no row until a
    rotation retires it. A rotation adds the next version, re-seals every secret with it and destroys the
    older ones in the same transaction: `wrapped_key` becomes NULL and `destroyed_at` is set.
    """

    __tablename__ = "secret_key"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # NULL once destroyed
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    destroyed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


class EgsUnit(SyncedMixin, Base):
    """An e-invoice generation solution unit (ZATCA's EGS): its certificate, counter and hash chain.

    The private key and the CSID secrets are in the secret store under `egs/<id>/…`, never here.
    `icv` is the last counter value used and `last_hash` the hash of that document (the next PIH).
    """

    __tablename__ = "egs_unit"
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)  # the CSR common name
    serial_number: Mapped[str] = mapped_column(String(300), nullable=False)  # 1-…|2-…|3-…
    environment: Mapped[str] = mapped_column(String(20), nullable=False)  # sandbox|simulation|production|demo
    invoice_types: Mapped[str] = mapped_column(String(4), nullable=False, default="1100")
    branch: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    location: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    industry: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # created|compliance|active|demo|retired
    certificate_b64: Mapped[str | None] = mapped_column(Text)
    certificate_expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    compliance_request_id: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    icv: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_hash: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class IssuedDocument(Base):
    """The signed XML of an issued document, written once in the issuing transaction and never changed."""

    __tablename__ = "issued_document"
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice.id"), primary_key=True)
    egs_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("egs_unit.id"), nullable=False)
    icv: Mapped[int] = mapped_column(Integer, nullable=False)
    document_uuid: Mapped[uuid.UUID] = mapped_column("uuid", Uuid, nullable=False, unique=True)  # cbc:UUID
    pih: Mapped[str] = mapped_column(String(100), nullable=False)
    invoice_hash: Mapped[str] = mapped_column(String(100), nullable=False)
    phase: Mapped[int] = mapped_column(Integer, nullable=False)
    qr: Mapped[str] = mapped_column(Text, nullable=False)
    xml: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # the exact signed bytes (hashes depend on them)
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    __table_args__ = (Index("ix_issued_document_egs_icv", "egs_unit_id", "icv", unique=True),)


class GatePass(Base):
    """A draft whose XML passed the gate when it was saved (core.zatca.gate): issuing then proves identity instead.

    Local to the desk on purpose (never synchronised): a pass is trusted only where this desk's own validator wrote
    it. `digest` covers the validator and the exact unsigned text with the counter and previous hash left out.
    """

    __tablename__ = "gate_pass"
    invoice_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    checked_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)


class ZatcaSubmission(SyncedMixin, Base):
    """One document's way through clearance or reporting; durable, so a crash never loses or repeats it."""

    __tablename__ = "zatca_submission"
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice.id"), nullable=False, unique=True)
    egs_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("egs_unit.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # clearance|reporting
    state: Mapped[str] = mapped_column(String(20), nullable=False, index=True)  # pending|sending|done|rejected
    outcome: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    deadline: Mapped[datetime | None] = mapped_column(AwareDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    messages_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    cleared_xml: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class GdprRequest(SyncedMixin, Base):
    """A data subject's request (GDPR Art. 15-21), from intake to closure; every step is audited."""

    __tablename__ = "gdpr_request"
    reference: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # e.g. DSR-2026-0001
    subject: Mapped[str] = mapped_column(String(120), nullable=False, default="", index=True)  # customer:<uuid>
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # access|erasure|rectification|portability|...
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    due_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)  # one month, extendable by two
    extension_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    requester_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # personal: name, contact
    identity_method: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    identity_checked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    identity_checked_by: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    outcome: Mapped[str] = mapped_column(Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class RetentionHold(Base):
    """A record an erasure had to keep (tax law, audit evidence), restricted until `held_until`, then purged."""

    __tablename__ = "retention_hold"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subject: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    record: Mapped[str] = mapped_column(String(120), nullable=False)  # e.g. invoice:<uuid>
    basis: Mapped[str] = mapped_column(String(60), nullable=False)  # a key of core.privacy.catalogue.BASES
    held_until: Mapped[date] = mapped_column(IsoDate, nullable=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    purged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


class ErasureCertificate(Base):
    """What an erasure erased and kept, and why, as canonical JSON signed with the device key (append-only)."""

    __tablename__ = "erasure_certificate"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    subject: Mapped[str] = mapped_column(String(120), nullable=False, index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON, no personal data
    signature: Mapped[str] = mapped_column(Text, nullable=False)  # base64 Ed25519 over the UTF-8 body
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)


class PaymentLink(SyncedMixin, Base):
    """A hosted payment page made for one issued invoice's outstanding amount (store migration 0013).

    `owner_device_id` is the desk that made it: only that desk polls the provider for it, so a payment is recorded
    once even when several desks share one provider account. `sequence` counts the invoice's links (1, 2, …): it
    is part of the idempotency key, so a retry makes no second link and a new link after a part payment is new.
    """

    __tablename__ = "payment_link"
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice.id"), nullable=False, index=True)
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    link_id: Mapped[str] = mapped_column(String(255), nullable=False)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    amount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    owner_device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    __table_args__ = (Index("ix_payment_link_provider_link", "provider", "link_id", unique=True),)


class ProviderEventRow(Base):
    """A provider event as polled, stored once per (provider, event id); local to the desk that polled it."""

    __tablename__ = "payment_event"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    event_id: Mapped[str] = mapped_column(String(255), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    payment_ref: Mapped[str] = mapped_column(String(255), nullable=False)  # the provider's payment (or payout) id
    amount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    link_id: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[str | None] = mapped_column(String(100))
    fee: Mapped[Decimal | None] = mapped_column(DecimalText)
    refund_id: Mapped[str | None] = mapped_column(String(255))
    raw_status: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    outcome: Mapped[str] = mapped_column(String(30), nullable=False)  # recorded|unmatched|refund|ignored|not_ours
    received_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    __table_args__ = (Index("ix_payment_event_provider_event", "provider", "event_id", unique=True),)


class Payment(SyncedMixin, Base):
    """Money received at the provider, re-read before it was trusted; matched to its invoice, or kept unmatched
    (`invoice_id` NULL or `problem` set) with the rule it broke, never silently applied."""

    __tablename__ = "payment"
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    payment_ref: Mapped[str] = mapped_column(String(255), nullable=False)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    link_id: Mapped[str | None] = mapped_column(String(255))
    reference: Mapped[str | None] = mapped_column(String(100))  # the invoice UUID the provider echoed
    amount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    fee: Mapped[Decimal] = mapped_column(DecimalText, nullable=False, default=Decimal("0"))
    refunded: Mapped[Decimal] = mapped_column(DecimalText, nullable=False, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False)  # matched|unmatched
    problem: Mapped[str] = mapped_column(String(60), nullable=False, default="")  # the rule id of a mismatch
    paid_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    __table_args__ = (Index("ix_payment_provider_ref", "provider", "payment_ref", unique=True),)


class PaymentRefund(SyncedMixin, Base):
    """Money given back on a payment, made in Qayd (against an issued credit note) or seen at the provider."""

    __tablename__ = "payment_refund"
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment.id"), nullable=False, index=True)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    credit_note_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("invoice.id"))
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    refund_ref: Mapped[str] = mapped_column(String(255), nullable=False)
    amount: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False)  # qayd|provider
    idempotency_key: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    __table_args__ = (Index("ix_payment_refund_provider_ref", "provider", "refund_ref", unique=True),)


class PaymentCursor(Base):
    """Where this desk's poll of a provider's events stands; moved in the transaction that records the events."""

    __tablename__ = "payment_cursor"
    provider: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(500), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)

class MailOutbox(Base):
    """An invoice e-mail, queued in the request's transaction and sent by a flush (core.mail.outbox).

    Local to the desk (never synchronised). status: queued | sending | sent | failed | needs_person | cancelled.
    The body is cleared once the message is sent; the row stays as long as the invoice (the tax hold).
    """

    __tablename__ = "mail_outbox"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoice.id"), nullable=False, index=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)  # personal data (the catalogue)
    lang: Mapped[str] = mapped_column(String(2), nullable=False)
    attach_xml: Mapped[bool] = mapped_column(nullable=False, default=False)
    subject: Mapped[str] = mapped_column(String(400), nullable=False)
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    last_error: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    message_id: Mapped[str] = mapped_column(String(250), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)


class Incident(SyncedMixin, Base):
    """Incident mode (store migration 0014): while a row has no `ended_at`, the channels in `holds` wait.

    Synchronised, so every desk that pulls holds the same channels. `holds` is a comma-separated list of channel
    names (core.incident.CHANNELS); `automatic` marks one Qayd entered by itself after a failed verification (it
    also holds issuing). At most one is active: core.incident.start refuses a second.
    """

    __tablename__ = "incident"
    started_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    started_by: Mapped[str] = mapped_column(String(200), nullable=False)
    reason: Mapped[str] = mapped_column(String(1000), nullable=False)
    holds: Mapped[str] = mapped_column(String(200), nullable=False)
    pause_submission: Mapped[bool] = mapped_column(nullable=False, default=False)
    automatic: Mapped[bool] = mapped_column(nullable=False, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(200))
    end_reason: Mapped[str | None] = mapped_column(String(1000))
    __table_args__ = (Index("ix_incident_active", "ended_at"),)


class InsightMark(SyncedMixin, Base):
    """A person's verdict on an insight finding (store migration 0015): acknowledged, false positive or resolved.

    Keyed by the finding's `key` (its rule and the evidence behind it, core.insights.model), so a false positive is
    not raised again for the same evidence on any desk: marks synchronise. The latest mark of a key counts; older ones
    stay as the record of who decided what (each mark is also an audit entry, `insight.marked`).
    """

    __tablename__ = "insight_mark"
    finding_key: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    rule: Mapped[str] = mapped_column(String(40), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False)  # acknowledged|false_positive|resolved
    note: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    marked_by: Mapped[str] = mapped_column(String(200), nullable=False)
    marked_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)


class InsightFinding(Base):
    """The findings of the last insights run on this install (store migration 0015); not synchronised: every desk
    computes them from the same synchronised books. `body` is the finding's JSON (core.insights.model.Finding):
    documents by id and number, customers by id, figures as text; never a name, e-mail or other personal value."""

    __tablename__ = "insight_finding"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    score: Mapped[float] = mapped_column(nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    run_at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)
    first_seen: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False)


class AssistantUsage(Base):
    """One call of the assistant to its provider (store migration 0016): who, for what, which model, the tokens the
    provider counted and their cost from the [assistant] price table (exact text, in `currency`). Never the prompt
    nor the answer: `request_digest` is the SHA-256 of the request body as sent. Local to this desk (its budget); the
    `assistant.called` audit entry of the same transaction carries the same figures to central."""

    __tablename__ = "assistant_usage"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    at: Mapped[datetime] = mapped_column(AwareDateTime, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    purpose: Mapped[str] = mapped_column(String(60), nullable=False)
    provider: Mapped[str] = mapped_column(String(40), nullable=False)
    model: Mapped[str] = mapped_column(String(200), nullable=False)
    input_tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    output_tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    cost: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
