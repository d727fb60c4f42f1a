"""The invoice editor: one document's header and lines, with live totals and findings, saved as it is typed.

Everything it shows about the document comes from `core`: totals from `compute_totals`, findings from
`validate` (debounced, ~150 ms after the last keystroke), storing from `core.invoicing.drafts.save_draft`
(debounced, and on close; a save is a single small transaction, ~10 ms, so it runs on the UI thread), issuing
from `core.zatca.issue_many` in a background Job. Issued documents open read-only with their preview
(QR code and signed XML) and the actions that correct them (a credit or a debit note).

Its rooms, each named for what it shows or does:

- `dialog`    the window (`InvoiceEditorDialog`): puts the parts together, loads a document, places the findings
- `header`    the header and party form (`HeaderForm`): kind, type, number, dates, buyer, payment, note's fields
- `lines`     the lines table (`LinesTable`), its cell editors (`LineDelegate`) and `LinesPanel` around them;
              the model is `desktop.models.invoice_lines`
- `totals`    the totals panel (`TotalsPanel`)
- `findings`  where a finding is shown (`place_of`), a field with its findings, the list of them all
- `issued`    an issued document's QR code and XML (`IssuedPreview`)
- `actions`   save, issue, credit and debit notes, the PDF (`EditorActions`, mixed into the dialog)
"""

from desktop.views.invoice_editor.dialog import SAVE_DELAY_MS, VALIDATE_DELAY_MS, InvoiceEditorDialog
from desktop.views.invoice_editor.findings import ERROR_COLOR, WARNING_COLOR
from desktop.views.invoice_editor.header import PAYMENT_MEANS, payment_means_text
from desktop.views.invoice_editor.issued import qr_image, qr_tag_names
from desktop.views.invoice_editor.lines import LineDelegate, LinesTable, category_text

__all__ = [
    "ERROR_COLOR",
    "PAYMENT_MEANS",
    "SAVE_DELAY_MS",
    "VALIDATE_DELAY_MS",
    "WARNING_COLOR",
    "InvoiceEditorDialog",
    "LineDelegate",
    "LinesTable",
    "category_text",
    "payment_means_text",
    "qr_image",
    "qr_tag_names",
]
