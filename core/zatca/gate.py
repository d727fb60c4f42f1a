"""The last gate before signing: the exact unsigned XML, checked against the UBL XSD and every XML rule.

The draft rules (core.invoicing.rules) read the draft; the builder then turns it into XML. A gap between the two
(a rule the draft check lacks, a builder bug, a character XML cannot hold) would otherwise be signed, chained and
queued, and ZATCA would reject a document whose counter is already spent. So issuing parses the very text whose
SHA-256 becomes the invoice hash, and refuses on any error of the same validator `qayd invoice validate` runs.

The stamp (UBLExtensions, QR reference, cac:Signature) is added after the gate, from fixed templates; the rules about
it (BR-KSA-27, BR-KSA-60) are warnings on an unsigned document, so they never refuse it here. The property test
(tests/integration/test_issue_property.py) holds every stamped document to the official schematrons.

Checked once, proved at issue. The full check costs about twice the rest of issuing, so it runs when a draft is
saved (`precheck`, through the context's `draft_prechecks`), on the same text issuing will build with a stand-in
counter and previous hash. A draft that passes gets a pass: the SHA-256 of this validator and of that text with the
counter's and previous hash's values left out (`template_digest`). Issuing builds the real text and, when its digest
equals the pass, has proved that every byte it signs is a byte that passed, except those two values. No XSD type or
rule reads more of them than "digits" (BR-KSA-34, ICV) and "present, text/plain" (BR-KSA-26/61, PIH), and the
digest is taken only when both are of that form (the hash in canonical base64), so the proof holds for any values.
The only rule that reads the clock and can refuse, BR-KSA-04 (issue date not in the future), only passes more as time
goes on, so a pass counts only when it is not newer than the issuing clock. Anything else (a changed draft, seller
profile, builder or validator, a clock set back, no pass) takes the full check.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import re
import sys
import uuid
from base64 import b64decode, b64encode
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from core import __version__
from core.errors import QaydError, ValidationError
from core.findings import Finding, Severity, errors_in
from core.invoicing.model import CompanyProfile, InvoiceDraft
from core.invoicing.rules import validate
from core.invoicing.service import get_company
from core.store.models import GatePass
from core.uow import UnitOfWork
from core.zatca import validation
from core.zatca.hashing import FIRST_PIH
from core.zatca.ubl import DocumentIds, build_invoice_text
from core.zatca.validation import parse_untrusted, validate_rules, validate_xsd
from core.zatca.xml_rules import CHECKS

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


def gate(text: str, *, now: datetime, number: str, passed: Passes | None = None,
         invoice_id: uuid.UUID | None = None) -> None:
    """Refuse (ValidationError with the findings) an unsigned invoice that the validator finds an error in.

    With `passed` and `invoice_id`, a text proved identical to the one that passed when the draft was saved is not
    checked again (see the module's docstring).
    """
    if passed is not None and invoice_id is not None and passed.proves(invoice_id, text, now):
        return
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


_ICV_MARK, _PIH_MARK = "<cbc:ID>ICV</cbc:ID>", "<cbc:ID>PIH</cbc:ID>"
_ICV = re.compile(r"<cbc:ID>ICV</cbc:ID>\s*<cbc:UUID>([0-9]+)</cbc:UUID>")
_PIH = re.compile(r'<cbc:ID>PIH</cbc:ID>\s*<cac:Attachment>\s*<cbc:EmbeddedDocumentBinaryObject mimeCode="text/plain">'
                  r"([^<]*)</cbc:EmbeddedDocumentBinaryObject>")


def template_digest(text: str) -> str | None:
    """The digest of the validator and of `text` without its counter and previous hash; None if not provable.

    Each reference must appear once (markup: `<` never appears unescaped in a value), the counter before the hash.
    """
    if text.count(_ICV_MARK) != 1 or text.count(_PIH_MARK) != 1:
        return None
    icv = _ICV.match(text, text.index(_ICV_MARK))
    pih = _PIH.match(text, text.index(_PIH_MARK))
    if icv is None or pih is None or icv.end() > pih.start() or not _canonical_base64(pih.group(1)):
        return None
    digest = hashlib.sha256(_validator_fingerprint())
    for piece in (text[: icv.start(1)], "ICV", text[icv.end(1) : pih.start(1)], "PIH", text[pih.end(1) :]):
        digest.update(piece.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _canonical_base64(value: str) -> bool:
    try:
        return bool(value) and b64encode(b64decode(value, validate=True)).decode("ascii") == value
    except (binascii.Error, ValueError):
        return False


@functools.cache
def _validator_fingerprint() -> bytes:
    """This install's validator: its version and the source of the gate, the XSD loader and every rule module."""
    digest = hashlib.sha256(__version__.encode())
    files = {sys.modules[check.__module__].__file__ for check in CHECKS} | {validation.__file__, __file__}
    for name in sorted(f for f in files if f):
        try:
            digest.update(Path(name).read_bytes())
        except OSError:  # a frozen build keeps no sources: its version stands for them
            digest.update(name.encode())
    return digest.digest()


class Passes:
    """The gate passes of one issuing run, read in bulk; each pass used is deleted with the run's writes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known: dict[uuid.UUID, tuple[str, datetime]] = {}

    def load(self, ids: Sequence[uuid.UUID]) -> None:
        for start in range(0, len(ids), 500):
            rows = self.session.execute(select(GatePass.invoice_id, GatePass.digest, GatePass.checked_at)
                                        .where(GatePass.invoice_id.in_(ids[start : start + 500])))
            self.known.update((row.invoice_id, (row.digest, row.checked_at)) for row in rows)

    def proves(self, invoice_id: uuid.UUID, text: str, now: datetime) -> bool:
        known = self.known.get(invoice_id)
        return known is not None and known[1] <= now and template_digest(text) == known[0]

    def spend(self, ids: Iterable[uuid.UUID]) -> None:
        """Forget the passes of issued documents (used or not: an issued document is never issued again)."""
        ids = list(ids)
        for start in range(0, len(ids), 500):
            self.session.execute(delete(GatePass).where(GatePass.invoice_id.in_(ids[start : start + 500])))


def precheck(uow: UnitOfWork, drafts: Sequence[InvoiceDraft], *, rules_passed: bool = False) -> int:
    """Check each stored draft's XML as issuing will build it; record a pass for each that has no error.

    A draft that is not ready (the draft rules find an error, or the builder cannot build it) simply gets no pass:
    saving a draft never fails here, and issuing then runs the full check. `rules_passed` says the caller stored
    only drafts the draft rules passed (an import refuses any other), so they are not run twice. Returns the number
    of passes written.
    """
    if not drafts:
        return 0
    seller, now = get_company(uow), uow.now()
    rows, stale = [], []
    for draft in drafts:
        digest = _passing_digest(draft, seller, now, rules_passed)
        if digest is None:
            stale.append(draft.id)
        else:
            rows.append({"invoice_id": draft.id, "digest": digest, "checked_at": now})
    Passes(uow.session).spend(stale)
    if rows:
        statement = insert(GatePass)
        uow.session.execute(statement.on_conflict_do_update(
            index_elements=["invoice_id"], set_={"digest": statement.excluded.digest,
                                                 "checked_at": statement.excluded.checked_at}), rows)
    return len(rows)


def _passing_digest(draft: InvoiceDraft, seller: CompanyProfile, now: datetime, rules_passed: bool) -> str | None:
    if not rules_passed and errors_in(validate(draft, seller=seller, now=now)):
        return None
    try:
        text = build_invoice_text(draft, seller, DocumentIds(uuid=draft.id, icv=1, pih=FIRST_PIH)).text
    except (QaydError, ArithmeticError, ValueError):  # not buildable yet: issuing will say why
        return None
    if errors_in(check_unsigned(text, now=now)):
        return None
    return template_digest(text)
