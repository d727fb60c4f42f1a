"""What goes wrong between the assistant and its provider: each error says what happened and what to do, with no
prompt, no answer and no key in it."""

from __future__ import annotations

from core.errors import QaydError


class AssistantError(QaydError):
    """The assistant's provider refused or could not handle a request, or the assistant is not set up."""

    exit_code = 13


class AssistantNotConfigured(AssistantError):
    """No provider, model or key is set, or the provider's SDK (the `assistant` extra) is not installed."""


class AssistantRefused(AssistantError):
    """The provider refused the request as made (a 4xx other than 429): sending it again will not help."""


class AssistantUnavailable(AssistantError):
    """The provider could not be reached, or asked us to wait (429, 5xx, timeout): try again later."""

    def __init__(self, message: str, *, fix: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, fix=fix)
        self.retry_after = retry_after


class BudgetExceeded(AssistantError):
    """The call would pass this month's budget: refused before anything was sent."""
