"""Monthly sales, VAT due and receivables: their trend, seasonality and a forecast with its uncertainty band.

A model forecasts only when it beats the seasonal-naive forecast on the company's own history (a rolling-origin
back-test); otherwise the seasonal-naive one is shown and labelled so (`Forecast.method`). Heavy imports (the
statistics library) stay inside the functions: this module is imported by jobs, never at start-up.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from core.insights import forecasting

if TYPE_CHECKING:
    from core.uow import UnitOfWork

SERIES = ("sales", "vat_due", "receivables")


@dataclass(frozen=True)
class Forecast:
    """The next `horizon` months: point values and an 80 % band, the method that made them, and the back-test
    (mean absolute error of the method and of seasonal-naive over the same origins, and their ratio)."""

    method: str  # "holt_winters" | "seasonal_naive" | "naive" (too little history for a season)
    months: tuple[date, ...]
    values: tuple[Decimal, ...]
    lower: tuple[Decimal, ...]
    upper: tuple[Decimal, ...]
    model_mae: Decimal | None
    naive_mae: Decimal | None
    label: str  # what a person reads: "Holt-Winters (beats seasonal-naive by 23 %)" / "Seasonal-naive: …"
    label_ar: str


@dataclass(frozen=True)
class Series:
    """One monthly series (amounts in SAR), its trend and seasonal parts where the history allows, and the forecast."""

    name: str  # one of SERIES
    months: tuple[date, ...]  # the first day of each month
    values: tuple[Decimal, ...]
    trend: tuple[Decimal | None, ...]
    seasonal: tuple[Decimal | None, ...]
    forecast: Forecast

    def to_json(self) -> dict[str, Any]:
        def text(values: Sequence[Decimal | None]) -> list[str | None]:
            return [None if v is None else str(v) for v in values]

        f = self.forecast
        return {"name": self.name, "months": [m.isoformat() for m in self.months], "values": text(self.values),
                "trend": text(self.trend), "seasonal": text(self.seasonal),
                "forecast": {"method": f.method, "months": [m.isoformat() for m in f.months],
                             "values": text(f.values), "lower": text(f.lower), "upper": text(f.upper),
                             "model_mae": None if f.model_mae is None else str(f.model_mae),
                             "naive_mae": None if f.naive_mae is None else str(f.naive_mae),
                             "label": f.label, "label_ar": f.label_ar}}


CENT = Decimal("0.01")

# The Riyadh calendar day of a stored time (ISO text with its offset). Rows written in Riyadh time (+03:00, as the
# desk writes issue times) are read by their text; any other offset is converted by SQLite (which reads the offset
# and adds Riyadh's three hours: Saudi Arabia keeps no daylight saving). Written out in each query: the queries are
# constants, built from no strings. The bound on `end` compares the text first (`:sure`, the day before `end`: a
# time whose text is dated earlier is on or before `end` in Riyadh, whatever its offset), so the conversion runs
# only for the last days' rows; the month window's start is exact in Python (months outside it are dropped).
# Issued means out of draft: an invoice leaves draft only in the transaction that writes its issued_document (and
# the two travel together in sync), and reading the status costs half of joining the table of signed XML (0.14 s
# against 0.33 s over 100,000 documents); tests/insights/test_trends.py recomputes through the join.
_DOCS = """
SELECT substr(CASE WHEN substr(i.issue_datetime, -6) = '+03:00' THEN substr(i.issue_datetime, 1, 10)
                   ELSE date(i.issue_datetime, '+3 hours') END, 1, 7) AS month,
       i.type, i.currency, i.exchange_rate, SUM(i.tax_exclusive), SUM(i.tax_total_sar), SUM(i.payable)
FROM invoice i
WHERE i.deleted_at IS NULL AND i.status != 'draft'
  AND (i.issue_datetime < :sure OR (CASE WHEN substr(i.issue_datetime, -6) = '+03:00'
                                         THEN substr(i.issue_datetime, 1, 10)
                                         ELSE date(i.issue_datetime, '+3 hours') END) <= :end)
GROUP BY 1, 2, 3, 4"""
_PAID = """
SELECT substr(CASE WHEN substr(p.paid_at, -6) = '+03:00' THEN substr(p.paid_at, 1, 10)
                   ELSE date(p.paid_at, '+3 hours') END, 1, 7) AS month,
       p.currency, i.currency, i.exchange_rate,
       SUM(CAST(round(CAST(p.amount AS REAL) * 100) AS INTEGER)),
       SUM(CAST(round(CAST(p.refunded AS REAL) * 100) AS INTEGER))
