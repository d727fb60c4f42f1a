"""The personal-data catalogue, in code: every column and payload that holds personal data, whose and what kind.

Exports (Art. 15/20) read what the catalogue lists; erasure (Art. 17) anonymises or holds exactly that; a test
fails when a model gains a column that looks personal and is neither listed here nor in NOT_PERSONAL.
Subjects are named as the audit log names them: ``customer:<uuid>``, ``user:<uuid>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    IDENTITY = "identity"  # names
    CONTACT = "contact"  # email, phone
    ADDRESS = "address"
    GOVERNMENT_ID = "government_id"  # national id, Iqama, passport, CRN of a sole trader
    TAX_ID = "tax_id"  # VAT number of a natural person
    ACCOUNT = "account"  # staff login names
    TRANSACTION = "transaction"  # what a person bought (invoices issued to an individual)
    REQUEST = "request"  # what a data subject asked for, and how they were identified


class Erase(StrEnum):
    ANONYMISE = "anonymise"  # overwritten when the subject is erased
    HOLD = "hold"  # part of a record the law makes us keep: restricted, then purged when the hold ends
    SHRED = "shred"  # sealed with the subject's key: destroying the key erases it (audit payloads)


@dataclass(frozen=True)
class Basis:
    """Why a record is kept after an erasure request, and for how long."""

    key: str
    law_en: str
    law_ar: str
    years: int
    from_end_of_tax_year: bool  # KSA VAT: the period runs from the end of the tax (calendar) year


BASES = {
    "ksa-vat-records": Basis(
        "ksa-vat-records",
        "KSA VAT Implementing Regulations, Art. 66: tax invoices and their e-invoice XML are kept for six years "
        "after the end of the tax year they belong to (GDPR Art. 17(3)(b): a legal obligation).",
        "اللائحة التنفيذية لنظام ضريبة القيمة المضافة، المادة 66: تُحفظ الفواتير الضريبية وملفاتها الإلكترونية ست "
        "سنوات بعد نهاية السنة الضريبية (المادة 17(3)(ب) من اللائحة العامة لحماية البيانات: التزام قانوني).",
        6, True),
    "audit-evidence": Basis(
        "audit-evidence",
        "Audit evidence of changes to tax records is kept for seven years (legal claims, GDPR Art. 17(3)(e)); "
        "the personal data inside it is sealed with the subject's key, which erasure destroys.",
        "تُحفظ أدلة التدقيق على تغييرات السجلات الضريبية سبع سنوات (المطالبات القانونية، المادة 17(3)(هـ))؛ "
        "والبيانات الشخصية فيها مشفّرة بمفتاح صاحبها الذي يُتلف عند المسح.",
        7, False),
}


@dataclass(frozen=True)
class PersonalField:
    table: str
    column: str
    owner: str  # whose data: "customer" | "user" | "requester" (the subject a request names)
    category: Category
    erase: Erase
    basis: str = ""  # a key of BASES when erase is HOLD
    note: str = ""


# Every personal column. Customer rows are the subject's own record; a buyer snapshot on a draft is anonymised,
# on an issued document held (the document is immutable and the law keeps it).
FIELDS: tuple[PersonalField, ...] = (
    PersonalField("customer", "name", "customer", Category.IDENTITY, Erase.ANONYMISE),
    PersonalField("customer", "name_ar", "customer", Category.IDENTITY, Erase.ANONYMISE),
    PersonalField("customer", "vat_number", "customer", Category.TAX_ID, Erase.ANONYMISE,
                  note="personal only for individuals; a company's VAT number is not personal data"),
    PersonalField("customer", "id_value", "customer", Category.GOVERNMENT_ID, Erase.ANONYMISE),
    PersonalField("customer", "address_json", "customer", Category.ADDRESS, Erase.ANONYMISE),
    PersonalField("customer", "email", "customer", Category.CONTACT, Erase.ANONYMISE),
    PersonalField("customer", "phone", "customer", Category.CONTACT, Erase.ANONYMISE),
    PersonalField("invoice", "buyer_json", "customer", Category.TRANSACTION, Erase.HOLD, "ksa-vat-records",
                  note="drafts are anonymised; issued documents are held"),
    PersonalField("issued_document", "xml", "customer", Category.TRANSACTION, Erase.HOLD, "ksa-vat-records"),
    PersonalField("zatca_submission", "cleared_xml", "customer", Category.TRANSACTION, Erase.HOLD,
                  "ksa-vat-records"),
    # Payments (issue 15): what an individual paid on an invoice, through which link, and what was given back. No
    # name or card is stored (the provider keeps those); the amounts and references are held like the invoice.
    *(PersonalField(table, "amount", "customer", Category.TRANSACTION, Erase.HOLD, "ksa-vat-records",
                    note="a payment on an individual's invoice, kept as long as the invoice")
      for table in ("payment_link", "payment", "payment_refund", "payment_event")),
    PersonalField("staff_user", "username", "user", Category.ACCOUNT, Erase.ANONYMISE),
    PersonalField("staff_user", "display_name", "user", Category.IDENTITY, Erase.ANONYMISE),
    PersonalField("gdpr_request", "requester_json", "requester", Category.REQUEST, Erase.ANONYMISE),
    *(PersonalField("gdpr_request", column, "requester", Category.REQUEST, Erase.ANONYMISE,
                    note="free text staff typed; it may quote the person")
      for column in ("identity_method", "notes", "extension_reason")),
    PersonalField("gdpr_request", "outcome", "requester", Category.REQUEST, Erase.HOLD, "audit-evidence",
                  note="what was done about the request, kept as evidence of compliance"),
    PersonalField("mail_outbox", "recipient", "customer", Category.CONTACT, Erase.HOLD, "ksa-vat-records",
                  note="the address an invoice was e-mailed to, kept with the invoice; a message not yet sent is "
                       "cancelled and its address anonymised"),
    *(PersonalField("mail_outbox", column, "customer", Category.IDENTITY, Erase.ANONYMISE,
                    note="the e-mail's text (it names the buyer); cleared once the message is sent")
      for column in ("body_text", "body_html")),
    PersonalField("audit_entry", "body", "customer", Category.IDENTITY, Erase.SHRED, "audit-evidence",
                  note="only the `personal` part, sealed with the subject's key"),
)

# The personal keys inside JSON payloads (a column of FIELDS holding a JSON document), and their category.
PAYLOAD_FIELDS: dict[tuple[str, str], dict[str, Category]] = {
    ("customer", "address_json"): {k: Category.ADDRESS for k in (
        "street", "building_number", "district", "city", "postal_code", "additional_number", "province")},
    ("invoice", "buyer_json"): {"name": Category.IDENTITY, "name_ar": Category.IDENTITY, "vat_number": Category.TAX_ID,
                                "id_value": Category.GOVERNMENT_ID, "address": Category.ADDRESS},
    ("gdpr_request", "requester_json"): {"name": Category.IDENTITY, "contact": Category.CONTACT},
    # the sealed `personal` part of an audit entry: a customer's values, or a buyer snapshot, or a username
    ("audit_entry", "body"): {"personal": Category.IDENTITY},
}

# Columns that look personal by name but are not (reviewed): a test keeps this list and FIELDS complete.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("company", "legal_name_ar"): "the seller is a legal person",
    ("company", "legal_name_en"): "the seller is a legal person",
    ("company", "id_value"): "the seller's registration or licence number (BT-29); the seller is a legal person",
    ("company", "street"): "the seller's business address",
    ("company", "building_number"): "the seller's business address",
    ("company", "district"): "the seller's business address",
    ("company", "city"): "the seller's business address",
    ("company", "postal_code"): "the seller's business address",
    ("company", "additional_number"): "the seller's business address",
    ("product", "name"): "a product",
    ("product", "name_ar"): "a product",
    ("invoice_line", "name"): "an item sold",
    ("invoice_line", "name_ar"): "an item sold, its Arabic name",
    ("device", "name"): "a computer",
    ("egs_unit", "name"): "an invoicing unit",
    ("egs_unit", "location"): "a branch",
    ("setting", "key"): "a setting's name",
    ("secret", "name"): "a secret's name; the value is sealed",
}


def fields_of(table: str) -> list[PersonalField]:
    return [f for f in FIELDS if f.table == table]


# --- completeness --------------------------------------------------------------------------------------------

# Column names that suggest personal data. A column matching one must be in FIELDS or in NOT_PERSONAL (with the
# reason it is not personal): a new `contact_email` or `date_of_birth` column cannot slip in unreviewed.
PERSONAL_NAME_PATTERNS: dict[str, str] = {
    "name": r"name",
    "email": r"e_?mail|mail_?address",
    "phone": r"phone|mobile|msisdn|\bfax\b",
    "national id": r"national_?id|\bnin\b|civil_?id|id_number|id_value",
    "iqama": r"iqama|residen(ce|t)_?(id|permit)",
    "address": r"address|street|city|postal|post_?code|zip_?code|\bdistrict\b",
    "iban / account": r"iban|account|\bbic\b|swift",
    "birth": r"birth|\bdob\b",
    "passport": r"passport",
    "username": r"user_?name|login",
}
_LOOKS_PERSONAL = re.compile("|".join(f"(?:{p})" for p in PERSONAL_NAME_PATTERNS.values()))


def looks_personal(column: str) -> bool:
    """Whether a column's name suggests personal data (the patterns above, on the lower-cased name)."""
    return bool(_LOOKS_PERSONAL.search(column.lower().replace("-", "_")))


