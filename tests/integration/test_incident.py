"""Incident mode: each deferred channel is held (mail stays queued, no payment link or refund reaches Stripe), sync
push only when asked; issuing and ZATCA submission go on unless an automatic incident (issuing) or a key compromise
(submission) holds them; start and end are admin only, audited, with a reason; a broken chain or stamp enters it."""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from core.audit.service import verify_store
from core.errors import AccessDeniedError, AlreadyExistsError, IncidentHold, NotFoundError, ValidationError
from core.incident import check_not_held, current, end, held, start, status
from core.incident.service import AUTOMATIC_ACTOR
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.mail import flush, send_invoice
from core.payments import make_link, refund
from core.payments.stripe import StripeProvider
from core.store import models as m
from core.uow import Context
from core.zatca.egs import create_demo_egs
from core.zatca.issuing import issue_invoice, issued_xml
from core.zatca.submission import submit_pending
from tests.fatoora.server import FakeFatoora
from tests.integration.test_mail import issue_standard as issue_demo
from tests.integration.test_mail import mail_settings, outbox_rows, with_password
from tests.integration.test_zatca_flow import client_for, fake, issue  # noqa: F401  (fake: the portal fixture)
from tests.integration.test_zatca_flow import company as onboarded  # noqa: F401  (a fixture: an onboarded unit)
from tests.support.issuing_world import a_draft, ready_to_issue, save
from tests.support.payments_world import T0
from tests.support.payments_world import issue as issue_standard
from tests.support.smtp_server import SmtpWorld
from tests.support.stripe_server import FakeStripe


def audit(ctx: Context, action: str) -> list[str]:
    with sqlite3.connect(ctx.db.path) as conn:
        return [body for (body,) in conn.execute("SELECT body FROM audit_entry WHERE body LIKE ?", (f'%"{action}"%',))]


# -- start and end ----------------------------------------------------------------------------------------------------

def test_start_and_end_are_audited_with_their_reason_and_snapshot(ctx: Context) -> None:
    started = start(ctx, "  phishing mail sent from our domain ", verify=lambda: {"ok": True, "entries": 3},
                    snapshot=lambda: ctx.db.path.parent / "bundle.zip")
    assert started.reason == "phishing mail sent from our domain" and started.holds == ("mail", "payments", "assistant")
    assert not started.automatic and status(ctx) == started
    (entry,) = audit(ctx, "incident.started")
    assert "phishing mail" in entry and '"entries": 3' in entry.replace('":3', '": 3') and "bundle.zip" in entry
    with pytest.raises(AlreadyExistsError):
        start(ctx, "again")
    ended = end(ctx, "the domain's SPF was fixed")
    assert ended.ended_at is not None and ended.end_reason == "the domain's SPF was fixed" and status(ctx) is None
    (entry,) = audit(ctx, "incident.ended")
    assert "SPF was fixed" in entry
    with pytest.raises(NotFoundError):
        end(ctx, "nothing to end")


def test_a_snapshot_that_fails_does_not_stop_the_incident_and_says_why(ctx: Context) -> None:
    def broken() -> dict[str, object]:
        raise OSError("disk full")

    start(ctx, "lost laptop", verify=broken)
    (entry,) = audit(ctx, "incident.started")
    assert "verification failed: OSError" in entry and "no bundle" in entry


@pytest.mark.parametrize("role", ["clerk", "compliance"])
def test_only_an_admin_starts_or_ends_one(ctx: Context, role: str) -> None:
    start(ctx, "an admin starts it")
    ctx.actor_role = role
    with pytest.raises(AccessDeniedError):
        start(ctx, "a clerk tries")
    with pytest.raises(AccessDeniedError):
        end(ctx, "a clerk tries")
    assert status(ctx) is not None and audit(ctx, "incident.ended") == []


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_reason_is_required(ctx: Context, reason: str) -> None:
    with pytest.raises(ValidationError):
        start(ctx, reason)
    assert status(ctx) is None and audit(ctx, "incident.started") == []


