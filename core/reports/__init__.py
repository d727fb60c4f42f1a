"""Printable compliance documents: typesetting (Arabic shaped, right to left), A4 layout, PDF/A-3 packaging,
and one builder per document (invoices, VAT return, ZATCA submissions, audit evidence, privacy)."""
