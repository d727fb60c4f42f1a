"""Document-level VAT rules: allowances and charges, the VAT breakdown, and how categories may combine.

Out-of-scope (O) items may stand beside S, Z and E items: EN 16931's BR-O-11 … BR-O-14 forbid that, but ZATCA's
schematron leaves them out and one SDK sample ("Out of Scope Standard Tax Invoice") does exactly this.
"""

from __future__ import annotations

from decimal import Decimal

from core.findings import Finding
from core.invoicing.codelists import (
    ALLOWANCE_REASON_CODES,
    CHARGE_REASON_CODES,
    CITIZEN_ONLY_VATEX,
    vat_return_box,
)
from core.invoicing.model import (
    AllowanceCharge,
    DocumentKind,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    Totals,
    VatCategory,
)
from core.invoicing.rule_finding import (
    ERROR,
    WARNING,
    Label,
    decimals_findings,
    is_usable,
    join,
    make,
    number_findings,
    present,
    text_findings,
)
from core.invoicing.rules_lines import exemption_findings, rate_findings

_Item = InvoiceLine | AllowanceCharge


def _label(item: AllowanceCharge) -> Label:
    return ("charge", "الرسوم") if item.is_charge else ("allowance", "الخصم")


def _amount(item: AllowanceCharge, field: str) -> list[Finding]:
    """Positive (BR-KSA-F-04; zero is pointless), at most 2 decimals (BR-DEC-01/05)."""
    label = (f"{_label(item)[0]} amount", f"مبلغ {_label(item)[1]}")
    found = number_findings(item.amount, field, label)
    if found:
        return found
    if item.amount == 0:
        return [
            make(
                "QAYD-ALLOWANCE-ZERO",
                field,
                f"The {_label(item)[0]} amount is 0, so it changes nothing.",
                f"Enter the {_label(item)[0]} amount, or remove it.",
                f"مبلغ {_label(item)[1]} صفر، فلا أثر له.",
                f"أدخل مبلغ {_label(item)[1]}، أو احذفه.",
                WARNING,
            )
        ]
    return decimals_findings(item.amount, field, label, "BR-DEC-05" if item.is_charge else "BR-DEC-01")


def _charge_reason(item: AllowanceCharge, prefix: str) -> list[Finding]:
    """A charge states its reason (BR-KSA-21) and a UNTDID 7161 code (BR-KSA-19, BR-KSA-CL-06)."""
    found = []
    if not item.reason.strip():
        found.append(
            make(
                "BR-KSA-21",
                join(prefix, "reason"),
                "The charge has no reason.",
                'Say what the charge is for, e.g. "Freight".',
                "الرسوم ليس لها سبب.",
                'اذكر سبب الرسوم، مثل "شحن".',
                WARNING,
            )
        )
    if not item.reason_code:
        found.append(
            make(
                "BR-KSA-19",
                join(prefix, "reason_code"),
                "The charge has no reason code.",
                "Add a UNTDID 7161 code, e.g. FC (freight) or ABL (packaging).",
                "الرسوم ليس لها رمز سبب.",
                "أضف رمزاً من قائمة UNTDID 7161، مثل FC (الشحن) أو ABL (التغليف).",
                WARNING,
            )
        )
    elif item.reason_code not in CHARGE_REASON_CODES:
        found.append(_bad_reason_code(item, join(prefix, "reason_code"), "BR-KSA-CL-06", "UNTDID 7161"))
    return found


def _allowance_reason(item: AllowanceCharge, prefix: str) -> list[Finding]:
    """An allowance says why it is given, in words or as a UNCL 5189 code (EN 16931 BR-33, BR-CL-19)."""
    if item.reason_code and item.reason_code not in ALLOWANCE_REASON_CODES:
        return [
            _bad_reason_code(item, join(prefix, "reason_code"), "QAYD-ALLOWANCE-REASON-CODE", "UNCL 5189")
        ]
    if item.reason.strip() or item.reason_code:
        return []
    return [
        make(
            "QAYD-ALLOWANCE-REASON",
            join(prefix, "reason"),
            "The allowance has no reason.",
            'Say why the allowance is given, e.g. "Loyalty discount".',
            "الخصم ليس له سبب.",
            'اذكر سبب الخصم، مثل "خصم ولاء".',
            WARNING,
        )
    ]


