"""ZATCA invoice hash (ALGORITHM.md §1): base64 SHA-256 of the C14N of the invoice without its stamp nodes."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from lxml import etree

# §2: base64 of the *hex text* of SHA-256("0"), not of the raw digest; hard-coded exactly as the SDK writes it.
FIRST_PIH = "NWZlY2ViNjZmZmM4NmYzOGQ5NTI3ODZjNmQ2OTZjNzljMmRiYzIzOWRkNGU5MWI0NjcyOWQ3M2EyN2ZiNTdlOQ=="

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "sig": "urn:oasis:names:specification:ubl:schema:xsd:CommonSignatureComponents-2",
    "sac": "urn:oasis:names:specification:ubl:schema:xsd:SignatureAggregateComponents-2",
    "sbc": "urn:oasis:names:specification:ubl:schema:xsd:SignatureBasicComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
}

UBL_EXTENSIONS = f"{{{NS['ext']}}}UBLExtensions"
CAC_SIGNATURE = f"{{{NS['cac']}}}Signature"
ADDITIONAL_REFERENCE = f"{{{NS['cac']}}}AdditionalDocumentReference"
CBC_ID = f"{{{NS['cbc']}}}ID"


def safe_parser() -> etree.XMLParser:
    """A parser for untrusted documents: no entities, no DTD, no network, no huge trees; blank text kept (§1 step 1)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


_PARSER = safe_parser()


def parse_document(xml: bytes) -> etree._Element:
    """Parse invoice bytes safely, keeping whitespace exactly as serialized."""
    return etree.fromstring(xml, _PARSER)


def has_id(element: etree._Element, value: str) -> bool:
    """True if a direct cbc:ID child's text equals value (XPath `[cbc:ID='…']`)."""
    return any(child.text == value for child in element.iterchildren(CBC_ID))


def stamp_nodes(root: etree._Element) -> list[etree._Element]:
    """The direct children the hash excludes (§1 step 2), in document order."""
    return [
        child
        for child in root.iterchildren(UBL_EXTENSIONS, CAC_SIGNATURE, ADDITIONAL_REFERENCE)
        if child.tag != ADDITIONAL_REFERENCE or has_id(child, "QR")
    ]


@dataclass
class _Detached:
    element: etree._Element
    index: int
    holder: etree._Element | None  # previous sibling whose tail grew, or None when root.text grew
    saved: str | None


def _detach(root: etree._Element, nodes: list[etree._Element]) -> list[_Detached]:
    """Remove nodes but leave their tails in the parent (§1: lxml's remove() would take the tail along)."""
    undo: list[_Detached] = []
    for node in nodes:
        prev = node.getprevious()
        saved = root.text if prev is None else prev.tail
        if node.tail:
            if prev is None:
                root.text = (root.text or "") + node.tail
            else:
                prev.tail = (prev.tail or "") + node.tail
        undo.append(_Detached(node, root.index(node), prev, saved))
        root.remove(node)  # the element keeps its own .tail, so re-inserting it restores the text exactly
    return undo


def _reattach(root: etree._Element, undo: list[_Detached]) -> None:
    for item in reversed(undo):
        root.insert(item.index, item.element)
        if item.holder is None:
            root.text = item.saved
        else:
            item.holder.tail = item.saved


def digest_of(root: etree._Element) -> str:
    """Hash a document that carries none of the excluded nodes (§1 steps 3-5).

    lxml has no C14N 1.1; inclusive C14N 1.0 gives the same bytes for a whole document without xml:* attributes (§1).
    """
    canonical = etree.tostring(root, method="c14n", exclusive=False, with_comments=False)
    return base64.b64encode(hashlib.sha256(canonical).digest()).decode("ascii")


def invoice_hash(doc: etree._Element | bytes) -> str:
    """The invoice hash of §1 (44 base64 characters). A tree passed in is left exactly as it was."""
    root = parse_document(doc) if isinstance(doc, bytes) else doc
    nodes = stamp_nodes(root)
    if not nodes:
        return digest_of(root)
    if isinstance(doc, bytes):  # our own parse: no need to restore anything
        _detach(root, nodes)
        return digest_of(root)
    undo = _detach(root, nodes)
    try:
        return digest_of(root)
    finally:
        _reattach(root, undo)
