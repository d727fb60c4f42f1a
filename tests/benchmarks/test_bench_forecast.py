"""The forecast against seasonal-naive on synthetic seasonal series, and the monthly series over 100,000 documents.

1. Seeded series of 48 months (level + 1 % a month + a 12-month season + noise, tests/insights/test_forecast.py):
   the back-test's mean absolute error of the model (ETS Holt-Winters) and of seasonal-naive over the same origins,
   their ratio (below 1: the model is better), what was shown, and the time per forecast (back-test included).
2. `monthly_series` and `zatca_by_month` over 100,000 issued documents spread over three years (a tenth of them
   stored with a UTC offset, so the Riyadh month is converted, not read off the text): the SQL aggregates alone
   (forecasts cut out) within 0.5 s, and the whole call with three forecasts."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest

from core.insights import forecast, monthly_series, trends, zatca_by_month
from core.zatca.issuing import issue_many
from tests.benchmarks.test_bench_audit import open_bench
from tests.insights.test_forecast import run, seasonal
from tests.support.issuing_world import KSA, a_draft, ready_to_issue, save

pytestmark = pytest.mark.benchmark
N = 100_000
SQL_TARGET = 0.5


def test_model_against_seasonal_naive_on_synthetic_seasonal_series() -> None:
    run(seasonal(48, 0))  # the first call imports statsmodels
    rows, times = [], []
    for seed in range(20):
        start = time.perf_counter()
        f = run(seasonal(48, seed))
        times.append(time.perf_counter() - start)
        assert f.model_mae is not None and f.naive_mae is not None
        rows.append((seed, f.model_mae, f.naive_mae, f.model_mae / f.naive_mae, f.method))
    print(f"\n{'seed':>4} {'model MAE':>12} {'s-naive MAE':>12} {'ratio':>6}  shown")
    for seed, model, naive, ratio, method in rows:
        print(f"{seed:>4} {model:>12,.2f} {naive:>12,.2f} {ratio:>6.2f}  {method}")
    mean_ratio = statistics.fmean(float(r[3]) for r in rows)
    print(f"mean ratio {mean_ratio:.2f}; model shown on {sum(r[4] == 'holt_winters' for r in rows)} of {len(rows)}; "
          f"{statistics.median(times) * 1000:.0f} ms a forecast (median; 7 fits: 6 back-test origins and the last)")
    assert mean_ratio < 0.85 and statistics.median(times) < 0.5


def _grow(db: Path, n: int) -> None:
    """Copy the issued documents until there are n, spread over the three years to November 2026."""
    rng = random.Random(17)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous=OFF")
    inv_cols = [r[1] for r in conn.execute("PRAGMA table_info(invoice)")]
    doc_cols = [r[1] for r in conn.execute("PRAGMA table_info(issued_document)")]
    invoices = conn.execute(f"SELECT {', '.join(inv_cols)} FROM invoice WHERE status != 'draft'").fetchall()
    docs = {r[doc_cols.index("invoice_id")]: r for r in conn.execute(f"SELECT {', '.join(doc_cols)} "
                                                                     "FROM issued_document")}
    icv = conn.execute("SELECT max(icv) FROM issued_document").fetchone()[0]
    new_inv, new_doc = [], []
    for k in range(n - len(invoices)):
        row = list(invoices[k % len(invoices)])
        doc = list(docs[row[inv_cols.index("id")]])
        ident, icv = uuid.uuid4().hex, icv + 1
        moment = datetime(2023, 12, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        row[inv_cols.index("id")], row[inv_cols.index("number")] = ident, f"{row[inv_cols.index('number')]}-c{k}"
        row[inv_cols.index("issue_datetime")] = (moment if k % 10 == 0 else moment.astimezone(KSA)).isoformat()
        doc[doc_cols.index("invoice_id")], doc[doc_cols.index("icv")] = ident, icv
        doc[doc_cols.index("uuid")] = uuid.uuid4().hex
        new_inv.append(row)
        new_doc.append(doc)
    conn.executemany(f"INSERT INTO invoice ({', '.join(inv_cols)}) VALUES ({', '.join('?' * len(inv_cols))})",
                     new_inv)
    conn.executemany(f"INSERT INTO issued_document ({', '.join(doc_cols)}) "
                     f"VALUES ({', '.join('?' * len(doc_cols))})", new_doc)
    conn.commit()
    conn.close()


def best_of(fn, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def test_monthly_series_over_100k_documents(tmp_path: Path) -> None:
    ctx = open_bench(tmp_path)
    ready_to_issue(ctx)
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    numbers = [f"INV-B-{i:03d}" for i in range(20)]
    save(ctx, *(a_draft(n, at + timedelta(minutes=i)) for i, n in enumerate(numbers)))
    with ctx.uow() as uow:
        issue_many(uow, numbers)
        uow.commit()
    _grow(ctx.db.path, N)
    end = date(2026, 11, 30)
    quiet = forecast([], [])  # the forecasts cut out: the aggregates alone
    with ctx.uow(write=False) as uow:
        with mock.patch.object(trends, "forecast", lambda *a, **k: quiet):
            sql = best_of(lambda: monthly_series(uow, end), runs=5)
        first = best_of(lambda: monthly_series(uow, end), runs=1)  # statsmodels imported on the way
        whole = best_of(lambda: monthly_series(uow, end), runs=3)
        status = best_of(lambda: zatca_by_month(uow, end), runs=5)
        series = monthly_series(uow, end)
        counts = zatca_by_month(uow, end, months=36)
    ctx.close()
    total = sum(sum(v) for v in counts.counts.values())
    print(f"\n{total:,} documents over 36 months")
    print(f"  monthly_series, aggregates only  {sql * 1000:7.1f} ms (target {SQL_TARGET * 1000:.0f} ms)")
    print(f"  monthly_series, with forecasts   {whole * 1000:7.1f} ms "
          f"({', '.join(f'{s.name}: {s.forecast.method}' for s in series.values())})")
    print(f"  monthly_series, the first call   {first * 1000:7.1f} ms (statsmodels imported)")
    print(f"  zatca_by_month (12 months)       {status * 1000:7.1f} ms")
    assert total == N and sum(series["sales"].values) > 0
    assert sql < SQL_TARGET and status < SQL_TARGET
