"""Re-verifying stored documents (what `qayd audit verify` adds per issued document), against its floor.

The floor, measured in the same run on the same stored documents: what no verifier can skip, namely parsing the
stored XML, recomputing the invoice hash (C14N + SHA-256) and one ECDSA signature verification per document
(libsecp256k1, as the verifier uses).
"""

from __future__ import annotations

import base64
import sqlite3
import time
from pathlib import Path

import coincurve
import pytest

from core.zatca import issuing
from core.zatca.hashing import invoice_hash, parse_document
from core.zatca.stored import verify_documents
from tests.benchmarks.test_bench_issue import prepare

pytestmark = pytest.mark.benchmark


def floor_seconds(xmls: list[bytes]) -> float:
    key = coincurve.PrivateKey()
    signature, public = key.sign(b"x" * 64), coincurve.PublicKey(key.public_key.format())
    started = time.perf_counter()
    for xml in xmls:
        digest = base64.b64decode(invoice_hash(parse_document(xml)))
        assert len(digest) == 32 and public.verify(signature, b"x" * 64)  # libsecp256k1, as the verifier uses
    return time.perf_counter() - started


def test_verify_1000_stored_documents_of_20_lines(tmp_path: Path) -> None:
    ctx, numbers = prepare(tmp_path / "store")
    with ctx.uow() as uow:
        issuing.issue_many(uow, numbers)
        uow.commit()
    with sqlite3.connect(ctx.db.path) as conn:
        xmls = [bytes(row[0]) for row in conn.execute("SELECT xml FROM issued_document")]
    runs = []
    for _ in range(3):  # best of three: the machine is shared
        started = time.perf_counter()
        report = verify_documents(ctx)
        runs.append(time.perf_counter() - started)
        assert report.documents == len(numbers) and not report.broken
    best, floor = min(runs), min(floor_seconds(xmls) for _ in range(3))
    n = len(numbers)
    print(f"\nstored documents: {n:,} of 20 lines re-verified in {best:.2f} s = {best / n * 1e3:.2f} ms each "
          f"(best of 3); floor (parse + invoice hash + one ECDSA verify) {floor / n * 1e3:.2f} ms each; "
          f"ratio {best / floor:.1f}x; 100,000 documents ≈ {best / n * 100_000:.0f} s")
    ctx.close()
