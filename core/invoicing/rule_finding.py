"""Building blocks of the invoice rules: the bilingual Finding factory, shared number and text checks."""

from __future__ import annotations

from decimal import Decimal

from core.findings import Finding, Severity

ERROR = Severity.ERROR
WARNING = Severity.WARNING

# A label names a field in a message: (English, Arabic).
Label = tuple[str, str]

# Far above any real invoice, low enough that every sum and product stays exact in Decimal.
MAX_AMOUNT = Decimal("100000000000000")  # 10^14



def make(
    rule: str,
    field: str,
    message: str,
    fix: str,
    message_ar: str,
    fix_ar: str,
    severity: Severity = ERROR,
) -> Finding:
    return Finding(
        rule=rule,
        field=field,
        message=message,
        fix=fix,
        severity=severity,
        message_ar=message_ar,
        fix_ar=fix_ar,
    )


def join(prefix: str, name: str) -> str:
    """A dotted field path: join("buyer", "address") == "buyer.address"; an empty prefix adds nothing."""
    return f"{prefix}.{name}" if prefix else name


def present(parent: object | None, prefix: str, name: str) -> str:
    """The path of field `name` of `prefix`, or `prefix` itself when that part is absent: a finding names what
    the document has ("buyer" when there is no buyer, never "buyer.name")."""
    return join(prefix, name) if parent is not None else prefix


def is_finite(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def is_usable(value: Decimal) -> bool:
    """Finite and within MAX_AMOUNT, so arithmetic on it can neither overflow nor raise."""
    return is_finite(value) and abs(value) < MAX_AMOUNT


def decimal_places(value: Decimal) -> int:
    """Significant decimals: 12.500 has 1, since the XML writer prints the value, not the trailing zeros."""
    if not is_finite(value):
        return 0
    text = str(value)  # plain notation unless the exponent is large either way; cheaper than normalize()
    if "E" in text:
        exponent = value.normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    dot = text.find(".")
    return 0 if dot < 0 else len(text.rstrip("0")) - dot - 1


def _unusable_number(value: Decimal, field: str, label: Label) -> Finding:
    if not is_finite(value):
        return make(
            "QAYD-NUMBER",
            field,
            f"The {label[0]} is not a number ({value}).",
            "Enter an ordinary decimal number such as 12.50.",
            f"قيمة {label[1]} ليست رقماً صالحاً ({value}).",
            "أدخل رقماً عشرياً عادياً مثل 12.50.",
        )
    return make(
        "QAYD-NUMBER",
        field,
        f"The {label[0]} ({value}) is too large.",
        f"Enter a value below {MAX_AMOUNT:,}.",
        f"قيمة {label[1]} ({value}) كبيرة جداً.",
        f"أدخل قيمة أقل من {MAX_AMOUNT:,}.",
    )


def number_findings(value: Decimal, field: str, label: Label) -> list[Finding]:
    """A usable, non-negative number: finite, within MAX_AMOUNT, not below zero (BR-KSA-F-04)."""
    if not is_usable(value):
        return [_unusable_number(value, field, label)]
    if value >= 0:
        return []
    return [
        make(
            "BR-KSA-F-04",
            field,
            f"The {label[0]} is negative ({value}); ZATCA requires amounts and quantities to be positive.",
            "Enter a positive value; to reverse an amount, issue a credit note instead of negative values.",
            f"قيمة {label[1]} سالبة ({value})، وتشترط هيئة الزكاة أن تكون المبالغ والكميات موجبة.",
            "أدخل قيمة موجبة؛ ولإلغاء مبلغ أصدر إشعاراً دائناً بدلاً من القيم السالبة.",
        )
    ]


def decimals_findings(
    value: Decimal, field: str, label: Label, rule: str, severity: Severity = WARNING
) -> list[Finding]:
    """At most two decimals (the BR-DEC rules for amounts)."""
    if decimal_places(value) <= 2:
        return []
    return [
        make(
            rule,
            field,
            f"The {label[0]} ({value}) has more than 2 decimals.",
            "Round it to 2 decimals (halalas).",
            f"قيمة {label[1]} ({value}) فيها أكثر من منزلتين عشريتين.",
            "قرّبها إلى منزلتين عشريتين (هللات).",
            severity,
        )
    ]


def text_findings(
    text: str,
    field: str,
    label: Label,
    rule: str,
    maximum: int,
    severity: Severity = WARNING,
) -> list[Finding]:
    """A text within ZATCA's character limit (the BR-KSA-F-06-C* rules).

    Which characters a text may hold is checked once per record by `core.invoicing.text.record_text_findings`.
    """
    found = []
    if len(text) > maximum:
        found.append(
            make(
                rule,
                field,
                f"The {label[0]} is {len(text)} characters long; ZATCA allows at most {maximum}.",
                f"Shorten it to {maximum} characters or fewer.",
                f"طول {label[1]} {len(text)} حرفاً، والحد الأقصى لدى هيئة الزكاة {maximum}.",
                f"اختصره إلى {maximum} حرفاً أو أقل.",
                severity,
            )
        )
    return found
