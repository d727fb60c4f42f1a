"""Monthly sales, VAT due and receivables: their trend, seasonality and a forecast with its uncertainty band.

A model forecasts only when it beats the seasonal-naive forecast on the company's own history (a rolling-origin
back-test); otherwise the seasonal-naive one is shown and labelled so (`Forecast.method`). Heavy imports (the
statistics library) stay inside the functions: this module is imported by jobs, never at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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


def monthly_series(uow: UnitOfWork, end: date, *, months: int = 36, horizon: int = 3) -> dict[str, Series]:
    """Sales (net of credit notes), VAT due and receivables at each month's end, for the `months` months up to the
    month of `end`, each with its trend, seasonality and forecast."""
    raise NotImplementedError


def forecast(values: Sequence[Decimal], months: Sequence[date], *, horizon: int = 3,
             season: int = 12) -> Forecast:
    """The forecast of one series: a model if it beats seasonal-naive in the back-test, else seasonal-naive."""
    raise NotImplementedError


# The states a document's ZATCA submission is counted under, per month of issue (the Dashboard's "ZATCA status over
# time"): cleared (standard, cleared), reported (simplified, reported), rejected, waiting (queued or being sent),
# not_submitted (issued while no submission was due: a demo or phase-1 unit).
ZATCA_STATES = ("cleared", "reported", "rejected", "waiting", "not_submitted")


@dataclass(frozen=True)
class StatusMonths:
    """Documents issued per month, by ZATCA submission state (ZATCA_STATES)."""

    months: tuple[date, ...]
    counts: dict[str, tuple[int, ...]]


def zatca_by_month(uow: UnitOfWork, end: date, *, months: int = 12) -> StatusMonths:
    """How many documents issued in each of the `months` months up to the month of `end` are in each state."""
    raise NotImplementedError
