"""The insights report: what the checks found in a period, the evidence and the suggested action of each finding,
what could not be judged and why, the expected collections, and charts of the monthly trends with their forecast.

A report is evidence, so it runs the checks afresh for its period (`core.insights.run`: the run is recorded in the
audit chain with its count per rule) rather than printing whatever the last run over some other period left; the
findings it prints are exactly that run's. Customers are named through `core.insights.shown_names` (purpose
"insights report": each read is in the access log; an erased customer shows its pseudonym).

`gather_insights_report` reads everything into an `InsightsReport`; `core.reports.insights_report_layout` lays it
out without reading the store. `as_json` is both `qayd report insights --json` and the JSON attached to the PDF.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.clock import saudi_time
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, identity
from core.reports.layout import Identity

if TYPE_CHECKING:
    from datetime import date

    from core.insights import RunResult, Series
    from core.uow import Context

PURPOSE = "insights report"
SEVERITIES = ("high", "medium", "low")
TITLE = ("Insights report", "تقرير الرؤى التحليلية")
FILE = "insights.json"
# Why a report has no charts: the trends could not be computed (shown in the report and its JSON).
NO_TRENDS = ("The monthly trends are not available in this build.", "الاتجاهات الشهرية غير متاحة في هذا الإصدار.")


@dataclass(frozen=True)
class InsightsReport:
    """Everything the printed report shows: a fresh run over the period, the names of the customers it is about (in
    the report's language), and the monthly series with their forecasts (None when they could not be computed)."""

    identity: Identity
    generated_at: datetime
    lang: str
    result: RunResult
    names: dict[str, str]
    series: dict[str, Series] | None

    @property
    def start(self) -> date:
        return self.result.period[0]

    @property
    def end(self) -> date:
        return self.result.period[1]

    def by_rule(self) -> dict[str, dict[str, int]]:
        """For each rule with findings: how many of each severity."""
        counts: dict[str, dict[str, int]] = {}
        for f in self.result.findings:
            counts.setdefault(f.rule, dict.fromkeys(SEVERITIES, 0))[f.severity] += 1
        return dict(sorted(counts.items()))

    def as_json(self) -> dict[str, Any]:
        r = self.result
        severities = Counter(f.severity for f in r.findings)
        return {
            "report": "insights", "vat_number": self.identity.vat_number,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "ran_at": r.ran_at.isoformat(),
            "language": self.lang, "documents": r.documents, "suppressed": r.suppressed,
            "counts": {"findings": len(r.findings), "by_severity": {s: severities.get(s, 0) for s in SEVERITIES},
                       "by_rule": self.by_rule()},
            "findings": [{"id": f.key[:8], **f.to_json(),
                          "customer_names": {c: self.names.get(c, "") for c in f.customers}} for f in r.findings],
            "not_applicable": [{"rule": n.rule, "reason": n.reason, "reason_ar": n.reason_ar}
                               for n in r.not_applicable],
            "collections": None if r.collections is None else r.collections.to_json(),
            "trends": None if self.series is None else {k: s.to_json() for k, s in self.series.items()},
            "trends_note": None if self.series is not None else {"en": NO_TRENDS[0], "ar": NO_TRENDS[1]},
        }


def _series(ctx: Context, end: date) -> dict[str, Series] | None:
    """The monthly series up to the period's end; None without any issued history (the report is then printed
    without its charts and says so)."""
    from core.insights import monthly_series

    with ctx.uow(write=False) as uow:
        series = monthly_series(uow, end)
    # a company with no issued history has no months to draw: the report says so instead of empty charts
    return series if any(s.values for s in series.values()) else None


def gather_insights_report(ctx: Context, start: date, end: date, *, lang: str = "en",
                           progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> InsightsReport:
    """Run the checks over `start` … `end` (recorded in the audit chain) and read what the report shows."""
    from core.insights import run, shown_names
    from core.progress import part

    check_lang(lang)
    result = run(ctx, start, end, progress=part(progress, 0.0, 0.7), cancelled=cancelled)
    ids = {c for f in result.findings for c in f.customers}
    if result.collections is not None:
        ids |= {c.customer for c in result.collections.customers}
    with ctx.uow(write=False, channel="export") as uow:
        who = identity(uow)
        names = {k: v.name for k, v in shown_names(uow, ids, language=lang, purpose=PURPOSE).items()} if ids else {}
    if progress is not None:
        progress(0.75, "Reading the monthly trends")
    series = _series(ctx, end)
    return InsightsReport(who, saudi_time(ctx.clock()), lang, result, names, series)


def build_insights_report(ctx: Context, *, start: date, end: date, lang: str, progress: ProgressFn | None = None,
                          cancelled: CancelFn | None = None) -> Built:
    """The insights report of `start` … `end` as a PDF/A-3 in `lang` ("en" or "ar"), its figures attached as JSON
    (`insights.json`). Cancelling raises `core.errors.Cancelled` (nothing is written: the caller saves the bytes)."""
    from core.reports.insights_report_layout import lay_out_insights_report

    report = gather_insights_report(ctx, start, end, lang=lang, progress=progress, cancelled=cancelled)
    built = lay_out_insights_report(report, progress=progress, cancelled=cancelled)
    if progress is not None:
        progress(1.0, "Done")
    return built


__all__ = ["FILE", "PURPOSE", "TITLE", "InsightsReport", "build_insights_report", "gather_insights_report"]
