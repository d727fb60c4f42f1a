"""Transaction flags, prepayment lines and payable rounding: their rules, their totals and their JSON."""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from typing import Any

import pytest

from core.findings import Finding, Severity
from core.invoicing.interchange import draft_to_json, parse_document
from core.invoicing.model import (
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    Party,
    PrepaymentRef,
    VatCategory,
)
from core.invoicing.rules import validate
from core.invoicing.totals import compute_totals

E, W = Severity.ERROR, Severity.WARNING
S, Z = VatCategory.STANDARD, VatCategory.ZERO
KSA = timezone(timedelta(hours=3))
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MakeDraft = Callable[..., InvoiceDraft]
Mutation = Callable[[InvoiceDraft], InvoiceDraft]
_ARABIC = re.compile("[\u0600-\u06ff]")
ADVANCE = PrepaymentRef(
    number="ADV-2026-0007",
    issue_datetime=datetime(2026, 10, 1, 9, 30, tzinfo=KSA),
    taxable_amount=D("1000.00"),
    tax_amount=D("150.00"),
)
SIMPLE = {"kind": DocumentKind.SIMPLIFIED, "buyer": None, "supply_date": None}
P = "prepayments[0]"
CREDIT = {"type": DocumentType.CREDIT_NOTE, "billing_reference": "INV-1", "reason": "Goods returned"}


def doc(**changes: Any) -> Mutation:
    return lambda d: replace(d, **changes)


def prepayment(**changes: Any) -> Mutation:
    return lambda d: replace(d, prepayments=(replace(ADVANCE, **changes),))


def check(findings: list[Finding], rule: str, field: str, severity: Severity) -> None:
    matches = [f for f in findings if f.rule == rule and f.field == field]
    assert matches, f"no {rule} on {field}; got {[(f.rule, f.field) for f in findings]}"
    assert all(f.severity is severity for f in matches)
    for f in matches:
        assert f.message and f.fix and _ARABIC.search(f.message_ar) and _ARABIC.search(f.fix_ar)


