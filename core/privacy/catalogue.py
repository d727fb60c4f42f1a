"""The personal-data catalogue, in code: every column and payload that holds personal data, whose and what kind.

Exports (Art. 15/20) read what the catalogue lists; erasure (Art. 17) anonymises or holds exactly that; a test
fails when a model gains a column that looks personal and is neither listed here nor in NOT_PERSONAL.
Subjects are named as the audit log names them: ``customer:<uuid>``, ``user:<uuid>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    PersonalField("staff_user", "username", "user", Category.ACCOUNT, Erase.ANONYMISE),
    PersonalField("staff_user", "display_name", "user", Category.IDENTITY, Erase.ANONYMISE),
    PersonalField("gdpr_request", "requester_json", "requester", Category.REQUEST, Erase.ANONYMISE),
    PersonalField("audit_entry", "body", "customer", Category.IDENTITY, Erase.SHRED, "audit-evidence",
                  note="only the `personal` part, sealed with the subject's key"),
)

# Columns that look personal by name but are not (reviewed): a test keeps this list and FIELDS complete.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("company", "legal_name_ar"): "the seller is a legal person",
    ("company", "legal_name_en"): "the seller is a legal person",
    ("company", "street"): "the seller's business address",
    ("company", "building_number"): "the seller's business address",
    ("company", "district"): "the seller's business address",
    ("company", "city"): "the seller's business address",
    ("company", "postal_code"): "the seller's business address",
    ("company", "additional_number"): "the seller's business address",
    ("product", "name"): "a product",
    ("product", "name_ar"): "a product",
    ("invoice_line", "name"): "an item sold",
    ("device", "name"): "a computer",
    ("egs_unit", "name"): "an invoicing unit",
    ("egs_unit", "location"): "a branch",
    ("setting", "key"): "a setting's name",
    ("secret", "name"): "a secret's name; the value is sealed",
}


def fields_of(table: str) -> list[PersonalField]:
    return [f for f in FIELDS if f.table == table]