# -- the held channels ------------------------------------------------------------------------------------------------

@pytest.fixture
def smtp(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpWorld]:  # type: ignore[no-untyped-def]
    with SmtpWorld(tmp_path / "smtp") as world:
        monkeypatch.setenv("SSL_CERT_FILE", str(world.ca_file))
        yield world


@pytest.fixture
def shop(ctx: Context) -> Context:
    ready_to_issue(ctx)
    issue_standard(ctx, 2)
    return ctx


@pytest.fixture
def demo_books(ctx: Context) -> Context:
    """The demo company on the demo unit (nothing waits for clearance): invoices that may be e-mailed at once."""
    create_demo(ctx, drafts=4)
    with ctx.uow() as uow:
        create_demo_egs(uow, DEMO_COMPANY)
        uow.commit()
    return ctx


def test_mail_stays_queued_while_held_and_goes_after(demo_books: Context, smtp: SmtpWorld) -> None:
    shop = demo_books
    (number,) = issue_demo(shop)
    with_password(shop)
    send_invoice(shop, number, mail_settings(smtp))  # queuing goes on: the outbox is the deferral
    start(shop, "mail account compromised")
    with pytest.raises(IncidentHold) as held_err:
        flush(shop, mail_settings(smtp))
    assert held_err.value.exit_code == 14 and "qayd incident end" in str(held_err.value)
    assert smtp.received == [] and [r["status"] for r in outbox_rows(shop)] == ["queued"]
    end(shop, "password changed")
    assert flush(shop, mail_settings(smtp)).sent == 1 and len(smtp.received) == 1


@pytest.fixture
def stripe() -> Iterator[FakeStripe]:
    ticks = itertools.count(1_796_000_000)
    with FakeStripe(clock=lambda: float(next(ticks))) as server:
        yield server
        assert server.internal_errors == []


def test_payment_links_and_refunds_never_reach_stripe_while_held(shop: Context, stripe: FakeStripe) -> None:
    with StripeProvider(stripe.api_key, base_url=stripe.base_url, timeout=5) as provider:
        start(shop, "stripe key leaked")
        with pytest.raises(IncidentHold):
            make_link(shop, provider, "INV-P-0001")
        with pytest.raises(IncidentHold):
            refund(shop, provider, "INV-P-0001", Decimal("50.00"))
        assert stripe.requests == []
        end(shop, "key rolled")
        assert make_link(shop, provider, "INV-P-0001") is not None and stripe.requests


def test_the_assistant_channel_is_held_by_every_incident(ctx: Context) -> None:
    start(ctx, "model provider breach")
    with ctx.uow(write=False) as uow, pytest.raises(IncidentHold):
        check_not_held(uow, "assistant")


def test_issuing_goes_on_during_a_manual_incident(shop: Context) -> None:
    start(shop, "manual", hold_sync_push=True)
    save(shop, a_draft("INV-P-0100", T0))
    with shop.uow() as uow:
        assert issue_invoice(uow, "INV-P-0100").number == "INV-P-0100"
        uow.commit()


def test_zatca_submission_goes_on_during_an_incident_and_pauses_only_when_asked(onboarded: Context,  # noqa: F811
                                                                                 fake: FakeFatoora) -> None:  # noqa: F811
    first = issue(onboarded, "simplified", 1)
    start(onboarded, "mail compromised", hold_sync_push=True)
    assert submit_pending(onboarded, lambda _env: client_for(fake)).done == first
    end(onboarded, "fixed")
    second = issue(onboarded, "simplified", 1)
    start(onboarded, "the EGS private key was copied", pause_submission=True)
    with pytest.raises(IncidentHold):
        submit_pending(onboarded, lambda _env: client_for(fake))
    end(onboarded, "unit revoked and renewed")
    assert submit_pending(onboarded, lambda _env: client_for(fake)).done == second


