"""A fixed corpus of invoice files (SDK samples, the broken corpus, documents Qayd builds and mutations of them).

Its findings are recorded once (tests/unit/zatca/rules_oracle.json) so that a rewrite of the Python rules for speed
can be held to exactly the findings the previous implementation gave, document by document.
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from lxml import etree

from core.invoicing.model import (
    Address,
    AllowanceCharge,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    Party,
    PrepaymentRef,
    VatCategory,
)
from core.zatca.ubl import DocumentIds, build_invoice_text
from core.zatca.validation import validate_xml
from tests.support.schematron import sample_files
from tests.unit.zatca.broken_corpus import CASES
from tests.unit.zatca.test_ubl import SELLER, doc, simplified

NOW = datetime(2025, 6, 15, 14, 0, tzinfo=UTC)
PIH = "NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ=="
IDS = DocumentIds(uuid=uuid.UUID(int=11), icv=7, pih=PIH)
# Values a mutation writes into a leaf: the odd shapes the XPath casts treat differently.
ODD_VALUES = ("", " ", "0", "-0", "-0.0", "0.00", "1", "15", "5", "100.001", "-1.00", "1e3", "NaN", "INF", "abc",
              " 15 ", "S", "Z", "E", "O", "VAT", "SAR", "USD", "true", "false", "388", "381", "0100000", "0200000",
              "2025-06-14", "2099-01-01", "12:00:00", "VATEX-SA-29", "VATEX-SA-EDU", "3" * 15, "12.345", "99999.99")


def _text(draft: InvoiceDraft) -> bytes:
    return build_invoice_text(draft, SELLER, IDS).text.encode("utf-8")


def distinct_lines(count: int, seed: int) -> tuple[InvoiceLine, ...]:
    """`count` lines with distinct names, quantities and prices, in mixed categories."""
    rnd = random.Random(seed)
    codes = {VatCategory.ZERO: "VATEX-SA-32", VatCategory.EXEMPT: "VATEX-SA-29",
             VatCategory.OUT_OF_SCOPE: "VATEX-SA-OOS"}
    made = []
    for i in range(count):
        category = rnd.choice([VatCategory.STANDARD] * 6 + [VatCategory.ZERO] * 2 + [VatCategory.EXEMPT] * 2
                              + [VatCategory.OUT_OF_SCOPE])
        code = codes.get(category, "")
        quantity = Decimal(rnd.randint(1, 5000)) / Decimal(10) ** rnd.randint(0, 2)
        price = Decimal(rnd.randint(1, 10**6)) / 100
        discount = Decimal(0) if rnd.random() < 0.7 else (quantity * price / 20).quantize(Decimal("0.01"))
        rate = Decimal(15) if category is VatCategory.STANDARD else Decimal(0)
        made.append(InvoiceLine(f"Item {i} {rnd.randint(0, 10**6)}", quantity, price, category, rate,
                                discount=discount, exemption_reason_code=code,
                                exemption_reason=f"{code} reason" if code else "",
                                unit_code=rnd.choice(["PCE", "KGM", "EA"])))
    return tuple(made)


def twenty_distinct(seed: int = 1, kind: str = "standard") -> bytes:
    """A 20-line document Qayd builds, every line different (the realistic shape of the issuing benchmark)."""
    make = doc if kind == "standard" else simplified
    return _text(make(lines=distinct_lines(20, seed)))


def _buyer(rnd: random.Random, kind: DocumentKind, export: bool) -> Party | None:
    address = Address(f"Street {rnd.randint(1, 99)}", f"{rnd.randint(1000, 9999)}", "District", "Riyadh",
                      f"{rnd.randint(10000, 99999)}", "SA", f"{rnd.randint(1000, 9999)}")
    if export:
        return Party("Foreign Buyer", id_scheme=IdScheme.OTH, id_value="EXP778",
                     address=Address("Main Street 1", "", "", "Dubai", "00000", "AE"))
    if kind is DocumentKind.STANDARD or rnd.random() < 0.5:
        if rnd.random() < 0.5:
            return Party("شركة المشتري", vat_number=f"3{rnd.randint(0, 10**12 - 1):012d}03", address=address)
        return Party("Buyer Co", id_scheme=IdScheme.CRN, id_value=f"{rnd.randint(10**9, 10**10 - 1)}",
                     address=address)
    return None


def _allowances(rnd: random.Random, items: tuple[InvoiceLine, ...]) -> tuple[AllowanceCharge, ...]:
    made = []
    for item in rnd.sample(items, min(len(items), rnd.randint(0, 2))):
        is_charge = rnd.random() < 0.5
        net = item.quantity * item.unit_price - item.discount
        amount = (net * rnd.choice([Decimal("0.01"), Decimal("0.1")])).quantize(Decimal("0.01"))
        if amount > 0:
            made.append(AllowanceCharge(amount, item.vat_category, item.vat_rate, reason="Reason",
                                        reason_code=("FC" if is_charge else "95") if rnd.random() < 0.5 else "",
                                        is_charge=is_charge, exemption_reason_code=item.exemption_reason_code,
                                        exemption_reason=item.exemption_reason))
    return tuple(made)


def random_draft(seed: int) -> InvoiceDraft:
    """A draft meant to be valid, drawn like the property test's (kinds, types, categories, currencies, buyers...)."""
    rnd = random.Random(seed)
    kind = rnd.choice(list(DocumentKind))
    type_ = rnd.choice([DocumentType.INVOICE, DocumentType.INVOICE, DocumentType.CREDIT_NOTE, DocumentType.DEBIT_NOTE])
    offset = timezone(timedelta(minutes=15 * rnd.randint(-48, 56)))
    at = (NOW - timedelta(minutes=rnd.randint(1, 360))).astimezone(offset)
    items = distinct_lines(rnd.randint(1, 6), seed)
    export = kind is DocumentKind.STANDARD and rnd.random() < 0.25
    summary = rnd.random() < 0.25
    currency = rnd.choice(["SAR", "SAR", "USD", "EUR"])
    note = type_.is_note
    prepay = ()
    standard = [i for i in items if i.vat_category is VatCategory.STANDARD]
    if not note and standard and rnd.random() < 0.25:
        taxable = max(Decimal("0.01"), (standard[0].quantity / 100).quantize(Decimal("0.01")))
        prepay = (PrepaymentRef(f"PRE-{seed}", at - timedelta(days=3), taxable,
                                (taxable * Decimal("0.15")).quantize(Decimal("0.01"))),)
    return InvoiceDraft(
        kind=kind, type=type_, number=f"R-{seed}", issue_datetime=at, lines=items, currency=currency,
        exchange_rate=None if currency == "SAR" else Decimal(rnd.randint(1000, 99999)) / 10000,
        supply_date=at.date() - timedelta(days=summary * 10), supply_end_date=at.date() if summary else None,
        buyer=_buyer(rnd, kind, export), allowances=_allowances(rnd, items),
        payment_means=rnd.choice(["10", "30", "42", "48", ""]) if not note else rnd.choice(["10", "1"]),
        billing_reference=f"INV-ORIG-{seed}" if note else "", reason="Returned" if note else "",
        note=rnd.choice(["", "ملاحظة", "Thank you"]), third_party=rnd.random() < 0.5, nominal=rnd.random() < 0.5,
        export=export, summary=summary, self_billed=kind is DocumentKind.STANDARD and not export and rnd.random() < 0.3,
        prepayments=prepay)


