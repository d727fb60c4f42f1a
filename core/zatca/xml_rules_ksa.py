"""ZATCA (BR-KSA-*) rules on the document as a whole: identity, counters, hashes, type code, dates, notes, prepayment.

Mirrors 20210819_ZATCA_E-invoice_Validation_Rules.xsl; see xml_rules.py for the XPath semantics reproduced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta

from core.clock import SAUDI_TIME
from core.zatca.xml_rules import (
    Doc,
    Element,
    Hit,
    any_ne_empty,
    check,
    kid,
    kids,
    nsp,
    slen,
    sv,
    txt,
)
from core.zatca.xml_rules_dates import xs_date, xs_time
from core.zatca.xml_rules_numbers import (
    has_indicator,
)

# BR-KSA-CL-06 tests contains(list, code): a substring test over this exact text, typo ("CAPCAQ") included.
CHARGE_REASONS_7161 = (
    " AA AAA AAC AAD AAE AAF AAH AAI AAS AAT AAV AAY AAZ ABA ABB ABC ABD ABF ABK ABL ABN ABR ABS ABT ABU ACF ACG ACH"
    " ACI ACJ ACK ACL ACM ACS ADC ADE ADJ ADK ADL ADM ADN ADO ADP ADQ ADR ADT ADW ADY ADZ AEA AEB AEC AED AEF AEH AEI"
    " AEJ AEK AEL AEM AEN AEO AEP AES AET AEU AEV AEW AEX AEY AEZ AJ AU CA CAB CAD CAE CAF CAI CAJ CAK CAL CAM CAN CAO"
    " CAPCAQ CAR CAS CAT CAU CAV CAW CD CG CS CT DAB DAD DL EG EP ER FAA FAB FAC FC FH FI GAA HAA HD HH IAA AB ID IF IR"
    " IS KO L1 LA LAA LAB LF MAE MI ML NAA OA PA PAA PC PL RAB RAC RAD RAF RE RF RH RV SA SAA SAD SAE SAI SG SH SM SU"
    " TAB AC TT TV V1 V2 WH XAA YY ZZZ "
)
_PRICE = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}Price"
_ISSUE_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])Z?")
_DIGITS = re.compile(r"[0-9]*")


def _xpath_word_start(s: str) -> bool:
    """matches(s, '^[\\w.-]+'): XPath's \\w is every character outside the P, Z and C categories."""
    return bool(s) and (s[0] in ".-" or unicodedata.category(s[0])[0] not in "PZC")


def _refs(d: Doc, ref_id: str) -> list[Element]:
    """/ubl:Invoice/cac:AdditionalDocumentReference[normalize-space(cbc:ID) = ref_id]."""
    return [r for r in d.children("cac:AdditionalDocumentReference") if nsp(txt(r, "cbc:ID")) == ref_id]