def _bad_reason_code(item: AllowanceCharge, field: str, rule: str, code_list: str) -> Finding:
    label = _label(item)
    return make(
        rule,
        field,
        f"{item.reason_code!r} is not a {code_list} {label[0]} reason code.",
        f"Use a code from the {code_list} list, or leave the code empty and give the reason in words.",
        f"{item.reason_code!r} ليس رمز سبب {label[1]} من قائمة {code_list}.",
        f"استخدم رمزاً من قائمة {code_list}، أو اترك الرمز فارغاً واكتب السبب بالكلمات.",
        WARNING,
    )


def allowance_findings(item: AllowanceCharge, prefix: str, *, line_explains: bool) -> list[Finding]:
    """One document-level allowance or charge; `line_explains`: a line of its category has a VATEX code."""
    kind = "charge" if item.is_charge else "allowance"
    rule = "BR-KSA-F-06-C33" if item.is_charge else "BR-KSA-F-06-C35"
    return [
        *_amount(item, join(prefix, "amount")),
        *(_charge_reason(item, prefix) if item.is_charge else _allowance_reason(item, prefix)),
        *text_findings(item.reason, join(prefix, "reason"), ("reason", "السبب"), rule, 1000),
        *rate_findings(item.vat_category, item.vat_rate, prefix, kind),
        *exemption_findings(
            item.vat_category,
            item.exemption_reason_code,
            item.exemption_reason,
            prefix,
            required=not line_explains,
        ),
    ]


def _items(draft: InvoiceDraft) -> list[tuple[str, _Item]]:
    """Every taxed item with its field path."""
    lines: list[tuple[str, _Item]] = [(f"lines[{i}]", line) for i, line in enumerate(draft.lines)]
    return lines + [(f"allowances[{i}]", item) for i, item in enumerate(draft.allowances)]


def _mixed_codes(draft: InvoiceDraft) -> list[Finding]:
    """A category has one VAT breakdown, so its items should share one exemption reason code.

    A warning while the codes go to the same box of the VAT return (ZATCA only warns, BR-Z-08/BR-E-08, when a
    category is split by reason). Refused when they go to different boxes: the one subtotal, with the first
    code, would report the other items in the wrong box (docs/DECISIONS.md).
    """
    first: dict[VatCategory, str] = {}
    found = []
    for path, item in _items(draft):
        code = item.exemption_reason_code
        if not code or item.vat_category is VatCategory.STANDARD:
            continue
        seen = first.setdefault(item.vat_category, code)
        if seen != code:
            boxes = vat_return_box(item.vat_category, seen) != vat_return_box(item.vat_category, code)
            found.append(_mixed_code(path, item.vat_category, (seen, code), boxes))
    return found


def _mixed_code(path: str, category: VatCategory, codes: tuple[str, str], boxes: bool) -> Finding:
    seen, code = codes
    box = " in the box of the VAT return that belongs to the first" if boxes else ""
    box_ar = " في بند الإقرار الضريبي الخاص بالرمز الأول" if boxes else ""
    return make(
        "QAYD-VATEX-MIXED",
        join(path, "exemption_reason_code"),
        f"Items of category {category.value} use both {seen} and {code}; the VAT breakdown has one subtotal "
        f"per category (BR-Z-08, BR-E-08), which will show {seen} only and report them all{box}.",
        "Issue the items with a different exemption reason on a separate invoice.",
        f"بنود الفئة {category.value} تستخدم الرمزين {seen} و{code}، وتفصيل الضريبة فيه مجموع واحد لكل فئة "
        f"(BR-Z-08 وBR-E-08)، فلن يظهر فيه إلا الرمز {seen} وستُدرج البنود كلها{box_ar}.",
        "أصدر البنود ذات سبب الإعفاء المختلف في فاتورة مستقلة.",
        ERROR if boxes else WARNING,
    )


