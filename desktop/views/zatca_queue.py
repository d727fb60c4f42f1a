"""The ZATCA queue view (placeholder until built)."""

from __future__ import annotations

from desktop.i18n import tr
from desktop.views.base import View


class ZatcaQueueView(View):
    key = "zatca_queue"

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "ZATCA queue")
