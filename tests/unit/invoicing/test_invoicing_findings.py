"""Findings as a person reads them: each once, each on a field the document really has, as the JSON names it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal as D

import pytest

from core.findings import Finding
from core.invoicing.interchange import draft_to_json, parse_document, parse_documents
from core.invoicing.model import CompanyProfile, DocumentKind, DocumentType, InvoiceDraft, VatCategory
from core.invoicing.rules import validate
from tests.unit.invoicing import test_invoicing_rules as doc_rules
from tests.unit.invoicing import test_invoicing_rules_parties as party_rules
from tests.unit.invoicing import test_invoicing_transaction as transaction_rules
from tests.unit.invoicing.conftest import NOW, SELLER, _base_draft

_SEGMENT = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?$")
Mutation = Callable[[InvoiceDraft], InvoiceDraft]

# Drafts that break rules the way people do: every case of the rule tests, plus the ones that once reported a
# field the document does not have (a buyer's id on a document without a buyer).
EXTRA: list[tuple[str, Mutation]] = [
    ("simplified EDU without buyer", lambda d: replace(
        d, kind=DocumentKind.SIMPLIFIED, buyer=None,
        lines=(replace(d.lines[1], exemption_reason_code="VATEX-SA-EDU"),))),
    ("standard HEA without buyer", lambda d: replace(
        d, buyer=None, lines=(replace(d.lines[1], exemption_reason_code="VATEX-SA-HEA"),))),
    ("simplified summary without buyer", lambda d: replace(
        d, kind=DocumentKind.SIMPLIFIED, buyer=None, summary=True, supply_date=None)),
    ("note without anything", lambda d: replace(
        d, type=DocumentType.CREDIT_NOTE, billing_reference="", reason="", payment_means="")),
    ("O allowance without any O line", lambda d: replace(
        d, allowances=(replace(d.allowances[0], vat_category=VatCategory.OUT_OF_SCOPE),))),
    ("everything in O, all wrong", lambda d: replace(
        d, lines=tuple(replace(ln, vat_category=VatCategory.OUT_OF_SCOPE, exemption_reason_code="VATEX-SA-32",
                               exemption_reason="") for ln in d.lines),
        allowances=(replace(d.allowances[0], vat_category=VatCategory.OUT_OF_SCOPE),))),
    ("no lines", lambda d: replace(d, lines=(), allowances=())),
    ("everything negative", lambda d: replace(
        d, lines=tuple(replace(ln, quantity=D("-1"), unit_price=D("-1"), discount=D("-1")) for ln in d.lines),
        allowances=(replace(d.allowances[0], amount=D("-1")),), prepaid_amount=D("-1"), payable_rounding=D("-5"))),
]


def _corpus() -> list[tuple[str, Mutation]]:
    cases = [(c[0], c[1]) for c in (*doc_rules.CASES, *transaction_rules.CASES, *party_rules.BUYER_CASES)]
    cases += EXTRA
    # Two breakages at once, so that one rule's finding cannot hide (or repeat) another's.
    pairs = [(f"{a[0]} + {b[0]}", _both(a[1], b[1])) for a, b in itertools.combinations(cases, 2)][::37]
    return cases + [(name, mutate) for name, mutate in pairs if _applies(mutate)]


def _applies(mutate: Mutation) -> bool:
    """Some pairs cannot be combined (the second changes an allowance or a buyer the first removed)."""
    try:
        mutate(_base_draft())
    except (IndexError, AssertionError):
        return False
    return True


def _both(first: Mutation, second: Mutation) -> Mutation:
    return lambda d: second(first(d))


CORPUS = _corpus()
BROKEN_SELLER = replace(SELLER, vat_number="", legal_name_ar="", id_value="12",
                        address=replace(SELLER.address, district="", country="AE", postal_code="1"))


def resolves(root: object, path: str) -> bool:
    """Whether `path` (like "lines[1].exemption_reason_code") names a field of `root`.

    Only the last step may be empty (None or an empty list): a finding may say a buyer is missing ("buyer"),
    never that a missing buyer's id is wrong ("buyer.id_value").
    """
    value = root
    for segment in path.split("."):
        match = _SEGMENT.match(segment)
        if match is None or value is None or not hasattr(value, match.group(1)):
            return False
        value = getattr(value, match.group(1))
        if match.group(2) is not None:
            index = int(match.group(2))
            if not isinstance(value, tuple) or index >= len(value):
                return False
            value = value[index]
    return True


def _where(draft: InvoiceDraft, seller: CompanyProfile, finding: Finding) -> bool:
    if finding.field.startswith("seller."):
        return resolves(seller, finding.field.removeprefix("seller."))
    return resolves(draft, finding.field)


def _repeated(findings: list[Finding]) -> list[tuple[str, str]]:
    keys = [(f.rule, f.field) for f in findings]
    return sorted({k for k in keys if keys.count(k) > 1})


def test_the_corpus_is_large_and_breaks_many_rules() -> None:
    rules = {f.rule for _, mutate in CORPUS for f in validate(mutate(_base_draft()), now=NOW)}
    assert len(CORPUS) > 200 and len(rules) > 80


@pytest.mark.parametrize(("name", "mutate"), CORPUS, ids=[c[0] for c in CORPUS])
def test_each_finding_once_on_a_field_the_document_has(name: str, mutate: Mutation) -> None:
    draft = mutate(_base_draft())
    for seller in (SELLER, BROKEN_SELLER):
        findings = validate(draft, seller=seller, now=NOW)
        assert findings, name
        assert _repeated(findings) == []
        assert [(f.rule, f.field) for f in findings if not _where(draft, seller, f)] == []


@pytest.mark.parametrize(("name", "mutate"), CORPUS[::3], ids=[c[0] for c in CORPUS[::3]])
def test_json_findings_once_with_json_paths(name: str, mutate: Mutation) -> None:
    draft = mutate(_base_draft())
    _parsed, findings = parse_document(draft_to_json(draft), now=NOW)
    assert _repeated(findings) == []
    # Charges are their own JSON list: a charge's finding names charges[j], never the draft's allowances[k].
    allowances = sum(not a.is_charge for a in draft.allowances)
    for f in findings:
        index = re.match(r"allowances\[(\d+)\]", f.field)
        assert index is None or int(index.group(1)) < allowances, f


def test_a_seller_problem_is_reported_once_for_the_whole_file() -> None:
    documents = [draft_to_json(_base_draft()), {**draft_to_json(_base_draft()), "number": "INV-2026-0002"}]
    _drafts, findings = parse_documents(documents, now=NOW, seller=BROKEN_SELLER)
    seller = [(f.rule, f.field) for f in findings if "seller" in f.field]
    assert ("BR-KSA-39", "seller.vat_number") in seller and ("QAYD-SELLER-COUNTRY", "seller.address.country") in seller
    assert len(seller) == len(set(seller)) and all(field.startswith("seller.") for _rule, field in seller)
