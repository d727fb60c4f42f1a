"""Invoices e-mailed through the outbox to a real SMTP server (aiosmtpd, STARTTLS, AUTH PLAIN/LOGIN, XOAUTH2): the
attachment is the export's PDF/A-3 byte for byte with its XML verifying; transient faults retry with backoff,
permanent ones fail with a fix; a send cut off by a crash is never sent twice; no secret or body in the audit."""

from __future__ import annotations

import io
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest

from core.config import MailSettings, load_settings
from core.errors import NotFoundError, ValidationError
from core.invoicing import BrowseFilter, BrowseSort, browse
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.mail import (
    MailNotConfigured,
    MailRefused,
    flush,
    outbox_items,
    resolve,
    send_defaults,
    send_invoice,
    set_xml_preference,
)
from core.mail.smtp import SmtpTransport
from core.reports import printed_invoice
from core.secrets.manager import set_secret
from core.store import models as m
from core.uow import Context
from core.zatca import issued_xml
from core.zatca.egs import create_demo_egs
from core.zatca.hashing import invoice_hash
from core.zatca.issuing import issue_invoice
from core.zatca.verify import verify_stamp
from tests.conftest import StepClock
from tests.support.smtp_server import PASSWORD, REFRESH_TOKEN, USERNAME, SmtpWorld


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpWorld]:
    with SmtpWorld(tmp_path / "smtp") as world:
        monkeypatch.setenv("SSL_CERT_FILE", str(world.ca_file))  # the client trusts the throwaway CA
        yield world


def mail_settings(world: SmtpWorld) -> MailSettings:
    """The [mail] settings as `qayd` reads them from QAYD_MAIL_* (validated by core.config)."""
    env = {k: v for k, v in world.env().items() if k.startswith("QAYD_")}
    config = world.ca_file.parent / "config.toml"
    config.touch()
    return load_settings(environ=env, config_file=config).mail


@pytest.fixture
def company(ctx: Context) -> Context:
    create_demo(ctx, drafts=12)
    with ctx.uow() as uow:
        create_demo_egs(uow, DEMO_COMPANY)
        uow.commit()
    return ctx


def issue_standard(ctx: Context, count: int = 1) -> list[str]:
    with ctx.uow() as uow:
        drafts = browse.page(uow, BrowseFilter(status="draft", kind="standard", type="invoice"),
                             BrowseSort(descending=False), limit=count)
        numbers = [issue_invoice(uow, d.number).number for d in drafts]
        uow.commit()
    return numbers


def with_password(ctx: Context, secret: bytes = PASSWORD.encode()) -> None:
    with ctx.uow() as uow:
        set_secret(uow, "mail.password", secret)
        uow.commit()


def audit_bodies(ctx: Context) -> str:
    with sqlite3.connect(ctx.db.path) as conn:
        return "\n".join(body for (body,) in conn.execute("SELECT body FROM audit_entry"))


def outbox_rows(ctx: Context) -> list[sqlite3.Row]:
    with sqlite3.connect(ctx.db.path) as conn:
        conn.row_factory = sqlite3.Row
        return list(conn.execute("SELECT * FROM mail_outbox ORDER BY requested_at"))


