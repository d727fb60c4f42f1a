"""Document rules: one case per rule, each asserting the rule id, the field and the official severity."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.findings import Finding, Severity
from core.invoicing.model import (
    AllowanceCharge,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    VatCategory,
)
from core.invoicing.rules import validate

E, W = Severity.ERROR, Severity.WARNING
S, Z, EX, OOS = VatCategory.STANDARD, VatCategory.ZERO, VatCategory.EXEMPT, VatCategory.OUT_OF_SCOPE
MakeDraft = Callable[..., InvoiceDraft]
Mutation = Callable[[InvoiceDraft], InvoiceDraft]
NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
_ARABIC = re.compile("[\u0600-\u06ff]")


def line(i: int, **changes: Any) -> Mutation:
    def mutate(d: InvoiceDraft) -> InvoiceDraft:
        lines = list(d.lines)
        lines[i] = replace(lines[i], **changes)
        return replace(d, lines=tuple(lines))

    return mutate


def copy_line(i: int, **changes: Any) -> Mutation:
    """Append a copy of line i with some fields changed."""
    return lambda d: replace(d, lines=(*d.lines, replace(d.lines[i], **changes)))


def doc(**changes: Any) -> Mutation:
    return lambda d: replace(d, **changes)


def allowance(**changes: Any) -> Mutation:
    """Replace the example's single allowance (S 15 %, 50.00) with changed fields."""
    return lambda d: replace(d, allowances=(replace(d.allowances[0], **changes),))


def charge(**changes: Any) -> Mutation:
    base = AllowanceCharge(D("20"), S, D("15"), reason="Freight", reason_code="FC", is_charge=True)
    return lambda d: replace(d, allowances=(*d.allowances, replace(base, **changes)))


def both(*mutations: Mutation) -> Mutation:
    def mutate(d: InvoiceDraft) -> InvoiceDraft:
        for m in mutations:
            d = m(d)
        return d

    return mutate


def check(findings: list[Finding], rule: str, field: str, severity: Severity) -> None:
    matches = [f for f in findings if f.rule == rule and f.field == field]
    assert matches, f"no {rule} on {field}; got {[(f.rule, f.field) for f in findings]}"
    assert all(f.severity is severity for f in matches)
    for f in matches:  # every finding is written in both languages
        assert f.message and f.fix and _ARABIC.search(f.message_ar) and _ARABIC.search(f.fix_ar)


def test_the_documented_example_has_no_findings(draft: MakeDraft) -> None:
    assert validate(draft(), now=NOW) == []


