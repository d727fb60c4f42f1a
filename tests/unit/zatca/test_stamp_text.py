"""The issuing path stamps canonical text without a tree; it must make the tree path's document exactly."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from core.invoicing.model import DocumentKind
from core.zatca.hashing import digest_of, invoice_hash, parse_document
from core.zatca.signing import stamp, stamp_phase1, stamp_phase1_text, stamp_text
from core.zatca.ubl import build_invoice, build_invoice_text
from core.zatca.verify import verify_stamp
from tests.support.schematron import official_xsd
from tests.unit.zatca.test_ubl import DOCUMENTS, IDS, ISSUED, SELLER, _sdk_identity, doc, line


def canonical(xml: bytes) -> bytes:
    return etree.tostring(parse_document(xml), method="c14n")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_text_stamp_is_the_tree_stamp(name: str) -> None:
    """Same document under C14N, same hash, signature and QR; the verifier and the official XSD accept it."""
    draft = DOCUMENTS[name]
    simplified = draft.kind is DocumentKind.SIMPLIFIED
    unsigned = build_invoice_text(draft, SELLER, IDS)
    by_text = stamp_text(unsigned, _sdk_identity(), signing_time=ISSUED)
    by_tree = stamp(build_invoice(draft, SELLER, IDS), _sdk_identity(), signing_time=ISSUED, simplified=simplified)
    assert canonical(by_text.xml) == canonical(by_tree.xml)
    assert (by_text.invoice_hash, by_text.signature, by_text.qr) == (by_tree.invoice_hash, by_tree.signature,
                                                                    by_tree.qr)
    assert invoice_hash(by_text.xml) == by_text.invoice_hash
    assert verify_stamp(by_text.xml) == []
    assert official_xsd().validate(etree.fromstring(by_text.xml))
    phase1 = stamp_phase1_text(unsigned)
    assert canonical(phase1.xml) == canonical(stamp_phase1(build_invoice(draft, SELLER, IDS),
                                                           simplified=simplified).xml)
    assert (phase1.invoice_hash, phase1.qr) == (by_text.invoice_hash, stamp_phase1(
        build_invoice(draft, SELLER, IDS), simplified=simplified).qr)


def test_the_text_is_its_own_canonical_form() -> None:
    """SHA-256 of the text is the §1 hash that lxml's C14N gives for the parsed document."""
    unsigned = build_invoice_text(DOCUMENTS["standard invoice"], SELLER, IDS)
    root = parse_document(unsigned.text.encode("utf-8"))
    assert etree.tostring(root, method="c14n") == unsigned.text.encode("utf-8")
    assert digest_of(root) == base64.b64encode(hashlib.sha256(unsigned.text.encode("utf-8")).digest()).decode()


# Any text a person may type into a name or a note, XML's special characters and whitespace included.
TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                | st.sampled_from(list("&<>\"'\t\r\n]")), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(name=TEXTS, note=TEXTS, price=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=3))
def test_any_text_and_amount_stays_canonical(name: str, note: str, price: Decimal) -> None:
    draft = replace(doc(lines=(line(name, "3", str(price)),)), note=note)
    unsigned = build_invoice_text(draft, SELLER, IDS)
    raw = unsigned.text.encode("utf-8")
    root = parse_document(raw)
    assert etree.tostring(root, method="c14n") == raw
    texts = {element.tag.split("}")[1]: element.text for element in root.iter()}
    assert (texts["Name"], texts["Note"]) == (name, note)
    stamped = stamp_text(unsigned, _sdk_identity(), signing_time=ISSUED)
    assert verify_stamp(stamped.xml) == []