def test_an_invoice_goes_out_with_the_exports_pdf_byte_for_byte(company: Context, smtp: SmtpWorld) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    ident = send_invoice(company, number, mail_settings(smtp), lang="ar", attach_xml=True)
    assert smtp.received == []  # queued, not sent
    result = flush(company, mail_settings(smtp))
    assert (result.sent, result.failed, result.retrying) == (1, 0, 0)

    (msg,) = smtp.received
    (row,) = outbox_rows(company)
    assert row["status"] == "sent" and row["body_text"] is None and row["body_html"] is None
    # the recipient is the customer's address; the login went over TLS with the password
    with company.uow(write=False) as uow:
        inv = uow.session.query(m.Invoice).filter_by(number=number).one()
        customer = uow.session.get(m.Customer, inv.customer_id)
        assert customer is not None
        pdf_again = printed_invoice(uow, number, now=_requested(company, ident))
        pdf_twice = printed_invoice(uow, number, now=_requested(company, ident))
        xml, _, _ = issued_xml(uow, number)
        doc = uow.session.get(m.IssuedDocument, inv.id)
        assert doc is not None
    assert pdf_again.pdf == pdf_twice.pdf  # deterministic at a given time
    assert msg["To"] == customer.email and smtp.envelopes[0][1] == [customer.email]
    assert smtp.envelopes[0][2] == ("PLAIN", USERNAME)
    parts = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    assert parts[pdf_again.filename] == pdf_again.pdf  # byte for byte what export writes
    assert parts[pdf_again.filename.removesuffix(".pdf") + ".xml"] == xml
    with pikepdf.open(io.BytesIO(parts[pdf_again.filename])) as pdf:
        (_name, spec), = pdf.attachments.items()
        embedded = spec.get_file().read_bytes()
    assert embedded == xml and invoice_hash(embedded) == doc.invoice_hash
    assert verify_stamp(embedded) == []
    # both parts, Arabic first and right to left
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    assert '<div dir="rtl" lang="ar"' in html and html.index('dir="rtl"') < html.index('lang="en"')
    assert number in text and "فاتورة ضريبية" in text and "tax invoice" in text
    assert msg["Subject"].startswith("فاتورة ضريبية ")


def _requested(ctx: Context, ident: object) -> object:
    with ctx.uow(write=False) as uow:
        row = uow.session.get(m.MailOutbox, ident)
        assert row is not None
        return row.requested_at


def test_the_audit_holds_no_password_no_body_and_no_plain_address(company: Context, smtp: SmtpWorld) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    send_invoice(company, number, mail_settings(smtp), to="someone.private@buyer.example")
    flush(company, mail_settings(smtp))
    bodies = audit_bodies(company)
    assert "mail.queued" in bodies and "mail.sent" in bodies
    assert PASSWORD not in bodies and "someone.private" not in bodies
    assert "Please find attached" not in bodies and "مرفق" not in bodies
    # the read of the address to send it is in the access log
    assert '"mail_outbox.recipient"' in bodies


def test_xoauth2_trades_the_refresh_token_at_send_time_and_keeps_no_access_token(company: Context,
                                                                                 smtp: SmtpWorld) -> None:
    (number,) = issue_standard(company)
    with company.uow() as uow:
        set_secret(uow, "mail.oauth", smtp.oauth_secret())
        uow.commit()
    send_invoice(company, number, mail_settings(smtp))
    assert flush(company, mail_settings(smtp)).sent == 1
    assert smtp.envelopes[0][2] == ("XOAUTH2", USERNAME)
    (token,) = smtp.tokens
    with open(company.db.path, "rb") as store:
        data = store.read()
    assert token.encode() not in data and REFRESH_TOKEN.encode() not in data


def test_a_revoked_refresh_token_is_refused_with_a_fix_and_nothing_is_lost(company: Context,
                                                                           smtp: SmtpWorld) -> None:
    (number,) = issue_standard(company)
    with company.uow() as uow:
        set_secret(uow, "mail.oauth", smtp.oauth_secret(refresh_token="revoked"))
        uow.commit()
    send_invoice(company, number, mail_settings(smtp))
    with pytest.raises(MailRefused) as refused:
        flush(company, mail_settings(smtp))
    assert "mail.oauth" in refused.value.fix
    assert [i.status for i in outbox_items(company)] == ["queued"]


def test_a_wrong_password_fails_the_flush_with_the_fix_and_keeps_the_message(company: Context,
                                                                             smtp: SmtpWorld) -> None:
    (number,) = issue_standard(company)
    with_password(company, b"wrong")
    send_invoice(company, number, mail_settings(smtp))
    with pytest.raises(MailRefused) as refused:
        flush(company, mail_settings(smtp))
    assert refused.value.code == 535 and "mail.password" in refused.value.fix
    (item,) = outbox_items(company)
    assert item.status == "queued" and "login" in item.last_error and "wrong" not in item.last_error
    assert smtp.received == []


