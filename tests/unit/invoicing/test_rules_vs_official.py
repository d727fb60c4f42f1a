"""The draft rules against the official ones (saxonche runs ZATCA's and EN 16931's schematrons on the XML Qayd would
write): where Qayd refuses what the SDK only warns about, it uses the official rule id; where it refuses what the
official rules accept, the departure is listed, with its reason, in docs/DECISIONS.md."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D
from pathlib import Path

import pytest
from lxml import etree

from core.invoicing.model import (
    AllowanceCharge,
    CompanyProfile,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    PrepaymentRef,
    VatCategory,
)
from core.invoicing.rules import validate
from core.zatca.hashing import FIRST_PIH
from core.zatca.ubl import DocumentIds, build_invoice, serialize
from tests.support.schematron import RULES, STYLESHEETS, SVRL, run_schematron
from tests.unit.invoicing.conftest import NOW, SELLER, _base_draft
from tests.unit.invoicing.test_invoicing_findings import BROKEN_SELLER, CORPUS

Z, EX, OOS = VatCategory.ZERO, VatCategory.EXEMPT, VatCategory.OUT_OF_SCOPE
IDS = DocumentIds(uuid=uuid.UUID(int=7), icv=1, pih=FIRST_PIH)
DECISIONS = Path(__file__).parents[3] / "docs" / "DECISIONS.md"
BASE = _base_draft()
ADVANCE = PrepaymentRef("ADV-1", datetime(2026, 10, 1, 9, 0, tzinfo=timezone(timedelta(hours=3))), D("100.00"),
                        D("15.00"))
NOTE = {"type": DocumentType.CREDIT_NOTE, "billing_reference": "INV-2026-0001", "reason": "Goods returned"}


def lines(**second: object) -> InvoiceDraft:
    """The example with its second (zero-rated) line changed."""
    return replace(BASE, lines=(BASE.lines[0], replace(BASE.lines[1], **second)))


def prepaid(**changes: object) -> InvoiceDraft:
    return replace(BASE, prepayments=(replace(ADVANCE, **changes),))


def charge(**changes: object) -> InvoiceDraft:
    item = AllowanceCharge(D("20"), OOS, D("0"), reason="Freight", reason_code="FC", is_charge=True,
                           exemption_reason_code="VATEX-SA-OOS", exemption_reason="Out of scope")
    return replace(BASE, allowances=(*BASE.allowances, replace(item, **changes)))


def official(draft: InvoiceDraft, seller: CompanyProfile = SELLER) -> set[tuple[str, str]]:
    """(rule, flag) of every official assertion on the XML Qayd writes for the draft, stamp rules aside."""
    unsigned = {"BR-KSA-27", "BR-KSA-28", "BR-KSA-29", "BR-KSA-30", "BR-KSA-60", "BR-KSA-98"}
    xml = serialize(build_invoice(draft, seller, IDS))
    return {(a.rule, "error" if a.is_error else "warning") for a in run_schematron(xml) if a.rule not in unsigned}


def refused(draft: InvoiceDraft, seller: CompanyProfile = SELLER) -> set[str]:
    return {f.rule for f in validate(draft, seller=seller, now=NOW) if f.is_error}


# What the law requires although the SDK only warns: Qayd refuses it under the official rule's own id.
LAW_OVER_SDK = [
    ("credit note without the invoice it corrects", replace(BASE, **{**NOTE, "billing_reference": ""}), "BR-KSA-56"),
    ("zero-rated line without a VATEX code", lines(exemption_reason_code=""), "BR-KSA-69"),
    ("exempt line without a VATEX code", lines(vat_category=EX, exemption_reason_code=""), "BR-KSA-23"),
    ("out-of-scope line without a VATEX code", lines(vat_category=OOS, exemption_reason_code=""), "BR-KSA-24"),
    ("zero-rated line with an exempt code", lines(exemption_reason_code="VATEX-SA-29"), "BR-KSA-CL-04"),
    ("out-of-scope line with an export code", lines(vat_category=OOS), "BR-KSA-CL-04"),
    ("exempt line with the out-of-scope code", lines(vat_category=EX, exemption_reason_code="VATEX-SA-OOS"),
     "BR-KSA-CL-04"),
    ("out-of-scope charge at 15 %", charge(vat_rate=D("15")), "BR-KSA-13"),
    ("out-of-scope allowance at 15 %", replace(BASE, allowances=(replace(
        charge().allowances[1], is_charge=False, vat_rate=D("15")),)), "BR-KSA-12"),
    ("zero-rated prepayment without a code", prepaid(vat_category=Z, vat_rate=D("0"), tax_amount=D("0"),
                                                     exemption_reason="Export"), "BR-KSA-93"),
    ("exempt prepayment without a code", prepaid(vat_category=EX, vat_rate=D("0"), tax_amount=D("0"),
                                                 exemption_reason="Financial"), "BR-KSA-94"),
    ("out-of-scope prepayment without a code", prepaid(vat_category=OOS, vat_rate=D("0"), tax_amount=D("0"),
                                                       exemption_reason="Outside"), "BR-KSA-95"),
    ("zero-rated prepayment with an exempt code", prepaid(vat_category=Z, vat_rate=D("0"), tax_amount=D("0"),
                                                          exemption_reason_code="VATEX-SA-29",
                                                          exemption_reason="Financial"), "BR-KSA-CL-07"),
    ("zero-rated prepayment at 5 %", prepaid(vat_category=Z, vat_rate=D("5"), tax_amount=D("5"),
                                             exemption_reason_code="VATEX-SA-32", exemption_reason="Export"),
     "BR-KSA-76"),
    ("exempt prepayment at 5 %", prepaid(vat_category=EX, vat_rate=D("5"), tax_amount=D("5"),
                                         exemption_reason_code="VATEX-SA-29", exemption_reason="Financial"),
     "BR-KSA-77"),
    ("out-of-scope prepayment at 5 %", prepaid(vat_category=OOS, vat_rate=D("5"), tax_amount=D("5"),
                                               exemption_reason_code="VATEX-SA-OOS", exemption_reason="Outside"),
     "BR-KSA-78"),
]


@pytest.mark.parametrize(("draft", "rule"), [c[1:] for c in LAW_OVER_SDK], ids=[c[0] for c in LAW_OVER_SDK])
def test_refused_under_the_official_rule_the_sdk_only_warns_about(draft: InvoiceDraft, rule: str) -> None:
    assert (rule, "warning") in official(draft)
    assert rule in refused(draft)


# Refused by Qayd, accepted (no error at all) by the official rules: each is a departure listed in DECISIONS.md.
STRICTER = [
    ("tax invoice without a buyer", replace(BASE, buyer=None), SELLER, "QAYD-BUYER-REQUIRED"),
    ("simplified export invoice", replace(BASE, kind=DocumentKind.SIMPLIFIED, export=True), SELLER,
     "QAYD-EXPORT-SIMPLIFIED"),
    ("prepayment settled by a credit note", replace(BASE, **NOTE, prepayments=(ADVANCE,)), SELLER,
     "QAYD-PREPAYMENT-TYPE"),
    ("prepaid amount other than the prepayments' sum", replace(BASE, prepayments=(ADVANCE,),
                                                                prepaid_amount=D("50")), SELLER, "BR-KSA-80"),
    ("prepaid amount above the total", replace(BASE, prepaid_amount=D("100000")), SELLER, "QAYD-PREPAID-EXCEEDS"),
    ("rounding that makes the amount due negative", replace(BASE, lines=BASE.lines[1:], allowances=(),
                                                            payable_rounding=D("-1000.50")), SELLER,
     "QAYD-PAYABLE-NEGATIVE"),
    ("foreign currency without an exchange rate", replace(BASE, currency="USD"), SELLER, "QAYD-EXCHANGE-RATE"),
    ("zero-rated line discounted below zero", replace(BASE, lines=(
        *BASE.lines, replace(BASE.lines[1], discount=D("1000.01")))), SELLER, "BR-KSA-F-04"),
    ("zero-rated export and medicine in one subtotal", replace(BASE, lines=(
        *BASE.lines, replace(BASE.lines[1], exemption_reason_code="VATEX-SA-35", exemption_reason="Medicines"))),
     SELLER, "QAYD-VATEX-MIXED"),
    ("seller address abroad", BASE, replace(SELLER, address=replace(SELLER.address, country="AE")),
     "QAYD-SELLER-COUNTRY"),
    ("seller without an Arabic name", BASE, replace(SELLER, legal_name_ar=""), "QAYD-COMPANY-NAME-AR"),
    ("seller without any name", BASE, replace(SELLER, legal_name_ar="", legal_name_en=""), "QAYD-COMPANY-NAME"),
]
# Departures the XML cannot show: the clock (a time later today), or values no XML can hold.
NOT_IN_XML = {"QAYD-ISSUE-FUTURE", "QAYD-ISSUE-TIMEZONE", "QAYD-NUMBER", "QAYD-TEXT-CHARS"}


@pytest.mark.parametrize(("draft", "seller", "rule"), [c[1:] for c in STRICTER], ids=[c[0] for c in STRICTER])
def test_a_stricter_refusal_is_one_zatca_would_accept(draft: InvoiceDraft, seller: CompanyProfile, rule: str) -> None:
    assert {flag for _rule, flag in official(draft, seller)} <= {"warning"}
    assert rule in refused(draft, seller)


def _documented() -> set[str]:
    """The rule ids in the first column of the "Draft rules versus the official rules" table."""
    text = DECISIONS.read_text("utf-8")
    section = text[text.index("### Draft rules versus the official rules"):]
    section = section[:section.index("\n## ")] if "\n## " in section else section
    return {rule for row in re.findall(r"^\| ([^|]+) \|", section, re.MULTILINE)
            for rule in re.findall(r"(?:QAYD|BR)-[A-Z0-9-]+", row)}


def test_every_departure_is_documented_and_every_documented_one_tested() -> None:
    documented = _documented()
    tested = {rule for *_rest, rule in (*STRICTER, *LAW_OVER_SDK, *RELAXED)}
    assert tested <= documented
    assert {r for r in documented if r.startswith("QAYD-")} <= tested | NOT_IN_XML


# Once refused, now accepted as ZATCA accepts them.
RELAXED = [
    ("out of scope beside S and Z", replace(BASE, lines=(
        *BASE.lines, replace(BASE.lines[1], vat_category=OOS, exemption_reason_code="VATEX-SA-OOS"))), "BR-O-12"),
    ("zero prepayment", prepaid(taxable_amount=D("0"), tax_amount=D("0")), "QAYD-PREPAYMENT-ZERO"),
]


@pytest.mark.parametrize(("draft", "rule"), [c[1:] for c in RELAXED], ids=[c[0] for c in RELAXED])
def test_what_zatca_accepts_is_not_refused(draft: InvoiceDraft, rule: str) -> None:
    assert {flag for _rule, flag in official(draft)} <= {"warning"}
    assert refused(draft) == set()


def _official_flags() -> dict[str, set[str]]:
    """Every rule id of the two official schematrons with its flags, read from the XSLT itself."""
    flags: dict[str, set[str]] = {}
    for name in STYLESHEETS:
        for node in etree.parse(str(RULES / name)).iter(f"{SVRL}failed-assert"):
            flags.setdefault(node.get("id") or "", set()).add(node.get("flag") or "error")
    return flags


def test_every_refusal_beyond_the_official_rules_is_documented() -> None:
    """Over the broken-draft corpus: each error that is not an official error is a row of the table."""
    flags, documented = _official_flags(), _documented()
    sellers = (SELLER, BROKEN_SELLER, replace(SELLER, legal_name_ar="", legal_name_en=""))
    refusals = {f.rule for _name, mutate in CORPUS for seller in sellers
                for f in validate(mutate(_base_draft()), seller=seller, now=NOW) if f.is_error}
    beyond = {rule for rule in refusals if "error" not in flags.get(rule, set())}
    assert len(refusals) > 40 and "QAYD-BUYER-REQUIRED" in beyond
    assert beyond - documented == set()
