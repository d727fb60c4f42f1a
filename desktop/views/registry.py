"""The navigation order of the main window's views. A later capability adds its view here, nothing else."""

from __future__ import annotations

from desktop.views.base import View


def view_classes() -> list[type[View]]:
    from desktop.views.audit import AuditView
    from desktop.views.customers import CustomersView
    from desktop.views.dashboard import DashboardView
    from desktop.views.invoices import InvoicesView
    from desktop.views.privacy import PrivacyView
    from desktop.views.products import ProductsView
    from desktop.views.reports import ReportsView
    from desktop.views.settings import SettingsView
    from desktop.views.sync_view import SyncView
    from desktop.views.zatca_queue import ZatcaQueueView

    return [DashboardView, InvoicesView, CustomersView, ProductsView, ZatcaQueueView, AuditView, PrivacyView,
            ReportsView, SyncView, SettingsView]