def is_catalogued(table: str, column: str) -> bool:
    return any(f.table == table and f.column == column for f in FIELDS) or (table, column) in NOT_PERSONAL


def unreviewed_columns(tables: Iterable[Any]) -> list[tuple[str, str]]:
    """(table, column) of every column whose name looks personal and that neither FIELDS nor NOT_PERSONAL lists.

    `tables` are SQLAlchemy Table objects (e.g. `Base.metadata.tables.values()`); an empty list is complete.
    """
    found = []
    for table in tables:
        for column in table.columns:
            if looks_personal(column.name) and not is_catalogued(table.name, column.name):
                found.append((table.name, column.name))
    return found


def unreviewed_keys(table: str, column: str, keys: Iterable[str]) -> list[str]:
    """Keys of a JSON payload whose names look personal and that PAYLOAD_FIELDS does not list for the column."""
    listed = PAYLOAD_FIELDS.get((table, column), {})
    return [k for k in keys if looks_personal(k) and k not in listed]


def stale_entries(tables: Iterable[Any]) -> list[tuple[str, str]]:
    """Entries of FIELDS and NOT_PERSONAL naming a column the schema does not have (renamed or dropped)."""
    columns = {(t.name, c.name) for t in tables for c in t.columns}
    listed = [(f.table, f.column) for f in FIELDS] + list(NOT_PERSONAL)
    return [entry for entry in listed if entry not in columns]
