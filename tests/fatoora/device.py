"""A test EGS unit: its key, CSR, CSIDs and ICV/PIH chain; it re-signs the SDK samples with the product's stamp."""

from __future__ import annotations

import uuid as uuids
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from core.zatca.api import Credentials, FatooraClient
from core.zatca.csr import CsrConfig, build_csr, generate_private_key, private_key_pem
from core.zatca.signing import SigningIdentity, stamp
from tests.fatoora import documents as docs
from tests.fatoora.checks import required_steps
from tests.fatoora.server import DEFAULT_OTP
from tests.support.schematron import SAMPLES

# The SDK samples are issued by VAT 399999999900003, so the test unit uses that VAT number too.
CONFIG = CsrConfig(
    common_name="TST-886431145-399999999900003",
    serial_number="1-Qayd|2-Test|3-ed22f1d8-e6a2-1118-9b58-d9a8f11e445f",
    organization_identifier="399999999900003",
    organization_unit="Riyadh Branch",
    organization_name="Maximum Speed Tech Supply LTD",
    location="RRRD2929",
    industry="Supply activities",
)
SAMPLE_FILES = {
    (False, "388"): "Standard/Invoice/Standard_Invoice.xml",
    (False, "381"): "Standard/Credit/Standard_Credit_Note.xml",
    (False, "383"): "Standard/Debit/Standard_Debit_Note.xml",
    (True, "388"): "Simplified/Invoice/Simplified_Invoice.xml",
    (True, "381"): "Simplified/Credit/Simplified_Credit_Note.xml",
    (True, "383"): "Simplified/Debit/Simplified_Debit_Note.xml",
}
SIGNING_TIME = datetime(2022, 8, 17, 17, 41, 8)
_ICV = "/inv:Invoice/cac:AdditionalDocumentReference[cbc:ID='ICV']/cbc:UUID"
_PIH = "/inv:Invoice/cac:AdditionalDocumentReference[cbc:ID='PIH']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"


@dataclass(frozen=True)
class Document:
    xml: bytes
    invoice_hash: str
    uuid: str

    def submission(self) -> dict[str, Any]:
        """The keyword arguments of FatooraClient.report / clear / check_compliance."""
        return {"invoice_hash": self.invoice_hash, "uuid": self.uuid, "signed_xml": self.xml}


def unsigned_sample(simplified: bool, code: str = "388", *, icv: int, pih: str, uuid: str) -> etree._Element:
    """An SDK sample without its stamp, signature and QR, renumbered for our chain."""
    root = docs.parse((SAMPLES / SAMPLE_FILES[(simplified, code)]).read_bytes())
    for path in docs.PRUNED:
        for element in root.xpath(path, namespaces=docs.NS):
            docs._remove_keeping_tail(element)
    root.xpath(_ICV, namespaces=docs.NS)[0].text = str(icv)
    root.xpath(_PIH, namespaces=docs.NS)[0].text = pih
    root.xpath("/inv:Invoice/cbc:UUID", namespaces=docs.NS)[0].text = uuid
    return root


class Device:
    """One EGS unit as the product would run it, reduced to what the API tests need."""

    def __init__(self, config: CsrConfig = CONFIG, environment: str = "simulation") -> None:
        self.config = config
        self.environment = environment
        self.secret = generate_private_key()
        self.csr = build_csr(config, self.secret, environment)
        self.icv, self.last_hash = 0, docs.FIRST_PIH
        self.ccsid: Credentials | None = None
        self.pcsid: Credentials | None = None

    def rekey(self) -> bytes:
        """A new key and CSR, as for a renewal; returns the CSR."""
        self.secret = generate_private_key()
        self.csr = build_csr(self.config, self.secret, self.environment)
        return self.csr

    def identity(self, creds: Credentials) -> SigningIdentity:
        return SigningIdentity.from_pem(private_key_pem(self.secret), creds.certificate_b64.encode("ascii"))

    def sign(self, creds: Credentials, simplified: bool = True, code: str = "388", *, icv: int | None = None,
             pih: str | None = None, chained: bool = True, edit: object = None) -> Document:
        """Sign the next document of the chain (or the given icv/pih); ``edit(root)`` may change it first."""
        uuid = str(uuids.uuid4())
        icv = self.icv + 1 if icv is None else icv
        root = unsigned_sample(simplified, code, icv=icv, pih=self.last_hash if pih is None else pih, uuid=uuid)
        if callable(edit):
            edit(root)
        stamped = stamp(root, self.identity(creds), signing_time=SIGNING_TIME, simplified=simplified)
        if chained:  # every document the unit signs takes the next place in its chain (ALGORITHM.md §2)
            self.icv, self.last_hash = icv, stamped.invoice_hash
        return Document(stamped.xml, stamped.invoice_hash, uuid)


def onboard(client: FatooraClient, device: Device, otp: str = DEFAULT_OTP) -> Device:
    """CSR -> compliance CSID -> one passed check per required document kind -> production CSID."""
    device.ccsid = client.compliance_csid(device.csr, otp)
    for number, (simplified, code) in enumerate(sorted(required_steps(device.config.invoice_type)), start=1):
        doc = device.sign(device.ccsid, simplified, code, icv=number, pih=docs.FIRST_PIH, chained=False)
        result = client.check_compliance(device.ccsid, **doc.submission())
        assert result.outcome == "accepted", result.errors
    device.pcsid = client.production_csid(device.ccsid, device.ccsid.request_id)
    return device
