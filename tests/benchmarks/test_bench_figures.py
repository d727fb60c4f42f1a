"""The dashboard's queries on 100,000 invoices.

The dashboard computes them in a Job, so the target is that figures appear promptly (under 3 s for a whole
year of 100k documents on a shared CI machine); the queue summary and chain state are UI-thread quick (50 ms).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from core.audit.state import chain_state
from core.invoicing.demo import create_demo
from core.invoicing.figures import PeriodKind, period_of, sales_figures
from core.zatca.demo import add_demo_egs
from core.zatca.queue import queue_summary
from tests.benchmarks.test_bench_audit import open_bench

pytestmark = pytest.mark.benchmark
N = 100_000
TARGET = 3.0
QUICK = 0.050


def grow(db: Path, n: int) -> None:
    """Copy the demo's 300 documents (drafts and issued) until the table holds n, spread over the same days."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous=OFF")
    cols = [r[1] for r in conn.execute("PRAGMA table_info(invoice)")]
    rest = [c for c in cols if c not in ("id", "number")]
    round_ = 0
    while conn.execute("SELECT count(*) FROM invoice").fetchone()[0] < n:
        round_ += 1
        conn.execute(f"INSERT INTO invoice (id, number, {', '.join(rest)}) SELECT lower(hex(randomblob(16))), "
                     f"number || '-c{round_}', {', '.join(rest)} FROM invoice WHERE number NOT LIKE '%-c%' "
                     f"AND status = 'issued' OR (number NOT LIKE '%-c%' AND status = 'draft')")
    conn.commit()
    conn.close()


def best_of(fn, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def test_dashboard_queries_on_100k_invoices(tmp_path: Path) -> None:
    ctx = open_bench(tmp_path)
    create_demo(ctx, drafts=300)
    add_demo_egs(ctx, issue=150)
    grow(ctx.db.path, N)
    with sqlite3.connect(ctx.db.path) as conn:
        total = conn.execute("SELECT count(*) FROM invoice").fetchone()[0]
    now = ctx.clock()
    figures: dict[str, float] = {}
    with ctx.uow(write=False) as uow:
        for kind in PeriodKind:
            period = period_of(kind, now)
            figures[kind.value] = best_of(lambda p=period: sales_figures(uow, p))  # type: ignore[misc]
        figures["queue_summary"] = best_of(lambda: queue_summary(uow))
        result = sales_figures(uow, period_of(PeriodKind.YEAR, now))
    figures["chain_state"] = best_of(lambda: chain_state(ctx))
    print(f"\n{total:,} invoices; the year holds {result.issued:,} issued, {result.drafts:,} drafts")
    for name, seconds in figures.items():
        print(f"  {name:15} {seconds * 1000:7.1f} ms")
    ctx.close()
    assert total >= N and result.issued > 0
    assert max(figures[k.value] for k in PeriodKind) < TARGET, figures
    assert figures["queue_summary"] < QUICK and figures["chain_state"] < QUICK, figures
