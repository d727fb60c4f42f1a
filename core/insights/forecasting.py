"""The forecast of one monthly series: Holt-Winters (statsmodels' ETS) only where it beats seasonal-naive.

Pure functions over floats, so they are tested on synthetic series and measured by
tests/benchmarks/test_bench_forecast.py. The statistics library (statsmodels, the `insights` extra, which brings
numpy, scipy and pandas) is imported inside `_model`, at the first fit: never at start-up, and a build without it
still forecasts (seasonal-naive, labelled with what to install).

- The baseline is seasonal-naive (the same month a year before) with 13 months or more, else naive (the last value).
- The model is an additive-error ETS with a damped additive trend, and an additive 12-month season once its training
  history holds two full years (24 months); with fewer, the damped trend alone (Holt).
- The back-test is a rolling origin: the last `ORIGINS` origins, each forecasting `horizon` months from the history
  before it; the mean absolute errors of the model and of the baseline over the same months decide. The model is
  used only when its error is lower.
- The 80 % band of the model comes from the ETS state-space model's own prediction intervals (exact for additive
  models: they widen with the horizon), widened to the 80 % quantile of the model's absolute back-test errors where
  that is larger (`widened`: the intervals alone run narrow); the baseline's band from the quantiles
  (10 % and 90 %) of its own errors over every origin of the history (seasonal-naive: all horizons pooled, as each
  is a difference of two months a year apart; naive: per horizon, since its error grows with the horizon).
"""

from __future__ import annotations

import contextlib
import math
import statistics
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

ORIGINS = 6  # back-test origins
BAND = 0.8  # the band's nominal coverage
SEASON_MODEL = 24  # months of training history before the model fits a season
MIN_MODEL = 10  # months of training history before the model fits at all

Fit = Callable[[Sequence[float], int, bool], "Prediction"]


@dataclass(frozen=True)
class Prediction:
    values: list[float]
    lower: list[float]
    upper: list[float]


@dataclass(frozen=True)
class Outcome:
    """What `choose` decided: the method, its prediction, the back-test errors (None when there was no back-test) and
    why the baseline was kept (`reason`: "" when the model was chosen)."""

    method: str  # holt_winters | seasonal_naive | naive
    prediction: Prediction
    model_mae: float | None
    naive_mae: float | None
    seasonal_model: bool  # the chosen model fitted a season (Holt-Winters) rather than the trend alone (Holt)
    reason: str  # "" | "no_model" (statsmodels missing) | "short" (too little history to test) | "lost" | "failed"


def baseline_name(n: int, season: int) -> str:
    return "seasonal_naive" if n > season else "naive"


