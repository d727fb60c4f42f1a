"""Onboarding, issuing and the submission queue against the local Fatoora server, over real HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta

import pytest

from core.invoicing import BrowseFilter, BrowseSort, browse
from core.invoicing.demo import create_demo
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient, Outcome
from core.zatca.issuing import issue_invoice, issued_xml
from core.zatca.onboarding import onboard
from core.zatca.queue import claim_next, list_queue
from core.zatca.submission import LEASE, load_credentials, submit_pending
from tests.fatoora.server import FakeFatoora

OTP = "123345"


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server
        assert server.internal_errors == []


def client_for(fake: FakeFatoora) -> FatooraClient:
    return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=3)


@pytest.fixture
def company(ctx: Context, fake: FakeFatoora) -> Context:
    """A company with drafts and an EGS unit onboarded with the portal (compliance checks included)."""
    create_demo(ctx, drafts=40)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="branch-1-till-1", serial_number="1-Qayd|2-Desk|3-42",
                                environment="simulation", location="Riyadh Olaya", industry="Trading")
        uow.commit()
    with client_for(fake) as client:
        info = onboard(ctx, unit.id, OTP, client)
    assert info.status == "active" and info.can_submit
    return ctx


def issue(ctx: Context, kind: str, count: int) -> list[str]:
    with ctx.uow() as uow:
        drafts = browse.page(uow, BrowseFilter(status="draft", kind=kind, type="invoice"), BrowseSort(descending=False),
                             limit=count)
        numbers = [issue_invoice(uow, d.number).number for d in drafts]
        uow.commit()
    return numbers


def states(ctx: Context) -> dict[str, str]:
    with sqlite3.connect(ctx.db.path) as conn:
        return dict(conn.execute("SELECT i.number, s.state || ':' || s.outcome FROM zatca_submission s "
                                 "JOIN invoice i ON i.id = s.invoice_id"))


def test_onboarding_then_clearance_and_reporting(company: Context, fake: FakeFatoora) -> None:
    standard, simplified = issue(company, "standard", 2), issue(company, "simplified", 2)
    with company.uow(write=False) as uow:
        assert all(q.deadline is not None for q in list_queue(uow) if q.kind == "reporting")
        _, _, shareable = issued_xml(uow, standard[0])
        assert not shareable  # a standard invoice is not shared before clearance
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert sorted(summary.done) == sorted(standard + simplified) and not summary.rejected
    assert set(states(company).values()) == {"done:cleared", "done:reported"}
    with company.uow(write=False) as uow:
        cleared, which, shareable = issued_xml(uow, standard[0])
    assert which == "cleared" and shareable and b"Cleared by FakeFatoora" in cleared


def test_portal_down_postpones_and_nothing_is_lost(company: Context, fake: FakeFatoora) -> None:
    numbers = issue(company, "simplified", 2)
    fake.inject(status=503, times=3)  # every attempt of the client's three fails
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert summary.stopped and summary.postponed and not summary.done
    assert all(v.startswith("pending") for v in states(company).values())
    company.clock.now += timedelta(hours=2)  # type: ignore[attr-defined]  # past the retry time
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert summary.done == numbers  # in counter order: the postponed first document still goes first


def test_crash_after_sending_never_submits_twice(company: Context, fake: FakeFatoora) -> None:
    [number] = issue(company, "simplified", 1)
    claimed = claim_next(company, now=company.clock(), lease=LEASE)
    assert claimed is not None
    with client_for(fake) as client:  # the request reaches the portal, then the worker dies before recording it
        first = client.report(load_credentials(company, claimed), invoice_hash=claimed.invoice_hash,
                              uuid=claimed.uuid, signed_xml=claimed.xml)
    assert first.outcome is Outcome.REPORTED
    assert submit_pending(company, lambda _env: client_for(fake)).done == []  # still leased to the dead worker
    company.clock.now += LEASE + timedelta(seconds=1)  # type: ignore[attr-defined]
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert summary.done == [number]
    assert states(company)[number] == "done:already_submitted"
    reports = [r for r in fake.requests_to("/invoices/reporting/single") if r.status in (200, 202)]
    assert len(reports) == 1  # accepted once; the resend was answered "already reported"


def test_clearance_switched_off_reports_instead(company: Context, fake: FakeFatoora) -> None:
    [number] = issue(company, "standard", 1)
    fake.clearance_enabled = False
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert summary.done == [number]
    assert states(company)[number] == "done:reported"


def test_wrong_credentials_stop_the_run_and_keep_the_item(company: Context, fake: FakeFatoora) -> None:
    issue(company, "simplified", 1)
    fake.portal.csids.clear()  # the portal forgets the certificate: every call is now unauthorised
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert summary.stopped and not summary.done
    assert list(states(company).values()) == ["pending:unauthorised"]


def test_rejected_invoice_shows_findings_and_a_guided_correction(company: Context, fake: FakeFatoora) -> None:
    from dataclasses import replace

    from core.invoicing.service import get_company, update_company
    from core.zatca.correction import prepare_correction

    with company.uow() as uow:  # the profile no longer matches the certificate the portal issued
        update_company(uow, replace(get_company(uow), vat_number="310000000000003"))
        uow.commit()
    [number] = issue(company, "simplified", 1)
    summary = submit_pending(company, lambda _env: client_for(fake))
    assert summary.rejected == [number]
    with company.uow(write=False) as uow:
        [item] = [q for q in list_queue(uow) if q.number == number]
    assert item.state == "rejected" and any(m["level"] == "error" and m["code"] for m in item.messages)
    with company.uow() as uow:
        made = prepare_correction(uow, number)
        uow.commit()
    with company.uow(write=False) as uow:
        note = browse.page(uow, BrowseFilter(search=made.credit_note))[0]
        fixed = browse.page(uow, BrowseFilter(search=made.corrected_draft))[0]
    assert (note.type, note.status, fixed.type, fixed.status) == ("credit_note", "draft", "invoice", "draft")


def test_renewal_and_expiry_warnings(company: Context, fake: FakeFatoora) -> None:
    from core.zatca.onboarding import renew

    with company.uow(write=False) as uow:
        unit = units.get_egs(uow, "branch-1-till-1")
        before = unit.certificate_b64
        soon = units.describe(unit, unit.certificate_expires_at - timedelta(days=10))
    assert any("expires in 10 day" in w for w in soon.warnings)
    with client_for(fake) as client:
        info = renew(company, unit.id, OTP, client)
    with company.uow(write=False) as uow:
        assert units.get_egs(uow, "branch-1-till-1").certificate_b64 != before
    assert info.status == "active"
    [number] = issue(company, "simplified", 1)  # signed with the new key and certificate, accepted
    assert submit_pending(company, lambda _env: client_for(fake)).done == [number]


def test_an_expired_certificate_refuses_issuing(company: Context) -> None:
    from core.errors import ImmutableError

    with company.uow(write=False) as uow:
        expires = units.get_egs(uow, "branch-1-till-1").certificate_expires_at
    company.clock.now = expires + timedelta(seconds=1)  # type: ignore[attr-defined]
    with pytest.raises(ImmutableError, match="expired"):
        issue(company, "simplified", 1)
    with company.uow(write=False) as uow:
        assert units.get_egs(uow, "branch-1-till-1").icv == 0  # nothing was issued, the counter did not move


def test_a_queued_document_changed_in_the_store_is_not_sent(company: Context, fake: FakeFatoora) -> None:
    from core.errors import TamperedDocumentError
    from tests.integration.test_stored_documents import one_character_changed, set_xml, tamper

    first, second = issue(company, "simplified", 2)
    with sqlite3.connect(company.db.path) as conn:
        (xml,) = conn.execute("SELECT d.xml FROM issued_document d JOIN invoice i ON i.id = d.invoice_id "
                              "WHERE i.number = ?", (first,)).fetchone()
    tamper(company, set_xml(first, one_character_changed(bytes(xml))))
    with pytest.raises(TamperedDocumentError, match=first):
        submit_pending(company, lambda _env: client_for(fake))
    assert fake.portal.accepted == {}  # nothing reached the portal
    assert states(company) == {first: "pending:", second: "pending:"}


def test_a_compliance_sample_the_validator_refuses_never_reaches_the_portal(ctx: Context, fake: FakeFatoora,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Onboarding signs its samples through the same last gate as issuing: findings here, not a portal failure."""
    from core.errors import ValidationError
    from core.zatca import onboarding

    real = onboarding.build_invoice

    def without_issue_date(*args, **kwargs):  # type: ignore[no-untyped-def]  # a builder bug, made on purpose
        root = real(*args, **kwargs)
        node = root.find("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}IssueDate")
        root.remove(node)
        return root

    create_demo(ctx, drafts=0)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="till-2", serial_number="1-Qayd|2-Desk|3-43", environment="simulation",
                                location="Riyadh", industry="Trading")
        uow.commit()
    monkeypatch.setattr(onboarding, "build_invoice", without_issue_date)
    with client_for(fake) as client, pytest.raises(ValidationError) as refused:
        onboard(ctx, unit.id, OTP, client)
    assert "compliance sample" in str(refused.value)
    assert {f.rule for f in refused.value.findings if f.is_error} & {"BR-03", "QAYD-XSD"}
    assert fake.requests_to("/compliance/invoices") == []