# -- automatic entry --------------------------------------------------------------------------------------------------

def tamper(ctx: Context, statement: str, triggers: tuple[str, ...]) -> None:
    ctx.db.dispose()
    with sqlite3.connect(ctx.db.path) as conn:
        for trigger in triggers:
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute(statement)
    conn.close()


def test_a_tampered_chain_row_enters_incident_mode_and_locks_issuing(shop: Context) -> None:
    tamper(shop, "UPDATE audit_entry SET body = replace(body, 'INV-P-0001', 'INV-P-0009') WHERE seq = "
                 "(SELECT min(seq) FROM audit_entry WHERE body LIKE '%INV-P-0001%')",
           ("audit_entry_append_only_u", "audit_entry_append_only_d"))
    report = verify_store(shop, documents=False)  # a read-only verification: the entry is its own transaction
    assert report.broken is not None
    active = status(shop)
    assert active is not None and active.automatic and "audit chain" in active.reason and "issuing" in active.holds
    save(shop, a_draft("INV-P-0100", T0))
    with shop.uow() as uow, pytest.raises(IncidentHold):
        issue_invoice(uow, "INV-P-0100")
    verify_store(shop, documents=False)  # once in: a second failure adds no second incident
    assert len(audit(shop, "incident.started")) == 1
    end(shop, "restored from the backup of the 24th")
    with shop.uow() as uow:
        issue_invoice(uow, "INV-P-0100")
        uow.commit()


def test_a_tampered_stored_stamp_enters_incident_mode_when_it_is_read(shop: Context) -> None:
    start(shop, "a manual incident first")  # an automatic entry turns it automatic: issuing locks too
    tamper(shop, "UPDATE issued_document SET xml = replace(xml, CAST('575.00' AS BLOB), CAST('975.00' AS BLOB)) "
                 "WHERE invoice_id = (SELECT id FROM invoice WHERE number = 'INV-P-0002')",
           ("issued_document_immutable",))
    with shop.uow(write=False) as uow, pytest.raises(Exception, match="does not verify"):
        issued_xml(uow, "INV-P-0002")
    active = status(shop)
    assert active is not None and active.automatic and "INV-P-0002" in active.reason and "issuing" in active.holds
    assert len(audit(shop, "incident.escalated")) == 1
    with shop.uow(write=False) as uow:
        assert current(uow) == active and "issuing" in held(uow)


def test_stored_document_verification_enters_incident_mode(shop: Context) -> None:
    tamper(shop, "UPDATE issued_document SET xml = replace(xml, CAST('575.00' AS BLOB), CAST('975.00' AS BLOB)) "
                 "WHERE invoice_id = (SELECT id FROM invoice WHERE number = 'INV-P-0001')",
           ("issued_document_immutable",))
    report = verify_store(shop)
    assert report.chain_ok and report.documents is not None and not report.documents.ok
    active = status(shop)
    assert active is not None and active.automatic and "INV-P-0001" in active.reason


def test_an_automatic_incident_pulled_from_another_desk_holds_mail_but_not_issuing_here(shop: Context) -> None:
    """The desk whose verification failed locks its issuing; the others show the incident and hold the rest."""
    other = uuid.uuid4()
    now = shop.clock()
    with shop.uow() as uow:
        uow.session.add(m.Incident(id=uuid.uuid4(), created_at=now, updated_at=now, device_id=other, started_at=now,
                                   started_by=AUTOMATIC_ACTOR, reason="The audit chain failed verification.",
                                   holds="mail,payments,assistant,issuing", pause_submission=False, automatic=True))
        uow.commit()
    with shop.uow(write=False) as uow:
        assert held(uow) == {"mail", "payments", "assistant"}
        with pytest.raises(IncidentHold):
            check_not_held(uow, "mail")
    save(shop, a_draft("INV-P-0100", T0))
    with shop.uow() as uow:
        issue_invoice(uow, "INV-P-0100")
        uow.commit()
