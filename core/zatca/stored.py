"""Stored documents are checked, not trusted: every issued document's stamp and its place in its unit's ICV/PIH chain.

For each `issued_document` row, in counter order per EGS unit: the invoice hash recomputed from the stored XML must
equal the row's `invoice_hash`, the signed DigestValue and QR tag 6 (`verify_stamp` checks the XAdES signature with
the embedded certificate and every QR tag against the XML); the row's QR must be the XML's; ICV, PIH and UUID inside
the XML must be the row's; the hash must be the one the audit chain recorded when the document was issued (the chain
is verified first, so a re-signed forgery with another key shows here); the certificate must be the unit's (or, after
a renewal, the hash attested by the chain). Per unit: ICVs 1..n without a gap, each PIH the previous document's hash,
and the unit's counter and last hash those of its last document. Sealed XML (an erased buyer's invoice kept for tax)
is opened for admin and compliance users (each read logged); for others only its chain is checked, and said so.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import func, select, text

from core.errors import AccessDeniedError, NotFoundError, TamperedDocumentError
from core.incident import enter_after, enter_automatically
from core.ledger.verify import DocumentProblem, DocumentsCheck
from core.personal import sealing
from core.personal.roles import sees_restricted
from core.privacy.retention import XML_MARKER as PURGE_MARKER
from core.progress import CancelCheck, Progress, steps
from core.store.models import AuditEntry, Base, IssuedDocument
from core.uow import Context, UnitOfWork
from core.zatca.hashing import FIRST_PIH, NS, invoice_hash, parse_document, safe_parser
from core.zatca.qr import decode_tlv, document_fields, phase1_tags
from core.zatca.verify import verify_stamp

PROGRESS_EVERY = 500
_DOC = Base.metadata.tables["issued_document"]
_INV = Base.metadata.tables["invoice"]
_REF = "string(cac:AdditionalDocumentReference[cbc:ID='{}']/{})"
_XML_FIELDS = {name: etree.XPath(path, namespaces=NS) for name, path in {
    "ICV": _REF.format("ICV", "cbc:UUID"),
    "PIH": _REF.format("PIH", "cac:Attachment/cbc:EmbeddedDocumentBinaryObject"),
    "QR": _REF.format("QR", "cac:Attachment/cbc:EmbeddedDocumentBinaryObject"),
    "UUID": "string(cbc:UUID)",
    "certificate": "string(ext:UBLExtensions//ds:X509Certificate)",
}.items()}


@dataclass
class _Unit:
    name: str
    certificate: str
    icv: int
    last_hash: str
    seen: int = 0
    last_seen_hash: str = FIRST_PIH


@dataclass
class _Run:
    units: dict[str, _Unit]
    attested: dict[str, str]  # invoice id -> the hash the audit chain recorded at issue
    broken: list[DocumentProblem] = field(default_factory=list)
    sealed_unopened: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)


def verify_documents(ctx: Context, *, progress: Progress | None = None,
                     cancelled: CancelCheck | None = None) -> DocumentsCheck:
    """Re-verify every issued document; name each broken one (number, unit, ICV, what failed)."""
    started = time.perf_counter()
    with ctx.uow(write=False) as uow:
        run = _Run(_units(uow), _attested(uow))
        total = int(uow.session.execute(select(func.count()).select_from(_DOC)).scalar_one())
        done = 0
        for row in steps(_rows(uow), progress, cancelled, total=total, label="issued documents verified",
                         every=PROGRESS_EVERY):
            _check_row(uow, run, row)
            done += 1
        run.broken += _unit_ends(run)
        run.broken += _issued_without_document(uow)
    if run.broken:  # a stored stamp or the ICV/PIH chain does not verify: incident mode, issuing locked
        shown = ", ".join(p.number for p in run.broken[:3]) + (" …" if len(run.broken) > 3 else "")
        enter_automatically(ctx, f"{len(run.broken)} issued document(s) failed verification of their stored "
                                 f"stamp or chain ({shown}).")
    return _result(run, done, started)


def _units(uow: UnitOfWork) -> dict[str, _Unit]:
    rows = uow.session.execute(text("SELECT id, name, certificate_b64, icv, last_hash FROM egs_unit"))
    return {_uuid(i): _Unit(_str(n), _str(c), _int(icv), _str(h)) for i, n, c, icv, h in rows}


def _attested(uow: UnitOfWork) -> dict[str, str]:
    """Invoice id -> the hash this desk's chain recorded: at issue here, or (`sync.documents_received`) when a
    pull brought a document another desk issued."""
    rows = uow.session.execute(select(AuditEntry.action, AuditEntry.subject, AuditEntry.body).where(
        AuditEntry.action.in_(("invoice.issued", "sync.documents_received"))))
    out = {}
    for action, subject, body in rows:
        data = json.loads(body).get("payload", {}).get("data", {})
        if action == "invoice.issued":
            out[str(subject).removeprefix("invoice:")] = str(data.get("invoice_hash", ""))
            continue
        for invoice_id, got in dict(data.get("documents", {})).items():
            out.setdefault(str(invoice_id), str(dict(got).get("invoice_hash", "")))
    return out


@dataclass(frozen=True, slots=True)
class _Doc:
    """One stored document as the file holds it: raw values read without the ORM's types (an attacker's edit may
    leave text where bytes belong, or a word where a number does), each made into what the checks compare."""

    invoice_id: str
    number: str
    egs_unit_id: str
    icv: int
    uuid: str
    pih: str
    invoice_hash: str
    phase: int
    qr: str
    xml: bytes


def _rows(uow: UnitOfWork) -> Iterator[_Doc]:
    query = text("SELECT d.invoice_id, i.number, d.egs_unit_id, d.icv, d.uuid, d.pih, d.invoice_hash, d.phase, "
                 "d.qr, d.xml FROM issued_document d JOIN invoice i ON i.id = d.invoice_id "
                 "ORDER BY d.egs_unit_id, d.icv").execution_options(yield_per=200)
    for i, number, unit, icv, doc_uuid, pih, digest, phase, qr, xml in uow.session.execute(query):
        yield _Doc(_uuid(i), _str(number), _uuid(unit), _int(icv), _uuid(doc_uuid), _str(pih), _str(digest),
                   _int(phase), _str(qr), as_bytes(xml))


def as_bytes(value: object) -> bytes:
    """A BLOB column's value as bytes, also when it was rewritten as text (SQLite's replace() returns text)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return b"" if value is None else str(value).encode("utf-8")