CASES: list[tuple[str, Mutation, str, str, Severity]] = [
    # number (BT-1)
    ("no number", doc(number=""), "BR-02", "number", W),
    ("long number", doc(number="N" * 128), "BR-KSA-F-06-C1", "number", W),
    ("control character", doc(number="INV\x00001"), "QAYD-TEXT-CHARS", "number", E),
    # issue date and time
    (
        "naive time",
        doc(issue_datetime=datetime(2026, 11, 25, 10, 0)),
        "QAYD-ISSUE-TIMEZONE",
        "issue_datetime",
        E,
    ),
    ("tomorrow", doc(issue_datetime=NOW + timedelta(days=1)), "BR-KSA-04", "issue_datetime", E),
    ("later today", doc(issue_datetime=NOW + timedelta(hours=1)), "QAYD-ISSUE-FUTURE", "issue_datetime", E),
    (
        "last century",
        doc(issue_datetime=datetime.fromisoformat("1999-12-31T10:00:00+03:00")),
        "BR-KSA-F-01",
        "issue_datetime",
        E,
    ),
    (
        "late simplified",
        doc(kind=DocumentKind.SIMPLIFIED, issue_datetime=NOW - timedelta(days=2)),
        "BR-KSA-98",
        "issue_datetime",
        W,
    ),
    # supply dates
    ("no supply date", doc(supply_date=None), "BR-KSA-15", "supply_date", W),
    ("end without start", doc(supply_date=None, supply_end_date=NOW.date()), "BR-KSA-35", "supply_date", W),
    (
        "end before start",
        doc(supply_end_date=NOW.date() - timedelta(days=3)),
        "BR-KSA-36",
        "supply_end_date",
        W,
    ),
    # currency and exchange rate
    ("unknown currency", doc(currency="RIY"), "BR-KSA-CL-01", "currency", E),
    ("lower-case currency", doc(currency="sar"), "BR-KSA-CL-01", "currency", E),
    ("no exchange rate", doc(currency="USD"), "QAYD-EXCHANGE-RATE", "exchange_rate", E),
    (
        "zero exchange rate",
        doc(currency="USD", exchange_rate=D("0")),
        "QAYD-EXCHANGE-RATE",
        "exchange_rate",
        E,
    ),
    (
        "NaN exchange rate",
        doc(currency="USD", exchange_rate=D("NaN")),
        "QAYD-EXCHANGE-RATE",
        "exchange_rate",
        E,
    ),
    (
        "long exchange rate",
        doc(currency="USD", exchange_rate=D("3.7512345678901")),
        "BR-KSA-90",
        "exchange_rate",
        E,
    ),
    ("rate of one", doc(currency="USD", exchange_rate=D("1")), "BR-KSA-97", "exchange_rate", W),
    ("rate on SAR", doc(exchange_rate=D("3.75")), "QAYD-EXCHANGE-RATE-SAR", "exchange_rate", W),
    # lines
    ("no lines", doc(lines=(), allowances=()), "BR-16", "lines", E),
    ("zero quantity", line(0, quantity=D("0")), "BR-22", "lines[0].quantity", E),
    ("negative quantity", line(0, quantity=D("-1")), "BR-KSA-F-04", "lines[0].quantity", E),
    ("NaN quantity", line(0, quantity=D("NaN")), "QAYD-NUMBER", "lines[0].quantity", E),
    ("huge quantity", line(0, quantity=D("1E+20")), "QAYD-NUMBER", "lines[0].quantity", E),
    ("negative price", line(0, unit_price=D("-250")), "BR-KSA-F-04", "lines[0].unit_price", E),
    ("negative discount", line(0, discount=D("-1")), "BR-KSA-F-04", "lines[0].discount", E),
    ("discount above amount", line(0, discount=D("2500.01")), "BR-KSA-F-04", "lines[0].discount", E),
    ("discount in fractions of halalas", line(0, discount=D("0.005")), "BR-DEC-24", "lines[0].discount", W),
    ("no item name", line(0, name=" "), "BR-25", "lines[0].name", W),
    ("short item name", line(0, name="ab"), "BR-KSA-F-06-C19", "lines[0].name", W),
    ("long item name", line(0, name="x" * 1001), "BR-KSA-F-06-C19", "lines[0].name", W),
    ("digits as item name", line(0, name="123456"), "BR-KSA-F-C-01", "lines[0].name", W),
    ("long unit code", line(0, unit_code="U" * 128), "BR-KSA-F-06-C18", "lines[0].unit_code", W),
    # VAT category and rate
    ("S at 10 %", line(0, vat_rate=D("10")), "BR-KSA-84", "lines[0].vat_rate", E),
    ("S at 0 %", line(0, vat_rate=D("0")), "BR-KSA-84", "lines[0].vat_rate", E),
    ("rate above 100", line(0, vat_rate=D("101")), "BR-KSA-DEC-02", "lines[0].vat_rate", E),
    ("rate with 3 decimals", line(0, vat_rate=D("15.001")), "BR-KSA-DEC-02", "lines[0].vat_rate", E),
    ("Z at 15 %", line(1, vat_rate=D("15")), "BR-Z-05", "lines[1].vat_rate", E),
    (
        "E at 15 %",
        line(1, vat_category=EX, vat_rate=D("15"), exemption_reason_code="VATEX-SA-29"),
        "BR-E-05",
        "lines[1].vat_rate",
        E,
    ),
    (
        "O at 15 %",
        both(
            doc(allowances=()),
            line(
                0,
                vat_category=OOS,
                vat_rate=D("15"),
                exemption_reason_code="VATEX-SA-OOS",
                exemption_reason="Outside",
            ),
            line(1, vat_category=OOS, exemption_reason_code="VATEX-SA-OOS"),
        ),
        "BR-KSA-11",
        "lines[0].vat_rate",
        E,
    ),
    # exemption reasons
    ("Z without code", line(1, exemption_reason_code=""), "BR-KSA-69", "lines[1].exemption_reason_code", E),
    (
        "E without code",
        line(1, vat_category=EX, exemption_reason_code=""),
        "BR-KSA-23",
        "lines[1].exemption_reason_code",
        E,
    ),
    (
        "O without code",
        both(
            doc(allowances=()),
            line(
                0,
                vat_category=OOS,
                vat_rate=D("0"),
                exemption_reason="x",
                exemption_reason_code="VATEX-SA-OOS",
            ),
            line(1, vat_category=OOS, exemption_reason_code=""),
        ),
        "BR-KSA-24",
        "lines[1].exemption_reason_code",
        E,
    ),
    (
        "Z with an E code",
        line(1, exemption_reason_code="VATEX-SA-29"),
        "BR-KSA-CL-04",
        "lines[1].exemption_reason_code",
        E,
    ),
    ("Z without reason text", line(1, exemption_reason=""), "BR-KSA-83", "lines[1].exemption_reason", W),
    (
        "S with a code",
        line(0, exemption_reason_code="VATEX-SA-32"),
        "BR-S-10",
        "lines[0].exemption_reason_code",
        W,
    ),
    (
        "two Z codes",
        copy_line(1, exemption_reason_code="VATEX-SA-33"),
        "QAYD-VATEX-MIXED",
        "lines[2].exemption_reason_code",
        W,
    ),
    (
        "Z codes of two VAT-return boxes",
        copy_line(1, exemption_reason_code="VATEX-SA-35"),
        "QAYD-VATEX-MIXED",
        "lines[2].exemption_reason_code",
        E,
    ),
    (
        "EDU without national id",
        line(1, exemption_reason_code="VATEX-SA-EDU"),
        "BR-KSA-49",
        "buyer.id_value",
        E,
    ),
    (
        "simplified EDU without name",
        both(doc(kind=DocumentKind.SIMPLIFIED, buyer=None), line(1, exemption_reason_code="VATEX-SA-HEA")),
        "BR-KSA-25",
        "buyer",
        W,
    ),
    # allowances and charges
    ("negative allowance", allowance(amount=D("-5")), "BR-KSA-F-04", "allowances[0].amount", E),
    ("zero allowance", allowance(amount=D("0")), "QAYD-ALLOWANCE-ZERO", "allowances[0].amount", W),
    ("allowance with 3 decimals", allowance(amount=D("0.001")), "BR-DEC-01", "allowances[0].amount", W),
    ("allowance above its lines", allowance(amount=D("2500.01")), "BR-KSA-F-04", "allowances[0].amount", E),
    (
        "allowance in a category with no line",
        allowance(
            vat_category=EX,
            vat_rate=D("0"),
            exemption_reason_code="VATEX-SA-29",
            exemption_reason="Financial services",
        ),
        "BR-KSA-F-04",
        "allowances[0].amount",
        E,
    ),
    ("allowance without reason", allowance(reason=""), "QAYD-ALLOWANCE-REASON", "allowances[0].reason", W),
    (
        "bad allowance code",
        allowance(reason_code="999"),
        "QAYD-ALLOWANCE-REASON-CODE",
        "allowances[0].reason_code",
        W,
    ),
    ("S allowance at 0 %", allowance(vat_rate=D("0")), "BR-KSA-84", "allowances[0].vat_rate", E),
    ("Z allowance at 15 %", allowance(vat_category=Z), "BR-Z-06", "allowances[0].vat_rate", E),
    ("E allowance at 15 %", allowance(vat_category=EX), "BR-E-06", "allowances[0].vat_rate", E),
    ("O allowance at 15 %", allowance(vat_category=OOS), "BR-KSA-12", "allowances[0].vat_rate", E),
    ("Z charge at 15 %", charge(vat_category=Z), "BR-Z-07", "allowances[1].vat_rate", E),
    ("E charge at 15 %", charge(vat_category=EX), "BR-E-07", "allowances[1].vat_rate", E),
    ("O charge at 15 %", charge(vat_category=OOS), "BR-KSA-13", "allowances[1].vat_rate", E),
    ("charge without reason", charge(reason=""), "BR-KSA-21", "allowances[1].reason", W),
    ("charge without code", charge(reason_code=""), "BR-KSA-19", "allowances[1].reason_code", W),
    ("charge with bad code", charge(reason_code="XX"), "BR-KSA-CL-06", "allowances[1].reason_code", W),
    ("long charge reason", charge(reason="r" * 1001), "BR-KSA-F-06-C33", "allowances[1].reason", W),
    (
        "E allowance without code",
        allowance(vat_category=EX, vat_rate=D("0")),
        "BR-KSA-23",
        "allowances[0].exemption_reason_code",
        E,
    ),
    # credit and debit notes
    (
        "note without reference",
        doc(type=DocumentType.CREDIT_NOTE, reason="Returned"),
        "BR-KSA-56",
        "billing_reference",
        E,
    ),
    (
        "note without reason",
        doc(type=DocumentType.DEBIT_NOTE, billing_reference="INV-1"),
        "BR-KSA-17",
        "reason",
        E,
    ),
    (
        "long note reason",
        doc(type=DocumentType.CREDIT_NOTE, billing_reference="INV-1", reason="r" * 1001),
        "BR-KSA-F-06-C13",
        "reason",
        W,
    ),
    (
        "huge billing reference",
        doc(type=DocumentType.CREDIT_NOTE, billing_reference="I" * 5001, reason="x"),
        "BR-KSA-F-06-C22",
        "billing_reference",
        E,
    ),
    (
        "note without payment means",
        doc(type=DocumentType.CREDIT_NOTE, billing_reference="I", reason="x", payment_means=""),
        "QAYD-NOTE-PAYMENT-MEANS",
        "payment_means",
        W,
    ),
    # payment, prepayment, note
    ("unknown payment means", doc(payment_means="99"), "BR-KSA-16", "payment_means", W),
    ("payment means outside the KSA subset", doc(payment_means="69"), "BR-KSA-16", "payment_means", W),
    ("negative prepaid", doc(prepaid_amount=D("-1")), "BR-KSA-F-04", "prepaid_amount", E),
    ("prepaid above total", doc(prepaid_amount=D("10000")), "QAYD-PREPAID-EXCEEDS", "prepaid_amount", E),
    ("prepaid needs its invoices", doc(prepaid_amount=D("100")), "BR-KSA-73", "prepaid_amount", W),
    ("prepaid with 3 decimals", doc(prepaid_amount=D("0.001")), "BR-DEC-16", "prepaid_amount", W),
    ("long note", doc(note="n" * 1001), "BR-KSA-F-06-C2", "note", W),
]


