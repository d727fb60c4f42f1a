"""One data subject's access export and erasure in a store with 1 000 000 audit entries and 100 000 invoices.

Target: each within 2 s. The subject is an individual customer with 20 issued invoices and 10 drafts (their audit
entries, a rectification, a request, reads in the access log); around them, 100 000 drafts of the demo customers
written through `InvoiceBatch`, then 1 000 000 chained audit entries written straight into SQLite, one in ten
carrying a payload sealed for some other subject (so the index of sealed payloads is not trivially small).
The WAL is checkpointed before each measurement: the store is at rest, as a person would find it.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import time
from pathlib import Path

import pytest

from core.audit.chain import checkpoint_message, entry_digest, make_body
from core.audit.service import verify_store
from core.invoicing import service
from core.privacy import erasure
from core.privacy.export import export_subject
from core.uow import Context
from tests.benchmarks.test_bench_audit import open_bench
from tests.support.bulk import add_drafts
from tests.support.privacy import EMAIL, add_person, encodings

pytestmark = pytest.mark.benchmark
INVOICES = 100_000
ENTRIES = 1_000_000
TARGET_S = 2.0


def add_invoices(ctx: Context, n: int) -> None:
    with ctx.uow(write=False) as uow:
        others = [c for c in service.list_customers(uow, limit=1000) if c.name != "Zubayda Qasimova"]
    add_drafts(ctx, n, prefix="BENCH", customers=others)


def add_entries(ctx: Context, n: int, every: int = 1000) -> None:
    """n chained entries (with signed checkpoints) straight into SQLite; one in ten sealed for another subject."""
    device = str(ctx.device_id)
    conn = sqlite3.connect(ctx.db.path)
    conn.execute("PRAGMA synchronous=OFF")
    seq, prev = conn.execute("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1").fetchone()
    ct = base64.b64encode(os.urandom(120)).decode()
    rows, cps, at = [], [], ""
    for _ in range(n):
        seq += 1
        at = f"2026-11-25T07:{seq // 60 % 60:02d}:{seq % 60:02d}.{seq % 1000000:06d}+00:00"
        payload: dict[str, object] = {"data": {"number": f"INV-{seq}", "payable": "1150.00", "lines": 3}}
        if seq % 10 == 0:
            other = f"customer:00000000-0000-4000-8000-{seq % 50_000:012d}"
            payload["personal"] = {"ct": ct, "key": "00000000-0000-4000-8000-000000000000", "subject": other}
        body = make_body(at=at, actor="user:3c66acbb-b581-4f87-9107-b14a21f8940f", device=device,
                         action="invoice.draft_created", subject=f"invoice:{seq:036d}", payload=payload)
        digest = entry_digest(prev, seq, body.encode())
        rows.append((seq, body, prev, digest))
        prev = digest
        if seq % every == 0:
            cps.append((seq, digest.hex(), at, device,
                        ctx.device_key.sign(checkpoint_message(device, seq, digest.hex(), at))))
        if len(rows) == 50_000:
            conn.executemany("INSERT INTO audit_entry (seq, body, prev_hash, hash) VALUES (?,?,?,?)", rows)
            rows = []
    conn.executemany("INSERT INTO audit_entry (seq, body, prev_hash, hash) VALUES (?,?,?,?)", rows)
    if not cps or cps[-1][0] != seq:
        cps.append((seq, prev.hex(), at, device, ctx.device_key.sign(checkpoint_message(device, seq, prev.hex(), at))))
    conn.executemany("INSERT INTO audit_checkpoint VALUES (?,?,?,?,?)", cps)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    ctx.head_file.unlink(missing_ok=True)


def at_rest(ctx: Context) -> None:
    conn = sqlite3.connect(ctx.db.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    os.sync()


def test_export_and_erase_one_subject_in_a_large_store(tmp_path: Path) -> None:
    ctx = open_bench(tmp_path)
    t0 = time.perf_counter()
    person = add_person(ctx, demo_drafts=20, issued=20, drafts=10)
    add_invoices(ctx, INVOICES)
    t1 = time.perf_counter()
    add_entries(ctx, ENTRIES)
    t2 = time.perf_counter()
    size_mb = ctx.db.path.stat().st_size / 1e6
    print(f"\nprivacy: setup {INVOICES:,} invoices in {t1 - t0:.0f} s, {ENTRIES:,} audit entries in {t2 - t1:.0f} s; "
          f"database {size_mb:.0f} MB")

    at_rest(ctx)
    start = time.perf_counter()
    result = export_subject(ctx, person.subject, tmp_path / "export")
    export_s = time.perf_counter() - start
    print(f"privacy: access export of one subject: {export_s:.2f} s ({result.records:,} records, "
          f"{len(result.files)} files)")

    at_rest(ctx)
    with ctx.uow(write=False) as uow:
        start = time.perf_counter()
        plan = erasure.preview(uow, person.subject)
        preview_s = time.perf_counter() - start
    start = time.perf_counter()
    erased = erasure.erase(ctx, person.subject)
    erase_s = time.perf_counter() - start
    print(f"privacy: erasure preview {preview_s:.2f} s; erasure (one transaction, certificate, WAL checkpoint) "
          f"{erase_s:.2f} s ({erased.erased} erased, {erased.kept} kept, {plan.counts['audit_entries']} audit "
          f"entries of the subject)")

    blob = ctx.db.path.read_bytes()
    wal = Path(f"{ctx.db.path}-wal")
    blob += wal.read_bytes() if wal.exists() else b""
    assert erased.wal_cleared and not any(form in blob for form in encodings(EMAIL))
    assert len(plan.keep) == 21 and plan.counts["drafts"] == 10
    start = time.perf_counter()
    assert verify_store(ctx).ok
    print(f"privacy: the chain of {ENTRIES:,}+ entries still verifies ({time.perf_counter() - start:.1f} s)")
    if os.environ.get("QAYD_BENCH_VACUUM"):  # why erasure does not VACUUM: its cost on this store
        ctx.close()
        conn = sqlite3.connect(ctx.db.path)
        start = time.perf_counter()
        conn.execute("VACUUM")
        print(f"privacy: VACUUM of the {size_mb:.0f} MB store would add {time.perf_counter() - start:.1f} s")
        conn.close()
    else:
        ctx.close()
    assert export_s <= TARGET_S, "target: an access export within 2 s"
    assert erase_s <= TARGET_S, "target: an erasure within 2 s"