def test_a_transient_reply_retries_with_backoff_then_goes(company: Context, smtp: SmtpWorld,
                                                          clock: StepClock) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    send_invoice(company, number, mail_settings(smtp))
    smtp.fail_next(451, times=2)
    first = flush(company, mail_settings(smtp))
    assert (first.sent, first.retrying) == (0, 1)
    (item,) = outbox_items(company)
    assert item.status == "queued" and item.attempts == 1 and "451" in item.last_error
    assert item.next_attempt_at - clock.now > timedelta(seconds=50)
    assert flush(company, mail_settings(smtp)).sent == 0  # not due yet: nothing tried
    clock.now += timedelta(minutes=1, seconds=1)
    assert flush(company, mail_settings(smtp)).retrying == 1
    (item,) = outbox_items(company)
    assert item.attempts == 2 and item.next_attempt_at - clock.now > timedelta(minutes=1, seconds=50)  # doubled
    clock.now += timedelta(minutes=3)
    assert flush(company, mail_settings(smtp)).sent == 1
    assert len(smtp.received) == 1


def test_a_refused_recipient_fails_for_good_with_the_reason_and_a_fix(company: Context, smtp: SmtpWorld) -> None:
    numbers = issue_standard(company, 2)
    with_password(company)
    send_invoice(company, numbers[0], mail_settings(smtp), to="nobody@buyer.example")
    send_invoice(company, numbers[1], mail_settings(smtp))
    smtp.fail_next(550)
    result = flush(company, mail_settings(smtp))
    assert (result.sent, result.failed) == (1, 1)
    failed = next(i for i in outbox_items(company) if i.status == "failed")
    assert failed.number == numbers[0] and "550" in failed.last_error and "customer" in failed.last_error
    assert "nobody@" not in failed.last_error  # the server's reply quoted the address; it is not kept