FROM payment p JOIN invoice i ON i.id = p.invoice_id
WHERE p.state = 'matched' AND p.deleted_at IS NULL
  AND (p.paid_at < :sure OR (CASE WHEN substr(p.paid_at, -6) = '+03:00' THEN substr(p.paid_at, 1, 10)
                                  ELSE date(p.paid_at, '+3 hours') END) <= :end)
GROUP BY 1, 2, 3, 4"""
_SIGN = {"invoice": 1, "debit_note": 1, "credit_note": -1}


def _bounds(end: date) -> dict[str, str]:
    return {"end": end.isoformat(), "sure": (end - timedelta(days=1)).isoformat()}


def month_list(end: date, months: int) -> tuple[date, ...]:
    """The first days of the `months` months up to the month of `end`, oldest first."""
    last = end.year * 12 + end.month - 1
    return tuple(date(k // 12, k % 12 + 1, 1) for k in range(last - months + 1, last + 1))


def _next_months(month: date, count: int) -> tuple[date, ...]:
    k = month.year * 12 + month.month - 1
    return tuple(date((k + i) // 12, (k + i) % 12 + 1, 1) for i in range(1, count + 1))


def _sar(cents: int, currency: str, rate: str | None) -> Decimal:
    """Hundredths in the document's currency as SAR (through the document's exchange rate when it has one)."""
    amount = Decimal(cents).scaleb(-2)
    return amount if currency == "SAR" or not rate else amount * Decimal(rate)


def _amounts(uow: UnitOfWork, end: date) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
    """Per "YYYY-MM" (Riyadh) up to `end`: net sales and output VAT in SAR, and the change in receivables (documents
    issued minus payments received, net of refunds), over the whole history (receivables are a running balance)."""
    from sqlalchemy import text

    conn, bound = uow.session.connection(), _bounds(end)
    sales: dict[str, Decimal] = {}
    vat: dict[str, Decimal] = {}
    owed: dict[str, Decimal] = {}
    for month, type_, currency, rate, net, tax, payable in conn.execute(text(_DOCS), bound):
        sign = _SIGN.get(type_, 1)
        sales[month] = sales.get(month, Decimal(0)) + sign * _sar(int(net), currency, rate)
        vat[month] = vat.get(month, Decimal(0)) + sign * Decimal(int(tax)).scaleb(-2)
        owed[month] = owed.get(month, Decimal(0)) + sign * _sar(int(payable), currency, rate)
    for month, paid_in, currency, rate, amount, refunded in conn.execute(text(_PAID), bound):
        received = _sar(int(amount) - int(refunded), currency if paid_in == currency else "SAR", rate)
        owed[month] = owed.get(month, Decimal(0)) - received
    return sales, vat, owed


def monthly_series(uow: UnitOfWork, end: date, *, months: int = 36, horizon: int = 3) -> dict[str, Series]:
    """Sales (net of credit notes), VAT due and receivables at each month's end, for the `months` months up to the
    month of `end`, each with its trend, seasonality and forecast.

    Sales are the documents' tax-exclusive totals and VAT their output VAT, in SAR, by the Riyadh month of issue:
    invoices and debit notes add, credit notes subtract. Receivables at a month's end (at `end` for its own month)
    are everything issued up to that day (payable amounts) less the matched payments received by then, net of what
    was refunded on them. Two aggregate queries over the store, whatever its size (tests/benchmarks).

    When `end` is not the last day of its month, that month is still running: its value is shown as it stands, but
    the trend, the season and the forecast are made from the complete months before it (the forecast reaching one
    month further, its running month left out), so the forecast's months follow the series' months, as always."""
    calendar_months = month_list(end, months)
    sales, vat, change = _amounts(uow, end)
    keys = [m.isoformat()[:7] for m in calendar_months]
    balance = sum((v for k, v in change.items() if k < keys[0]), Decimal(0))
    owed = []
    for key in keys:
        balance += change.get(key, Decimal(0))
        owed.append(balance)
    partial = end.day != calendar.monthrange(end.year, end.month)[1]
    raw = {"sales": [sales.get(k, Decimal(0)) for k in keys], "vat_due": [vat.get(k, Decimal(0)) for k in keys],
           "receivables": owed}
    return {name: _series(name, calendar_months, [_cents(v) for v in raw[name]], horizon, partial=partial)
            for name in SERIES}


def _series(name: str, months: tuple[date, ...], values: list[Decimal], horizon: int, *, partial: bool) -> Series:
    """The months before the first non-zero one are no history (a company that started issuing within the window):
    the decomposition and the forecast start there; a running month is left out of both (see monthly_series)."""
    complete = len(values) - 1 if partial else len(values)
    first = min(next((i for i, v in enumerate(values) if v), len(values)), complete)
    trend, seasonal = components(values[first:complete], months[first:complete])
    pad: tuple[None, ...] = (None,) * first
    trend, seasonal = pad + trend, pad + seasonal
    if partial:
        trend, seasonal = (*trend, None), (*seasonal, _season_of(seasonal, months[:complete], months[-1]))
    if not partial:
        return Series(name, months, tuple(values), trend, seasonal,
                      forecast(values[first:complete], months[first:complete], horizon=horizon))
    ahead = forecast(values[first:complete], months[first:complete], horizon=horizon + 1)  # the running month first
    ahead = replace(ahead, months=ahead.months[1:], values=ahead.values[1:], lower=ahead.lower[1:],
                    upper=ahead.upper[1:])
    return Series(name, months, tuple(values), trend, seasonal, ahead)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(round(value, 2))).quantize(CENT, rounding=ROUND_HALF_UP)


def components(values: Sequence[Decimal], months: Sequence[date]) -> tuple[tuple[Decimal | None, ...],
                                                                            tuple[Decimal | None, ...]]:
    """Classical decomposition: the trend is the centred 12-month moving average (a 2×12 average; undefined for the
    first and last six months, and for fewer than 13 months), the season each calendar month's mean deviation from
    it, centred to add up to zero (undefined with fewer than 24 months, when some month has no deviation yet)."""
    n = len(values)
    y = [float(v) for v in values]
    trend: list[float | None] = [None] * n
    for t in range(6, n - 6):
        trend[t] = (0.5 * y[t - 6] + sum(y[t - 5:t + 6]) + 0.5 * y[t + 6]) / 12
    deviations: dict[int, list[float]] = {}
    for t, level in enumerate(trend):
        if level is not None:
            deviations.setdefault(months[t].month, []).append(y[t] - level)
    shown_trend = tuple(None if v is None else _decimal(v) for v in trend)
    if n < 24 or len(deviations) < 12:
        return shown_trend, (None,) * n
    index = {m: sum(d) / len(d) for m, d in deviations.items()}
    centre = sum(index.values()) / 12
    return shown_trend, tuple(_decimal(index[m.month] - centre) for m in months)


def _season_of(seasonal: tuple[Decimal | None, ...], months: Sequence[date], month: date) -> Decimal | None:
    for m, value in zip(months, seasonal, strict=True):
        if m.month == month.month:
            return value
    return None


def forecast(values: Sequence[Decimal], months: Sequence[date], *, horizon: int = 3,
             season: int = 12) -> Forecast:
    """The forecast of one series: a model if it beats seasonal-naive in the back-test, else seasonal-naive (or
    naive, the last value, with less than 13 months). How it is chosen: core.insights.forecasting."""
    ahead = _next_months(months[-1], horizon) if months else ()
    if not values:
        return Forecast("naive", ahead, (), (), (), None, None, "No history to forecast from yet.",
                        "لا توجد بعدُ بيانات سابقة يُبنى عليها التنبؤ.")
    outcome = forecasting.choose([float(v) for v in values], horizon, season)
    p = outcome.prediction
    label, label_ar = _labels(outcome, len(values))
    mae = (None if outcome.model_mae is None else _decimal(outcome.model_mae),
           None if outcome.naive_mae is None else _decimal(outcome.naive_mae))
    # A series that never went below zero (sales, receivables) cannot: its band (and a forecast) stop at zero.
    floor = 0.0 if min(values) >= 0 else float("-inf")
    lower, points = [max(floor, v) for v in p.lower], [max(floor, v) for v in p.values]
    return Forecast(outcome.method, ahead, tuple(map(_decimal, points)), tuple(map(_decimal, lower)),
                    tuple(map(_decimal, p.upper)), mae[0], mae[1], label, label_ar)


_BASE = {"seasonal_naive": ("Seasonal-naive (the same month last year)",
                            "التنبؤ الموسمي البسيط (قيمة الشهر نفسه من العام الماضي)"),
         "naive": ("Naive (the last month's value)", "التنبؤ البسيط (قيمة الشهر الأخير)")}


def _labels(outcome: forecasting.Outcome, n: int) -> tuple[str, str]:
    """What a person reads under the chart, in English and Arabic: which method, and why."""
    model, naive = outcome.model_mae, outcome.naive_mae
    if outcome.method == "holt_winters" and model is not None and naive:
        gain = round((1 - model / naive) * 100)
        against = "seasonal-naive" if n > 12 else "naive"
        against_ar = "التنبؤ الموسمي البسيط" if n > 12 else "التنبؤ البسيط"
        name, name_ar = (("Holt-Winters", "هولت-وينترز") if outcome.seasonal_model
                         else ("Holt (damped trend)", "هولت (اتجاه مُخمَّد)"))
        return (f"{name} (beats {against} by {gain} % in the back-test on this company's history)",
                f"{name_ar} (يتفوّق على {against_ar} بنسبة {gain} % في الاختبار الرجعي على بيانات الشركة)")
    base, base_ar = _BASE[outcome.method]
    if outcome.reason == "no_model":
        return (f"{base}: the forecasting model needs pip install 'qayd[insights]'",
                f"{base_ar}: نموذج التنبؤ يحتاج إلى تثبيت الإضافة: pip install 'qayd[insights]'")
    if outcome.reason == "failed":
        return (f"{base}: the model could not be fitted to this history",
                f"{base_ar}: تعذّرت ملاءمة النموذج لهذه البيانات")
    if outcome.reason == "short":
        return (f"{base}: too little history to test a model ({n} months)",
                f"{base_ar}: البيانات السابقة أقصر من أن يُختبر عليها نموذج (عدد الأشهر: {n})")
    worse = "" if not naive else f" (its error was {round((model or 0) / naive * 100 - 100)} % higher)"
    worse_ar = "" if not naive else f" (كان خطؤه أعلى بنسبة {round((model or 0) / naive * 100 - 100)} %)"
    return (f"{base}: the model did not beat it in the back-test on this company's history{worse}",
            f"{base_ar}: لم يتفوّق عليه النموذج في الاختبار الرجعي على بيانات الشركة{worse_ar}")


# The states a document's ZATCA submission is counted under, per month of issue (the Dashboard's "ZATCA status over
# time"): cleared (standard, cleared), reported (simplified, reported), rejected, waiting (queued or being sent),
# not_submitted (issued while no submission was due: a demo or phase-1 unit).
ZATCA_STATES = ("cleared", "reported", "rejected", "waiting", "not_submitted")


@dataclass(frozen=True)
class StatusMonths:
    """Documents issued per month, by ZATCA submission state (ZATCA_STATES)."""

    months: tuple[date, ...]
    counts: dict[str, tuple[int, ...]]


_STATUS = """
SELECT substr(CASE WHEN substr(i.issue_datetime, -6) = '+03:00' THEN substr(i.issue_datetime, 1, 10)
                   ELSE date(i.issue_datetime, '+3 hours') END, 1, 7) AS month,
       s.kind, s.state, s.outcome, count(*)