CASES: list[tuple[str, Mutation, str, str, Severity]] = [
    # transaction flags (KSA-2)
    ("self-billed simplified", doc(self_billed=True, **SIMPLE), "BR-KSA-31", "self_billed", E),
    ("self-billed export", doc(self_billed=True, export=True), "BR-KSA-07", "self_billed", E),
    ("simplified export", doc(export=True, **SIMPLE), "QAYD-EXPORT-SIMPLIFIED", "export", E),
    ("simplified summary without period", doc(summary=True, **SIMPLE), "BR-KSA-72", "supply_date", E),
    (
        "simplified summary without end",
        doc(summary=True, **(SIMPLE | {"supply_date": date(2026, 11, 1)})),
        "BR-KSA-72",
        "supply_end_date",
        E,
    ),
    ("simplified summary without buyer", doc(summary=True, **SIMPLE), "BR-KSA-71", "buyer", W),
    ("standard summary without end", doc(summary=True), "QAYD-SUMMARY-PERIOD", "supply_end_date", W),
    # prepayments (KSA-26 … KSA-42)
    ("prepayment on a note", doc(prepayments=(ADVANCE,), **CREDIT), "QAYD-PREPAYMENT-TYPE", "prepayments", E),
    ("prepayment without number", prepayment(number=" "), "BR-KSA-73", "prepayments[0].number", W),
    ("long prepayment number", prepayment(number="N" * 128), "BR-KSA-F-06-C1", "prepayments[0].number", W),
    (
        "prepayment without zone",
        prepayment(issue_datetime=datetime(2026, 10, 1, 9, 30)),
        "QAYD-ISSUE-TIMEZONE",
        "prepayments[0].issue_datetime",
        E,
    ),
    (
        "prepayment from 1999",
        prepayment(issue_datetime=datetime(1999, 10, 1, tzinfo=KSA)),
        "BR-KSA-F-01",
        "prepayments[0].issue_datetime",
        E,
    ),
    (
        "prepayment after the final invoice",
        prepayment(issue_datetime=datetime(2026, 11, 26, tzinfo=KSA)),
        "QAYD-PREPAYMENT-DATE",
        "prepayments[0].issue_datetime",
        W,
    ),
    ("negative prepayment", prepayment(taxable_amount=D("-1")), "BR-KSA-F-04", "prepayments[0].taxable_amount", E),
    (
        "zero prepayment",
        prepayment(taxable_amount=D("0"), tax_amount=D("0")),
        "QAYD-PREPAYMENT-ZERO",
        "prepayments[0].taxable_amount",
        W,
    ),
    ("prepaid VAT with 3 decimals", prepayment(tax_amount=D("150.001")), "BR-KSA-DEC-06", f"{P}.tax_amount", W),
    ("prepaid VAT off by over 0.01", prepayment(tax_amount=D("150.02")), "BR-KSA-79", f"{P}.tax_amount", W),
    ("prepayment at 10 %", prepayment(vat_rate=D("10"), tax_amount=D("100")), "BR-KSA-84", f"{P}.vat_rate", E),
    (
        "zero-rated prepayment at 5 %",
        prepayment(vat_category=Z, vat_rate=D("5"), tax_amount=D("50"), exemption_reason_code="VATEX-SA-32",
                   exemption_reason="Export"),
        "BR-KSA-76",
        "prepayments[0].vat_rate",
        E,
    ),
    (
        "zero-rated prepayment without code",
        prepayment(vat_category=Z, vat_rate=D("0"), tax_amount=D("0"), exemption_reason="Export"),
        "BR-KSA-93",
        "prepayments[0].exemption_reason_code",
        E,
    ),
    (
        "zero-rated prepayment with an exempt code",
        prepayment(vat_category=Z, vat_rate=D("0"), tax_amount=D("0"), exemption_reason_code="VATEX-SA-29",
                   exemption_reason="Financial services"),
        "BR-KSA-CL-07",
        "prepayments[0].exemption_reason_code",
        E,
    ),
    (
        "zero-rated prepayment without reason text",
        prepayment(vat_category=Z, vat_rate=D("0"), tax_amount=D("0"), exemption_reason_code="VATEX-SA-32"),
        "BR-KSA-96",
        "prepayments[0].exemption_reason",
        W,
    ),
    (
        "exempt prepayment on an invoice without exempt supplies",
        prepayment(vat_category=VatCategory.EXEMPT, vat_rate=D("0"), tax_amount=D("0"),
                   exemption_reason_code="VATEX-SA-29", exemption_reason="Financial services"),
        "BR-E-01",
        "prepayments[0].vat_category",
        W,
    ),
    ("prepaid amount differs", doc(prepayments=(ADVANCE,), prepaid_amount=D("1")), "BR-KSA-80", "prepaid_amount", E),
    (
        "prepayments above the total",
        prepayment(taxable_amount=D("4000"), tax_amount=D("600")),
        "QAYD-PREPAID-EXCEEDS",
        "prepayments",
        E,
    ),
    # payable rounding (BT-114)
    ("rounding with 3 decimals", doc(payable_rounding=D("0.005")), "BR-DEC-17", "payable_rounding", W),
    ("rounding of a riyal", doc(payable_rounding=D("-1.00")), "QAYD-ROUNDING-LARGE", "payable_rounding", W),
    ("rounding is not a number", doc(payable_rounding=D("NaN")), "QAYD-NUMBER", "payable_rounding", E),
    ("rounding below zero due", doc(payable_rounding=D("-5000")), "QAYD-PAYABLE-NEGATIVE", "payable_rounding", E),
    # the TIN buyer id (BR-KSA-14 lists it; BR-KSA-F-07 checks its shape)
    (
        "TIN of the wrong shape",
        doc(buyer=Party("Buyer Co", id_scheme=IdScheme.TIN, id_value="1234567890")),
        "BR-KSA-F-07",
        "buyer.id_value",
        W,
    ),
]


