"""Validate any UBL 2.1 invoice file before it leaves the device: safe parsing, the official XSD, the official rules.

The business rules are the EN 16931 and ZATCA (BR-KSA) schematrons re-implemented in Python (xml_rules_*.py), so a
file is checked in milliseconds with no XSLT engine; the tests run the official schematrons side by side.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from lxml import etree

from core.findings import Finding, Severity
from core.resources import resource_path

# The rule modules register their checks on import; validation runs every registered check.
from core.zatca import (  # noqa: F401
    xml_rules_en,
    xml_rules_en_vat,
    xml_rules_ksa,
    xml_rules_ksa_amounts,
    xml_rules_ksa_parties,
    xml_rules_ksa_prepaid,
    xml_rules_ksa_vat,
)
from core.zatca.xml_rule_texts import text_for
from core.zatca.xml_rules import CHECKS, INVOICE_TAG, NS, Doc, indexed

MAX_BYTES = 10 * 1024 * 1024
_PREFIX_OF = {uri: prefix for prefix, uri in NS.items()}
MAX_XSD_FINDINGS = 50
# A DOCTYPE can declare entities (XXE, "billion laughs"); no invoice needs one, so any DOCTYPE is refused unparsed.
# The pattern also spots UTF-16 and UTF-32 text, whose ASCII letters are interleaved with zero bytes.


def _spaced(word: bytes) -> bytes:
    return rb"\x00{0,3}".join(re.escape(bytes([c])) for c in word)


_DOCTYPE = re.compile(_spaced(b"<!DOCTYPE") + b"|" + _spaced(b"<!ENTITY"))


def _finding(rule: str, field: str, en: tuple[str, str], ar: tuple[str, str]) -> Finding:
    return Finding(rule, field, en[0], en[1], Severity.ERROR, ar[0], ar[1])


def _parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network, and libxml2's default limits (huge_tree off).
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, dtd_validation=False, no_network=True, huge_tree=False
    )


def parse_untrusted(data: bytes) -> tuple[etree._Element | None, list[Finding]]:
    """Parse bytes from anywhere, refusing what could hang, leak or exhaust memory; problems come back as findings."""
    if len(data) > MAX_BYTES:
        return None, [_too_large(len(data))]
    if b"!" in data and _DOCTYPE.search(data):  # every match holds a "!": most invoices skip the slower search
        return None, [_dtd_refused()]
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return None, [_malformed(exc)]
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot honour
        return None, [_malformed_text(str(exc))]
    if root.getroottree().docinfo.doctype:
        return None, [_dtd_refused()]
    return root, []


def _too_large(size: int) -> Finding:
    mib = MAX_BYTES // (1024 * 1024)
    return _finding(
        "QAYD-XML-SIZE",
        "file",
        (f"The file is {size:,} bytes; files over {mib} MiB are not read.", "Check that this is an invoice file."),
        (f"حجم الملف {size:,} بايت؛ لا تُقرأ الملفات التي تتجاوز {mib} ميغابايت.", "تحقق من أن هذا ملف فاتورة."),
    )


def _dtd_refused() -> Finding:
    return _finding(
        "QAYD-XML-DTD",
        "file",
        (
            "The file declares a DOCTYPE or entities; for safety such files are not read.",
            "Export the invoice again without a DOCTYPE (UBL invoices never need one).",
        ),
        (
            "يحتوي الملف على تعريف DOCTYPE أو كيانات؛ لا تُقرأ هذه الملفات حفاظًا على الأمان.",
            "صدّر الفاتورة مرة أخرى بدون DOCTYPE (فواتير UBL لا تحتاج إليه).",
        ),
    )


def _malformed(exc: etree.XMLSyntaxError) -> Finding:
    line, column = exc.position if exc.position else (exc.lineno or 0, 0)
    message = (exc.msg or str(exc)).strip()
    return _finding(
        "QAYD-XML-SYNTAX",
        f"line {line}, column {column}",
        (f"The file is not well-formed XML at line {line}, column {column}: {message}", "Fix the XML there."),
        (f"الملف ليس XML سليمًا عند السطر {line}، العمود {column}: {message}", "صحّح بنية XML في هذا الموضع."),
    )


def _malformed_text(message: str) -> Finding:
    return _finding(
        "QAYD-XML-SYNTAX",
        "file",
        (f"The file cannot be read as XML: {message}", "Save it as UTF-8 encoded XML."),
        (f"تعذّرت قراءة الملف بصيغة XML: {message}", "احفظه بصيغة XML بترميز UTF-8."),
    )


_XSD_FIX_AR = "صحّح العنصر ليطابق مخطط UBL 2.1."


_XSD_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    """The official UBL 2.1 Invoice schema, loaded once from the bundled resources (never from the network)."""
    path = resource_path("zatca", "xsd", "maindoc", "UBL-Invoice-2.1.xsd")
    return etree.XMLSchema(etree.parse(str(path), _parser()))


def validate_xsd(root: etree._Element) -> list[Finding]:
    """The document against the UBL 2.1 Invoice XSD; each schema error becomes a QAYD-XSD finding."""
    schema = _schema()
    with _XSD_LOCK:  # the schema's error_log holds the last validation's errors, whichever thread ran it
        if schema.validate(root):
            return []
        errors = list(schema.error_log)[:MAX_XSD_FINDINGS]
    found: list[Finding] = []
    for entry in errors:
        where = entry.path or f"line {entry.line}"
        found.append(
            _finding(
                "QAYD-XSD",
                where,
                (f"Line {entry.line}: {entry.message}", "Correct the element so that it follows the UBL 2.1 schema."),
                (f"السطر {entry.line}: لا يطابق المستند مخطط UBL 2.1 ({entry.message}).", _XSD_FIX_AR),
            )
        )
    return found


def validate_rules(root: etree._Element, *, now: datetime | None = None) -> list[Finding]:
    """The EN 16931 and ZATCA business rules, in Python.

    `now` is the current instant (default: the system clock; a naive value is local time). Like the official rules,
    the date rules (BR-KSA-04 issue date, BR-KSA-98 24-hour window) read it in the machine's time zone.
    """
    if root.tag != INVOICE_TAG:
        return [
            _finding(
                "QAYD-XML-ROOT",
                path_of(root),
                ("The file is not a UBL 2.1 Invoice (its root element is not Invoice).", "Choose a UBL invoice file."),
                ("الملف ليس فاتورة UBL 2.1 (العنصر الجذر ليس Invoice).", "اختر ملف فاتورة بصيغة UBL."),
            )
        ]
    doc = Doc(root, now or datetime.now(UTC))
    hits: list[tuple[str, etree._Element]] = []
    with indexed(doc):
        for check in CHECKS:
            try:
                hits.extend(check(doc))
            except (ArithmeticError, ValueError):  # an absurd value (say 1e999999) must not stop the other rules
                hits.append(("QAYD-XML-VALUE", root))
    return _findings(hits)


def path_of(node: etree._Element) -> str:
    """An XPath-like location such as /Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount."""
    steps: list[str] = []
    current: etree._Element | None = node
    while current is not None:
        qname = etree.QName(current)
        prefix = _PREFIX_OF.get(qname.namespace or "")
        name = qname.localname if prefix in (None, "ubl") else f"{prefix}:{qname.localname}"
        parent = current.getparent()
        if parent is not None:
            same = parent.findall(current.tag)
            if len(same) > 1:
                name += f"[{same.index(current) + 1}]"
        steps.append(name)
        current = parent
    return "/" + "/".join(reversed(steps))


def _field(context: str, relative: str) -> str:
    """The location of a finding: the context node's path joined with the rule's field (absolute, '..' allowed)."""
    if relative.startswith("/"):
        return relative
    while relative.startswith("../"):
        context, relative = context.rsplit("/", 1)[0], relative[3:]
    return f"{context}/{relative}" if relative else context


def _findings(hits: Iterable[tuple[str, etree._Element]]) -> list[Finding]:
    found: dict[tuple[str, str], Finding] = {}
    for rule, node in hits:
        text = text_for(rule)
        field = _field(path_of(node), text.field)
        if (rule, field) not in found:
            found[rule, field] = Finding(rule, field, text.en, text.fix, text.severity, text.ar, text.fix_ar)
    return sorted(found.values(), key=lambda f: (f.severity is not Severity.ERROR, f.field, f.rule))


def validate_xml(data: bytes, *, now: datetime | None = None) -> list[Finding]:
    """Everything: safe parsing, then the XSD and the business rules; errors first."""
    root, findings = parse_untrusted(data)
    if root is None:
        return findings
    return validate_xsd(root) + validate_rules(root, now=now)
