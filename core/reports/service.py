"""One entry point for every printable document, used by the CLI and the desktop.

`build(ctx, kind, params, lang, progress=, cancelled=)` returns a `Built` PDF. Each kind's builder lives in its own
module and is imported when first asked for (reportlab and the fonts are loaded only when a document is printed).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.progress import CancelCheck as CancelCheck  # re-exported: the one vocabulary's names
from core.progress import Progress as Progress
from core.reports.document import Built
from core.reports.errors import ReportError
from core.uow import Context


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of document: its key, its titles and the builder `module:function` that makes it."""

    key: str
    title_en: str
    title_ar: str
    target: str
    params: tuple[str, ...]  # the parameters the builder needs besides ctx, lang, progress and cancelled
    optional: tuple[str, ...] = ()  # parameters it takes when given


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("invoice", "Invoice", "فاتورة", "core.reports.invoice_pdf:build_invoice_pdf", ("ref",)),
    Kind("vat", "VAT return summary", "ملخص إقرار ضريبة القيمة المضافة", "core.reports.vat_return:build_vat_return",
         ("start", "end")),
    Kind("zatca", "ZATCA submission report", "تقرير الإرسال إلى الهيئة", "core.reports.zatca_report:build_zatca_report",
         ("start", "end")),
    Kind("payments", "Payments report", "تقرير المدفوعات", "core.reports.payments_report:build_payments_report",
         ("start", "end")),
    Kind("audit", "Audit evidence report", "تقرير أدلة التدقيق", "core.reports.audit_report:build_audit_report",
         ("start", "end")),
    Kind("insights", "Insights report", "تقرير الرؤى التحليلية",
         "core.reports.insights_report:build_insights_report", ("start", "end")),
    Kind("gdpr-access", "Access request report", "تقرير طلب الاطلاع",
         "core.reports.access_report:build_access_report", ("request",), ("export_dir",)),
    Kind("gdpr-erasure", "Erasure certificate", "شهادة المحو",
         "core.reports.erasure_certificate:build_erasure_certificate", ("request",)),
)}


def builder(kind: str) -> Callable[..., Built]:
    """The function that builds documents of `kind`."""
    try:
        spec = KINDS[kind]
    except KeyError:
        raise ReportError(f"There is no report kind {kind!r}.", fix=f"Use one of: {', '.join(KINDS)}.") from None
    module, _, name = spec.target.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def build(ctx: Context, kind: str, params: Mapping[str, Any], lang: str, *, progress: Progress | None = None,
          cancelled: CancelCheck | None = None) -> Built:
    """Build one document of `kind` in `lang` ("en" or "ar"; invoices are always bilingual)."""
    if lang not in ("en", "ar"):
        raise ReportError(f"The language {lang!r} is not available.", fix="Use en or ar.")
    make = builder(kind)
    spec = KINDS[kind]
    missing = [p for p in spec.params if p not in params]
    if missing:
        raise ReportError(f"The {kind} report needs {', '.join(missing)}.", fix="Give every parameter it lists.")
    given = {p: params[p] for p in (*spec.params, *spec.optional) if p in params}
    return make(ctx, lang=lang, progress=progress, cancelled=cancelled, **given)
