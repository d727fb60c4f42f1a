"""Validating a 20-line invoice file (safe parse, UBL XSD, every Python rule): at most 20 ms."""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime

import pytest
from lxml import etree

from core.zatca.validation import validate_xml
from tests.unit.zatca.broken_corpus import NS, STD, sample_bytes

pytestmark = pytest.mark.benchmark
LINES = 20
RUNS = 200
TARGET_MS = 20.0


def twenty_line_invoice() -> bytes:
    """The SDK standard invoice with its line (2 x 2.00 SAR + 15% VAT) repeated 20 times, totals made to match."""
    root = etree.fromstring(sample_bytes(STD))
    line = root.find("cac:InvoiceLine", NS)
    assert line is not None
    for number in range(2, LINES + 1):
        copied = copy.deepcopy(line)
        for line_id in copied.findall("cbc:ID", NS):
            line_id.text = str(number)
        root.append(copied)
    net, vat = "80.00", "12.00"
    for path, value in (
        ("cac:TaxTotal/cbc:TaxAmount", vat),
        ("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", net),
        ("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", vat),
        ("cac:LegalMonetaryTotal/cbc:LineExtensionAmount", net),
        ("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", net),
        ("cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "92.00"),
        ("cac:LegalMonetaryTotal/cbc:PayableAmount", "92.00"),
    ):
        for node in root.findall(path, NS):
            node.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_validate_20_line_invoice() -> None:
    data = twenty_line_invoice()
    now = datetime(2022, 9, 8, 9, 0, tzinfo=UTC)
    assert validate_xml(data, now=now) == []  # the benchmark measures a valid document, every rule evaluated
    for _ in range(20):  # warm-up: schema load, compiled paths, caches
        validate_xml(data, now=now)
    started = time.perf_counter()
    for _ in range(RUNS):
        validate_xml(data, now=now)
    per_run_ms = (time.perf_counter() - started) / RUNS * 1000
    print(f"\nvalidate_xml: {LINES}-line invoice ({len(data):,} bytes) in {per_run_ms:.2f} ms (average of {RUNS})")
    assert per_run_ms <= TARGET_MS
