"""The fake portal refuses what the real one refuses, with the documented codes; its hash matches the SDK's."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree

from core.zatca.api import Credentials, FatooraClient, Outcome, SubmissionResult
from core.zatca.errors import ZatcaAuthError, ZatcaError, ZatcaRefused
from core.zatca.signing import SigningIdentity, stamp
from tests.fatoora import documents as docs
from tests.fatoora.device import CONFIG, SIGNING_TIME, Device, Document, onboard, unsigned_sample
from tests.fatoora.server import FakeFatoora
from tests.support.schematron import SHARED, sample_files

SIMPLIFIED_ONLY = replace(CONFIG, invoice_type="0100")


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeFatoora]:
    with FakeFatoora(clock=clock, max_body=200_000) as server:
        yield server
        assert server.internal_errors == []


@pytest.fixture
def client(fake: FakeFatoora) -> Iterator[FatooraClient]:
    with FatooraClient(fake.base_url, sleep=lambda _: None, max_attempts=2) as api:
        yield api


@pytest.fixture
def unit(client: FatooraClient) -> Device:
    return onboard(client, Device(SIMPLIFIED_ONLY))


def pcsid(unit: Device) -> Credentials:
    assert unit.pcsid is not None
    return unit.pcsid


def codes(result: SubmissionResult) -> set[str]:
    assert result.outcome is Outcome.REJECTED and result.status_code == 400
    return {m.code for m in result.errors}


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.stem)
def test_the_fake_hash_and_signature_check_match_every_sdk_sample(sample: Path) -> None:
    xml = sample.read_bytes()
    found = docs.facts(docs.parse(xml))
    digest = docs.invoice_hash(xml)
    cert = docs.certificate(found.certificate_b64)
    assert digest == found.signed_digest
    assert cert is not None and docs.signature_verifies(found, digest, cert)


def _csr_without_template() -> bytes:
    key = ec.generate_private_key(ec.SECP256K1())
    builder = x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "no-zatca-extensions")]))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


@pytest.mark.parametrize(("csr", "code"), [(b"not a CSR", "Invalid-CSR"), (b"", "Missing-CSR"),
                                           (_csr_without_template(), "Invalid-CSR")])
def test_a_malformed_csr_or_one_without_zatca_extensions_is_refused(client: FatooraClient, csr: bytes,
                                                                     code: str) -> None:
    with pytest.raises(ZatcaRefused) as refused:
        client.compliance_csid(csr, "123345")
    assert refused.value.codes == (code,)


def test_otps_are_configurable(clock: Clock) -> None:
    with FakeFatoora(valid_otps={"654321"}, clock=clock) as fake, FatooraClient(fake.base_url) as api:
        assert api.compliance_csid(Device().csr, "654321").secret
        with pytest.raises(ZatcaRefused, match="Invalid-OTP"):
            api.compliance_csid(Device().csr, "123345")


def test_production_csid_needs_this_ccsid_request_id(client: FatooraClient) -> None:
    device = Device(SIMPLIFIED_ONLY)
    onboard(client, device)
    assert device.ccsid is not None
    with pytest.raises(ZatcaRefused, match="Invalid-RequestID"):
        client.production_csid(device.ccsid, "1")


def test_renewal_needs_a_valid_otp_and_the_production_csid(client: FatooraClient, unit: Device) -> None:
    with pytest.raises(ZatcaRefused, match="Invalid-OTP"):
        client.renew_production_csid(pcsid(unit), unit.rekey(), "999999")
    assert unit.ccsid is not None
    with pytest.raises(ZatcaAuthError):
        client.renew_production_csid(unit.ccsid, unit.csr, "123345")


def test_compliance_credentials_cannot_report(client: FatooraClient, unit: Device) -> None:
    assert unit.ccsid is not None
    with pytest.raises(ZatcaAuthError):
        client.report(unit.ccsid, **unit.sign(unit.ccsid).submission())


def test_an_expired_csid_is_unauthorised(fake: FakeFatoora, client: FatooraClient, clock: Clock) -> None:
    fake.csid_validity = timedelta(minutes=5)
    unit = onboard(client, Device(SIMPLIFIED_ONLY))
    doc = unit.sign(pcsid(unit))
    clock.now += timedelta(minutes=6)
    with pytest.raises(ZatcaAuthError):
        client.report(pcsid(unit), **doc.submission())


def test_the_chain_must_continue_exactly(client: FatooraClient, unit: Device) -> None:
    creds = pcsid(unit)
    assert client.report(creds, **unit.sign(creds).submission()).outcome is Outcome.REPORTED
    skipped = unit.sign(creds, icv=unit.icv + 2, chained=False)
    assert codes(client.report(creds, **skipped.submission())) == {"invalid-icv"}
    unlinked = unit.sign(creds, pih=docs.FIRST_PIH, chained=False)
    assert codes(client.report(creds, **unlinked.submission())) == {"invalid-pih"}
    assert client.report(creds, **unit.sign(creds).submission()).outcome is Outcome.REPORTED


def test_the_first_document_may_continue_an_earlier_chain(client: FatooraClient, unit: Device) -> None:
    creds = pcsid(unit)
    assert codes(client.report(creds, **unit.sign(creds, pih="not-a-hash", chained=False).submission())) == {
        "invalid-pih"}
    earlier = base64.b64encode(bytes(range(32))).decode()  # e.g. the last phase-1 document before onboarding
    assert client.report(creds, **unit.sign(creds, icv=42, pih=earlier).submission()).outcome is Outcome.REPORTED
    assert codes(client.report(creds, **unit.sign(creds, icv=42, chained=False).submission())) == {"invalid-icv"}


def test_a_rejected_document_keeps_its_place_in_the_chain(client: FatooraClient, unit: Device) -> None:
    creds = pcsid(unit)

    def unknown_currency(root: etree._Element) -> None:
        root.xpath("/inv:Invoice/cbc:DocumentCurrencyCode", namespaces=docs.NS)[0].text = "XXX"

    rejected = client.report(creds, **unit.sign(creds, edit=unknown_currency).submission())
    assert "BR-KSA-CL-02" in codes(rejected)
    assert {m.category for m in rejected.errors} >= {"KSA"}
    assert client.report(creds, **unit.sign(creds).submission()).outcome is Outcome.REPORTED


def test_each_kind_goes_to_its_own_endpoint(client: FatooraClient) -> None:
    both = onboard(client, Device())
    creds = pcsid(both)
    assert codes(client.clear(creds, **both.sign(creds, simplified=True, chained=False).submission())) == {
        "invalid-invoice-type"}
    assert codes(client.report(creds, **both.sign(creds, simplified=False, chained=False).submission())) == {
        "invalid-invoice-type"}


def test_a_certificate_not_from_the_fake_ca_is_refused(client: FatooraClient, unit: Device) -> None:
    sdk = SHARED / "sdk" / "Data" / "Certificates"
    identity = SigningIdentity.from_pem((sdk / "ec-secp256k1-priv-key.pem").read_bytes(),
                                        (sdk / "cert.pem").read_bytes())
    doc = _signed(unit, identity)
    assert codes(client.report(pcsid(unit), **doc.submission())) == {"invalid-signing-certificate"}


def test_a_certificate_of_another_taxpayer_is_refused(fake: FakeFatoora, client: FatooraClient, clock: Clock,
                                                      unit: Device) -> None:
    other = Device(replace(SIMPLIFIED_ONLY, organization_identifier="300000000000003"))
    cert = fake.ca.issue(x509.load_pem_x509_csr(other.csr), now=clock(), validity=timedelta(days=1))
    der = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    doc = _signed(unit, other.identity(Credentials(base64.b64encode(der.encode()).decode(), "x")))
    assert codes(client.report(pcsid(unit), **doc.submission())) == {"invalid-signing-certificate"}


def _signed(unit: Device, identity: SigningIdentity) -> Document:
    root = unsigned_sample(True, icv=unit.icv + 1, pih=unit.last_hash, uuid="0d2a6a49-1b8e-4a08-9f0e-8f63d6d6b001")
    stamped = stamp(root, identity, signing_time=SIGNING_TIME, simplified=True)
    return Document(stamped.xml, stamped.invoice_hash, "0d2a6a49-1b8e-4a08-9f0e-8f63d6d6b001")


def test_a_document_changed_after_signing_fails_the_signature(client: FatooraClient, unit: Device) -> None:
    doc = unit.sign(pcsid(unit), chained=False)
    changed = doc.xml.replace(b"<cbc:IssueTime>17:41:08</cbc:IssueTime>", b"<cbc:IssueTime>17:41:09</cbc:IssueTime>")
    assert changed != doc.xml
    result = client.report(pcsid(unit), invoice_hash=docs.invoice_hash(changed), uuid=doc.uuid, signed_xml=changed)
    assert codes(result) == {"invalid-digital-signature"}


def test_xsd_failures_stop_the_checks(client: FatooraClient, unit: Device) -> None:
    def stray_element(root: etree._Element) -> None:
        etree.SubElement(root, f"{{{docs.NS['cbc']}}}Bogus").text = "x"

    assert codes(client.report(pcsid(unit), **unit.sign(pcsid(unit), edit=stray_element).submission())) == {
        "XSD_ZATCA_INVALID"}


def test_an_oversized_request_gets_413(client: FatooraClient, unit: Device) -> None:
    doc = unit.sign(pcsid(unit), chained=False)
    padded = doc.xml.replace(b"</Invoice>", b"<!--" + b"x" * 300_000 + b"--></Invoice>")
    with pytest.raises(ZatcaError) as too_big:
        client.report(pcsid(unit), invoice_hash=doc.invoice_hash, uuid=doc.uuid, signed_xml=padded)
    assert too_big.value.status_code == 413
