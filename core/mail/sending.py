"""Send what the outbox holds that is due: each message is marked "sending" and committed before the server sees it,
and "sent" after, so a crash in between leaves a row that the next flush hands to a person instead of sending twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from sqlalchemy import select

from core.config import MailSettings
from core.incident import check_not_held
from core.mail.compose import Attachment, Rendered, build_message
from core.mail.errors import MailError, MailRefused, MailUnavailable
from core.mail.login import read_login, smtp_server
from core.mail.smtp import Login, SmtpServer, SmtpTransport
from core.progress import CancelCheck, Progress, steps
from core.store import models as m
from core.uow import Context, UnitOfWork

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 10  # about a day of waits doubling from a minute: then a person looks at it
SEND_LEASE = timedelta(minutes=5)  # a "sending" row older than this was cut off by a crash, not still in flight
PURPOSE = "send an invoice e-mail"


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


Connect = Callable[[SmtpServer, Login], AbstractContextManager[Sender]]


@dataclass
class FlushResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    needs_person: int = 0
    errors: list[str] = field(default_factory=list)  # one line per message not sent: id, number, reason


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: one minute, doubling, at most six hours."""
    wait: timedelta = BACKOFF_FIRST * 2 ** min(max(attempts - 1, 0), 20)
    return min(wait, BACKOFF_MAX)


def flush(ctx: Context, mail: MailSettings, *, connect: Connect | None = None, limit: int | None = None,
          progress: Progress | None = None, cancelled: CancelCheck | None = None) -> FlushResult:
    """Send every due message over one SMTP session; raises MailError only when no message could be tried, and
    IncidentHold (nothing touched: queued messages stay queued) while incident mode holds mail."""
    with ctx.uow(write=False) as uow:
        check_not_held(uow, "mail")
    result = FlushResult(needs_person=_hand_stuck_to_a_person(ctx))
    due = _due(ctx, limit)
    if not due:
        return result
    server = smtp_server(mail)
    with ctx.uow() as uow:
        login = read_login(uow, mail)
        uow.commit()  # the secret.used entry
    opener = connect or (lambda s, lg: SmtpTransport(s, lg))
    try:
        with opener(server, login) as sender:
            for ident in steps(due, progress, cancelled, label="messages"):
                _send_one(ctx, mail, sender, ident, result)
    except MailUnavailable as err:  # no connection at all: every message still waiting is deferred
        for ident in due:
            _defer_if_waiting(ctx, ident, err, result)
    except MailRefused as err:  # the login was refused: nothing was sent; the person fixes the setting
        _note_on_waiting(ctx, due, err)
        raise
    return result


INTERRUPTED = ("Sending was interrupted (the program stopped) after the message went to the server and before its "
               "delivery was recorded; it may or may not have been sent.")