def test_a_crash_after_the_server_accepted_is_never_sent_twice(company: Context, smtp: SmtpWorld,
                                                               clock: StepClock,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    send_invoice(company, number, mail_settings(smtp))

    def crash(*_args: object) -> None:
        raise SystemExit("killed after the server accepted, before the commit")

    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr("core.mail.sending._record_sent", crash)
        flush(company, mail_settings(smtp))
    assert len(smtp.received) == 1
    assert [i.status for i in outbox_items(company)] == ["sending"]
    clock.now += timedelta(minutes=6)  # past the lease: nobody is still sending it
    result = flush(company, mail_settings(smtp))
    assert (result.sent, result.needs_person) == (0, 1)
    assert flush(company, mail_settings(smtp)).sent == 0
    assert len(smtp.received) == 1  # not sent twice
    (item,) = outbox_items(company)
    assert item.status == "needs_person" and "--was-sent" in item.last_error and item.message_id in item.last_error
    with pytest.raises(NotFoundError):
        resolve(company, "00000000", was_sent=True)
    done = resolve(company, item.id.hex[:8], was_sent=True)
    assert done.status == "sent"
    assert '"decision": "was_sent"' in audit_bodies(company).replace('":"', '": "')


def test_send_again_after_a_crash_sends_it_once_more(company: Context, smtp: SmtpWorld, clock: StepClock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    send_invoice(company, number, mail_settings(smtp))
    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr("core.mail.sending._record_sent", lambda *_a: (_ for _ in ()).throw(KeyboardInterrupt))
        flush(company, mail_settings(smtp))
    clock.now += timedelta(minutes=6)
    flush(company, mail_settings(smtp))
    (item,) = outbox_items(company)
    resolve(company, str(item.id), was_sent=False)
    assert flush(company, mail_settings(smtp)).sent == 1
    assert len(smtp.received) == 2 and smtp.received[0]["Message-ID"] == smtp.received[1]["Message-ID"]


def test_bad_requests_name_the_field_and_queue_nothing(company: Context, smtp: SmtpWorld) -> None:
    (number,) = issue_standard(company)
    with pytest.raises(ValidationError) as bad:
        send_invoice(company, number, mail_settings(smtp), to="not-an-address", lang="fr")
    assert {f.field for f in bad.value.findings} == {"to", "lang"}
    assert all(f.message_ar for f in bad.value.findings)
    assert outbox_rows(company) == []


def test_mail_not_set_up_says_what_to_set(company: Context) -> None:
    (number,) = issue_standard(company)
    send_invoice(company, number, MailSettings())
    with pytest.raises(MailNotConfigured) as missing:
        flush(company, MailSettings())
    assert "from_address" in missing.value.message and "QAYD_MAIL_HOST" in missing.value.fix
    assert json.dumps([i.status for i in outbox_items(company)]) == '["queued"]'


def test_implicit_tls_on_port_465_style_servers(company: Context, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    with SmtpWorld(tmp_path / "ssl", implicit=True) as world:
        monkeypatch.setenv("SSL_CERT_FILE", str(world.ca_file))
        settings = mail_settings(world)
        assert settings.security == "ssl"
        send_invoice(company, number, settings)
        assert flush(company, settings).sent == 1
        assert world.envelopes[0][2] == ("PLAIN", USERNAME)


def test_a_certificate_that_does_not_verify_is_a_transient_tls_failure(company: Context, smtp: SmtpWorld,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (number,) = issue_standard(company)
    with_password(company)
    send_invoice(company, number, mail_settings(smtp))
    monkeypatch.delenv("SSL_CERT_FILE")  # the throwaway CA is not trusted: as a man in the middle would look
    result = flush(company, mail_settings(smtp))
    assert (result.sent, result.retrying) == (0, 1)
    (item,) = outbox_items(company)
    assert item.status == "queued" and "TLS" in item.last_error and item.attempts == 1
    assert smtp.logins == []  # the password never left: no login before a verified TLS session


def test_no_answer_after_the_message_went_out_asks_a_person_instead_of_resending(company: Context, smtp: SmtpWorld,
                                                                                clock: StepClock) -> None:
    numbers = issue_standard(company, 2)
    with_password(company)
    for number in numbers:
        send_invoice(company, number, mail_settings(smtp))
    smtp.stall_next_data(2.5)
    quick = lambda server, login: SmtpTransport(server, login, timeout=1.0)  # noqa: E731
    result = flush(company, mail_settings(smtp), connect=quick)
    assert (result.sent, result.needs_person) == (0, 1)
    first, second = sorted(outbox_items(company), key=lambda i: i.requested_at)
    assert first.status == "needs_person" and "may or may not have arrived" in first.last_error
    assert second.status == "queued" and second.attempts == 1  # the connection was gone: it waits its turn
    assert len(smtp.received) == 1  # the server kept the first message though its answer came too late
    clock.now += timedelta(minutes=2)
    assert flush(company, mail_settings(smtp)).sent == 1
    assert sorted(m["Message-ID"] for m in smtp.received) == sorted({m["Message-ID"] for m in smtp.received})
    assert len(smtp.received) == 2  # each once: the uncertain one was not sent again


def test_a_customer_who_prefers_the_xml_gets_it_unless_the_request_says_otherwise(company: Context,
                                                                                 smtp: SmtpWorld) -> None:
    numbers = issue_standard(company, 2)
    with_password(company)
    with company.uow(write=False) as uow:
        customer_id = uow.session.query(m.Invoice).filter_by(number=numbers[0]).one().customer_id
    set_xml_preference(company, str(customer_id), True)
    assert send_defaults(company, numbers[0]).attach_xml is True
    send_invoice(company, numbers[0], mail_settings(smtp))  # as preferred: the XML too
    send_invoice(company, numbers[0], mail_settings(smtp), attach_xml=False)  # the request wins
    assert flush(company, mail_settings(smtp)).sent == 2
    kinds = sorted(len(list(msg.iter_attachments())) for msg in smtp.received)
    assert kinds == [1, 2]
    assert "setting.changed" in audit_bodies(company)


def test_two_flushes_at_once_send_each_message_once(company: Context, smtp: SmtpWorld) -> None:
    numbers = issue_standard(company, 6)
    with_password(company)
    for number in numbers:
        send_invoice(company, number, mail_settings(smtp))
    results: list[int] = []
    errors: list[BaseException] = []

    def one_flush() -> None:
        try:
            results.append(flush(company, mail_settings(smtp)).sent)
        except BaseException as exc:  # shown by the assert below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=one_flush) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and sum(results) == 6 and len(results) == 2
    ids = [msg["Message-ID"] for msg in smtp.received]
    assert len(ids) == 6 == len(set(ids))
