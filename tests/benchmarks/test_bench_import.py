"""Importing 10 000 invoice drafts from one JSON file: parse, validate, store and audit, in one transaction."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from core.invoicing import service
from core.invoicing.demo import create_demo, demo_customers, demo_drafts, demo_products
from core.invoicing.interchange import draft_to_json, load_json_file, parse_documents
from tests.benchmarks.test_bench_audit import open_bench

pytestmark = pytest.mark.benchmark
N = 10_000


def test_import_10k_drafts(tmp_path: Path) -> None:
    ctx = open_bench(tmp_path)
    create_demo(ctx, drafts=0)
    docs = [draft_to_json(d) for d in demo_drafts(demo_customers(), demo_products(), N, ctx)]
    for i, doc in enumerate(docs):
        doc.pop("id")
        doc["number"] = f"BENCH-{i:06d}"
        for line in doc["lines"]:
            line.pop("product_id", None)
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps(docs, ensure_ascii=False), "utf-8")

    t0 = time.perf_counter()
    drafts, findings = parse_documents(load_json_file(path))
    t1 = time.perf_counter()
    with ctx.uow() as uow:
        result = service.import_drafts(uow, drafts, rules_checked=True)
        uow.commit()
    t2 = time.perf_counter()
    print(f"\nimport: {N:,} drafts ({path.stat().st_size / 1e6:.1f} MB JSON) in {t2 - t0:.2f} s: "
          f"parse {t1 - t0:.2f} s, validate+store+audit {t2 - t1:.2f} s ({N / (t2 - t0):,.0f} drafts/s)")
    assert not [f for f in findings if f.is_error]
    assert len(result.numbers) == N
    ctx.close()
