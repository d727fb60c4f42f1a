"""A process killed in the middle of a write leaves no partial invoice and no broken chain."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.audit.service import verify_store
from core.bootstrap import open_company
from core.config import load_settings
from core.invoicing.demo import create_demo, demo_customers, demo_drafts, demo_products
from core.invoicing.interchange import draft_to_json

ROOT = Path(__file__).parents[2]
DRAFTS = 1500


def env_for(data: Path) -> dict[str, str]:
    # Each copy of the pristine folder is a copy of one install: its own state folder keeps each copy's audit head
    # anchor apart (sharing one would rightly show the copies' chains as cut back against each other).
    return {"QAYD_DATA_DIR": str(data), "QAYD_COMPANY": "crash", "QAYD_MASTER_KEY_SOURCE": "env",
            "QAYD_MASTER_KEY": base64.b64encode(b"c" * 32).decode(), "XDG_STATE_HOME": f"{data}-state"}


def open_ctx(data: Path, tmp: Path, create: bool = False):  # type: ignore[no-untyped-def]
    (tmp / "empty.toml").write_text("", "utf-8")
    settings = load_settings(environ=env_for(data), config_file=tmp / "empty.toml")
    return open_company(settings, create=create, environ=env_for(data), username="crash-test")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A company with demo data, closed cleanly, and a file of drafts to import into it."""
    tmp = tmp_path_factory.mktemp("crash")
    data = tmp / "pristine"
    ctx = open_ctx(data, tmp, create=True)
    create_demo(ctx, drafts=5)
    drafts = demo_drafts(demo_customers(), demo_products(), DRAFTS, ctx)
    ctx.close()
    docs = [dict(draft_to_json(d), number=f"BULK-{i:05d}") for i, d in enumerate(drafts)]
    for doc in docs:  # the ids of a fresh demo set are unknown to this company: import as new documents
        doc.pop("id")
        for line in doc["lines"]:
            line.pop("product_id", None)
    big = tmp / "bulk.json"
    big.write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    return data, big


def run_import(data: Path, big: Path, kill_after: float | None) -> float:
    env = {**os.environ, **env_for(data)}
    start = time.perf_counter()
    args = [sys.executable, "-m", "core.cli", "--config", str(big.parent / "empty.toml"), "invoice", "import",
            str(big)]
    if kill_after is None:
        done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    else:
        proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    return time.perf_counter() - start


def bulk_state(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        invoices = conn.execute("SELECT count(*) FROM invoice WHERE number LIKE 'BULK-%'").fetchone()[0]
        orphans = conn.execute("SELECT count(*) FROM invoice i WHERE NOT EXISTS "
                               "(SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id)").fetchone()[0]
        audited = conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'invoice.draft_created' "
                               "AND json_extract(body, '$.payload.data.number') LIKE 'BULK-%'").fetchone()[0]
    return invoices, orphans, audited


def copy_install(pristine: Path, to: Path) -> None:
    """The data folder and the state folder with its audit head anchor: the install as it stood."""
    shutil.copytree(pristine, to)
    shutil.copytree(f"{pristine}-state", f"{to}-state")


def test_kill_during_import_leaves_all_or_nothing(prepared: tuple[Path, Path], tmp_path: Path) -> None:
    pristine, big = prepared
    full = tmp_path / "full"
    copy_install(pristine, full)
    duration = run_import(full, big, None)
    assert bulk_state(full / "companies" / "crash.sqlite") == (DRAFTS, 0, DRAFTS)
    outcomes = set()
    for fraction in (0.5, 0.8, 0.9, 0.95, 0.98):
        data = tmp_path / f"killed-{fraction}"
        copy_install(pristine, data)
        run_import(data, big, duration * fraction)
        invoices, orphans, audited = bulk_state(data / "companies" / "crash.sqlite")
        assert invoices in (0, DRAFTS) and orphans == 0 and audited == invoices, (fraction, invoices, audited)
        ctx = open_ctx(data, tmp_path)
        report = verify_store(ctx)
        ctx.close()
        assert report.ok, (fraction, report)
        outcomes.add(invoices)
    assert 0 in outcomes  # at least one kill landed before the commit, so the test really interrupted work
