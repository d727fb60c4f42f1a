"""Invoicing domain values: company, customers, products and invoice drafts, all immutable, money in Decimal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from core.clock import saudi_time


class DocumentKind(StrEnum):
    """Standard (B2B, cleared) or simplified (B2C, reported) — KSA-2 positions 1-2."""

    STANDARD = "standard"
    SIMPLIFIED = "simplified"


class DocumentType(StrEnum):
    """Invoice, credit note or debit note, with their UNTDID 1001 codes (BT-3)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    DEBIT_NOTE = "debit_note"

    @property
    def code(self) -> str:
        return {"invoice": "388", "credit_note": "381", "debit_note": "383"}[self.value]

    @property
    def is_note(self) -> bool:
        return self is not DocumentType.INVOICE


class VatCategory(StrEnum):
    """UNCL 5305 subset that ZATCA accepts (BR-KSA-18)."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    OUT_OF_SCOPE = "O"


class CustomerKind(StrEnum):
    BUSINESS = "business"
    INDIVIDUAL = "individual"


def _in_saudi_time(moment: datetime) -> datetime:
    """An aware issue time moved to Saudi time (same instant); a naive or absurd one is kept for the rules to refuse."""
    try:
        return saudi_time(moment)
    except (ValueError, OverflowError):  # naive (QAYD-ISSUE-TIMEZONE) or within hours of year 1/9999 (BR-KSA-04)
        return moment


class IdScheme(StrEnum):
    """Identification schemes ZATCA accepts besides the VAT number: a buyer's (BR-KSA-14/81), a seller's (BR-KSA-08)."""

    TIN = "TIN"  # tax identification number
    CRN = "CRN"  # commercial registration number
    MOM = "MOM"  # Momra licence
    MLS = "MLS"  # MHRSD licence
    N700 = "700"  # 700 number
    SAG = "SAG"  # MISA licence
    NAT = "NAT"  # national id
    GCC = "GCC"  # GCC id
    IQA = "IQA"  # Iqama
    PAS = "PAS"  # passport
    OTH = "OTH"  # other


# The schemes a seller may identify itself by (BT-29-1), in BR-KSA-08's order of precedence: a seller holding several
# gives the first it has. TIN, NAT, GCC, IQA and PAS identify buyers only.
SELLER_ID_SCHEMES: tuple[IdScheme, ...] = (IdScheme.CRN, IdScheme.MOM, IdScheme.MLS, IdScheme.N700, IdScheme.SAG,
                                           IdScheme.OTH)

# Each scheme's short name as printed beside its number, (English, Arabic); BR-KSA-08's text names the seller's:
# CRN commercial registration, MOM MOMRAH licence, MLS MHRSD licence, 700 number, SAG MISA licence, OTH other.
ID_SCHEME_LABELS: dict[IdScheme, tuple[str, str]] = {
    IdScheme.TIN: ("TIN", "رقم التعريف الضريبي"),
    IdScheme.CRN: ("CR number", "السجل التجاري"),
    IdScheme.MOM: ("MOMRAH licence", "ترخيص البلدية"),
    IdScheme.MLS: ("MHRSD licence", "ترخيص الموارد البشرية"),
    IdScheme.N700: ("700 number", "الرقم الموحد 700"),
    IdScheme.SAG: ("MISA licence", "ترخيص الاستثمار"),
    IdScheme.NAT: ("National ID", "الهوية الوطنية"),
    IdScheme.GCC: ("GCC ID", "هوية خليجية"),
    IdScheme.IQA: ("Iqama", "الإقامة"),
    IdScheme.PAS: ("Passport", "جواز السفر"),
    IdScheme.OTH: ("Other ID", "معرّف آخر"),
}


def id_scheme_label(code: str) -> tuple[str, str]:
    """(English, Arabic) name of a scheme code as found in a document; an unknown code is shown as it is."""
    try:
        return ID_SCHEME_LABELS[IdScheme(code)]
    except ValueError:
        return code, code


@dataclass(frozen=True, slots=True)
class Address:
    """A national address; Saudi ones need street, 4-digit building number, district, city, 5-digit postal code."""

    street: str
    building_number: str
    district: str
    city: str
    postal_code: str
    country: str = "SA"  # ISO 3166-1 alpha-2
    additional_number: str = ""  # the 4-digit additional number of the Saudi national address
    province: str = ""


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    """The seller: the company that owns this store."""

    legal_name_ar: str
    legal_name_en: str
    vat_number: str
    id_value: str  # the seller id (BT-29): the commercial registration number under scheme CRN
    address: Address
    id_scheme: IdScheme = IdScheme.CRN  # BT-29-1, one of SELLER_ID_SCHEMES (BR-KSA-08)
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True, slots=True)
class Party:
    """The buyer as it appears on one document (a snapshot, so later edits to the customer do not change it)."""

    name: str
    kind: CustomerKind = CustomerKind.BUSINESS
    vat_number: str = ""
    id_scheme: IdScheme | None = None
    id_value: str = ""
    address: Address | None = None
    name_ar: str = ""  # printed on the Arabic side of the invoice (the XML carries `name`)


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    kind: CustomerKind = CustomerKind.BUSINESS
    name_ar: str = ""
    vat_number: str = ""
    id_scheme: IdScheme | None = None
    id_value: str = ""
    address: Address | None = None
    email: str = ""
    phone: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def as_party(self) -> Party:
        return Party(
            name=self.name,
            kind=self.kind,
            vat_number=self.vat_number,
            id_scheme=self.id_scheme,
            id_value=self.id_value,
            address=self.address,
            name_ar=self.name_ar,
        )


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    unit_price: Decimal
    vat_category: VatCategory = VatCategory.STANDARD
    vat_rate: Decimal = Decimal("15")
    name_ar: str = ""
    sku: str = ""
    unit_code: str = "PCE"  # UN/ECE rec. 20
    exemption_reason_code: str = ""
    exemption_reason: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line: quantity × unit price − discount, taxed in one VAT category at one rate."""

    name: str
    quantity: Decimal
    unit_price: Decimal
    vat_category: VatCategory
    vat_rate: Decimal
    discount: Decimal = Decimal("0")  # line-level allowance amount (BT-136), in the document currency
    exemption_reason_code: str = ""  # VATEX-SA-* (BT-121), required for Z, E and O
    exemption_reason: str = ""  # BT-120
    unit_code: str = "PCE"
    product_id: uuid.UUID | None = None
    name_ar: str = ""  # the item's Arabic name, printed on the Arabic side (the XML carries `name`, BT-153)


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """A document-level allowance (discount, BG-20) or charge (BG-21), taxed in one category."""

    amount: Decimal
    vat_category: VatCategory
    vat_rate: Decimal
    reason: str = ""
    reason_code: str = ""  # UNCL 5189 for allowances, UNCL 7161 for charges
    is_charge: bool = False
    exemption_reason_code: str = ""
    exemption_reason: str = ""


