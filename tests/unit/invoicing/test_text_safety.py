"""Issue 12 point 5 at the rules: every text field refuses what XML cannot carry, the QR's byte limit, the portal's
size limit, a flood of findings summarised, and JSON's duplicate keys."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.errors import ValidationError
from core.findings import FINDINGS_CAP, Finding, FindingSummary, Severity, cap_findings
from core.invoicing.interchange import load_json_file, parse_documents
from core.invoicing.limits import MAX_LINES, MAX_XML_BYTES, estimated_xml_bytes
from core.invoicing.model import InvoiceDraft, Party
from core.invoicing.parties import CUSTOMER_FIELDS, PRODUCT_FIELDS, check_customer, check_product
from core.invoicing.rules import validate, validate_company
from core.invoicing.text import first_unsafe, record_texts
from core.zatca.ubl import DocumentIds, build_invoice_text
from tests.unit.invoicing.conftest import NOW, SELLER

UNSAFE = [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x7f", "U+007F"), ("\x85", "U+0085"), ("\x9f", "U+009F"),
          ("\ud800", "U+D800"), ("\udfff", "U+DFFF"), ("\ufdd0", "U+FDD0"), ("\ufffe", "U+FFFE"),
          ("\uffff", "U+FFFF"), ("\U0001fffe", "U+1FFFE"), ("\U0010ffff", "U+10FFFF")]
SAFE = ["tab\there", "line\nbreak", "cr\r\nlf", "شركة النور", "😀 e\u0301", "<&>\"'", "\u200f\u200e", "\U0001f600"]


@pytest.mark.parametrize(("char", "code"), UNSAFE)
def test_unsafe_characters_are_named_with_their_position(char: str, code: str) -> None:
    assert first_unsafe(f"ab{char}c") == (3, code)


@pytest.mark.parametrize("text", SAFE)
def test_what_xml_and_zatca_take_is_accepted(text: str) -> None:
    assert first_unsafe(text) is None


def with_text(record: Any, path: str, value: str) -> Any:
    """`record` with the text at a dotted path like "buyer.address.street" or "lines[1].name" replaced."""
    head, _, rest = path.partition(".")
    name, _, index = head.partition("[")
    current = getattr(record, name)
    if index:
        i = int(index.rstrip("]"))
        items = list(current)
        items[i] = with_text(items[i], rest, value) if rest else value
        return dataclasses.replace(record, **{name: tuple(items)})
    return dataclasses.replace(record, **{name: with_text(current, rest, value) if rest else value})


def text_paths(record: Any) -> list[str]:
    return [path for path, value in record_texts(record) if type(value) is str]  # enum members: not free text


def test_every_text_field_of_a_draft_is_checked(draft: Callable[..., InvoiceDraft]) -> None:
    base = draft(note="note", reason="", billing_reference="")
    paths = text_paths(base)
    assert {"number", "note", "buyer.name", "buyer.address.street", "lines[1].exemption_reason",
            "allowances[0].reason", "currency", "payment_means"} <= set(paths)
    for path in paths:
        found = validate(with_text(base, path, "A\x01B"), now=NOW)
        assert ("QAYD-TEXT-CHARS", path) in {(f.rule, f.field) for f in found if f.is_error}, path


def test_every_text_field_of_the_profile_is_checked() -> None:
    for path in text_paths(SELLER):
        found = validate_company(with_text(SELLER, path, "\x85"))
        assert ("QAYD-TEXT-CHARS", path) in {(f.rule, f.field) for f in found if f.is_error}, path


def test_every_text_field_of_customer_and_product_forms_is_checked() -> None:
    customer = {"name": "Co", "street": "s", "building_number": "1234", "district": "d", "city": "c",
                "postal_code": "12345", "vat_number": "311111111111113", "id_scheme": "CRN",
                "id_value": "1010101010"}
    for name in set(CUSTOMER_FIELDS) - {"kind", "id_scheme", "country"}:
        found = check_customer({**customer, name: "X\ufffeY"})
        assert any(f.rule == "QAYD-TEXT-CHARS" and f.field.endswith(name) for f in found), name
    product = {"name": "Item", "unit_price": "10"}
    for name in set(PRODUCT_FIELDS) - {"unit_price", "vat_rate", "vat_category"}:
        found = check_product({**product, name: "X\x1bY"})
        assert any(f.rule == "QAYD-TEXT-CHARS" and f.field == name for f in found), name


def test_the_seller_name_is_counted_in_utf8_bytes_for_the_qr_code() -> None:
    def refused(name_ar: str, name_en: str = "Co") -> bool:
        profile = dataclasses.replace(SELLER, legal_name_ar=name_ar, legal_name_en=name_en)
        return any(f.rule == "QAYD-QR-LENGTH" for f in validate_company(profile))

    assert not refused("ب" * 127) and refused("ب" * 128)  # 254 and 256 bytes
    assert not refused("", "x" * 255) and refused("", "x" * 256)  # without Arabic, the English name is tag 1
    assert not refused("ب" * 100, "x" * 900)  # the English name is not in the QR when there is an Arabic one


def test_a_huge_document_gets_one_finding_not_one_per_line(draft: Callable[..., InvoiceDraft]) -> None:
    base = draft()
    huge = dataclasses.replace(base, lines=base.lines[:1] * (MAX_LINES + 1))
    found = validate(huge, now=NOW)
    assert [(f.rule, f.is_error) for f in found] == [("QAYD-DOCUMENT-SIZE", True)]
    assert f"{MAX_LINES:,}" in found[0].message and found[0].message_ar
    long_name = dataclasses.replace(base.lines[0], name="&" * 1000)  # 5,000 bytes as XML (&amp;)
    assert "QAYD-DOCUMENT-SIZE" in {f.rule for f in validate(dataclasses.replace(base, lines=(long_name,) * 1400),
                                                             now=NOW)}  # 1,400 lines, but ~8.7 MB of XML
    assert "QAYD-DOCUMENT-SIZE" not in {f.rule for f in validate(dataclasses.replace(base, lines=(long_name,) * 1000),
                                                                 now=NOW)}  # ~6 MB: the portal takes it
    assert "QAYD-DOCUMENT-SIZE" not in {f.rule for f in validate(dataclasses.replace(base, lines=base.lines * 1000),
                                                                 now=NOW)}


def test_the_size_estimate_never_undercounts_the_real_xml(draft: Callable[..., InvoiceDraft]) -> None:
    base = draft(note="<&>" * 300)
    named = [dataclasses.replace(line, name="صنف & <خدمة> " * 20) for line in base.lines]
    big = dataclasses.replace(base, lines=tuple(named) * 150,
                              buyer=Party(name="x" * 900, vat_number="311111111111113", address=base.buyer.address
                                          if base.buyer else None))
    actual = len(build_invoice_text(big, SELLER, DocumentIds(uuid.uuid4(), 1, "x")).text.encode("utf-8"))
    assert actual < estimated_xml_bytes(big) < 1.5 * actual + 50_000
    assert MAX_XML_BYTES * 4 / 3 < 10 * 1024 * 1024  # base64 of the largest allowed document fits the portal


def _finding(rule: str, i: int, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(rule, f"lines[{i}].x", "bad", "fix", severity, "سيئ", "أصلح")


def test_a_flood_of_findings_is_capped_with_exact_summaries() -> None:
    flood = [_finding("R1", i) for i in range(100_000)] + [_finding("R2", i, Severity.WARNING) for i in range(10)]
    capped = cap_findings(flood)
    summaries = [f for f in capped if isinstance(f, FindingSummary)]
    assert len(capped) == FINDINGS_CAP + 2
    assert {(s.rule, s.more) for s in summaries} == {("R1", 100_000 - FINDINGS_CAP), ("R2", 10)}
    assert "99,800 more" in summaries[0].message and "99,800" in summaries[0].message_ar
    twice = cap_findings(capped[:50] + capped[50:] + [_finding("R1", -1)])
    assert {(s.rule, s.more) for s in twice if isinstance(s, FindingSummary)} == {("R1", 99_801), ("R2", 10)}
    assert cap_findings(flood[:5]) == flood[:5]
    refused = ValidationError("The file", flood)
    assert len(refused.findings) == FINDINGS_CAP + 2 and len(refused.message.splitlines()) < FINDINGS_CAP + 10


def test_errors_are_kept_before_warnings_once_over_the_cap() -> None:
    warnings = [_finding("W", i, Severity.WARNING) for i in range(FINDINGS_CAP)]
    capped = cap_findings([*warnings, _finding("E", 0)])
    assert capped[0].rule == "E" and capped[0].is_error


def test_duplicate_json_keys_are_refused_with_their_path(tmp_path: Path, example_json: dict[str, Any]) -> None:
    text = json.dumps([example_json, example_json])
    text = text.replace('"name": "Consulting hours"', '"name": "A", "name": "Consulting hours"', 2)
    path = tmp_path / "dup.json"
    path.write_text(text, "utf-8")
    with pytest.raises(ValidationError) as refused:
        load_json_file(path)
    assert [(f.rule, f.field) for f in refused.value.findings] == [
        ("QAYD-JSON-DUPLICATE-KEY", "[0].lines[0].name"), ("QAYD-JSON-DUPLICATE-KEY", "[1].lines[0].name")]


@pytest.mark.parametrize(("content", "words"), [
    ("[" * 50_000 + "]" * 50_000, "too deeply"),
    ('{"a": 1' + "0" * 5000 + "}", "thousands of digits"),
])
def test_unreadable_json_is_explained(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, "utf-8")
    with pytest.raises(ValidationError) as refused:
        load_json_file(path)
    assert words in str(refused.value) and refused.value.findings[0].message_ar


def test_a_file_of_many_bad_documents_stays_a_short_list(example_json: dict[str, Any]) -> None:
    bad = [dict(example_json, number=f"N-{i}", lines=[dict(example_json["lines"][0], quantity="x")] * 40)
           for i in range(100)]
    _, findings = parse_documents(bad, now=NOW)
    assert len(findings) <= FINDINGS_CAP + 5
    assert sum(f.more if isinstance(f, FindingSummary) else 1 for f in findings) == 4000
    big = dict(example_json, lines=[example_json["lines"][0]] * (MAX_LINES + 1))
    _, findings = parse_documents(big, now=NOW)
    assert [f.rule for f in findings] == ["QAYD-DOCUMENT-SIZE"]
