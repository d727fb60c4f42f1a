"""ZATCA (Fatoora): e-invoicing units (EGS) and their onboarding, issuing (UBL, signing, QR, the hash chain), the
official checks, the submission queue, corrections and the portal transports.

`egs` and `onboarding` are exported as namespaces (`egs.create_egs`, `onboarding.renew`).
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.zatca import egs, onboarding
    from core.zatca.api import BASE_URLS, FatooraClient
    from core.zatca.batch_import import BatchRefused, ImportRun, import_and_issue
    from core.zatca.correction import prepare_correction, prepare_credit_note
    from core.zatca.demo import add_demo_egs
    from core.zatca.egs import EgsInfo, list_egs
    from core.zatca.issuing import IssuedInfo, IssueRun, issue_imported, issue_in_order, issue_many, issued_xml
    from core.zatca.onboarding import onboard
    from core.zatca.qr import decode_tlv
    from core.zatca.qr import describe as describe_qr
    from core.zatca.queue import (
        CertificateAlert,
        QueueItem,
        QueueSummary,
        certificate_alerts,
        count_due,
        list_queue,
        queue_summary,
        retry_now,
    )
    from core.zatca.stored import problems_text, verified_qr
    from core.zatca.submission import SubmitSummary, submit_pending
    from core.zatca.validation import MAX_BYTES as MAX_XML_BYTES
    from core.zatca.validation import parse_untrusted, validate_xml

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "BASE_URLS": "core.zatca.api",
    "BatchRefused": "core.zatca.batch_import",
    "CertificateAlert": "core.zatca.queue",
    "EgsInfo": "core.zatca.egs",
    "FatooraClient": "core.zatca.api",
    "ImportRun": "core.zatca.batch_import",
    "IssueRun": "core.zatca.issuing",
    "IssuedInfo": "core.zatca.issuing",
    "MAX_XML_BYTES": "core.zatca.validation:MAX_BYTES",
    "QueueItem": "core.zatca.queue",
    "QueueSummary": "core.zatca.queue",
    "SubmitSummary": "core.zatca.submission",
    "add_demo_egs": "core.zatca.demo",
    "certificate_alerts": "core.zatca.queue",
    "count_due": "core.zatca.queue",
    "decode_tlv": "core.zatca.qr",
    "describe_qr": "core.zatca.qr:describe",
    "egs": "core.zatca.egs",
    "import_and_issue": "core.zatca.batch_import",
    "issue_imported": "core.zatca.issuing",
    "issue_in_order": "core.zatca.issuing",
    "issue_many": "core.zatca.issuing",
    "issued_xml": "core.zatca.issuing",
    "list_egs": "core.zatca.egs",
    "list_queue": "core.zatca.queue",
    "onboard": "core.zatca.onboarding",
    "onboarding": "core.zatca.onboarding",
    "parse_untrusted": "core.zatca.validation",
    "prepare_correction": "core.zatca.correction",
    "prepare_credit_note": "core.zatca.correction",
    "problems_text": "core.zatca.stored",
    "queue_summary": "core.zatca.queue",
    "retry_now": "core.zatca.queue",
    "submit_pending": "core.zatca.submission",
    "validate_xml": "core.zatca.validation",
    "verified_qr": "core.zatca.stored",
}
__all__ = [
    "BASE_URLS",
    "MAX_XML_BYTES",
    "BatchRefused",
    "CertificateAlert",
    "EgsInfo",
    "FatooraClient",
    "ImportRun",
    "IssueRun",
    "IssuedInfo",
    "QueueItem",
    "QueueSummary",
    "SubmitSummary",
    "add_demo_egs",
    "certificate_alerts",
    "count_due",
    "decode_tlv",
    "describe_qr",
    "egs",
    "import_and_issue",
    "issue_imported",
    "issue_in_order",
    "issue_many",
    "issued_xml",
    "list_egs",
    "list_queue",
    "onboard",
    "onboarding",
    "parse_untrusted",
    "prepare_correction",
    "prepare_credit_note",
    "problems_text",
    "queue_summary",
    "retry_now",
    "submit_pending",
    "validate_xml",
    "verified_qr",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