def _first_allowance(draft: InvoiceDraft, category: VatCategory, rate: Decimal) -> int | None:
    """Index of the first allowance (not charge) in this VAT group."""
    return next(
        (
            i
            for i, item in enumerate(draft.allowances)
            if not item.is_charge
            and item.vat_category is category
            and is_usable(item.vat_rate)
            and item.vat_rate == rate
        ),
        None,
    )


def _negative_breakdown(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """Allowances cannot exceed the lines of their group: BT-116 must not be negative (BR-KSA-F-04)."""
    found = []
    for group in totals.breakdown:
        if group.category is VatCategory.OUT_OF_SCOPE or not is_usable(group.taxable_amount):
            continue  # non-finite amounts are reported where they were entered
        first = _first_allowance(draft, group.category, group.rate) if group.taxable_amount < 0 else None
        if first is None:
            continue  # not negative, or negative through a negative line, which is reported on the line
        found.append(
            make(
                "BR-KSA-F-04",
                f"allowances[{first}].amount",
                f"The allowances in category {group.category.value} at {group.rate}% exceed the lines they "
                f"reduce (taxable amount {group.taxable_amount}).",
                "Lower the allowance, or give it the VAT category and rate of the lines it discounts.",
                f"الخصومات في الفئة {group.category.value} بنسبة {group.rate}% تتجاوز البنود التي تخصم منها "
                f"(المبلغ الخاضع {group.taxable_amount}).",
                "خفّض الخصم، أو اجعل فئته ونسبته مثل البنود التي يخصم منها.",
            )
        )
    return found


def _citizen_only(draft: InvoiceDraft) -> list[Finding]:
    """Zero-rated private education and healthcare need the citizen's national id (BR-KSA-49, BR-KSA-25)."""
    codes = {item.exemption_reason_code for _, item in _items(draft)} & CITIZEN_ONLY_VATEX
    if not codes:
        return []
    buyer = draft.buyer
    found = []
    if buyer is None or buyer.id_scheme is not IdScheme.NAT or not buyer.id_value:
        found.append(
            make(
                "BR-KSA-49",
                present(buyer, "buyer", "id_value"),
                f"{', '.join(sorted(codes))} applies only to citizens, so the buyer's national id "
                "is required.",
                "Enter the buyer's national id with scheme NAT.",
                f"الرمز {', '.join(sorted(codes))} يخص المواطنين فقط، لذا يلزم رقم الهوية الوطنية للمشتري.",
                "أدخل رقم الهوية الوطنية للمشتري مع نوع المعرّف NAT.",
            )
        )
    if draft.kind is DocumentKind.SIMPLIFIED and (buyer is None or not buyer.name.strip()):
        found.append(
            make(
                "BR-KSA-25",
                present(buyer, "buyer", "name"),
                "Zero-rated private education or healthcare needs the buyer's name, even on a "
                "simplified invoice.",
                "Enter the name of the citizen who received the service.",
                "التعليم أو الرعاية الصحية الخاصة بالنسبة الصفرية تتطلب اسم المشتري حتى في الفاتورة المبسطة.",
                "أدخل اسم المواطن الذي تلقى الخدمة.",
                WARNING,
            )
        )
    return found


def document_vat_findings(draft: InvoiceDraft, totals: Totals) -> list[Finding]:
    """Allowances and charges, then the rules that look at all taxed items together."""
    explained = {line.vat_category for line in draft.lines if line.exemption_reason_code}
    found = []
    for i, item in enumerate(draft.allowances):
        found += allowance_findings(item, f"allowances[{i}]", line_explains=item.vat_category in explained)
    return [
        *found,
        *_mixed_codes(draft),
        *_negative_breakdown(draft, totals),
        *_citizen_only(draft),
    ]
