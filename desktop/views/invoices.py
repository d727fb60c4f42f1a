"""The Invoices view (placeholder until built)."""

from __future__ import annotations

from desktop.i18n import tr
from desktop.views.base import View


class InvoicesView(View):
    key = "invoices"

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Invoices")
