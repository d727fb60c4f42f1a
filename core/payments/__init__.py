"""Payments: a link for an invoice's outstanding amount, the provider's events polled back and matched to invoices,
refunds through credit notes. Gateways plug in through one port (`core.payments.port`)."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
    from core.payments.port import (
        PROVIDERS,
        EventPage,
        LinkRequest,
        PaymentLink,
        PaymentProvider,
        PaymentState,
        ProviderEvent,
        Refund,
    )

_FACE = {
    "EventPage": "core.payments.port",
    "LinkRequest": "core.payments.port",
    "PROVIDERS": "core.payments.port",
    "PaymentError": "core.payments.errors",
    "PaymentLink": "core.payments.port",
    "PaymentProvider": "core.payments.port",
    "PaymentRefused": "core.payments.errors",
    "PaymentState": "core.payments.port",
    "PaymentUnavailable": "core.payments.errors",
    "ProviderEvent": "core.payments.port",
    "Refund": "core.payments.port",
}
__all__ = [
    "PROVIDERS",
    "EventPage",
    "LinkRequest",
    "PaymentError",
    "PaymentLink",
    "PaymentProvider",
    "PaymentRefused",
    "PaymentState",
    "PaymentUnavailable",
    "ProviderEvent",
    "Refund",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
