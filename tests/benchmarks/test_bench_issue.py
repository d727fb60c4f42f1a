"""Issuing 1 000 invoices of 20 lines: build, validate, gate, hash, sign, QR value and store, each step timed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from core.invoicing import repository as repo
from core.invoicing import service
from core.invoicing.demo import create_demo, demo_customers
from core.invoicing.model import DocumentKind, DocumentType, InvoiceDraft, InvoiceLine, VatCategory
from core.invoicing.rules import validate
from core.invoicing.totals import _compute
from core.zatca.demo import add_demo_egs
from core.zatca.egs import get_egs, signing_identity
from core.zatca.gate import gate
from core.zatca.hashing import FIRST_PIH, invoice_hash
from core.zatca.issuing import find_invoice_ids
from core.zatca.signing import stamp, stamp_text
from core.zatca.ubl import DocumentIds, build_invoice, build_invoice_text, serialize
from tests.benchmarks.test_bench_audit import bench_env, open_bench

pytestmark = pytest.mark.benchmark
N, LINES = 1_000, 20


def drafts(ctx) -> list[InvoiceDraft]:  # type: ignore[no-untyped-def]
    buyer = demo_customers()[0].as_party()
    now = ctx.clock().astimezone()
    lines = tuple(InvoiceLine(name=f"Item {i}", quantity=Decimal(i % 7 + 1), unit_price=Decimal(f"{10 + i}.25"),
                              vat_category=VatCategory.STANDARD, vat_rate=Decimal("15")) for i in range(LINES))
    base = InvoiceDraft(kind=DocumentKind.STANDARD, type=DocumentType.INVOICE, number="", issue_datetime=now,
                        supply_date=now.date(), lines=lines, buyer=buyer, payment_means="30")
    return [replace(base, number=f"BENCH-{i:05d}", id=__import__("uuid").uuid4()) for i in range(N)]


ISSUE_SCRIPT = """
import json, sys, time
from pathlib import Path
from tests.benchmarks.test_bench_issue import prepare, fresh, N
from core.invoicing import repository as repo
from core.invoicing import service
from core.zatca import gate as gate_module
from core.zatca import issuing
in_gate = [0.0, 0.0]  # wall and CPU seconds spent in the gate during the run below
in_precheck = [0.0, 0.0]  # and in the check when the drafts were stored
def timed(real, into):
    def run(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            into[0] += time.perf_counter() - wall
            into[1] += time.process_time() - cpu
    return run
# The gate at issue: the check or the proof, reading the passes and deleting the used ones.
issuing.gate = timed(issuing.gate, in_gate)
issuing.Passes.load = timed(issuing.Passes.load, in_gate)
issuing.Passes.spend = timed(issuing.Passes.spend, in_gate)
gate_module.precheck = timed(gate_module.precheck, in_precheck)
ctx, numbers = prepare(Path(sys.argv[1]) / "stored")
prechecked = list(in_precheck)
start, cpu = time.perf_counter(), time.process_time()
with ctx.uow() as uow:  # drafts already in the store: read, validate, build, gate, hash, sign, QR, store
    issuing.issue_many(uow, numbers)
    uow.commit()
stored, stored_cpu = time.perf_counter() - start, time.process_time() - cpu
gate_wall, gate_cpu = in_gate
ctx, docs = fresh(Path(sys.argv[1]) / "direct")
start = time.perf_counter()
with ctx.uow() as uow:  # documents arriving (import --issue): validate and store them, then issue them
    imported = service.import_drafts(uow, docs)
    issuing.issue_imported(uow, imported.drafts)
    uow.commit()
print(json.dumps({"seconds": stored, "cpu": stored_cpu, "direct": time.perf_counter() - start, "gate": gate_wall,
                  "gate_cpu": gate_cpu, "precheck": prechecked[0]}))
"""


def fresh(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A demo company with its demo EGS unit, and N drafts of LINES lines in memory."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    ctx = open_bench(tmp_path)
    create_demo(ctx, drafts=0)
    add_demo_egs(ctx, issue=0)
    return ctx, drafts(ctx)


def prepare(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The same, with the drafts already stored, ready to issue."""
    ctx, docs = fresh(tmp_path)
    with ctx.uow() as uow:
        service.import_drafts(uow, docs)
        uow.commit()
    return ctx, [d.number for d in docs]


def test_issue_1000_invoices_of_20_lines(tmp_path: Path) -> None:
    """Issued in a fresh process (as `qayd invoice issue` would), so pytest's own heap does not tax the GC."""
    runs = []
    for run in range(3):  # best of three: the machine is shared and its speed wanders
        folder = tmp_path / f"run{run}"
        out = subprocess.run([sys.executable, "-c", ISSUE_SCRIPT, str(folder)], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).parents[2], env={**os.environ, **bench_env(folder)})
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    total, direct = min(r["seconds"] for r in runs), min(r["direct"] for r in runs)
    ctx, _ = prepare(tmp_path / "steps")
    with ctx.uow(write=False) as uow:
        draft = service.get_invoice(uow, "BENCH-00000").draft
    steps = step_costs(ctx, draft)
    print(f"\nissue: {N:,} invoices of {LINES} lines in {total:.2f} s = {N / total:,.0f} invoices/s "
          f"({total / N * 1e3:.2f} ms each, from the store, one transaction; best of 3, worst "
          f"{max(r['seconds'] for r in runs):.2f} s; CPU time of the best run {min(r['cpu'] for r in runs):.2f} s)")
    print(f"issue as they arrive (import --issue): {N / direct:,.0f} invoices/s ({direct / N * 1e3:.2f} ms each, "
          "validated, stored as drafts, issued, audited; best of 3)")
    for name, seconds in steps.items():
        print(f"  {name:36} {seconds * 1e3:7.3f} ms")
    best = min(runs, key=lambda r: r["seconds"])
    gate_ms, rest_ms = best["gate"] / N * 1e3, (best["seconds"] - best["gate"]) / N * 1e3
    print(f"gate, inside the best issuing run: {gate_ms:.2f} ms per document = {best['gate'] / best['seconds']:.0%} of "
          f"issuing, {gate_ms / rest_ms:.0%} on top of the rest ({rest_ms:.2f} ms); CPU "
          f"{best['gate_cpu'] / N * 1e3:.2f} ms = {best['gate_cpu'] / best['cpu']:.0%} of the run's CPU time")
    print(f"the gate's full check, run when the drafts were stored (import): {best['precheck'] / N * 1e3:.2f} ms per "
          "document; import --issue pays it once (above)")
    for name in GATE_STEPS:
        print(f"{name}: {steps[name] * 1e3:.3f} ms alone = {steps[name] / (rest_ms / 1e3):.0%} of issuing without it")
    ctx.close()
    assert best["gate"] / best["seconds"] < 0.10, "target: the gate costs under 10 % of issuing (issue 12)"
    assert N / total >= 500, "target: at least 500 invoices/s on one core"


