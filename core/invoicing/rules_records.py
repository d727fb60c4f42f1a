"""Rules for the stored records a document is built from: the company profile, customers and products."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from core.findings import Finding
from core.invoicing import identifiers as ids
from core.invoicing.model import (
    ID_SCHEME_LABELS,
    SELLER_ID_SCHEMES,
    CompanyProfile,
    Customer,
    CustomerKind,
    InvoiceLine,
    Product,
)
from core.invoicing.rule_finding import ERROR, WARNING, join, make, text_findings
from core.invoicing.rules_lines import line_findings
from core.invoicing.rules_parties import id_format, party_findings, validate_address
from core.invoicing.text import qr_bytes_findings, record_text_findings

_PHONE = re.compile(r"(?:0|\+)[0-9]{4,15}")  # BR-KSA-85
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _company_names(profile: CompanyProfile) -> list[Finding]:
    """The seller name (BT-27, BR-06) in Arabic, as VAT invoices must be, within 1000 characters."""
    found = []
    if not profile.legal_name_ar.strip() and not profile.legal_name_en.strip():
        found.append(
            make(
                "QAYD-COMPANY-NAME",
                "legal_name_ar",
                "The company has no legal name (BT-27 is required, BR-06).",
                "Enter the legal name exactly as in the commercial registration.",
                "ليس للمنشأة اسم نظامي (الحقل BT-27 مطلوب، BR-06).",
                "أدخل الاسم النظامي كما هو في السجل التجاري.",
            )
        )
    elif not profile.legal_name_ar.strip():
        found.append(
            make(
                "QAYD-COMPANY-NAME-AR",
                "legal_name_ar",
                "The company has no Arabic legal name; tax invoices must show the seller's name in Arabic.",
                "Enter the Arabic legal name from the commercial registration.",
                "ليس للمنشأة اسم نظامي بالعربية، والفواتير الضريبية يجب أن تظهر اسم البائع بالعربية.",
                "أدخل الاسم النظامي بالعربية من السجل التجاري.",
            )
        )
    label = ("seller name", "اسم البائع")
    found += text_findings(profile.legal_name_ar, "legal_name_ar", label, "BR-KSA-F-06-C10", 1000)
    found += text_findings(profile.legal_name_en, "legal_name_en", label, "BR-KSA-F-06-C10", 1000)
    # The invoice's RegistrationName (and QR tag 1) is the Arabic name, else the English one (ubl_parties).
    qr_name, qr_field = ((profile.legal_name_ar, "legal_name_ar") if profile.legal_name_ar.strip()
                         else (profile.legal_name_en, "legal_name_en"))
    return found + qr_bytes_findings(qr_name.strip(), qr_field, label, 1)


def _company_vat(vat_number: str) -> list[Finding]:
    """The seller's VAT number exists (BR-KSA-39) and is 15 digits starting and ending with 3 (BR-KSA-40)."""
    if not vat_number:
        return [
            make(
                "BR-KSA-39",
                "vat_number",
                "The company has no VAT registration number.",
                "Enter the 15-digit number from the VAT registration certificate.",
                "ليس للمنشأة رقم تسجيل ضريبي.",
                "أدخل الرقم المكون من 15 رقماً من شهادة التسجيل في ضريبة القيمة المضافة.",
            )
        ]
    problem = ids.check_vat_number(vat_number)
    if problem is None:
        return []
    return [
        make(
            "BR-KSA-40",
            "vat_number",
            f"The company VAT number {vat_number!r} is invalid. {problem}",
            "Copy the 15-digit number from the VAT registration certificate.",
            f"الرقم الضريبي للمنشأة {vat_number!r} غير صحيح؛ يجب أن يتكون من 15 رقماً (0-9) يبدأ "
            "وينتهي بالرقم 3.",
            "انسخ الرقم المكون من 15 رقماً من شهادة التسجيل في ضريبة القيمة المضافة.",
        )
    ]


_SELLER_SCHEMES = ", ".join(s.value for s in SELLER_ID_SCHEMES)


def unknown_seller_scheme(scheme: str) -> Finding:
    """BR-KSA-08: the seller id's scheme (BT-29-1) is one of CRN, MOM, MLS, 700, SAG, OTH."""
    return make(
        "BR-KSA-08",
        "id_scheme",
        f"{scheme!r} is not a scheme a seller can be identified by (BT-29-1); ZATCA accepts {_SELLER_SCHEMES}.",
        "Choose CRN for a commercial registration, MOM, MLS, 700 or SAG for those licences and numbers, "
        "otherwise OTH.",
        f"{scheme!r} ليس من أنواع معرّف البائع (BT-29-1)؛ تقبل هيئة الزكاة {_SELLER_SCHEMES}.",
        "اختر CRN للسجل التجاري، أو MOM أو MLS أو 700 أو SAG لتلك التراخيص والأرقام، وإلا فاختر OTH.",
    )


