"""Rules for invoice lines and for the VAT category, rate and exemption reason of any taxed item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from core.findings import Finding
from core.invoicing.codelists import VATEX_CODES
from core.invoicing.model import InvoiceLine, VatCategory
from core.invoicing.rule_finding import (
    WARNING,
    Label,
    decimal_places,
    decimals_findings,
    is_finite,
    is_usable,
    join,
    make,
    number_findings,
    text_findings,
)

STANDARD_RATES = (Decimal("5"), Decimal("15"))

_DIGITS_ONLY = re.compile(r"[0-9]+")

# Which rule forbids a non-zero rate, per category and kind of item (line, allowance, charge, prepayment).
# All are refused, although the SDK only warns for O allowances and charges (BR-KSA-12/13) and for prepayments
# (BR-KSA-76..78): VAT charged on a supply the law zero-rates, exempts or leaves out of scope is VAT the
# buyer must not pay (docs/DECISIONS.md, "Draft rules versus the official rules").
_ZERO_RATE_RULES: dict[tuple[VatCategory, str], str] = {
    (VatCategory.ZERO, "line"): "BR-Z-05",
    (VatCategory.ZERO, "allowance"): "BR-Z-06",
    (VatCategory.ZERO, "charge"): "BR-Z-07",
    (VatCategory.EXEMPT, "line"): "BR-E-05",
    (VatCategory.EXEMPT, "allowance"): "BR-E-06",
    (VatCategory.EXEMPT, "charge"): "BR-E-07",
    (VatCategory.OUT_OF_SCOPE, "line"): "BR-KSA-11",
    (VatCategory.OUT_OF_SCOPE, "allowance"): "BR-KSA-12",
    (VatCategory.OUT_OF_SCOPE, "charge"): "BR-KSA-13",
    (VatCategory.ZERO, "prepayment"): "BR-KSA-76",
    (VatCategory.EXEMPT, "prepayment"): "BR-KSA-77",
    (VatCategory.OUT_OF_SCOPE, "prepayment"): "BR-KSA-78",
}


@dataclass(frozen=True)
class ExemptionRules:
    """The rule ids that check an exemption reason: code missing (per category), code wrong, text missing, long."""

    missing_code: dict[VatCategory, str]
    wrong_code: str
    missing_text: str
    text_length: str


# Lines, allowances and charges (their VAT breakdown). The SDK only warns about all of these; Qayd refuses a
# missing or wrong code (the code is the legal reason no VAT is charged, and decides the VAT-return box) and
# keeps the warning for a missing reason text.
ITEM_EXEMPTION_RULES = ExemptionRules(
    {VatCategory.ZERO: "BR-KSA-69", VatCategory.EXEMPT: "BR-KSA-23", VatCategory.OUT_OF_SCOPE: "BR-KSA-24"},
    "BR-KSA-CL-04",
    "BR-KSA-83",
    "BR-KSA-F-06-C16",
)
# Prepayment lines (KSA-41, KSA-42), with the same severities as the items.
PREPAYMENT_EXEMPTION_RULES = ExemptionRules(
    {VatCategory.ZERO: "BR-KSA-93", VatCategory.EXEMPT: "BR-KSA-94", VatCategory.OUT_OF_SCOPE: "BR-KSA-95"},
    "BR-KSA-CL-07",
    "BR-KSA-96",
    "BR-KSA-F-06-C39",
)

_CATEGORY_NAMES: dict[VatCategory, Label] = {
    VatCategory.STANDARD: ("standard rated (S)", "الخاضعة للنسبة الأساسية (S)"),
    VatCategory.ZERO: ("zero rated (Z)", "الخاضعة للنسبة الصفرية (Z)"),
    VatCategory.EXEMPT: ("exempt (E)", "المعفاة (E)"),
    VatCategory.OUT_OF_SCOPE: ("out of scope (O)", "خارج نطاق الضريبة (O)"),
}


def _rate_range(rate: Decimal, field: str) -> list[Finding]:
    """A finite percentage from 0 to 100 with at most 2 decimals (BR-KSA-DEC-02)."""
    if not is_finite(rate):
        return number_findings(rate, field, ("VAT rate", "نسبة الضريبة"))
    if 0 <= rate <= 100 and decimal_places(rate) <= 2:
        return []
    return [
        make(
            "BR-KSA-DEC-02",
            field,
            f"The VAT rate {rate} is not a percentage from 0.00 to 100.00 with at most 2 decimals.",
            "Enter the rate as a plain percentage number, e.g. 15.",
            f"نسبة الضريبة {rate} ليست نسبة مئوية بين 0.00 و100.00 بمنزلتين عشريتين على الأكثر.",
            "أدخل النسبة رقماً مئوياً فقط، مثل 15.",
        )
    ]


def _standard_rate(field: str, rate: Decimal) -> Finding:
    return make(
        "BR-KSA-84",
        field,
        f"A standard-rated (S) item must be taxed at 15% or 5%, not {rate}%.",
        "Use 15 (or 5 where the reduced rate applies); use category Z, E or O for supplies without VAT.",
        f"البند الخاضع للنسبة الأساسية (S) يجب أن تكون نسبته 15% أو 5%، وليس {rate}%.",
        "استخدم 15 (أو 5 حيث تنطبق النسبة المخفضة)، واستخدم الفئة Z أو E أو O للتوريدات غير الخاضعة.",
    )


def rate_findings(category: VatCategory, rate: Decimal, prefix: str, kind: str) -> list[Finding]:
    """The rate suits the category: S at 5 or 15 (BR-KSA-84), Z/E/O at 0 (BR-Z/E-05..07, BR-KSA-11..13).

    `kind` is "line", "allowance", "charge" or "prepayment", which picks the rule id EN 16931 (or ZATCA,
    for prepayments: BR-KSA-76..78) gives each.
    """
    field = join(prefix, "vat_rate")
    out_of_range = _rate_range(rate, field)
    if out_of_range:
        return out_of_range
    if category is VatCategory.STANDARD:
        return [] if rate in STANDARD_RATES else [_standard_rate(field, rate)]
    if rate == 0:
        return []
    rule = _ZERO_RATE_RULES[(category, kind)]
    name = _CATEGORY_NAMES[category]
    return [
        make(
            rule,
            field,
            f"An item that is {name[0]} must have a VAT rate of 0, not {rate}.",
            "Set the rate to 0, or choose the standard category S if VAT applies.",
            f"البنود {name[1]} يجب أن تكون نسبة ضريبتها 0 وليس {rate}.",
            "اجعل النسبة 0، أو اختر الفئة الأساسية S إن كانت الضريبة مستحقة.",
        )
    ]


def _standard_exemption(code: str, reason: str, prefix: str) -> list[Finding]:
    """A standard-rated item has no exemption reason (BR-S-10)."""
    if not code and not reason:
        return []
    field = join(prefix, "exemption_reason_code" if code else "exemption_reason")
    return [
        make(
            "BR-S-10",
            field,
            "A standard-rated (S) item cannot carry a VAT exemption reason.",
            "Remove the exemption reason code and text, or change the VAT category to Z, E or O.",
            "البند الخاضع للنسبة الأساسية (S) لا يحمل سبب إعفاء من الضريبة.",
            "احذف رمز سبب الإعفاء ونصه، أو غيّر فئة الضريبة إلى Z أو E أو O.",
            WARNING,
        )
    ]


def _missing_code(category: VatCategory, field: str, rule: str) -> Finding:
    name = _CATEGORY_NAMES[category]
    codes = ", ".join(sorted(VATEX_CODES[category]))
    return make(
        rule,
        field,
        f"An item that is {name[0]} needs a VAT exemption reason code: it is the legal reason no VAT is "
        "charged, and it decides the box of the VAT return.",
        f"Choose one of: {codes}.",
        f"البنود {name[1]} تحتاج إلى رمز سبب الإعفاء من الضريبة، فهو السبب النظامي لعدم احتساب الضريبة، "
        "وبه يتحدد بند الإقرار الضريبي.",
        f"اختر أحد الرموز: {codes}.",
    )


def _wrong_code(category: VatCategory, code: str, field: str, rule: str) -> Finding:
    name = _CATEGORY_NAMES[category]
    codes = ", ".join(sorted(VATEX_CODES[category]))
    return make(
        rule,
        field,
        f"The exemption reason code {code!r} does not belong to items that are {name[0]}, so the supply "
        "would be reported in the wrong box of the VAT return.",
        f"Use one of: {codes} (or change the VAT category to the one this code explains).",
        f"رمز سبب الإعفاء {code!r} لا يخص البنود {name[1]}، فيُدرَج التوريد في غير بنده من الإقرار الضريبي.",
        f"استخدم أحد الرموز: {codes} (أو غيّر فئة الضريبة إلى الفئة التي يشرحها هذا الرمز).",
    )


def _missing_reason(field: str, rule: str) -> Finding:
    return make(
        rule,
        field,
        "Items that are zero rated, exempt or out of scope need the exemption reason in words.",
        'Describe the reason, e.g. "Export of goods" for VATEX-SA-32.',
        "البنود الخاضعة للنسبة الصفرية أو المعفاة أو خارج النطاق تحتاج إلى سبب الإعفاء مكتوباً.",
        'اكتب السبب، مثل "تصدير سلع" للرمز VATEX-SA-32.',
        WARNING,
    )


def exemption_findings(
    category: VatCategory,
    code: str,
    reason: str,
    prefix: str,
    *,
    required: bool = True,
    rules: ExemptionRules = ITEM_EXEMPTION_RULES,
) -> list[Finding]:
    """Z/E/O items explain themselves with a VATEX code from their category's list; S items do not."""
    if category is VatCategory.STANDARD:
        return _standard_exemption(code, reason, prefix)
    code_field, reason_field = join(prefix, "exemption_reason_code"), join(prefix, "exemption_reason")
    found = []
    if code and code not in VATEX_CODES[category]:
        found.append(_wrong_code(category, code, code_field, rules.wrong_code))
    elif not code and required:
        found.append(_missing_code(category, code_field, rules.missing_code[category]))
    if not reason.strip() and required:
        found.append(_missing_reason(reason_field, rules.missing_text))
    label = ("exemption reason", "سبب الإعفاء")
    return found + text_findings(reason, reason_field, label, rules.text_length, 1000)


