"""The Privacy view (being built): data-subject requests, subject search, the access log, erasure."""

from __future__ import annotations

from desktop.i18n import tr
from desktop.views.base import View


class PrivacyView(View):
    key = "privacy"

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Privacy")
