"""`qayd invoice list` loads only what listing needs: never the PDF (reportlab, pikepdf), XML (lxml) or PostgreSQL
(psycopg) stacks, nor the HTTP client; checked in a fresh interpreter on a real company with issued documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.bootstrap import open_company
from core.config import load_settings
from core.invoicing.demo import create_demo
from core.zatca.demo import add_demo_egs

ROOT = Path(__file__).resolve().parents[2]
NOT_FOR_LISTING = ("lxml", "reportlab", "pikepdf", "psycopg", "httpx", "saxonche", "signxml", "alembic", "PySide6",
                   "stripe")
PROBE = """
import json, sys
from core.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(sys.modules)) + " EXIT " + str(code))
"""


def demo_company(tmp_path: Path, *, drafts: int, issued: int) -> dict[str, str]:
    """A demo company a child process can open (its master key in a file: the test keyring is in-process only);
    returns the environment that names it."""
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "demo", "QAYD_MASTER_KEY_SOURCE": "file",
           "QAYD_CONFIG": str(config)}
    ctx = open_company(load_settings(environ=env, config_file=config), create=True, environ=env)
    try:
        create_demo(ctx, drafts=drafts)
        add_demo_egs(ctx, issue=issued)
    finally:
        ctx.close()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QAYD_")}
    return {**clean, **env}


def probe(env: dict[str, str], *args: str) -> tuple[str, set[str], int]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    head, _, tail = done.stdout.rpartition("\nMODULES ")
    assert tail, done.stderr[-2000:]
    modules, _, code = tail.rpartition(" EXIT ")
    return head, set(json.loads(modules)), int(code)


def test_invoice_list_loads_no_pdf_xml_or_postgres(tmp_path: Path) -> None:
    env = demo_company(tmp_path, drafts=12, issued=3)
    out, modules, code = probe(env, "invoice", "list", "--limit", "5")
    assert code == 0
    assert "DEMO-" in out and "issued" in out  # it really listed the company's documents
    loaded = {m.split(".")[0] for m in modules}
    assert loaded.isdisjoint(NOT_FOR_LISTING), sorted(loaded & set(NOT_FOR_LISTING))
    assert "sqlalchemy" in loaded  # the store was read: the check above is not vacuous
    assert not {m for m in modules if m.startswith("core.zatca.") or m.startswith("core.reports.")}


def test_invoice_list_with_a_customer_filter_stays_light(tmp_path: Path) -> None:
    env = demo_company(tmp_path, drafts=12, issued=0)
    _out, modules, code = probe(env, "invoice", "list", "--customer", "Al Ofoq Trading", "--json")
    assert code == 0
    assert {m.split(".")[0] for m in modules}.isdisjoint({"reportlab", "pikepdf", "psycopg", "httpx"})