def _name_quality(name: str, field: str) -> list[Finding]:
    """At least 3 characters (BR-KSA-F-06-C19), and words rather than only digits (BR-KSA-F-C-01)."""
    if len(name.strip()) < 3:
        return [
            make(
                "BR-KSA-F-06-C19",
                field,
                f"The item name {name!r} is shorter than the 3 characters ZATCA requires.",
                "Describe the item in at least 3 characters.",
                f"اسم الصنف {name!r} أقصر من 3 أحرف، وهو الحد الأدنى لدى هيئة الزكاة.",
                "صف الصنف في 3 أحرف على الأقل.",
                WARNING,
            )
        ]
    if not _DIGITS_ONLY.fullmatch(name.strip()):
        return []
    return [
        make(
            "BR-KSA-F-C-01",
            field,
            f"The item name {name!r} is only digits, which does not describe the supply.",
            "Describe the goods or services in words (VAT Implementing Regulations, Article 53).",
            f"اسم الصنف {name!r} أرقام فقط ولا يصف التوريد.",
            "صف السلع أو الخدمات بالكلمات (المادة 53 من اللائحة التنفيذية لنظام ضريبة القيمة المضافة).",
            WARNING,
        )
    ]


def _name_findings(name: str, field: str) -> list[Finding]:
    """An item name of 3 to 1000 characters that says more than a number (BR-25, BR-KSA-F-06-C19, F-C-01)."""
    if not name.strip():
        return [
            make(
                "BR-25",
                field,
                "The line has no item name.",
                'Name what was sold, e.g. "Consulting hours".',
                "البند ليس له اسم صنف.",
                'اكتب اسم ما تم بيعه، مثل "ساعات استشارية".',
                WARNING,
            )
        ]
    label = ("item name", "اسم الصنف")
    return text_findings(name, field, label, "BR-KSA-F-06-C19", 1000) + _name_quality(name, field)


