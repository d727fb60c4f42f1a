"""Printable privacy documents: the access request report and the erasure certificate (their old import path).

Each lives in its own modules now, gathered then laid out: `core.reports.access_report` (and its layout) and
`core.reports.erasure_certificate` (and its layout); their words are in `core.reports.privacy_labels`.
"""

from core.reports.access_report import build_access_report, gather_access_report
from core.reports.access_report_layout import AccessReportData
from core.reports.erasure_certificate import (
    CertificateData,
    CertificateDocument,
    build_erasure_certificate,
    certificate_document,
    gather_certificate,
    qr_value,
)
from core.reports.privacy_labels import ACCESS_TITLE, ERASURE_TITLE, REPORT_CHANNEL, REPORT_PURPOSE

__all__ = [
    "ACCESS_TITLE",
    "ERASURE_TITLE",
    "REPORT_CHANNEL",
    "REPORT_PURPOSE",
    "AccessReportData",
    "CertificateData",
    "CertificateDocument",
    "build_access_report",
    "build_erasure_certificate",
    "certificate_document",
    "gather_access_report",
    "gather_certificate",
    "qr_value",
]
