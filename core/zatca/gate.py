"""The last gate before signing: the exact unsigned XML, checked against the UBL XSD and every XML rule.

The draft rules (core.invoicing.rules) read the draft; the builder then turns it into XML. A gap between the two
(a rule the draft check lacks, a builder bug, a character XML cannot hold) would otherwise be signed, chained and
queued, and ZATCA would reject a document whose counter is already spent. So issuing parses the very text whose
SHA-256 becomes the invoice hash, and refuses on any error of the same validator `qayd invoice validate` runs.

The stamp (UBLExtensions, QR reference, cac:Signature) is added after the gate, from fixed templates; the rules about
it (BR-KSA-27, BR-KSA-60) are warnings on an unsigned document, so they never refuse it here. The property test
(tests/integration/test_issue_property.py) holds every stamped document to the official schematrons.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.errors import ValidationError
from core.findings import Finding, Severity, errors_in
from core.zatca.validation import parse_untrusted, validate_rules, validate_xsd

_OPEN_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")


def check_unsigned(text: str, *, now: datetime) -> list[Finding]:
    """Every finding of the XSD and the XML rules on an unsigned invoice, read from its UTF-8 bytes."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 (so no XML) can carry it
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - text.rfind("\n", 0, exc.start)
        return [_locate(_malformed_text_at(line, column), text)]
    root, findings = parse_untrusted(data)
    if root is None:  # e.g. a control character: the text is not XML at all
        return [_locate(f, text) for f in findings]
    return validate_xsd(root) + validate_rules(root, now=now)


def gate(text: str, *, now: datetime, number: str) -> None:
    """Refuse (ValidationError with the findings) an unsigned invoice that the validator finds an error in."""
    findings = check_unsigned(text, now=now)
    if errors_in(findings):
        raise ValidationError(f"Invoice {number} (its XML, checked before signing)", findings)


def _malformed_text_at(line: int, column: int) -> Finding:
    where = f"line {line}, column {column}"
    return Finding("QAYD-XML-SYNTAX", where, f"The text at {where} holds a character UTF-8 cannot encode (a lone "
                   "surrogate).", "Retype that value.", Severity.ERROR,
                   f"النص عند السطر {line}، العمود {column} يحتوي على محرف لا يمكن ترميزه بـ UTF-8.",
                   "أعد كتابة تلك القيمة.")


def _locate(finding: Finding, text: str) -> Finding:
    """A syntax finding at 'line L, column C' also names the element that line opens, e.g. cbc:StreetName."""
    match = re.fullmatch(r"line (\d+), column \d+", finding.field)
    if match is None:
        return finding
    lines = text.split("\n")
    number = int(match.group(1))
    tags = _OPEN_TAG.findall(lines[number - 1]) if 0 < number <= len(lines) else []
    if not tags:
        return finding
    return Finding(finding.rule, f"{tags[-1]} ({finding.field})", finding.message, finding.fix, finding.severity,
                   finding.message_ar, finding.fix_ar)