def _quantity_findings(quantity: Decimal, field: str) -> list[Finding]:
    """A quantity above zero, on notes too: a credit note states what it reverses as positive numbers."""
    found = number_findings(quantity, field, ("quantity", "الكمية"))
    if not found and quantity == 0:
        found.append(
            make(
                "BR-22",
                field,
                "The quantity is 0.",
                "Enter the quantity supplied (above 0), or remove the line.",
                "الكمية صفر.",
                "أدخل الكمية الموردة (أكبر من صفر)، أو احذف البند.",
            )
        )
    return found


def _discount_findings(line: InvoiceLine, field: str) -> list[Finding]:
    """A line discount (BT-136) of at most 2 decimals that leaves a line net amount of 0 or more."""
    found = number_findings(line.discount, field, ("line discount", "خصم البند"))
    if found:
        return found
    found = decimals_findings(line.discount, field, ("line discount", "خصم البند"), "BR-DEC-24")
    if not (is_usable(line.quantity) and is_usable(line.unit_price)):
        return found  # the quantity and price findings already say what is wrong
    gross = line.quantity * line.unit_price
    if line.discount > gross >= 0:
        found.append(
            make(
                "BR-KSA-F-04",
                field,
                f"The discount {line.discount} is larger than quantity × unit price ({gross}).",
                "Lower the discount so the line amount is not negative.",
                f"الخصم {line.discount} أكبر من الكمية × سعر الوحدة ({gross}).",
                "خفّض الخصم حتى لا يصبح مبلغ البند سالباً.",
            )
        )
    return found


def line_findings(line: InvoiceLine, prefix: str) -> list[Finding]:
    """Every rule one invoice line must meet on its own."""
    return [
        *_name_findings(line.name, join(prefix, "name")),
        # Printed only (the XML has one item name), held to the limit the product's Arabic name has.
        *text_findings(line.name_ar, join(prefix, "name_ar"), ("Arabic item name", "اسم الصنف بالعربية"),
                       "BR-KSA-F-06-C19", 1000),
        *_quantity_findings(line.quantity, join(prefix, "quantity")),
        *number_findings(line.unit_price, join(prefix, "unit_price"), ("unit price", "سعر الوحدة")),
        *_discount_findings(line, join(prefix, "discount")),
        *rate_findings(line.vat_category, line.vat_rate, prefix, "line"),
        *exemption_findings(line.vat_category, line.exemption_reason_code, line.exemption_reason, prefix),
        *text_findings(
            line.unit_code, join(prefix, "unit_code"), ("unit code", "رمز الوحدة"), "BR-KSA-F-06-C18", 127
        ),
    ]