@pytest.mark.parametrize(
    ("mutation", "rule", "field", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(draft: MakeDraft, mutation: Mutation, rule: str, field: str, severity: Severity) -> None:
    check(validate(mutation(draft()), now=NOW), rule, field, severity)


@pytest.mark.parametrize(
    "mutation",
    [
        doc(issue_datetime=NOW + timedelta(minutes=2)),  # clock skew is tolerated
        doc(kind=DocumentKind.SIMPLIFIED, buyer=None, supply_date=None),
        doc(
            kind=DocumentKind.STANDARD, issue_datetime=NOW - timedelta(days=30)
        ),  # BR-KSA-98 is simplified only
        doc(
            type=DocumentType.CREDIT_NOTE,
            billing_reference="INV-1",
            reason="Goods returned",
            supply_date=None,
        ),
        doc(currency="USD", exchange_rate=D("3.75")),
        doc(exchange_rate=D("1")),
        both(line(0, vat_rate=D("5")), allowance(vat_rate=D("5"))),
        line(0, vat_rate=D("15.00")),
        both(line(0, unit_price=D("0")), doc(allowances=())),
        line(0, discount=D("2450")),  # the line still covers the 50.00 allowance
        allowance(vat_category=Z, vat_rate=D("0"), amount=D("10")),  # the Z line explains the code
        doc(payment_means="ZZZ"),
        doc(prepaid_amount=D("0")),
        # out of scope beside S, Z and an S allowance: ZATCA accepts it (no BR-O-11..14 in its schematron)
        line(1, vat_category=OOS, exemption_reason_code="VATEX-SA-OOS", exemption_reason="Out of scope"),
        copy_line(1, vat_category=OOS, exemption_reason_code="VATEX-SA-OOS", exemption_reason="Out of scope"),
    ],
)
def test_valid_variants_have_no_errors(draft: MakeDraft, mutation: Mutation) -> None:
    errors = [f for f in validate(mutation(draft()), now=NOW) if f.is_error]
    assert errors == []


def test_simplified_without_buyer_or_supply_date_is_clean(draft: MakeDraft) -> None:
    assert validate(draft(kind=DocumentKind.SIMPLIFIED, buyer=None, supply_date=None), now=NOW) == []


def test_every_problem_is_reported_at_once(draft: MakeDraft) -> None:
    broken = both(
        doc(number="", currency="XXQ", payment_means="99", note="n" * 1001),
        line(0, quantity=D("-1"), vat_rate=D("7")),
        line(1, exemption_reason_code="VATEX-SA-29"),
        allowance(amount=D("0")),
    )(draft())
    rules = {f.rule for f in validate(broken, now=NOW)}
    assert {
        "BR-02",
        "BR-KSA-CL-01",
        "BR-KSA-16",
        "BR-KSA-F-06-C2",
        "BR-KSA-F-04",
        "BR-KSA-84",
        "BR-KSA-CL-04",
        "QAYD-ALLOWANCE-ZERO",
    } <= rules


def test_now_defaults_to_the_clock(draft: MakeDraft) -> None:
    future = draft(issue_datetime=datetime.now().astimezone() + timedelta(days=3))
    assert "BR-KSA-04" in {f.rule for f in validate(future)}


_odd = st.sampled_from([D("NaN"), D("sNaN"), D("Infinity"), D("-1E+999999"), D("1E-999999"), D("-0")])
_values = st.one_of(_odd, st.decimals(allow_nan=True, allow_infinity=True))


@settings(
    max_examples=150,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    q=_values,
    p=_values,
    disc=_values,
    rate=_values,
    amount=_values,
    prepaid=_values,
    fx=_values,
    category=st.sampled_from(list(VatCategory)),
)
def test_validate_never_raises_on_any_decimal(
    draft: MakeDraft, q: D, p: D, disc: D, rate: D, amount: D, prepaid: D, fx: D, category: VatCategory
) -> None:
    mutated = both(
        line(0, quantity=q, unit_price=p, discount=disc, vat_rate=rate, vat_category=category),
        allowance(amount=amount, vat_rate=rate, vat_category=category),
        doc(prepaid_amount=prepaid, currency="USD", exchange_rate=fx),
    )(draft())
    findings = validate(mutated, now=NOW)
    assert all(isinstance(f, Finding) for f in findings)
