"""Reports: PDF/A documents built from the core's figures: invoices, the VAT return, the ZATCA, audit and privacy
reports, and the QR matrix they draw.
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.reports.access_report import build_access_report
    from core.reports.audit_report import audit_evidence
    from core.reports.document import Built
    from core.reports.erasure_certificate import certificate_document
    from core.reports.errors import ReportError
    from core.reports.insights_report import InsightsReport, build_insights_report, gather_insights_report
    from core.reports.invoice_pdf import export_pdfs, issued_in
    from core.reports.invoice_pdf import invoice_pdf as printed_invoice
    from core.reports.payments_report import build_payments_report, gather_payments_report
    from core.reports.qr_draw import matrix as qr_matrix
    from core.reports.service import KINDS as REPORT_KINDS
    from core.reports.service import build as build_report
    from core.reports.vat_return import build_vat_return, parse_period
    from core.reports.vat_return import vat_return as vat_return_figures
    from core.reports.zatca_report import build_zatca_report, zatca_summary

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "Built": "core.reports.document",
    "REPORT_KINDS": "core.reports.service:KINDS",
    "ReportError": "core.reports.errors",
    "audit_evidence": "core.reports.audit_report",
    "build_access_report": "core.reports.access_report",
    "build_payments_report": "core.reports.payments_report",
    "build_report": "core.reports.service:build",
    "build_vat_return": "core.reports.vat_return",
    "build_zatca_report": "core.reports.zatca_report",
    "certificate_document": "core.reports.erasure_certificate",
    "export_pdfs": "core.reports.invoice_pdf",
    "InsightsReport": "core.reports.insights_report",
    "build_insights_report": "core.reports.insights_report",
    "gather_insights_report": "core.reports.insights_report",
    "gather_payments_report": "core.reports.payments_report",
    "issued_in": "core.reports.invoice_pdf",
    "parse_period": "core.reports.vat_return",
    "printed_invoice": "core.reports.invoice_pdf:invoice_pdf",
    "qr_matrix": "core.reports.qr_draw:matrix",
    "vat_return_figures": "core.reports.vat_return:vat_return",
    "zatca_summary": "core.reports.zatca_report",
}
__all__ = [
    "REPORT_KINDS",
    "Built",
    "InsightsReport",
    "ReportError",
    "audit_evidence",
    "build_access_report",
    "build_insights_report",
    "build_payments_report",
    "build_report",
    "build_vat_return",
    "build_zatca_report",
    "certificate_document",
    "export_pdfs",
    "gather_insights_report",
    "gather_payments_report",
    "issued_in",
    "parse_period",
    "printed_invoice",
    "qr_matrix",
    "vat_return_figures",
    "zatca_summary",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