def mutate(data: bytes, seed: int) -> bytes:
    """One to three random edits of leaves: a new odd value, a removal or a duplicate."""
    rnd = random.Random(seed)
    root = etree.fromstring(data)
    for _ in range(rnd.randint(1, 3)):
        leaves = [e for e in root.iter(etree.Element) if len(e) == 0 and e.getparent() is not None]
        node = rnd.choice(leaves)
        action = rnd.random()
        if action < 0.6:
            node.text = rnd.choice(ODD_VALUES)
        elif action < 0.8:
            parent = node.getparent()
            assert parent is not None
            parent.remove(node)
        else:
            node.addnext(copy.deepcopy(node))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def corpus() -> Iterator[tuple[str, bytes]]:
    """(name, file bytes) of every document, in a fixed order."""
    samples = sorted(sample_files(), key=lambda p: str(p))
    for path in samples:
        yield f"sample {path.name}", path.read_bytes()
    for case in CASES:
        yield f"broken {case.name}", case.build()
    built = [_text(random_draft(seed)) for seed in range(150)]
    built += [twenty_distinct(seed, kind) for seed in range(10) for kind in ("standard", "simplified")]
    built += [_text(doc(lines=distinct_lines(3, 100 + i),
                        issue_datetime=NOW.astimezone(timezone(timedelta(hours=3))) - timedelta(hours=2)))
              for i in range(10)]
    for i, data in enumerate(built):
        yield f"built {i}", data
    sources = [path.read_bytes() for path in samples if path.suffix == ".xml"] + built
    for i in range(400):
        yield f"mutated {i}", mutate(sources[i % len(sources)], i)


def findings_of(data: bytes) -> list[str]:
    """The findings of the full validator, one compact line each (rule, field, severity; texts follow the rule)."""
    return [f"{f.rule} {f.severity.value} {f.field}" for f in validate_xml(data, now=NOW)]