def _hand_stuck_to_a_person(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        cutoff = uow.now() - SEND_LEASE
        stuck = list(uow.session.scalars(select(m.MailOutbox.id).where(m.MailOutbox.status == "sending",
                                                                        m.MailOutbox.updated_at <= cutoff)))
    for ident in stuck:
        _hand_to_a_person(ctx, ident, INTERRUPTED)
    return len(stuck)


def _hand_to_a_person(ctx: Context, ident: Any, why: str) -> None:
    """A message that may have been delivered: never sent again on its own; a person resolves it."""
    with ctx.uow() as uow:
        row = uow.session.get(m.MailOutbox, ident)
        assert row is not None
        row.status, row.updated_at = "needs_person", uow.now()
        row.last_error = (f"{why} Check the sent folder or the server's log for Message-ID {row.message_id}, then "
                          f"run `qayd mail resolve {row.id.hex[:8]} --was-sent` or `--send-again`.")
        uow.audit.append("mail.needs_person", f"invoice:{row.invoice_id}", {"outbox": str(row.id), "why": why[:200]})
        uow.commit()


def _due(ctx: Context, limit: int | None) -> list[Any]:
    with ctx.uow(write=False) as uow:
        query = (select(m.MailOutbox.id).where(m.MailOutbox.status == "queued",
                                               m.MailOutbox.next_attempt_at <= uow.now())
                 .order_by(m.MailOutbox.next_attempt_at))
        return list(uow.session.scalars(query.limit(limit) if limit else query))


def _send_one(ctx: Context, mail: MailSettings, sender: Sender, ident: Any, result: FlushResult) -> None:
    message, number = _claim(ctx, mail, ident)
    if message is None:
        return
    try:
        sender.send(message)
    except MailError as err:
        if err.uncertain:
            _hand_to_a_person(ctx, ident, "The connection failed after the message was sent and before the server "
                                          "confirmed it; it may or may not have arrived.")
            result.needs_person += 1
            raise
        _record_failure(ctx, ident, err, result, number)
        if isinstance(err, MailUnavailable) and err.code is None:
            raise  # the connection is gone: the rest wait for the next flush
        return
    _record_sent(ctx, ident, message)
    result.sent += 1


def _claim(ctx: Context, mail: MailSettings, ident: Any) -> tuple[EmailMessage | None, str]:
    """Build the message in a read (the PDF takes the time; no write lock is held meanwhile), then mark it "sending"
    in a short write (BEGIN IMMEDIATE: two flushes never claim the same row); None when another flush took it."""
    with ctx.uow(write=False) as uow:
        row = uow.session.get(m.MailOutbox, ident)
        if row is None or row.status != "queued":
            return None, ""
        invoice = uow.session.get(m.Invoice, row.invoice_id)
        assert invoice is not None  # a foreign key
        message, number, subject = message_for(uow, mail, row, invoice), invoice.number, _subject(row)
    with ctx.uow() as uow:
        uow.record_access(subject, ["mail_outbox.recipient"], PURPOSE)  # read above to address the message
        row = uow.session.get(m.MailOutbox, ident)
        claimed = row is not None and row.status == "queued"
        if row is not None and claimed:
            row.status, row.attempts, row.updated_at = "sending", row.attempts + 1, uow.now()
        uow.commit()
    return (message if claimed else None), number


def _subject(row: m.MailOutbox) -> str:
    return f"customer:{row.customer_id}" if row.customer_id else f"mail:{row.id}"


def message_for(uow: UnitOfWork, mail: MailSettings, row: m.MailOutbox, invoice: m.Invoice) -> EmailMessage:
    from core.reports import printed_invoice  # the PDF stack loads with the first message, not at start
    from core.zatca import issued_xml

    # The same function `qayd invoice export --pdf` calls; at the request's time, so every attempt sends the same
    # bytes (the PDF's only clock-dependent parts are its creation dates).
    built = printed_invoice(uow, str(invoice.id), now=row.requested_at)
    attachments = [Attachment(built.filename, built.pdf, "application/pdf")]
    if row.attach_xml:
        xml = issued_xml(uow, str(invoice.id))[0]
        attachments.append(Attachment(built.filename.removesuffix(".pdf") + ".xml", xml, "application/xml"))
    rendered = Rendered(row.subject, row.body_text or "", row.body_html or "")
    sender = (mail.from_name or "", mail.from_address or "")
    return build_message(sender=sender, recipient=row.recipient, rendered=rendered, message_id=row.message_id,
                         date=row.requested_at, attachments=attachments, lang=row.lang)


def _record_sent(ctx: Context, ident: Any, message: EmailMessage) -> None:
    with ctx.uow() as uow:
        row = uow.session.get(m.MailOutbox, ident)
        assert row is not None
        now = uow.now()
        row.status, row.sent_at, row.updated_at, row.last_error = "sent", now, now, ""
        row.body_text = row.body_html = None  # the body is not kept once it left
        files = [{"name": part.get_filename(), "sha256": hashlib.sha256(part.get_content()).hexdigest()}
                 for part in message.iter_attachments()]
        uow.audit.append("mail.sent", f"invoice:{row.invoice_id}",
                         {"outbox": str(row.id), "message_id": row.message_id, "attempts": row.attempts,
                          "attachments": files}, personal={"to": row.recipient}, personal_subject=_subject(row))
        uow.commit()


def _record_failure(ctx: Context, ident: Any, err: MailError, result: FlushResult, number: str, *,
                    bump: bool = False) -> None:
    with ctx.uow() as uow:
        row = uow.session.get(m.MailOutbox, ident)
        assert row is not None
        now = uow.now()
        row.attempts += bump  # a connection that failed before the hand-over counts as an attempt of each message
        permanent = isinstance(err, MailRefused) or row.attempts >= MAX_ATTEMPTS
        row.status = "failed" if permanent else "queued"
        row.next_attempt_at = now if permanent else now + backoff(row.attempts)
        row.last_error, row.updated_at = str(err)[:1000], now
        uow.audit.append("mail.failed" if permanent else "mail.deferred", f"invoice:{row.invoice_id}",
                         {"outbox": str(row.id), "attempts": row.attempts, "reason": err.message[:300]})
        uow.commit()
    if permanent:
        result.failed += 1
    else:
        result.retrying += 1
    result.errors.append(f"{ident.hex[:8]} {number}: {err}")


def _defer_if_waiting(ctx: Context, ident: Any, err: MailUnavailable, result: FlushResult) -> None:
    with ctx.uow(write=False) as uow:
        row = uow.session.get(m.MailOutbox, ident)
        waiting = row is not None and row.status == "queued" and row.next_attempt_at <= uow.now()
        number = uow.session.get(m.Invoice, row.invoice_id).number if row is not None and waiting else ""  # type: ignore[union-attr]
    if waiting:
        _record_failure(ctx, ident, err, result, number, bump=True)


def _note_on_waiting(ctx: Context, due: list[Any], err: MailRefused) -> None:
    with ctx.uow() as uow:
        for row in uow.session.scalars(select(m.MailOutbox).where(m.MailOutbox.id.in_(due),
                                                                  m.MailOutbox.status == "queued")):
            row.last_error, row.updated_at = str(err)[:1000], uow.now()
        uow.audit.append("mail.login_refused", "mail:outbox", {"waiting": len(due), "reason": err.message[:300]})
        uow.commit()