@pytest.mark.parametrize(("mutation", "rule", "field", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(draft: MakeDraft, mutation: Mutation, rule: str, field: str, severity: Severity) -> None:
    check(validate(mutation(draft()), now=NOW), rule, field, severity)


@pytest.mark.parametrize(
    "mutation",
    [
        doc(third_party=True, nominal=True, summary=True, supply_end_date=date(2026, 11, 30)),
        doc(export=True),
        doc(self_billed=True),
        doc(nominal=True, **SIMPLE),
        doc(**SIMPLE | {"summary": True, "supply_date": date(2026, 11, 1), "supply_end_date": date(2026, 11, 24),
                        "buyer": Party("Ahmad Ali")}),
        doc(prepayments=(ADVANCE,)),
        doc(prepayments=(ADVANCE,), prepaid_amount=D("1150.00")),  # the same amount twice is no contradiction
        prepayment(tax_amount=D("150.01"), vat_rate=D("15.00")),  # BR-KSA-79 allows a halala
        prepayment(vat_rate=D("5"), tax_amount=D("50")),  # the rate changed since the advance
        prepayment(vat_category=Z, vat_rate=D("0"), tax_amount=D("0"), exemption_reason_code="VATEX-SA-32",
                   exemption_reason="Export of goods"),
        doc(payable_rounding=D("-0.50")),
        lambda d: replace(d, buyer=Party("Buyer Co", id_scheme=IdScheme.TIN, id_value="3102938475",
                                          address=d.buyer.address if d.buyer else None)),
    ],
)
def test_valid_variants_are_clean(draft: MakeDraft, mutation: Mutation) -> None:
    assert validate(mutation(draft()), now=NOW) == []


def test_prepayments_make_the_prepaid_amount(draft: MakeDraft) -> None:
    second = replace(ADVANCE, number="ADV-2026-0008", vat_rate=D("5"), taxable_amount=D("100.004"), tax_amount=D("5"))
    totals = compute_totals(draft(prepayments=(ADVANCE, second)))
    assert totals.prepaid == D("1255.00")  # 1000.00 + 150.00 + 100.00 + 5.00, each rounded as written
    assert totals.payable == totals.tax_inclusive - D("1255.00")
    assert compute_totals(draft(prepaid_amount=D("10"))).prepaid == D("10.00")


def test_payable_rounding_changes_only_the_amount_due(draft: MakeDraft) -> None:
    plain, rounded = compute_totals(draft()), compute_totals(draft(payable_rounding=D("0.5")))
    assert rounded.rounding == D("0.50") and rounded.payable == plain.payable + D("0.50")
    assert (rounded.tax_inclusive, rounded.tax_total) == (plain.tax_inclusive, plain.tax_total)


# JSON


def _extended(example: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(example)
    document.update(
        third_party=True,
        nominal=True,
        summary=True,
        supply_end_date="2026-11-30",
        payable_rounding="-0.01",
        prepayments=[
            {"number": "ADV-1", "issue_datetime": "2026-10-01T09:30:00+03:00", "taxable_amount": "1000"},
            {
                "number": "ADV-2",
                "issue_datetime": "2026-10-02T09:30:00Z",
                "taxable_amount": "100",
                "tax_amount": "5.00",
                "vat_rate": "5",
                "uuid": "a79760f7-2f48-4da9-85a5-40459a147c80",
                "name": "دفعة مقدمة",
            },
        ],
    )
    return document


def test_json_reads_the_new_fields(example_json: dict[str, Any]) -> None:
    draft, findings = parse_document(_extended(example_json), now=NOW)
    assert findings == [] and draft is not None
    assert (draft.third_party, draft.nominal, draft.export, draft.summary, draft.self_billed) == (
        True, True, False, True, False)  # fmt: skip
    assert draft.payable_rounding == D("-0.01")
    first, second = draft.prepayments
    assert (first.vat_category, first.vat_rate, first.tax_amount) == (S, D("15"), D("150.00"))  # defaults
    assert first.document_uuid is None and first.name == ""
    assert second.document_uuid == uuid.UUID("a79760f7-2f48-4da9-85a5-40459a147c80")
    assert second.issue_datetime.utcoffset() == timedelta(hours=3) and second.name == "دفعة مقدمة"  # held in Saudi time


def test_json_round_trip_of_the_new_fields(example_json: dict[str, Any]) -> None:
    draft, _ = parse_document(_extended(example_json), now=NOW)
    assert draft is not None
    written = draft_to_json(draft)
    assert written["prepayments"][0]["tax_amount"] == "150.00"  # type: ignore[index]
    again, findings = parse_document(written, now=NOW)
    assert again == draft and findings == []
    plain, _ = parse_document(example_json, now=NOW)
    assert plain is not None
    assert not {"third_party", "prepayments", "payable_rounding"} & set(draft_to_json(plain))  # defaults omitted


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"export": "yes"}, "QAYD-JSON-TYPE", "export"),
        ({"summary": 1}, "QAYD-JSON-TYPE", "summary"),
        ({"payable_rounding": 0.01}, "QAYD-JSON-FLOAT", "payable_rounding"),
        ({"payable_rounding": "1e-2"}, "QAYD-JSON-NUMBER", "payable_rounding"),
        ({"prepayments": {"number": "ADV-1"}}, "QAYD-JSON-TYPE", "prepayments"),
        ({"prepayments": ["ADV-1"]}, "QAYD-JSON-TYPE", "prepayments[0]"),
        ({"prepayments": [{"issue_datetime": "2026-10-01T09:30:00+03:00", "taxable_amount": "1"}]},
         "QAYD-JSON-MISSING", "prepayments[0].number"),
        ({"prepayments": [{"number": "A", "taxable_amount": "1"}]}, "QAYD-JSON-MISSING",
         "prepayments[0].issue_datetime"),
        ({"prepayments": [{"number": "A", "issue_datetime": "2026-10-01T09:30:00", "taxable_amount": "1"}]},
         "QAYD-JSON-DATE", "prepayments[0].issue_datetime"),
        ({"prepayments": [{"number": "A", "issue_datetime": "2026-10-01T09:30:00Z"}]}, "QAYD-JSON-MISSING",
         "prepayments[0].taxable_amount"),
        ({"prepayments": [{"number": "A", "issue_datetime": "2026-10-01T09:30:00Z", "taxable_amount": "1",
                           "vat_category": "X"}]}, "QAYD-JSON-ENUM", "prepayments[0].vat_category"),
        ({"prepayments": [{"number": "A", "issue_datetime": "2026-10-01T09:30:00Z", "taxable_amount": "1",
                           "uuid": "nope"}]}, "QAYD-JSON-TYPE", "prepayments[0].uuid"),
    ],
)  # fmt: skip
def test_json_reports_bad_values(example_json: dict[str, Any], changes: dict[str, Any], rule: str, field: str) -> None:
    example_json.update(changes)
    draft, findings = parse_document(example_json, now=NOW)
    assert draft is None
    check(findings, rule, field, E)


def test_json_warns_about_unknown_prepayment_fields(example_json: dict[str, Any]) -> None:
    example_json["prepayments"] = [
        {"number": "A", "issue_datetime": "2026-10-01T09:30:00Z", "taxable_amount": "100", "taxable": "1"}
    ]
    draft, findings = parse_document(example_json, now=NOW)
    assert draft is not None
    check(findings, "QAYD-JSON-UNKNOWN-FIELD", "prepayments[0].taxable", W)


def test_json_accepts_the_tin_scheme(example_json: dict[str, Any]) -> None:
    example_json["buyer"].update(vat_number=None, id_scheme="TIN", id_value="3102938475")
    draft, findings = parse_document(example_json, now=NOW)
    assert draft is not None and draft.buyer is not None and draft.buyer.id_scheme is IdScheme.TIN
    assert findings == []
