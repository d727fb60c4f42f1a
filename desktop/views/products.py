"""The Products view (placeholder until built)."""

from __future__ import annotations

from desktop.i18n import tr
from desktop.views.base import View


class ProductsView(View):
    key = "products"

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Products")