FROM invoice i LEFT JOIN zatca_submission s ON s.invoice_id = i.id AND s.deleted_at IS NULL
WHERE i.deleted_at IS NULL AND i.status != 'draft' AND i.issue_datetime >= :early
  AND (i.issue_datetime < :sure OR (CASE WHEN substr(i.issue_datetime, -6) = '+03:00'
                                         THEN substr(i.issue_datetime, 1, 10)
                                         ELSE date(i.issue_datetime, '+3 hours') END) <= :end)
GROUP BY 1, 2, 3, 4"""


def zatca_state(kind: str | None, state: str | None, outcome: str | None) -> str:
    """A submission as the queue view names it: done is cleared or reported (by ZATCA's answer, else by the kind of
    submission: an `already_submitted` answer means an earlier send went through), pending and sending are waiting,
    rejected stays rejected; no submission row at all is not_submitted."""
    if state is None:
        return "not_submitted"
    if state == "done":
        if outcome in ("cleared", "reported"):
            return outcome
        return "cleared" if kind == "clearance" else "reported"
    return "rejected" if state == "rejected" else "waiting"


def zatca_by_month(uow: UnitOfWork, end: date, *, months: int = 12) -> StatusMonths:
    """How many documents issued in each of the `months` months up to the month of `end` are in each state (by the
    Riyadh day of issue, up to `end`). One aggregate query."""
    from sqlalchemy import text

    calendar_months = month_list(end, months)
    keys = {m.isoformat()[:7]: i for i, m in enumerate(calendar_months)}
    counts = {state: [0] * len(calendar_months) for state in ZATCA_STATES}
    early = (calendar_months[0] - timedelta(days=2)).isoformat()  # text bound (the window's start is exact below)
    rows = uow.session.connection().execute(text(_STATUS), {"early": early, **_bounds(end)})
    for month, kind, state, outcome, count in rows:
        if month in keys:
            counts[zatca_state(kind, state, outcome)][keys[month]] += int(count)
    return StatusMonths(calendar_months, {state: tuple(v) for state, v in counts.items()})
