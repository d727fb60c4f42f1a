"""The Audit view (placeholder until built)."""

from __future__ import annotations

from desktop.i18n import tr
from desktop.views.base import View


class AuditView(View):
    key = "audit"

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Audit")
