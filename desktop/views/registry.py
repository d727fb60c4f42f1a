"""The navigation order of the main window's views. A later capability adds its view here, nothing else.

Each view is named by "module:Class" and imported the first time it is shown (issue 14): the window paints its
navigation from the keys and titles below without loading any view module, so a view's imports (the ZATCA stack
of the queue, the privacy and report machinery) cost nothing until someone opens it. A unit test loads every
entry and checks that its class has the same key and title, so the list cannot go stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.views.base import View


@dataclass(frozen=True)
class ViewEntry:
    key: str
    target: str  # "module:Class", imported by `load`

    def title(self) -> str:
        return titles()[self.key]

    def load(self) -> type[View]:
        """The view's class (imports its module on first use)."""
        module_name, name = self.target.split(":")
        cls: type[View] = getattr(__import__(module_name, fromlist=[name]), name)
        return cls


VIEWS = (
    ViewEntry("dashboard", "desktop.views.dashboard:DashboardView"),
    ViewEntry("invoices", "desktop.views.invoices:InvoicesView"),
    ViewEntry("customers", "desktop.views.customers:CustomersView"),
    ViewEntry("products", "desktop.views.products:ProductsView"),
    ViewEntry("zatca_queue", "desktop.views.zatca_queue:ZatcaQueueView"),
    ViewEntry("audit", "desktop.views.audit:AuditView"),
    ViewEntry("privacy", "desktop.views.privacy:PrivacyView"),
    ViewEntry("reports", "desktop.views.reports:ReportsView"),
    ViewEntry("insights", "desktop.views.insights:InsightsView"),
    ViewEntry("assistant", "desktop.views.assistant:AssistantView"),
    ViewEntry("sync", "desktop.views.sync_view:SyncView"),
    ViewEntry("settings", "desktop.views.settings:SettingsView"),
    ViewEntry("diagnostics", "desktop.views.diagnostics:DiagnosticsView"),  # past Ctrl+0: no digit shortcut
)


def titles() -> dict[str, str]:
    """Each view's translated name, as its class's `title()` gives it (the same texts, so one translation)."""
    return {"dashboard": tr("Navigation", "Dashboard"), "invoices": tr("Navigation", "Invoices"),
            "customers": tr("Navigation", "Customers"), "products": tr("Navigation", "Products"),
            "zatca_queue": tr("Navigation", "ZATCA queue"), "audit": tr("Navigation", "Audit"),
            "privacy": tr("Navigation", "Privacy"), "reports": tr("Navigation", "Reports"),
            "insights": tr("Navigation", "Insights"), "assistant": tr("Navigation", "Assistant"),
            "sync": tr("Navigation", "Sync"), "settings": tr("Navigation", "Settings"),
            "diagnostics": tr("Navigation", "Diagnostics")}


def view_classes() -> list[type[View]]:
    """Every view's class, in navigation order (imports every view module: for tools and tests, not start-up)."""
    return [entry.load() for entry in VIEWS]
