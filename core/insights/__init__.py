"""Insights: what an auditor would flag (checks with findings, scores, evidence and actions in Arabic and English),
where the money is going (monthly trends and forecasts), computed offline from the company's own books."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.insights.book import Book, Doc, load_book
    from core.insights.model import (
        RULES,
        Collections,
        CustomerCollections,
        DocRef,
        Finding,
        MarkState,
        NotApplicable,
        Rule,
        RunResult,
        Stored,
    )
    from core.insights.service import (
        Shown,
        default_period,
        find,
        list_findings,
        mark,
        pseudonym,
        run,
        shown_names,
    )
    from core.insights.thresholds import DEFAULTS, Thresholds, thresholds_from
    from core.insights.thresholds import DOCS as THRESHOLD_DOCS
    from core.insights.thresholds import load as load_thresholds
    from core.insights.thresholds import save as save_thresholds
    from core.insights.trends import (
        SERIES,
        ZATCA_STATES,
        Forecast,
        Series,
        StatusMonths,
        forecast,
        monthly_series,
        zatca_by_month,
    )

_FACE = {
    "Book": "core.insights.book",
    "Doc": "core.insights.book",
    "load_book": "core.insights.book",
    "RULES": "core.insights.model",
    "Collections": "core.insights.model",
    "CustomerCollections": "core.insights.model",
    "DocRef": "core.insights.model",
    "Finding": "core.insights.model",
    "MarkState": "core.insights.model",
    "NotApplicable": "core.insights.model",
    "Rule": "core.insights.model",
    "RunResult": "core.insights.model",
    "Stored": "core.insights.model",
    "Shown": "core.insights.service",
    "default_period": "core.insights.service",
    "find": "core.insights.service",
    "list_findings": "core.insights.service",
    "mark": "core.insights.service",
    "pseudonym": "core.insights.service",
    "run": "core.insights.service",
    "shown_names": "core.insights.service",
    "DEFAULTS": "core.insights.thresholds",
    "Thresholds": "core.insights.thresholds",
    "thresholds_from": "core.insights.thresholds",
    "THRESHOLD_DOCS": "core.insights.thresholds:DOCS",
    "load_thresholds": "core.insights.thresholds:load",
    "save_thresholds": "core.insights.thresholds:save",
    "SERIES": "core.insights.trends",
    "Forecast": "core.insights.trends",
    "Series": "core.insights.trends",
    "forecast": "core.insights.trends",
    "monthly_series": "core.insights.trends",
    "ZATCA_STATES": "core.insights.trends",
    "StatusMonths": "core.insights.trends",
    "zatca_by_month": "core.insights.trends",
}
__all__ = [
    "DEFAULTS",
    "RULES",
    "SERIES",
    "THRESHOLD_DOCS",
    "ZATCA_STATES",
    "Book",
    "Collections",
    "CustomerCollections",
    "Doc",
    "DocRef",
    "Finding",
    "Forecast",
    "MarkState",
    "NotApplicable",
    "Rule",
    "RunResult",
    "Series",
    "Shown",
    "StatusMonths",
    "Stored",
    "Thresholds",
    "default_period",
    "find",
    "forecast",
    "list_findings",
    "load_book",
    "load_thresholds",
    "mark",
    "monthly_series",
    "pseudonym",
    "run",
    "save_thresholds",
    "shown_names",
    "thresholds_from",
    "zatca_by_month",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
