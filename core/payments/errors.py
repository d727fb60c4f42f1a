"""The payment capability's errors: a provider that refused a request, or could not be reached (exit 13)."""

from __future__ import annotations

from core.errors import QaydError


class PaymentError(QaydError):
    """The payment provider refused or could not handle a request."""

    exit_code = 13


class PaymentRefused(PaymentError):
    """The provider refused the request as made (a 4xx): retrying the same request will not help."""


class PaymentUnavailable(PaymentError):
    """The provider could not be reached, or asked us to wait (429, 5xx, timeout): try again later."""

    def __init__(self, message: str, *, fix: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, fix=fix)
        self.retry_after = retry_after