def baseline(y: Sequence[float], horizon: int, season: int, *, seasonal: bool) -> list[float]:
    """Seasonal-naive: the same month of the last year seen; naive: the last value."""
    n = len(y)
    if seasonal:
        return [y[n + h - season * (h // season + 1)] for h in range(horizon)]
    return [y[-1]] * horizon


def baseline_band(y: Sequence[float], horizon: int, season: int, *, seasonal: bool) -> Prediction:
    """The baseline's forecast with the 10 % and 90 % quantiles of its errors at every origin of the history."""
    n, first = len(y), (season if seasonal else 1)
    errors: list[list[float]] = [[] for _ in range(horizon)]
    for origin in range(first, n):
        for h, value in enumerate(baseline(y[:origin], horizon, season, seasonal=seasonal)):
            if origin + h < n:
                errors[0 if seasonal else h].append(y[origin + h] - value)
    values = baseline(y, horizon, season, seasonal=seasonal)
    lower, upper = [], []
    for h, value in enumerate(values):
        low, high = _quantiles(errors[0 if seasonal else h] or errors[0])
        lower.append(value + low)
        upper.append(value + high)
    return Prediction(values, lower, upper)


def _quantiles(errors: list[float]) -> tuple[float, float]:
    if len(errors) < 2:
        return (0.0, 0.0) if not errors else (min(errors[0], 0.0), max(errors[0], 0.0))
    cuts = statistics.quantiles(errors, n=10, method="inclusive")
    return cuts[0], cuts[-1]


def origins(n: int, horizon: int, season: int, *, seasonal: bool) -> range:
    """The back-test origins: the last ORIGINS whose training history both methods can use."""
    least = max(MIN_MODEL, season if seasonal else 1)
    return range(max(least, n - horizon - ORIGINS + 1), n - horizon + 1)


def choose(y: Sequence[float], horizon: int, season: int = 12, *, fit: Fit | None = None) -> Outcome:
    """Back-test the model against the baseline on `y` and forecast `horizon` values with the winner."""
    seasonal = len(y) > season
    naive = baseline_band(y, horizon, season, seasonal=seasonal)
    name = baseline_name(len(y), season)
    tested = origins(len(y), horizon, season, seasonal=seasonal)
    if not tested:  # before the import: a short history never loads the statistics library
        return Outcome(name, naive, None, None, False, "short")
    if fit is None:
        try:
            fit = model_fit()
        except ImportError:
            return Outcome(name, naive, None, None, False, "no_model")
    with _one_thread():
        try:
            model_mae, naive_mae, signed = _back_test(y, tested, horizon, season, fit, seasonal=seasonal)
            if model_mae < naive_mae:
                return Outcome("holt_winters", widened(fit(y, horizon, True), signed), model_mae, naive_mae,
                               len(y) >= SEASON_MODEL, "")
        except (ValueError, ArithmeticError):  # numpy's LinAlgError is a ValueError; a fit that breaks loses
            return Outcome(name, naive, None, None, False, "failed")
    return Outcome(name, naive, model_mae, naive_mae, False, "lost")


def _back_test(y: Sequence[float], tested: range, horizon: int, season: int, fit: Fit, *,
               seasonal: bool) -> tuple[float, float, list[float]]:
    """The mean absolute errors of the model and of the baseline over the same origins and months, and the model's
    signed errors (for its band)."""
    signed: list[float] = []
    naive_errors: list[float] = []
    for origin in tested:
        train, truth = y[:origin], y[origin:origin + horizon]
        guess = fit(train, horizon, False).values
        plain = baseline(train, horizon, season, seasonal=seasonal)
        signed += [t - g for t, g in zip(truth, guess, strict=True)]
        naive_errors += [abs(t - p) for t, p in zip(truth, plain, strict=True)]
    return statistics.fmean(abs(e) for e in signed), statistics.fmean(naive_errors), signed


def widened(prediction: Prediction, errors: list[float]) -> Prediction:
    """The model's band, widened where its own back-test errors were larger: the ETS interval assumes the fitted
    parameters are the true ones, and runs narrow (about 67 % of truths inside an 80 % band on the synthetic seasonal
    series); the 80 % quantile of the absolute back-test errors sees the misfit too (about 79 %, tests/insights)."""
    half = statistics.quantiles([abs(e) for e in errors], n=10, method="inclusive")[7] if len(errors) > 1 else 0.0
    values = prediction.values
    return Prediction(values, [min(low, v - half) for low, v in zip(prediction.lower, values, strict=True)],
                      [max(high, v + half) for high, v in zip(prediction.upper, values, strict=True)])


def model_fit() -> Fit:
    """The ETS fit, or ImportError when statsmodels (the `insights` extra) is not installed."""
    import numpy  # noqa: F401  (both raise ImportError without the extra)
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # noqa: F401

    return _model


def _one_thread() -> contextlib.AbstractContextManager[object]:
    """One BLAS thread while fitting: the matrices are tiny, and OpenBLAS threads waiting on a busy two-core machine
    made each fit ten times slower (0.4 s against 0.04 s a forecast, tests/benchmarks/test_bench_forecast.py)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the `insights` extra brings it; without it the fits are only slower
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")  # type: ignore[no-any-return]


def _model(train: Sequence[float], horizon: int, band: bool) -> Prediction:
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.asarray(train, dtype=float))  # a pandas series: the prediction's frame needs its index
    scale = float(np.mean(np.abs(y))) or 1.0  # the optimiser behaves on values near 1, whatever the currency
    seasonal = len(y) >= SEASON_MODEL
    model = ETSModel(y / scale, error="add", trend="add", damped_trend=True,
                     seasonal="add" if seasonal else None, seasonal_periods=12 if seasonal else None,
                     initialization_method="heuristic" if seasonal else "estimated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes from the optimiser: the back-test judges the result
        result = model.fit(disp=False)
        if not band:
            values = [float(v) * scale for v in result.forecast(horizon)]
            if not all(math.isfinite(v) for v in values):
                raise ValueError("the model's forecast is not finite")
            return Prediction(values, values, values)
        frame = result.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - BAND)
    columns = [[float(v) * scale for v in frame[c]] for c in ("mean", "pi_lower", "pi_upper")]
    if not all(math.isfinite(v) for column in columns for v in column):
        raise ValueError("the model's forecast is not finite")
    return Prediction(*columns)