@dataclass(frozen=True, slots=True)
class PrepaymentRef:
    """A prepayment invoice settled by this final invoice, for one VAT category and rate (KSA-26 … KSA-34).

    ZATCA shows it as an extra invoice line with quantity and amounts 0 whose tax subtotal carries what
    was prepaid; a prepayment invoice taxed in two categories is given as two of these, same number.
    Amounts are in the document currency.
    """

    number: str  # KSA-26: the prepayment invoice's number (its BT-1)
    issue_datetime: datetime  # KSA-28/KSA-29, timezone-aware; held in Saudi time
    taxable_amount: Decimal  # KSA-31
    tax_amount: Decimal  # KSA-32, taxable × rate / 100 (BR-KSA-79)
    vat_category: VatCategory = VatCategory.STANDARD  # KSA-33
    vat_rate: Decimal = Decimal("15")  # KSA-34
    document_uuid: uuid.UUID | None = None  # the prepayment invoice's UUID (KSA-1), when known
    name: str = ""  # the line's item name; empty: "Prepayment <number>"
    exemption_reason_code: str = ""  # KSA-41, required for Z, E and O
    exemption_reason: str = ""  # KSA-42

    def __post_init__(self) -> None:
        object.__setattr__(self, "issue_datetime", _in_saudi_time(self.issue_datetime))


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    """A document being prepared; it becomes immutable once issued."""

    kind: DocumentKind
    type: DocumentType
    number: str
    issue_datetime: datetime  # timezone-aware; held in Saudi time (see __post_init__)
    lines: tuple[InvoiceLine, ...]
    currency: str = "SAR"  # ISO 4217
    exchange_rate: Decimal | None = None  # SAR per unit of `currency`; required when currency is not SAR
    supply_date: date | None = None  # BT-72
    supply_end_date: date | None = None  # KSA-24
    buyer: Party | None = None
    customer_id: uuid.UUID | None = None
    allowances: tuple[AllowanceCharge, ...] = ()  # allowances and charges, told apart by is_charge
    payment_means: str = ""  # UNCL 4461 code: 10 cash, 30 credit, 42 bank account, 48 card, 1 not defined
    billing_reference: str = ""  # the original invoice number, for credit and debit notes (BT-25)
    reason: str = ""  # why a note was issued (KSA-10)
    note: str = ""
    prepaid_amount: Decimal = Decimal("0")  # BT-113 without `prepayments`; with them it must be 0 or their sum
    # Transaction flags, positions 3-7 of the invoice transaction code (KSA-2)
    third_party: bool = False  # issued by a third party on the seller's behalf
    nominal: bool = False  # nominal supply: goods given away or for own use, taxed at market value
    export: bool = False  # export of goods or services (standard documents only)
    summary: bool = False  # one invoice for the supplies of a period
    self_billed: bool = False  # issued by the buyer on the seller's behalf (standard, not export)
    prepayments: tuple[PrepaymentRef, ...] = ()  # the prepayment invoices this final invoice settles
    payable_rounding: Decimal = Decimal("0")  # BT-114, added to the amount due (may be negative)
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        # One rule for time: a document's time is its Saudi time, whatever offset it was given in. Held here,
        # where every draft is made (import, editor, store, corrections), so nothing downstream can drift.
        object.__setattr__(self, "issue_datetime", _in_saudi_time(self.issue_datetime))


@dataclass(frozen=True, slots=True)
class LineTotals:
    net: Decimal  # BT-131, line extension amount
    vat: Decimal  # KSA-11
    gross: Decimal  # KSA-12, net + vat


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """One VAT subtotal (BG-23)."""

    category: VatCategory
    rate: Decimal
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason_code: str = ""
    exemption_reason: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    """Document totals (BG-22), rounded as ZATCA's BR-CO and BR-KSA rules check them."""

    lines: tuple[LineTotals, ...]
    breakdown: tuple[VatBreakdown, ...]
    line_extension: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    tax_exclusive: Decimal  # BT-109
    tax_total: Decimal  # BT-110, in the document currency
    tax_total_sar: Decimal  # BT-111, in SAR
    tax_inclusive: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    rounding: Decimal  # BT-114
    payable: Decimal  # BT-115
