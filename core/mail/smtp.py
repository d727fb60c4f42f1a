"""SMTP delivery on stdlib smtplib: STARTTLS or implicit TLS, AUTH PLAIN/LOGIN or XOAUTH2, replies sorted into
"try again later" (MailUnavailable) and "will never work as asked" (MailRefused)."""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from core.mail.errors import MailError, MailRefused, MailUnavailable

_ADDRESS = re.compile(r"[^\s<>\"'@]+@[^\s<>\"'@]+")


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to connect: the [mail] settings."""

    host: str
    port: int
    security: str  # starttls | ssl | none (none only on a loopback host; core.config checks it)
    username: str | None = None


@dataclass(frozen=True)
class Login:
    """How to log in: none, a password (AUTH PLAIN/LOGIN) or an OAuth2 access token (XOAUTH2)."""

    kind: str  # none | password | xoauth2
    secret: str = field(default="", repr=False)


def xoauth2_string(username: str, token: str) -> str:
    """The XOAUTH2 initial client response (Google's and Microsoft's documented format), before base64."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def scrub(text: str) -> str:
    """A server's reply with any e-mail address replaced: replies often quote the recipient."""
    return _ADDRESS.sub("<address>", text)[:500]


class _Smtp(smtplib.SMTP):
    """smtplib's client, noting when the message's DATA was started: a failure after that is not a clean refusal."""

    in_data = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.in_data = True
        return super().data(msg)


class _SmtpSsl(smtplib.SMTP_SSL):
    in_data = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.in_data = True
        return super().data(msg)


class SmtpTransport:
    """One SMTP session: `with SmtpTransport(server, login) as smtp: smtp.send(message)`; many messages, one login."""

    def __init__(self, server: SmtpServer, login: Login, *, timeout: float = 30.0,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.server, self.login, self.timeout = server, login, timeout
        self.context = ssl_context or ssl.create_default_context()  # honours SSL_CERT_FILE, like OpenSSL
        self._smtp: _Smtp | _SmtpSsl | None = None

    def __enter__(self) -> SmtpTransport:
        try:
            self._smtp = self._connect()
            self._authenticate(self._smtp)
        except BaseException as err:
            self.close()
            if isinstance(err, Exception):
                raise classify(err) from None
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> _Smtp | _SmtpSsl:
        s = self.server
        if s.security == "ssl":
            return _SmtpSsl(s.host, s.port, timeout=self.timeout, context=self.context)
        smtp = _Smtp(s.host, s.port, timeout=self.timeout)
        if s.security == "starttls":
            smtp.ehlo()
            smtp.starttls(context=self.context)  # raises SMTPNotSupportedError when the server offers no STARTTLS
        smtp.ehlo()
        return smtp

    def _authenticate(self, smtp: smtplib.SMTP) -> None:
        login = self.login
        if login.kind == "password":
            smtp.login(self.server.username or "", login.secret)
        elif login.kind == "xoauth2":
            initial = xoauth2_string(self.server.username or "", login.secret)
            # A refusal comes as a 334 with a JSON error; the client answers with an empty line, then gets 535.
            smtp.auth("XOAUTH2", lambda challenge=None: initial if challenge is None else "")

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; raises MailRefused or MailUnavailable (nothing else) when it fails."""
        if self._smtp is None:
            raise MailUnavailable("The connection to the mail server is closed.", fix="Run the flush again.")
        self._smtp.in_data = False
        try:
            refused = self._smtp.send_message(message)
        except Exception as err:
            failure = classify(err)
            if self._smtp.in_data and not isinstance(err, smtplib.SMTPResponseException):
                # The message went out but the server's answer never came back (a drop or a timeout after the
                # final "."): it may have been accepted. Sending it again could deliver it twice; a person decides.
                failure.uncertain = True
            raise failure from None
        if refused:  # some recipients refused, others accepted: we send to one, so this is that one
            code, reply = next(iter(refused.values()))
            raise _by_code(code, reply, "the recipient")


def _text(reply: bytes | str) -> str:
    return scrub(reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply)


def _by_code(code: int, reply: bytes | str, what: str) -> MailError:
    said = f"{code} {_text(reply)}".strip()
    if 400 <= code < 500:
        return MailUnavailable(f"The mail server asked to try {what} again later ({said}).",
                               fix="Qayd retries on its own, with longer waits; nothing to do.", code=code)
    fixes = {"the recipient": "Check the customer's e-mail address (`qayd customer show`), then send again with "
                              "--to or after correcting it.",
             "the sender": "Check [mail] from_address: the server must allow this account to send as it.",
             "the message": "The server refused the message itself (size or content); see its reply."}
    return MailRefused(f"The mail server refused {what} ({said}).", fix=fixes.get(what, ""), code=code)


def classify(err: Exception) -> MailError:
    """What an smtplib or socket failure means for the outbox: permanent (MailRefused) or transient."""
    if isinstance(err, MailError):
        return err
    if isinstance(err, smtplib.SMTPAuthenticationError):
        return MailRefused(f"The mail server refused the login ({err.smtp_code} {_text(err.smtp_error)}).",
                           fix="Check [mail] username and the secret: `qayd secrets set mail.password` (or "
                               "mail.oauth for XOAUTH2).", code=err.smtp_code)
    if isinstance(err, smtplib.SMTPNotSupportedError):
        return MailRefused(f"The mail server does not offer what Qayd needs ({scrub(str(err))}).",
                           fix="Use [mail] security = ssl on port 465, or ask for STARTTLS / the login method.")
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(err.recipients.values()))
        return _by_code(code, reply, "the recipient")
    if isinstance(err, smtplib.SMTPSenderRefused):
        return _by_code(err.smtp_code, err.smtp_error, "the sender")
    if isinstance(err, smtplib.SMTPResponseException):
        return _by_code(err.smtp_code, err.smtp_error, "the message")
    if isinstance(err, ssl.SSLError | ssl.CertificateError):
        return MailUnavailable(f"The TLS connection to the mail server failed ({type(err).__name__}).",
                               fix="Check [mail] host, port and security; the server's certificate must be valid "
                                   "for its name. Qayd tries again later.")
    if isinstance(err, smtplib.SMTPException | socket.timeout | OSError):
        return MailUnavailable(f"The mail server could not be reached ({type(err).__name__}: {scrub(str(err))}).",
                               fix="Check the network and [mail] host and port; Qayd tries again later.")
    raise err
