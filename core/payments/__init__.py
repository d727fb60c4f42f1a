"""Payments: a link for an invoice's outstanding amount, the provider's events polled back and matched to invoices,
refunds through credit notes. Gateways plug in through one port (`core.payments.port`)."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.payments.ageing import BUCKETS as AGEING_BUCKETS
    from core.payments.ageing import Ageing, Receivables, receivables
    from core.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
    from core.payments.ingest import PollResult, poll
    from core.payments.links import link_key, make_link
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
    from core.payments.records import PaymentRow, list_payments
    from core.payments.refunds import RefundMade, refund, refund_key
    from core.payments.status import (
        PAID_STATES,
        PaidStatus,
        keep_paid,
        overpaid_finding,
        paid_states,
        paid_status,
        paid_statuses,
    )

_FACE = {
    "AGEING_BUCKETS": "core.payments.ageing:BUCKETS",
    "Ageing": "core.payments.ageing",
    "EventPage": "core.payments.port",
    "LinkRequest": "core.payments.port",
    "PAID_STATES": "core.payments.status",
    "PROVIDERS": "core.payments.port",
    "PaidStatus": "core.payments.status",
    "PaymentError": "core.payments.errors",
    "PaymentLink": "core.payments.port",
    "PaymentProvider": "core.payments.port",
    "PaymentRefused": "core.payments.errors",
    "PaymentRow": "core.payments.records",
    "PaymentState": "core.payments.port",
    "PaymentUnavailable": "core.payments.errors",
    "PollResult": "core.payments.ingest",
    "ProviderEvent": "core.payments.port",
    "Refund": "core.payments.port",
    "Receivables": "core.payments.ageing",
    "RefundMade": "core.payments.refunds",
    "keep_paid": "core.payments.status",
    "link_key": "core.payments.links",
    "list_payments": "core.payments.records",
    "make_link": "core.payments.links",
    "overpaid_finding": "core.payments.status",
    "paid_states": "core.payments.status",
    "paid_status": "core.payments.status",
    "paid_statuses": "core.payments.status",
    "poll": "core.payments.ingest",
    "receivables": "core.payments.ageing",
    "refund": "core.payments.refunds",
    "refund_key": "core.payments.refunds",
}
__all__ = [
    "AGEING_BUCKETS",
    "PAID_STATES",
    "PROVIDERS",
    "Ageing",
    "EventPage",
    "LinkRequest",
    "PaidStatus",
    "PaymentError",
    "PaymentLink",
    "PaymentProvider",
    "PaymentRefused",
    "PaymentRow",
    "PaymentState",
    "PaymentUnavailable",
    "PollResult",
    "ProviderEvent",
    "Receivables",
    "Refund",
    "RefundMade",
    "keep_paid",
    "link_key",
    "list_payments",
    "make_link",
    "overpaid_finding",
    "paid_states",
    "paid_status",
    "paid_statuses",
    "poll",
    "receivables",
    "refund",
    "refund_key",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