def _str(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return "" if value is None else str(value)


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1  # not a number: it cannot stand in its place of the chain, and is reported there


def _uuid(value: object) -> str:
    try:
        return str(uuid.UUID(_str(value)))
    except ValueError:
        return _str(value)


def _check_row(uow: UnitOfWork, run: _Run, row: _Doc) -> None:
    unit = run.units.setdefault(row.egs_unit_id, _Unit(f"unknown unit {row.egs_unit_id[:8]}", "", 0, ""))
    problems = _chain_problems(unit, row)
    unit.seen, unit.last_seen_hash = row.icv, row.invoice_hash
    attested = run.attested.get(row.invoice_id)
    if attested is None:
        problems.append("the audit chain has no 'invoice.issued' entry for it")
    elif attested != row.invoice_hash:
        problems.append(f"its stored hash ({row.invoice_hash}) is not the one the audit chain recorded when it "
                        f"was issued ({attested})")
    xml = _open(uow, run, row)
    if xml is not None:
        problems += _xml_problems(xml, row, unit, attested)
    elif run.purged and run.purged[-1] == row.number:
        problems += _marker_problems(row.xml, row)
    if problems:
        run.broken.append(DocumentProblem(row.number, unit.name, row.icv, tuple(problems)))


def _chain_problems(unit: _Unit, row: _Doc) -> list[str]:
    problems = []
    if row.icv <= unit.seen:
        problems.append(f"its ICV {row.icv} follows ICV {unit.seen} of unit {unit.name}")
    elif row.icv > unit.seen + 1:
        gap = f"ICV {unit.seen + 1} is" if row.icv == unit.seen + 2 else f"ICVs {unit.seen + 1} to {row.icv - 1} are"
        problems.append(f"{gap} missing before it in unit {unit.name}: documents were deleted")
    if row.icv == unit.seen + 1 and row.pih != unit.last_seen_hash:
        problems.append(f"its PIH ({row.pih}) is not the hash of the unit's previous document "
                        f"({unit.last_seen_hash})")
    return problems


def _open(uow: UnitOfWork, run: _Run, row: _Doc) -> bytes | None:
    """The stored XML; None when it is sealed and this user may not (or can no longer) open it."""
    raw = row.xml
    if raw.startswith(PURGE_MARKER):
        run.purged.append(row.number)
        return None
    if not sealing.is_held(raw):
        return raw
    if not sees_restricted(uow.ctx.actor_role):
        run.sealed_unopened.append(row.number)
        return None
    try:
        return sealing.open_held(uow, raw, record=f"invoice:{row.invoice_id}", column=sealing.XML,
                                 purpose="audit verification of issued documents")
    except (AccessDeniedError, NotFoundError):
        run.sealed_unopened.append(row.number)
        return None


def _xml_problems(xml: bytes, row: _Doc, unit: _Unit, attested: str | None) -> list[str]:
    problems, computed, cert = stamp_problems(xml, icv=row.icv, pih=row.pih, doc_uuid=row.uuid,
                                              digest=row.invoice_hash, qr=row.qr, phase=row.phase)
    if cert and unit.certificate and cert != unit.certificate and attested != computed:
        problems.append(f"it is signed with a certificate that is not unit {unit.name}'s")
    return problems


def stamp_problems(xml: bytes, *, icv: int, pih: str, doc_uuid: str, digest: str, qr: str | None,
                   phase: int) -> tuple[list[str], str, str]:
    """What is wrong with a stored document against its row: (problems, the hash computed, the signing cert text).

    `qr=None` skips comparing the QR with the row's (the cleared copy carries the one ZATCA stamped).
    """
    try:
        root = parse_document(xml)
    except etree.XMLSyntaxError as exc:
        return [f"its stored XML is not well-formed ({exc})"], "", ""
    inside = {name: str(xpath(root)).strip() for name, xpath in _XML_FIELDS.items()}
    computed = invoice_hash(root)
    problems = [] if computed == digest else [
        f"the hash of its stored XML ({computed}) is not its stored hash ({digest}): the XML was changed"]
    expected = {"ICV": str(icv), "PIH": pih, "UUID": doc_uuid} | ({} if qr is None else {"QR": qr})
    problems += [f"the XML's {name} ({inside[name][:60]}) is not the stored one ({value[:60]})"
                 for name, value in expected.items() if inside[name] != value]
    if phase == 2:
        problems += [f"stamp: {p}" for p in verify_stamp(root, computed_hash=computed)]
    elif qr is not None:
        problems += _phase1_qr(root, qr)
    return problems, computed, inside["certificate"]


def checked(number: str, doc: IssuedDocument, xml: bytes, *, cleared: bool = False,
            uow: UnitOfWork | None = None) -> bytes:
    """`xml` when the stored document verifies against its row; else refuse (nothing is written or shown) and,
    given the caller's unit of work, enter incident mode once it has ended (core.incident.enter_after).

    The one choke point of export, print and QR read-back (`core.zatca.issuing.issued_xml`).
    """
    if xml.startswith(PURGE_MARKER):
        return xml  # nothing left to share; the readers say so themselves
    problems, _digest, _cert = stamp_problems(
        xml, icv=_int(doc.icv), pih=_str(doc.pih), doc_uuid=str(doc.document_uuid), digest=_str(doc.invoice_hash),
        qr=None if cleared else _str(doc.qr), phase=_int(doc.phase))
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        if uow is not None:
            enter_after(uow, f"The stored stamp of {number} does not verify: it was changed after it was issued.")
        raise TamperedDocumentError(
            f"{number} does not verify, so it is not exported, printed or read back: its stored "
            f"{'cleared copy' if cleared else 'signed XML'} was changed after it was issued ({shown}).",
            fix="Run `qayd audit verify` for the full report, and restore the company from a backup made before "
                "the change.")
    return xml


def _marker_problems(marker: bytes, row: _Doc) -> list[str]:
    """A purged document's marker keeps its invoice id and hash: they must still be the row's."""
    try:
        node = etree.fromstring(marker, parser=safe_parser())
    except etree.XMLSyntaxError:
        return ["its purge marker is not well-formed"]
    if node.get("invoice") != row.invoice_id or node.get("hash") != row.invoice_hash:
        return ["its purge marker names another document or hash than the row's"]
    return []


def _phase1_qr(root: etree._Element, qr: str) -> list[str]:
    try:
        if decode_tlv(qr) != phase1_tags(*document_fields(root)):
            return ["its QR code (tags 1-5) does not match the seller, time and totals of its XML"]
    except ValueError as exc:
        return [f"its QR code cannot be read ({exc})"]
    return []


def _unit_ends(run: _Run) -> list[DocumentProblem]:
    out = []
    for unit in run.units.values():
        problems = []
        if unit.icv != unit.seen:
            why = "documents were deleted" if unit.icv > unit.seen else "the counter was set back"
            problems.append(f"the unit's counter stands at ICV {unit.icv} but its last stored document has ICV "
                            f"{unit.seen}: {why}")
        elif unit.seen and unit.last_hash != unit.last_seen_hash:
            problems.append(f"the unit's last hash ({unit.last_hash}) is not its last document's hash "
                            f"({unit.last_seen_hash})")
        if problems:
            out.append(DocumentProblem("(unit)", unit.name, unit.icv, tuple(problems)))
    return out


def _issued_without_document(uow: UnitOfWork) -> list[DocumentProblem]:
    rows = uow.session.execute(select(_INV.c.number).where(
        _INV.c.status != "draft", _INV.c.id.not_in(select(_DOC.c.invoice_id))).limit(1000))
    return [DocumentProblem(number, "", 0, ("it is issued but its signed XML is gone from the store",))
            for (number,) in rows]


def _result(run: _Run, done: int, started: float) -> DocumentsCheck:
    notes = []
    if run.purged:
        notes.append(f"{len(run.purged):,} document(s) were purged when their tax retention ended: their XML is "
                     "gone, so only their place in the ICV/PIH chain, their purge marker and the hash the audit "
                     "chain recorded were checked.")
    if run.sealed_unopened:
        shown = ", ".join(run.sealed_unopened[:5]) + (" …" if len(run.sealed_unopened) > 5 else "")
        notes.append(f"{len(run.sealed_unopened):,} document(s) are sealed for an erased buyer and cannot be opened "
                     f"by your role ({shown}): only their place in the ICV/PIH chain and the hash the audit chain "
                     "recorded were checked, not their XML.")
    return DocumentsCheck(documents=done, units=len(run.units), broken=tuple(run.broken), notes=tuple(notes),
                          seconds=round(time.perf_counter() - started, 3))



def verified_qr(uow: UnitOfWork, doc: IssuedDocument, number: str) -> str:
    """The row's QR, once the stored XML it was made from verifies (QR read-back refuses a changed document).

    A sealed document is opened (and the read logged) for admin and compliance users; for a clerk, who may not open
    it, the QR is given as stored: the XML cannot be checked by that role, and `qayd audit verify` says so.
    """
    raw = as_bytes(doc.xml)
    if sealing.is_held(raw):
        if not sees_restricted(uow.ctx.actor_role):
            return _str(doc.qr)
        raw = sealing.open_held(uow, raw, record=sealing.record_of(doc.invoice_id), column=sealing.XML,
                                purpose="QR read-back")
    checked(number, doc, raw, uow=uow)
    return _str(doc.qr)


# The Arabic of each kind of problem the stored-document check reports, found by a phrase of its English text (the
# English keeps the values: hashes, counters). Arabic is the report's legal language: no English on its Arabic side.
PROBLEMS_AR: tuple[tuple[str, str], ...] = (
    ("no 'invoice.issued' entry", "لا يوجد في سلسلة التدقيق قيد إصدار لهذا المستند"),
    ("is not the one the audit chain recorded", "تجزئته المخزنة تخالف التجزئة التي سجلتها سلسلة التدقيق عند إصداره"),
    ("follows ICV", "عداده لا يلي عداد المستند السابق في وحدة الفوترة"),
    ("documents were deleted", "مستندات مفقودة قبله في وحدة الفوترة: حُذفت مستندات"),
    ("is not the hash of the unit's previous document", "تجزئة المستند السابق المدوّنة فيه لا تطابق المستند السابق "
     "في وحدة الفوترة"),
    ("signed with a certificate that is not", "موقّع بشهادة ليست شهادة وحدة الفوترة"),
    ("stored XML is not well-formed", "ملف XML المخزن تالف"),
    ("the XML was changed", "تجزئة ملف XML المخزن لا تطابق تجزئته المخزنة: عُدّل الملف"),
    ("is not the stored one", "قيمة داخل ملف XML (العداد أو التجزئة السابقة أو المعرّف أو الرمز) تخالف القيمة المخزنة"),
    ("does not match the signed DigestValue", "التجزئة المحسوبة من المستند لا تطابق التجزئة الموقّعة: عُدّل بعد توقيعه"),
    ("has no xades:SignedProperties", "التوقيع ناقص: لا يحتوي على الخصائص الموقّعة"),
    ("SignedProperties digest", "تجزئة الخصائص الموقّعة لا تطابق ما في التوقيع"),
    ("The CertDigest", "بصمة الشهادة في التوقيع لا تطابق الشهادة المضمّنة"),
    ("The X509SerialNumber", "الرقم التسلسلي للشهادة في التوقيع لا يطابق الشهادة"),
    ("The X509IssuerName", "مُصدر الشهادة في التوقيع لا يطابق الشهادة"),
    ("does not hold an EC public key", "الشهادة المضمّنة لا تحمل مفتاحًا عامًا صالحًا"),
    ("is not a valid signature", "قيمة التوقيع ليست توقيعًا صالحًا لتجزئة الفاتورة بمفتاح الشهادة المضمّنة"),
    ("has no QR code", "لا يحتوي المستند على رمز الاستجابة السريعة"),
    ("QR code cannot be", "تعذّرت قراءة رمز الاستجابة السريعة أو التحقق منه"),
    ("is missing.", "حقل من حقول رمز الاستجابة السريعة مفقود"),
    ("should not be there", "حقل زائد في رمز الاستجابة السريعة"),
    ("but the document and its stamp give", "حقل في رمز الاستجابة السريعة يخالف المستند أو ختمه"),
    ("purge marker", "علامة الإتلاف تشير إلى مستند أو تجزئة أخرى"),
    ("(tags 1-5) does not match", "رمز الاستجابة السريعة لا يطابق بيانات البائع والوقت والإجماليات في ملف XML"),
    ("counter stands at ICV", "عداد وحدة الفوترة لا يطابق عداد آخر مستند مخزن"),
    ("last hash", "آخر تجزئة لوحدة الفوترة لا تطابق تجزئة آخر مستند مخزن"),
    ("signed XML is gone", "المستند صادر لكن ملف XML الموقّع محذوف من قاعدة البيانات"),
)
OTHER_PROBLEM_AR = "خلل آخر في ختم المستند؛ تفصيله في النسخة الإنجليزية"


def problem_ar(problem: str) -> str:
    """The Arabic of one stored-document problem (its kind; the values are in the English report)."""
    return next((ar for phrase, ar in PROBLEMS_AR if phrase in problem), OTHER_PROBLEM_AR)


def problems_text(problems: tuple[str, ...], pick: int) -> str:
    if pick == 0:
        return "; ".join(problems)
    return "؛ ".join(dict.fromkeys(problem_ar(p) for p in problems))  # each kind once, in the order found