def step_costs(ctx, draft: InvoiceDraft, rounds: int = 200) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """The cost of each step alone, and the raw cost of one signature and one canonicalisation."""
    with ctx.uow(write=False) as uow:
        seller, identity = service.get_company(uow), signing_identity(uow, get_egs(uow))
    ids = DocumentIds(uuid=draft.id, icv=1, pih=FIRST_PIH)
    root = build_invoice(draft, seller, ids)
    unsigned = build_invoice_text(draft, seller, ids)
    digest = __import__("base64").b64decode(invoice_hash(root))
    with ctx.uow(write=False) as uow:  # the store step as issuing does it: 500 drafts of LINES lines per read
        stored = find_invoice_ids(uow, [f"BENCH-{i:05d}" for i in range(500)])
        per_500 = _time({"load": lambda: repo.load_drafts(uow.session, stored)}, 5)["load"]
        costs = {"load (per draft, read 500 at a time)": per_500 / len(stored)}
    gate_now = ctx.clock()
    texts = iter([build_invoice_text(d, seller, DocumentIds(uuid=d.id, icv=k + 1, pih=FIRST_PIH)).text
                  for k, d in enumerate(distinct_drafts(draft, rounds + 1))])
    timed = {
        GATE_STEPS[0]: lambda: gate(unsigned.text, now=gate_now, number=draft.number),
        GATE_STEPS[1]: lambda: gate(next(texts), now=gate_now, number=draft.number),
        "validate (Python rules)": lambda: validate(draft, seller=seller),
        "totals (compute_totals, uncached)": lambda: _compute(draft),
        "build UBL text (issuing path)": lambda: build_invoice_text(draft, seller, ids),
        "stamp text (hash, sign, XAdES, QR)": lambda: stamp_text(unsigned, identity, signing_time=ctx.clock()),
        "raw: one ECDSA signature (coincurve)": lambda: identity.sign_hash(digest),
        "raw: one C14N of the document (lxml)": lambda: etree.tostring(root, method="c14n"),
        "raw: SHA-256 of the document": lambda: hashlib.sha256(unsigned.text.encode("utf-8")).digest(),
        "tree path: build_invoice (text + parse)": lambda: build_invoice(draft, seller, ids),
        "tree path: stamp (C14N, sign, XAdES, QR)": lambda: stamp(root, identity, signing_time=ctx.clock(),
                                                                 simplified=False),
        "tree path: serialize": lambda: serialize(root),
    }
    return costs | _time(timed, rounds)


GATE_STEPS = ("gate (XSD + XML rules, this document)", "gate, every line of every document distinct")


def distinct_drafts(draft: InvoiceDraft, count: int) -> list[InvoiceDraft]:
    """Drafts whose line names, quantities and prices differ from each other and from every other draft's."""
    def line(k: int, i: int, base: InvoiceLine) -> InvoiceLine:
        return replace(base, name=f"Item {k}-{i}", quantity=Decimal(f"{k + 1}.{i:02d}"),
                       unit_price=Decimal(f"{k * 31 + i * 7 + 10}.{(k + i) % 100:02d}"))

    return [replace(draft, id=__import__("uuid").uuid4(), lines=tuple(line(k, i, b) for i, b in enumerate(draft.lines)))
            for k in range(count)]


def _time(timed: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    costs = {}
    for name, fn in timed.items():
        fn()
        start = time.perf_counter()
        for _ in range(rounds):
            fn()
        costs[name] = (time.perf_counter() - start) / rounds
    return costs