def _company_id(profile: CompanyProfile) -> list[Finding]:
    """The seller id (BT-29): a scheme BR-KSA-08 allows, a value of letters and digits, its shape (F-08, F-09)."""
    scheme, value = profile.id_scheme, profile.id_value
    if scheme not in SELLER_ID_SCHEMES:
        return [unknown_seller_scheme(scheme.value)]
    label, label_ar = ID_SCHEME_LABELS[scheme]
    if not value:
        return [
            make(
                "BR-KSA-08",
                "id_value",
                f"The company has no seller id (BT-29): its {label} ({scheme.value}) is missing.",
                "Enter the number, or choose the scheme you do have: without a commercial registration, a "
                "MOMRAH (MOM), MHRSD (MLS) or MISA (SAG) licence, the 700 number, or another id (OTH).",
                f"ليس للمنشأة معرّف بائع (BT-29): {label_ar} ({scheme.value}) غير موجود.",
                "أدخل الرقم، أو اختر نوع المعرّف الذي لديك: إن لم يكن لديك سجل تجاري فترخيص وزارة الشؤون "
                "البلدية (MOM) أو وزارة الموارد البشرية (MLS) أو وزارة الاستثمار (SAG)، أو الرقم الموحد 700، أو "
                "معرّف آخر (OTH).",
            )
        ]
    if not ids.is_alphanumeric(value):
        return [
            make(
                "BR-KSA-08",
                "id_value",
                f"The seller id {value!r} ({scheme.value}) must hold only letters A-Z and digits 0-9.",
                "Write it without spaces, dashes or other symbols, and with the digits 0-9.",
                f"معرّف البائع {value!r} ({scheme.value}) يجب أن يتكون من حروف A-Z وأرقام 0-9 فقط.",
                "اكتبه دون مسافات أو شرطات أو رموز أخرى، وبالأرقام 0-9.",
            )
        ]
    return id_format(scheme, value, "id_value")  # CRN: 10 digits (F-08); 700: 10 digits from 7 (F-09)


# A *missing* seller id or address field is only a warning in ZATCA's SDK (BR-KSA-08, BR-KSA-09, BR-09),
# but it would be repeated on every document the company issues and the onboarding CSR needs the
# address, so Qayd refuses an incomplete profile: same rule id, error severity. Badly formatted
# values (BR-KSA-37, BR-KSA-66, BR-KSA-F-08, BR-KSA-F-09) keep ZATCA's warning severity. A seller id outside
# BR-KSA-08's schemes or with other than letters and digits is BR-KSA-08 too, so an error here.
_COMPLETE_PROFILE_RULES = frozenset({"BR-KSA-08", "BR-KSA-09", "BR-09"})


def validate_company(profile: CompanyProfile) -> list[Finding]:
    """Every problem with the seller's profile: names, VAT number, seller id and Saudi national address."""
    found = [
        *_company_names(profile),
        *_company_vat(profile.vat_number),
        *_company_id(profile),
        *validate_address(profile.address, "address", saudi_required=True),
        *record_text_findings(profile),
    ]
    return [replace(f, severity=ERROR) if f.rule in _COMPLETE_PROFILE_RULES else f for f in found]


def _contact(customer: Customer) -> list[Finding]:
    """Phone shaped as BR-KSA-85 wants it; an e-mail address that could deliver."""
    found = []
    if customer.phone and not _PHONE.fullmatch(customer.phone):
        found.append(
            make(
                "BR-KSA-85",
                "phone",
                f"The phone number {customer.phone!r} must start with 0 or + followed by 4 to 15 digits.",
                "Write it without spaces or dashes, e.g. +966501234567 or 0501234567.",
                f"رقم الهاتف {customer.phone!r} يجب أن يبدأ بـ 0 أو + يليه من 4 إلى 15 رقماً.",
                "اكتبه دون مسافات أو شرطات، مثل +966501234567 أو 0501234567.",
                WARNING,
            )
        )
    if customer.email and not _EMAIL.fullmatch(customer.email):
        found.append(
            make(
                "QAYD-EMAIL",
                "email",
                f"{customer.email!r} is not an e-mail address.",
                "Enter an address such as name@example.com, or leave it empty.",
                f"{customer.email!r} ليس عنوان بريد إلكتروني.",
                "أدخل عنواناً مثل name@example.com، أو اتركه فارغاً.",
                WARNING,
            )
        )
    return found


def validate_customer(customer: Customer) -> list[Finding]:
    """Every problem with a customer record; a business customer is held to the tax-invoice buyer rules."""
    found = []
    if not customer.name.strip():
        found.append(
            make(
                "QAYD-CUSTOMER-NAME",
                "name",
                "The customer has no name.",
                "Enter the customer's name (the legal name for a business).",
                "ليس للعميل اسم.",
                "أدخل اسم العميل (الاسم النظامي إن كان منشأة).",
            )
        )
    business = customer.kind is CustomerKind.BUSINESS
    found += party_findings(customer.as_party(), "", standard=business)
    found += text_findings(
        customer.name_ar, "name_ar", ("Arabic name", "الاسم العربي"), "BR-KSA-F-06-C32", 1000
    )
    return found + _contact(customer) + record_text_findings(customer)


def validate_product(product: Product) -> list[Finding]:
    """Every problem with a catalogue product: name, price and a coherent VAT category, rate and reason."""
    as_line = InvoiceLine(
        name=product.name,
        quantity=Decimal("1"),
        unit_price=product.unit_price,
        vat_category=product.vat_category,
        vat_rate=product.vat_rate,
        exemption_reason_code=product.exemption_reason_code,
        exemption_reason=product.exemption_reason,
        unit_code=product.unit_code,
    )
    found = [f for f in line_findings(as_line, "") if f.rule != "BR-25"]
    if not product.name.strip():
        found.insert(
            0,
            make(
                "QAYD-PRODUCT-NAME",
                "name",
                "The product has no name.",
                "Name the goods or service as it should appear on invoices.",
                "ليس للمنتج اسم.",
                "اكتب اسم السلعة أو الخدمة كما يجب أن يظهر في الفواتير.",
            ),
        )
    label = ("Arabic name", "الاسم العربي")
    found += text_findings(product.name_ar, join("", "name_ar"), label, "BR-KSA-F-06-C19", 1000)
    found += text_findings(product.sku, "sku", ("SKU", "رمز الصنف"), "BR-KSA-F-06-C31", 127)
    return found + record_text_findings(product)
