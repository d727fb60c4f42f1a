"""FatooraClient against the local fake portal over real HTTP: onboarding, submissions, refusals and retries."""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from cryptography import x509
from lxml import etree

from core.zatca.api import FatooraClient, Outcome
from core.zatca.errors import ZatcaAuthError, ZatcaError, ZatcaRefused, ZatcaUnavailable
from tests.fatoora import documents as docs
from tests.fatoora.device import CONFIG, Device, onboard
from tests.fatoora.server import FakeFatoora

REPORTING, CLEARANCE = "/invoices/reporting/single", "/invoices/clearance/single"


class Ceiling(random.Random):
    """Full jitter always drawing its upper bound, so backoff waits are exact."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server
        assert server.internal_errors == []


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def client(fake: FakeFatoora, slept: list[float]) -> Iterator[FatooraClient]:
    with FatooraClient(fake.base_url, sleep=slept.append, rng=Ceiling(), timeout=5.0) as api:
        yield api


@pytest.fixture
def device(client: FatooraClient) -> Device:
    """A unit onboarded for simplified documents only: three compliance checks instead of six."""
    return onboard(client, Device(replace(CONFIG, invoice_type="0100")))


def test_full_onboarding_then_report_clear_and_renew(fake: FakeFatoora, client: FatooraClient) -> None:
    unit = Device()
    unit.ccsid = client.compliance_csid(unit.csr, "123345")
    with pytest.raises(ZatcaRefused) as early:
        client.production_csid(unit.ccsid, unit.ccsid.request_id)
    assert early.value.codes == ("Missing-ComplianceSteps",)
    onboard(client, unit)
    assert unit.pcsid is not None and unit.pcsid.certificate_b64 != unit.ccsid.certificate_b64
    issued = x509.load_der_x509_certificate(base64.b64decode(unit.pcsid.certificate_b64))
    assert issued.subject == x509.load_pem_x509_csr(unit.csr).subject

    simplified = unit.sign(unit.pcsid, simplified=True)
    assert client.report(unit.pcsid, **simplified.submission()).outcome is Outcome.REPORTED
    standard = unit.sign(unit.pcsid, simplified=False)
    cleared = client.clear(unit.pcsid, **standard.submission())
    assert cleared.outcome is Outcome.CLEARED and cleared.status_code == 200
    assert cleared.cleared_xml is not None and cleared.cleared_xml != standard.xml
    assert docs.invoice_hash(cleared.cleared_xml) == standard.invoice_hash

    renewed = client.renew_production_csid(unit.pcsid, unit.rekey(), "123345")
    assert renewed.certificate_b64 != unit.pcsid.certificate_b64
    after = unit.sign(renewed, simplified=True)
    assert client.report(renewed, **after.submission()).outcome is Outcome.REPORTED


def test_requests_carry_the_documented_headers_and_bodies(fake: FakeFatoora, device: Device) -> None:
    onboarding = fake.requests_to("/compliance")[0]
    assert onboarding.headers["accept-version"] == "V2" and onboarding.headers["otp"] == "123345"
    assert onboarding.headers["content-type"] == "application/json"
    assert onboarding.headers["accept-language"] == "en"
    assert base64.b64decode(onboarding.json()["csr"]) == device.csr  # base64 of the PEM text
    assert "authorization" not in onboarding.headers

    production = fake.requests_to("/production/csids")[0]
    assert production.json() == {"compliance_request_id": device.ccsid.request_id}  # type: ignore[union-attr]
    user, _, password = base64.b64decode(production.headers["authorization"][6:]).decode().partition(":")
    assert (user, password) == (device.ccsid.binary_security_token, device.ccsid.secret)  # type: ignore[union-attr]

    check = fake.requests_to("/compliance/invoices")[0]
    assert check.headers["clearance-status"] == "1"
    assert set(check.json()) == {"invoiceHash", "uuid", "invoice"}


def test_credentials_never_show_their_secret(device: Device) -> None:
    assert device.pcsid is not None
    assert device.pcsid.secret not in repr(device.pcsid)
    assert base64.b64decode(device.pcsid.certificate_b64)  # the token decodes once to base64 DER text


@pytest.mark.parametrize(("otp", "code"), [("000000", "Invalid-OTP"), ("", "Missing-OTP")])
def test_a_wrong_or_missing_otp_is_refused(client: FatooraClient, otp: str, code: str) -> None:
    with pytest.raises(ZatcaRefused) as refused:
        client.compliance_csid(Device().csr, otp)
    assert refused.value.codes == (code,)
    assert refused.value.exit_code == 9 and "one-time password" in refused.value.fix


def test_wrong_credentials_raise_an_auth_error_without_retry(fake: FakeFatoora, device: Device,
                                                              client: FatooraClient) -> None:
    assert device.pcsid is not None
    doc = device.sign(device.pcsid)
    wrong = type(device.pcsid)(device.pcsid.binary_security_token, "not-the-secret")
    with pytest.raises(ZatcaAuthError) as denied:
        client.report(wrong, **doc.submission())
    assert "not-the-secret" not in str(denied.value)
    assert len(fake.requests_to(REPORTING)) == 1


@pytest.mark.parametrize("version", [None, "V1"])
def test_the_portal_answers_406_without_accept_version_v2(fake: FakeFatoora, version: str | None) -> None:
    headers = {"Content-Type": "application/json", **({"Accept-Version": version} if version else {})}
    with httpx.Client(base_url=fake.base_url) as raw:
        response = raw.post("/compliance", content=b'{"csr": ""}', headers={**headers, "OTP": "123345"})
    assert response.status_code == 406
    assert response.text == "This Version is not supported or not provided in the header."


def test_429_waits_as_long_as_retry_after_says(fake: FakeFatoora, client: FatooraClient, device: Device,
                                               slept: list[float]) -> None:
    assert device.pcsid is not None
    fake.inject(status=429, times=2, retry_after=1)
    assert client.report(device.pcsid, **device.sign(device.pcsid).submission()).outcome is Outcome.REPORTED
    assert slept == [1.0, 1.0]
    assert [r.status for r in fake.requests_to(REPORTING)] == [429, 429, 200]


def test_429_retry_after_as_an_http_date(fake: FakeFatoora, client: FatooraClient, device: Device,
                                         slept: list[float]) -> None:
    assert device.pcsid is not None
    fake.inject(status=429, retry_after=format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True))
    assert client.report(device.pcsid, **device.sign(device.pcsid).submission()).outcome is Outcome.REPORTED
    assert len(slept) == 1 and 3.0 <= slept[0] <= 5.0


def test_503_is_retried_with_exponential_backoff(fake: FakeFatoora, client: FatooraClient, device: Device,
                                                 slept: list[float]) -> None:
    assert device.pcsid is not None
    fake.inject(status=503, times=3)
    assert client.report(device.pcsid, **device.sign(device.pcsid).submission()).outcome is Outcome.REPORTED
    assert slept == [0.5, 1.0, 2.0]  # backoff 0.5 doubled per attempt; Ceiling takes the top of the jitter


def test_full_jitter_stays_under_the_exponential_ceiling(fake: FakeFatoora, device: Device) -> None:
    waits: list[float] = []
    fake.inject(status=500, times=4)
    with FatooraClient(fake.base_url, sleep=waits.append, rng=random.Random(7), backoff=1.0) as api:
        assert device.pcsid is not None
        api.report(device.pcsid, **device.sign(device.pcsid).submission())
    assert len(waits) == 4 and all(0 <= w <= 2**i for i, w in enumerate(waits))


def test_exhausted_retries_raise_unavailable(fake: FakeFatoora, device: Device, slept: list[float]) -> None:
    assert device.pcsid is not None
    fake.inject(status=503, times=10)
    with FatooraClient(fake.base_url, sleep=slept.append, max_attempts=3) as api, \
            pytest.raises(ZatcaUnavailable) as down:
        api.report(device.pcsid, **device.sign(device.pcsid).submission())
    assert down.value.retryable and down.value.attempts == 3 and down.value.exit_code == 9
    assert len(fake.requests_to(REPORTING)) == 3 and len(slept) == 2


def test_a_dropped_connection_is_retried(fake: FakeFatoora, client: FatooraClient, device: Device) -> None:
    assert device.pcsid is not None
    fake.inject(drop=True, times=1)
    assert client.report(device.pcsid, **device.sign(device.pcsid).submission()).outcome is Outcome.REPORTED
    assert [r.status for r in fake.requests_to(REPORTING)] == [None, 200]


def test_a_timeout_is_retried(fake: FakeFatoora, device: Device, slept: list[float]) -> None:
    assert device.pcsid is not None
    fake.inject(delay=3.0, times=1)
    with FatooraClient(fake.base_url, sleep=slept.append, timeout=0.3) as api:
        result = api.report(device.pcsid, **device.sign(device.pcsid).submission())
    assert result.outcome is Outcome.REPORTED and len(slept) == 1


def test_timeouts_to_the_end_raise_unavailable(fake: FakeFatoora, device: Device) -> None:
    assert device.pcsid is not None
    fake.inject(delay=3.0, times=2)
    with FatooraClient(fake.base_url, sleep=lambda _: None, timeout=0.2, max_attempts=2) as api, \
            pytest.raises(ZatcaUnavailable, match="timed out"):
        api.report(device.pcsid, **device.sign(device.pcsid).submission())


def test_a_resent_simplified_document_is_already_submitted(client: FatooraClient, device: Device,
                                                           fake: FakeFatoora) -> None:
    assert device.pcsid is not None
    doc = device.sign(device.pcsid)
    assert client.report(device.pcsid, **doc.submission()).outcome is Outcome.REPORTED
    again = client.report(device.pcsid, **doc.submission())
    assert (again.outcome, again.status_code) == (Outcome.ALREADY_SUBMITTED, 409)
    assert not again.errors and "already" in again.warnings[0].message
    assert len(fake.requests_to(REPORTING)) == 2  # answered once each, never resent


def test_a_resent_standard_document_is_already_submitted(client: FatooraClient) -> None:
    unit = onboard(client, Device())
    assert unit.pcsid is not None
    doc = unit.sign(unit.pcsid, simplified=False)
    first = client.clear(unit.pcsid, **doc.submission())
    again = client.clear(unit.pcsid, **doc.submission())
    assert (again.outcome, again.status_code) == (Outcome.ALREADY_SUBMITTED, 208)
    assert again.cleared_xml == first.cleared_xml


def test_clearance_switched_off_asks_for_reporting(fake: FakeFatoora, client: FatooraClient) -> None:
    unit = onboard(client, Device())
    assert unit.pcsid is not None
    fake.clearance_enabled = False
    doc = unit.sign(unit.pcsid, simplified=False)
    off = client.clear(unit.pcsid, **doc.submission())
    assert (off.outcome, off.status_code) == (Outcome.CLEARANCE_OFF, 303)
    assert client.report(unit.pcsid, **doc.submission(), clearance_status="0").outcome is Outcome.REPORTED


def test_a_tampered_hash_is_rejected(client: FatooraClient, device: Device) -> None:
    assert device.pcsid is not None
    doc = device.sign(device.pcsid)
    wrong = base64.b64encode(bytes(32)).decode()
    result = client.report(device.pcsid, invoice_hash=wrong, uuid=doc.uuid, signed_xml=doc.xml)
    assert (result.outcome, result.status_code) == (Outcome.REJECTED, 400)
    assert [(m.code, m.category) for m in result.errors] == [("invalid-invoice-hash", "INVOICE_HASHING_ERRORS")]


def test_413_is_an_error_and_not_retried(fake: FakeFatoora, client: FatooraClient, device: Device) -> None:
    assert device.pcsid is not None
    fake.inject(status=413)
    with pytest.raises(ZatcaError) as too_big:
        client.report(device.pcsid, **device.sign(device.pcsid).submission())
    assert too_big.value.status_code == 413 and not isinstance(too_big.value, ZatcaUnavailable)
    assert len(fake.requests_to(REPORTING)) == 1


def test_warnings_come_back_with_202(client: FatooraClient, device: Device) -> None:
    assert device.pcsid is not None

    def wrong_line_amount_with_vat(root: etree._Element) -> None:  # BR-KSA-51 is a warning, not an error
        root.xpath("//cac:InvoiceLine[1]/cac:TaxTotal/cbc:RoundingAmount", namespaces=docs.NS)[0].text = "999.00"

    result = client.report(device.pcsid, **device.sign(device.pcsid, edit=wrong_line_amount_with_vat).submission())
    assert (result.outcome, result.status_code) == (Outcome.REPORTED, 202)
    assert "BR-KSA-51" in {m.code for m in result.warnings} and not result.errors
