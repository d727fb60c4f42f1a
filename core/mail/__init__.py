"""Mail: an issued invoice e-mailed with its PDF/A-3 through a durable outbox (queued in the request's transaction,
sent by a flush over SMTP), with bilingual templates and a person's decision after an interrupted send."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.mail.errors import MailError, MailNotConfigured, MailRefused, MailUnavailable
    from core.mail.outbox import STATES, OutboxItem, resolve
    from core.mail.sending import FlushResult, backoff, flush
    from core.mail.service import (
        Preview,
        SendDefaults,
        outbox_items,
        preview_message,
        send_defaults,
        send_invoice,
        set_xml_preference,
        write_preview,
    )

_FACE = {
    "FlushResult": "core.mail.sending",
    "MailError": "core.mail.errors",
    "MailNotConfigured": "core.mail.errors",
    "MailRefused": "core.mail.errors",
    "MailUnavailable": "core.mail.errors",
    "OutboxItem": "core.mail.outbox",
    "Preview": "core.mail.service",
    "STATES": "core.mail.outbox",
    "backoff": "core.mail.sending",
    "flush": "core.mail.sending",
    "outbox_items": "core.mail.service",
    "preview_message": "core.mail.service",
    "resolve": "core.mail.outbox",
    "SendDefaults": "core.mail.service",
    "send_defaults": "core.mail.service",
    "send_invoice": "core.mail.service",
    "set_xml_preference": "core.mail.service",
    "write_preview": "core.mail.service",
}
__all__ = [
    "STATES",
    "FlushResult",
    "MailError",
    "MailNotConfigured",
    "MailRefused",
    "MailUnavailable",
    "OutboxItem",
    "Preview",
    "SendDefaults",
    "backoff",
    "flush",
    "outbox_items",
    "preview_message",
    "resolve",
    "send_defaults",
    "send_invoice",
    "set_xml_preference",
    "write_preview",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
