"""The mail capability's errors: mail not set up, a message the server refused for good, or a server out of reach."""

from __future__ import annotations

from core.errors import QaydError


class MailError(QaydError):
    """The mail server refused or could not handle a message, or mail is not set up."""

    exit_code = 13
    uncertain = False  # True when the failure came after the message itself went out (core.mail.smtp)


class MailNotConfigured(MailError):
    """The [mail] settings, or the secret holding the SMTP password or OAuth2 token, are missing."""


class MailRefused(MailError):
    """The server refused for good (a 5xx reply: recipient, sender or login): resending will not help."""

    def __init__(self, message: str, *, fix: str = "", code: int | None = None) -> None:
        super().__init__(message, fix=fix)
        self.code = code


class MailUnavailable(MailError):
    """The server could not be reached or asked us to wait (a 4xx reply, a timeout, a TLS or connection error).

    `uncertain`: the failure came after the message itself was sent, so the server may have accepted it."""

    def __init__(self, message: str, *, fix: str = "", code: int | None = None) -> None:
        super().__init__(message, fix=fix)
        self.code = code
