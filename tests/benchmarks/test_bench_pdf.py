"""Printed invoices: one 20-line invoice PDF (target <= 50 ms) and 1 000 of them in one batch (figure reported).

Each PDF is the full product: read from the store, parse the shared XML, lay out the bilingual page with its QR
code, package as PDF/A-3 with the XML attached; the batch also writes every file.
"""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import replace
from pathlib import Path

import pytest

from core.invoicing import service
from core.invoicing.model import DocumentKind
from core.reports.document import identity
from core.reports.invoice_pdf import export_pdfs, invoice_pdf
from core.zatca import issuing
from tests.benchmarks.test_bench_issue import fresh

pytestmark = pytest.mark.benchmark
N = 1_000


def issued_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A demo company with N simplified invoices of 20 lines issued (shareable at once: reported, not cleared)."""
    ctx, docs = fresh(tmp_path)
    docs = [replace(d, kind=DocumentKind.SIMPLIFIED) for d in docs]
    with ctx.uow() as uow:
        service.import_drafts(uow, docs)
        uow.commit()
    with ctx.uow() as uow:
        issuing.issue_many(uow, [d.number for d in docs])
        uow.commit()
    return ctx, [d.number for d in docs]


def test_invoice_pdfs(tmp_path: Path) -> None:
    ctx, numbers = issued_store(tmp_path / "store")
    with ctx.uow(write=False) as uow:
        ident = identity(uow)
        first = time.perf_counter()
        built = invoice_pdf(uow, numbers[0], now=ctx.clock(), ident=ident)  # fonts loaded, caches cold
        cold = time.perf_counter() - first
        times = []
        for number in numbers[1:101]:
            start = time.perf_counter()
            invoice_pdf(uow, number, now=ctx.clock(), ident=ident)
            times.append(time.perf_counter() - start)
    median, p95 = statistics.median(times), sorted(times)[94]
    print(f"\none invoice PDF (20 lines, 1 page, {len(built.pdf) / 1024:.0f} KB): median {median * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, first in the process {cold * 1000:.0f} ms")

    out = tmp_path / "pdfs"
    start, cpu = time.perf_counter(), time.process_time()
    result = export_pdfs(ctx, numbers, out)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    size = sum(p.stat().st_size for p in result.written)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"batch of {N}: {seconds:.1f} s ({N / seconds:.0f}/s, CPU {cpu_seconds:.1f} s), "
          f"{size / 1e6:.1f} MB written, peak RSS {rss:.0f} MB")
    assert len(result.written) == N and not result.skipped
    assert median <= 0.050, f"one invoice PDF takes {median * 1000:.1f} ms (target 50 ms)"