def _objects(refs: list[Element]) -> list[Element]:
    return [o for r in refs for o in kids(r, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")]


def _plain_text(objects: list[Element]) -> bool:
    return any(nsp(o.get("mimeCode")) == "text/plain" for o in objects)




@check
def identity_and_chain(d: Doc) -> Iterator[Hit]:
    root = d.root
    uuids = d.children("cbc:UUID")
    if not (any_ne_empty(uuids) and _xpath_word_start(sv(uuids[0]))):
        yield "BR-KSA-03", root
    if not (_refs(d, "ICV") and any_ne_empty(d.children("cac:AdditionalDocumentReference/cbc:UUID"))):
        yield "BR-KSA-33", root
    if any(not _DIGITS.fullmatch(sv(u)) for u in d.children("cac:AdditionalDocumentReference/cbc:UUID")):
        yield "BR-KSA-34", root
    pih = _objects(_refs(d, "PIH"))
    if not (pih and any_ne_empty(pih) and _plain_text(pih)):
        yield "BR-KSA-61", root
    qr = _objects(_refs(d, "QR"))
    if qr and not 1 <= len(sv(qr[0])) <= 1000:
        yield "BR-CL-KSA-14", root
    if d.simplified and not _qr_present(d, qr):
        yield "BR-KSA-27", root
    if not any_ne_empty(d.children("cbc:TaxCurrencyCode")):
        yield "BR-KSA-68", root
    times = d.children("cbc:IssueTime")
    if not (any_ne_empty(times) and _ISSUE_TIME.fullmatch(sv(times[0]))):
        yield "BR-KSA-70", root
    if d.child("cbc:ProfileID") is None or nsp(txt(root, "cbc:ProfileID")) != "reporting:1.0":
        yield "BR-KSA-EN16931-01", root


def _qr_present(d: Doc, qr: list[Element]) -> bool:
    # The official test mixes normalize-space(cbc:ID) = 'QR' and the raw cbc:ID = 'QR'; both are kept.
    raw = _objects(
        [r for r in d.children("cac:AdditionalDocumentReference") if any(sv(i) == "QR" for i in kids(r, "cbc:ID"))]
    )
    return bool(qr) and bool(raw) and nsp(sv(raw[0])) != "" and _plain_text(raw)


@check
def references_and_limits(d: Doc) -> Iterator[Hit]:
    root = d.root
    if slen(txt(root, "cac:OrderReference/cbc:ID")) > 127:
        yield "BR-KSA-F-06-C3", root
    if slen(txt(root, "cac:ContractDocumentReference/cbc:ID")) > 127:
        yield "BR-KSA-F-06-C5", root
    b2g = any(
        len(n := code.get("name") or "") == 9 and n[:2] in ("01", "02") and n[8] == "1"
        for code in d.all("cbc:InvoiceTypeCode")
    )
    if b2g and nsp(txt(root, "cac:ContractDocumentReference/cbc:ID")) == "":
        yield "BR-KSA-92", root
    for ac in d.all("cac:AllowanceCharge"):
        parent = ac.getparent()
        in_price = parent is not None and parent.tag == _PRICE
        if in_price or not has_indicator(ac, True):
            continue
        code = txt(ac, "cbc:AllowanceChargeReasonCode")
        if code is not None and code not in CHARGE_REASONS_7161:
            yield "BR-KSA-CL-06", ac


@check
def submitted_late(d: Doc) -> Iterator[Hit]:
    """BR-KSA-98: a simplified document reported more than 24 hours after its issue date and time."""
    if not any((c.get("name") or "")[:2] == "02" for c in d.children("cbc:InvoiceTypeCode")):
        return
    issue_date, issue_time = xs_date(txt(d.root, "cbc:IssueDate")), xs_time(txt(d.root, "cbc:IssueTime"))
    if issue_date is None or issue_time is None:
        return
    # Like the official rule (XPath's implicit time zone), a time without a zone is read in the machine's zone.
    naive = datetime.combine(issue_date, issue_time[0])
    issued = naive.replace(tzinfo=issue_time[1]) if issue_time[1] is not None else naive.astimezone()
    if d.now.astimezone() - issued > timedelta(days=1):
        yield "BR-KSA-98", d.root


@check
def issue_dates(d: Doc) -> Iterator[Hit]:
    # The official rule's current-date() is the date in the machine's zone, and the portal's machines are in Saudi
    # time; an invoice issued just after midnight in Riyadh is dated "tomorrow" on a machine in UTC. Accept any date
    # that is today in either zone, so Qayd never refuses what the portal accepts.
    today = max(d.now.astimezone().date(), d.now.astimezone(SAUDI_TIME).date())
    for node in d.all("cbc:IssueDate"):
        issued = xs_date(sv(node))
        if issued is not None and issued > today:
            yield "BR-KSA-04", node


def _transaction_code_ok(name: str) -> bool:
    """BR-KSA-06: NN then 5 to 7 flags, NN being 01 (tax invoice) or 02 (simplified)."""
    return len(name) in (7, 8, 9) and name[:2] in ("01", "02") and all(c in "01" for c in name[2:])


@check
def invoice_type_code(d: Doc) -> Iterator[Hit]:
    for code in d.all("cbc:InvoiceTypeCode"):
        name = code.get("name") or ""
        value = nsp(sv(code))
        if " " in value or value not in ("388", "383", "381", "386"):
            yield "BR-KSA-05", code
        if not _transaction_code_ok(name):
            yield "BR-KSA-06", code
        if not 7 <= len(name) <= 9:
            yield "BR-KSA-F-06-C40", code
        if name[4:5] == "1" and name[6:7] == "1":
            yield "BR-KSA-07", code
        if name[:2] == "02":
            yield from _simplified_code(d, code, name)


def _simplified_code(d: Doc, code: Element, name: str) -> Iterator[Hit]:
    if not (all(c in ("0", "1") for c in (name[2:3], name[3:4], name[4:5], name[5:6])) and name[6:7] == "0"):
        yield "BR-KSA-31", code
    reasons = [sv(c) for c in d.under("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode")]
    buyer_named = any_ne_empty(
        d.under("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
    )
    # every $code satisfies contains(' VATEX-SA-HEA VATEX-SA-EDU ', $code): a substring test, true for no codes.
    if reasons and all(r in " VATEX-SA-HEA VATEX-SA-EDU " for r in reasons) and not buyer_named:
        yield "BR-KSA-25", code
    if not any(sv(s) != "" for s in d.all("cac:Signature")):
        yield "BR-KSA-60", code
    if d.name_matches(r"02\d{3}1\d"):
        entities = [e for p in d.under("cac:AccountingCustomerParty/cac:Party") for e in p.iter(_LEGAL_ENTITY)]
        names = [n for e in entities for n in kids(e, "cbc:RegistrationName")]
        if not names or nsp(sv(names[0])) == "":
            yield "BR-KSA-71", code


_LEGAL_ENTITY = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}PartyLegalEntity"


@check
def tax_invoice_lines(d: Doc) -> Iterator[Hit]:
    """BR-KSA-52/53: every line of a tax invoice states its VAT amount and its amount with VAT."""
    codes = [c for c in d.all("cbc:InvoiceTypeCode") if (c.get("name") or "")[:2] in ("01", "02")]
    if not codes or not d.standard:
        return
    for code in codes:
        if not all(any_ne_empty(kids(line, "cac:TaxTotal/cbc:TaxAmount")) for line in d.lines):
            yield "BR-KSA-52", code
        if not all(any_ne_empty(kids(line, "cac:TaxTotal/cbc:RoundingAmount")) for line in d.lines):
            yield "BR-KSA-53", code


@check
def supply_date(d: Doc) -> Iterator[Hit]:
    """BR-KSA-15: a tax invoice (388, KSA-2 starting 01) states its supply date."""
    is_388 = any(sv(c) == "388" for c in d.children("cbc:InvoiceTypeCode"))
    actual = d.under("cac:Delivery/cbc:ActualDeliveryDate")
    for code in d.all("cbc:InvoiceTypeCode"):
        if (code.get("name") or "")[:2] == "01" and is_388 and (not actual or nsp(sv(actual[0])) == ""):
            yield "BR-KSA-15", code


@check
def credit_and_debit_notes(d: Doc) -> Iterator[Hit]:
    if not any(sv(c) in ("381", "383") for c in d.children("cbc:InvoiceTypeCode")):
        return
    root = d.root
    means = d.all("cac:PaymentMeans")
    if not means or any(kid(m, "cbc:InstructionNote") is None for m in means):
        yield "BR-KSA-17", root
    for note in d.under("cac:PaymentMeans/cbc:InstructionNote"):
        if not 1 <= slen(sv(note)) <= 1000:
            yield "BR-KSA-F-06-C13", note
    references = d.all("cac:BillingReference")
    if not references:
        yield "BR-KSA-56", root
    for ref in references:
        if not any_ne_empty(kids(ref, "cac:InvoiceDocumentReference/cbc:ID")):
            yield "BR-KSA-56", ref
        ref_id = kid(ref, "cac:InvoiceDocumentReference/cbc:ID")
        if ref_id is not None and not 1 <= slen(sv(ref_id)) <= 5000:
            yield "BR-KSA-F-06-C22", ref


_SIGNATURE_INFO = (
    "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/sig:UBLDocumentSignatures/sac:SignatureInformation"
)
_SIGNATURE_1 = "urn:oasis:names:specification:ubl:signature:1"
_SIGNATURE_INVOICE = "urn:oasis:names:specification:ubl:signature:Invoice"
_XADES = "urn:oasis:names:specification:ubl:dsig:enveloped:xades"


@check
def attachments(d: Doc) -> Iterator[Hit]:
    """BR-KSA-26 on the previous invoice hash; BR-KSA-28/29/30 (the stamp) on the other attachments."""
    info_ids = [sv(n) for n in d.under(f"{_SIGNATURE_INFO}/cbc:ID")]
    referenced = d.under(f"{_SIGNATURE_INFO}/sbc:ReferencedSignatureID")
    referenced_ok = bool(referenced) and nsp(sv(referenced[0])) == _SIGNATURE_INVOICE
    signature_ids = [sv(n) for n in d.under("cac:Signature/cbc:ID")]
    methods = [sv(n) for n in d.under("cac:Signature/cbc:SignatureMethod")]
    for ref in d.all("cac:AdditionalDocumentReference"):
        for attachment in kids(ref, "cac:Attachment"):
            objects = kids(attachment, "cbc:EmbeddedDocumentBinaryObject")
            if nsp(txt(ref, "cbc:ID")) == "PIH":  # the PIH rule shadows the stamp rules for this attachment
                if not (any_ne_empty(objects) and _plain_text(objects)):
                    yield "BR-KSA-26", attachment
                continue
            if not d.simplified:
                continue
            if not (any_ne_empty(objects) and _SIGNATURE_1 in info_ids):
                yield "BR-KSA-28", attachment
            if not (_SIGNATURE_INVOICE in signature_ids and referenced_ok):
                yield "BR-KSA-29", attachment
            if not (any_ne_empty(objects) and _XADES in methods):
                yield "BR-KSA-30", attachment
