"""The invoice list with 100 000 invoices: time to first rows, the longest UI-thread block while scrolling to the
end, sorting and filtering (each in the database, in a background job), and resident memory with the list open.

The 100 000 drafts are written straight through `InvoiceBatch` (one executemany per table, about a minute),
without their 100 000 audit entries: this measures the list, not the import (see test_bench_import).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.config import load_settings
from core.invoicing.demo import create_demo
from core.uow import Context
from desktop.jobs import ThreadPool
from desktop.models.invoice_list import column_of
from desktop.session import AppSession
from desktop.views.invoices import InvoicesView
from tests.benchmarks.test_bench_audit import bench_env, open_bench
from tests.support.bulk import add_drafts

pytestmark = pytest.mark.benchmark
N = 100_000
BLOCK_TARGET_MS = 50
RSS_TARGET_MB = 300


def fill(ctx: Context, n: int) -> None:
    create_demo(ctx, drafts=0)
    add_drafts(ctx, n)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Blocks:
    """Runs the event loop and records how long the UI thread was away between two turns of it."""

    def __init__(self, app: QApplication) -> None:
        self.app, self.longest = app, 0.0

    def step(self, action: Callable[[], object] | None = None) -> float:
        start = time.perf_counter()
        if action is not None:
            action()
        self.app.processEvents()
        took = time.perf_counter() - start
        self.longest = max(self.longest, took)
        return took

    def until(self, done: Callable[[], bool], timeout: float = 30.0) -> float:
        start = last = time.perf_counter()
        while not done():
            self.app.processEvents()
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.001)  # includes time the worker kept the GIL
            last = now
            assert now - start < timeout, "timed out"
        return time.perf_counter() - start


def test_invoice_list_100k(tmp_path: Path, qapp: QApplication) -> None:
    ctx = open_bench(tmp_path)
    t0 = time.perf_counter()
    fill(ctx, N)
    print(f"\nlist: {N:,} drafts written in {time.perf_counter() - t0:.1f} s (setup)")
    settings = load_settings(environ=bench_env(tmp_path), config_file=tmp_path / "empty.toml")
    pool = ThreadPool()
    session = AppSession(settings, pool=pool, ctx=ctx)
    rss_before = rss_mb()

    blocks = Blocks(qapp)
    start = time.perf_counter()
    view = InvoicesView(session)
    view.resize(1280, 800)
    view.show()
    view.refresh()
    blocks.until(lambda: view.model.rowCount() == N)
    blocks.until(lambda: view.model.invoice_at(20) is not None)  # the first screen's rows arrived
    blocks.step(lambda: view.table.viewport().repaint())
    first_rows = time.perf_counter() - start
    assert view.count_label.text() == f"{N:,} invoices"
    opening_block = blocks.longest

    bar = view.table.verticalScrollBar()
    blocks.longest, steps, slowest = 0.0, 0, []
    start = time.perf_counter()
    for value in [bar.maximum() * i // 400 for i in range(401)]:  # the whole list in 400 jumps
        slowest.append(blocks.step(lambda v=value: bar.setValue(v)))
        blocks.until(lambda: not view.model.reading_pages)  # let the rows of this screen arrive and be painted
        steps += 1
    for _ in range(200):  # then screen by screen back from the end
        slowest.append(blocks.step(lambda: bar.triggerAction(bar.SliderAction.SliderPageStepSub)))
        blocks.until(lambda: not view.model.reading_pages)
        steps += 1
    scroll_time = time.perf_counter() - start
    scroll_block = blocks.longest
    slowest.sort()
    assert view.model.cached_rows() <= 3000  # only recent pages are held

    blocks.longest = 0.0
    start = time.perf_counter()
    view.table.sortByColumn(column_of("payable"), Qt.SortOrder.DescendingOrder)
    blocks.until(lambda: not view.model.is_loading)
    blocks.until(lambda: view.model.invoice_at(1) is not None)
    blocks.step(lambda: view.table.viewport().repaint())
    sort_time, sort_block = time.perf_counter() - start, blocks.longest
    top, second = view.model.invoice_at(0), view.model.invoice_at(1)
    assert top is not None and second is not None and top.payable >= second.payable

    blocks.longest = 0.0
    start = time.perf_counter()
    view.search.setText("Gulf Tech")
    view.apply_filters()
    blocks.until(lambda: not view.model.is_loading)
    blocks.until(lambda: view.model.invoice_at(0) is not None)
    blocks.step(lambda: view.table.viewport().repaint())
    filter_time, filter_block = time.perf_counter() - start, blocks.longest
    matches = view.model.rowCount()
    assert 0 < matches < N

    rss = rss_mb()
    longest_ms = max(opening_block, scroll_block, sort_block, filter_block) * 1000
    print(f"list: first rows shown {first_rows * 1000:.0f} ms after opening "
          f"(longest UI block {opening_block * 1000:.1f} ms)")
    print(f"list: scrolled to the end in {steps} steps in {scroll_time:.2f} s; UI block per step: median "
          f"{slowest[len(slowest) // 2] * 1000:.1f} ms, p99 {slowest[int(len(slowest) * 0.99)] * 1000:.1f} ms, "
          f"longest {scroll_block * 1000:.1f} ms; {view.model.pages_read} pages read")
    print(f"list: sorted by total in {sort_time * 1000:.0f} ms (longest UI block {sort_block * 1000:.1f} ms)")
    print(f"list: filtered to {matches:,} rows in {filter_time * 1000:.0f} ms (longest UI block "
          f"{filter_block * 1000:.1f} ms)")
    print(f"list: resident memory {rss:.0f} MB with the list open ({rss_before:.0f} MB before opening it); "
          f"longest UI-thread block overall {longest_ms:.1f} ms")
    view.close()
    pool.wait()
    ctx.close()
    assert rss <= RSS_TARGET_MB
    assert longest_ms <= BLOCK_TARGET_MS
