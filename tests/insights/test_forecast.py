"""The forecast (core.insights.trends.forecast): the model is shown only where it beats seasonal-naive on the
series' own history, its band holds the truth at about its nominal rate, and without statsmodels the seasonal-naive
forecast is shown with what to install. Seeded synthetic series: level + trend + a 12-month season + noise."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from core.insights import forecast
from core.insights.forecasting import baseline_band
from core.insights.trends import components, month_list

MONTHS = month_list(date(2026, 11, 30), 60)


def seasonal(n: int, seed: int, *, noise: float = 0.04) -> list[float]:
    """Monthly sales of about 100,000 SAR growing 1 % a month, with a season of ±25 % and noise."""
    rng = random.Random(seed)
    return [100_000 * (1 + 0.01 * t) + 25_000 * math.sin(2 * math.pi * t / 12) + 9_000 * math.cos(4 * math.pi * t / 12)
            + rng.gauss(0, 100_000 * noise) for t in range(n)]


def seasonal_walk(n: int, seed: int) -> list[float]:
    """Each month last year's same month plus a shock: seasonal-naive is the best forecast there is."""
    rng = random.Random(seed)
    values = [50_000 + 20_000 * math.sin(2 * math.pi * t / 12) for t in range(12)]
    for t in range(12, n):
        values.append(values[t - 12] + rng.gauss(0, 1_500))
    return values


def walk(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    values, level = [], 40_000.0
    for _ in range(n):
        level += rng.gauss(0, 2_000)
        values.append(level)
    return values


def noise(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [30_000 + rng.gauss(0, 3_000) for _ in range(n)]


def run(values: list[float], horizon: int = 3):  # type: ignore[no-untyped-def]
    months = MONTHS[-len(values):]
    return forecast([Decimal(f"{v:.2f}") for v in values], months, horizon=horizon)


def test_on_seasonal_series_the_model_beats_seasonal_naive_and_is_shown() -> None:
    shown = [run(seasonal(48, seed)) for seed in range(10)]
    chosen = [f for f in shown if f.method == "holt_winters"]
    assert len(chosen) >= 9, [f.label for f in shown]
    ratio = sum(f.model_mae / f.naive_mae for f in shown) / len(shown)  # type: ignore[operator]
    assert ratio < Decimal("0.8"), ratio
    f = chosen[0]
    assert f.label.startswith("Holt-Winters (beats seasonal-naive by ") and "% in the back-test" in f.label
    assert f.label_ar.startswith("هولت-وينترز (يتفوّق على التنبؤ الموسمي البسيط بنسبة ")
    gain = round((1 - f.model_mae / f.naive_mae) * 100)  # type: ignore[operator]
    assert f"by {gain} %" in f.label and f"بنسبة {gain} %" in f.label_ar
    assert f.months == (date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1))
    assert all(lo <= v <= hi for lo, v, hi in zip(f.lower, f.values, f.upper, strict=True))
    assert all(v == v.quantize(Decimal("0.01")) for v in f.values)


def test_where_seasonal_naive_is_best_it_is_shown_and_labelled() -> None:
    shown = [run(seasonal_walk(48, seed)) for seed in range(20)]
    naive = [f for f in shown if f.method == "seasonal_naive"]
    assert len(naive) >= 14, [f.label for f in shown]
    f = naive[0]
    assert f.model_mae is not None and f.naive_mae is not None and f.model_mae >= f.naive_mae
    assert f.label.startswith("Seasonal-naive (the same month last year): the model did not beat it")
    assert f.label_ar.startswith("التنبؤ الموسمي البسيط (قيمة الشهر نفسه من العام الماضي): لم يتفوّق عليه النموذج")


def test_a_season_the_model_cannot_fit_yet_keeps_seasonal_naive() -> None:
    """Under 24 months the model fits the damped trend alone: a strong season beats it every time."""
    for seed in range(5):
        f = run(seasonal(20, seed))
        assert f.method == "seasonal_naive" and f.model_mae > f.naive_mae, f.label  # type: ignore[operator]


@pytest.mark.parametrize("make", [noise, walk, seasonal, seasonal_walk])
def test_the_model_is_shown_exactly_when_its_back_test_error_is_lower(make) -> None:  # type: ignore[no-untyped-def]
    """The rule itself, on series where either may win (on noise or a random walk the damped model, which
    forecasts about the mean or the last level, may well beat last year's same month: it is then shown)."""
    for seed in range(4):
        f = run(make(36, 100 + seed))
        assert f.model_mae is not None and f.naive_mae is not None
        assert (f.method == "holt_winters") == (f.model_mae < f.naive_mae), f.label


def test_a_season_that_repeats_exactly_is_seasonal_naive_with_no_band() -> None:
    values = [10_000 + 1_000 * (t % 12) for t in range(36)]
    f = run(values)
    assert f.method == "seasonal_naive" and f.naive_mae == 0
    assert f.values == f.lower == f.upper == (Decimal("10000.00"), Decimal("11000.00"), Decimal("12000.00"))


def test_short_histories_use_the_last_value_and_say_why() -> None:
    f = run([100.0, 120.0, 110.0, 130.0])
    assert f.method == "naive" and f.values == (Decimal("130.00"),) * 3 and f.model_mae is None
    assert f.label == "Naive (the last month's value): too little history to test a model (4 months)"
    assert f.label_ar.endswith("(عدد الأشهر: 4)")
    empty = forecast([], [], horizon=3)
    assert empty.values == () and empty.months == () and empty.label_ar


def test_without_statsmodels_seasonal_naive_is_shown_with_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("statsmodels", "statsmodels.tsa.exponential_smoothing.ets"):
        monkeypatch.setitem(sys.modules, name, None)  # `import` raises ImportError, as in a build without the extra
    f = run(seasonal(48, 1))
    assert f.method == "seasonal_naive" and f.model_mae is None and f.naive_mae is None
    assert f.label == ("Seasonal-naive (the same month last year): "
                       "the forecasting model needs pip install 'qayd[insights]'")
    assert "pip install 'qayd[insights]'" in f.label_ar
    assert all(lo < hi for lo, hi in zip(f.lower, f.upper, strict=True))  # from its own errors (offset by the trend)


def test_the_model_band_holds_the_truth_at_about_80_percent() -> None:
    inside = total = 0
    for seed in range(30):
        values = seasonal(51, 1000 + seed)
        f = run(values[:48])
        for truth, lo, hi in zip(values[48:], f.lower, f.upper, strict=True):
            inside, total = inside + (lo <= Decimal(f"{truth:.2f}") <= hi), total + 1
    assert 0.66 <= inside / total <= 0.92, inside / total


def test_the_seasonal_naive_band_holds_the_truth_at_about_80_percent() -> None:
    inside = total = 0
    for seed in range(200):
        values = seasonal_walk(51, seed)
        band = baseline_band(values[:48], 3, 12, seasonal=True)
        for truth, lo, hi in zip(values[48:], band.lower, band.upper, strict=True):
            inside, total = inside + (lo <= truth <= hi), total + 1
    assert 0.72 <= inside / total <= 0.88, inside / total


def test_classical_decomposition_recovers_a_trend_and_a_season() -> None:
    pattern = [300, -200, 100, 0, -100, 250, -150, 50, -300, 200, -50, -100]  # adds up to zero
    values = [Decimal(1_000 + 10 * t + pattern[t % 12]) for t in range(36)]
    trend, season = components(values, MONTHS[:36])
    assert trend[:6] == (None,) * 6 and trend[-6:] == (None,) * 6
    assert trend[6:30] == tuple(Decimal(1_000 + 10 * t).quantize(Decimal("0.01")) for t in range(6, 30))
    assert season == tuple(Decimal(pattern[t % 12]).quantize(Decimal("0.01")) for t in range(36))
    short_trend, short_season = components(values[:20], MONTHS[:20])
    assert short_season == (None,) * 20 and short_trend[6] is not None
    assert components(values[:12], MONTHS[:12]) == ((None,) * 12, (None,) * 12)


def test_the_module_top_stays_light() -> None:
    """The face imports core.insights.trends lazily, but even then no statistics library comes with it."""
    code = ("import sys, core.insights.trends, core.insights.forecasting; "
            "print(sorted(m for m in ('numpy', 'statsmodels', 'pandas', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_a_series_that_never_went_below_zero_is_not_forecast_below_it() -> None:
    """Sales falling steeply: the trend would run below zero and the band further; neither may (a clerk would read a
    negative band as expected refunds)."""
    months = tuple(date(2024 + (i // 12), i % 12 + 1, 1) for i in range(30))
    values = [Decimal(max(0, 30_000 - 1_100 * i)) for i in range(30)]
    made = forecast(values, months, horizon=3)
    assert min(made.lower) >= 0 and min(made.values) >= 0
    signed = forecast([v - Decimal(20_000) for v in values], months, horizon=3)  # VAT due may go negative
    assert min(signed.lower) < 0
