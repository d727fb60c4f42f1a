"""Payments stay out of start-up: neither `qayd --version`, the paid-status column of `invoice list` nor the desktop
at start loads a provider's SDK, the adapters or the HTTP stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.integration.test_cli_imports import ROOT, demo_company, probe

PROVIDER_STACK = {"stripe", "httpx", "core.payments.stripe", "core.payments.moyasar"}


def test_version_loads_no_payment_module(tmp_path: Path) -> None:
    env = demo_company(tmp_path, drafts=0, issued=0)
    _out, modules, code = probe(env, "--version")
    assert code == 0
    assert not {m for m in modules if m.startswith(("core.payments", "stripe"))}


def test_the_paid_column_of_invoice_list_loads_no_provider(tmp_path: Path) -> None:
    env = demo_company(tmp_path, drafts=6, issued=3)
    out, modules, code = probe(env, "invoice", "list", "--json", "--paid", "outstanding")
    assert code == 0 and '"paid_status": "outstanding"' in out
    assert "core.payments.status" in modules  # the column was computed: the check below is not vacuous
    assert modules.isdisjoint(PROVIDER_STACK), sorted(modules & PROVIDER_STACK)


def test_the_desktop_at_start_loads_no_payment_provider() -> None:
    probe_code = ("import json, sys\nimport desktop.app, desktop.sync_controller, desktop.payments_poller\n"
                  "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe_code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                           "QT_QPA_PLATFORM": "offscreen"})
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "desktop.payments_poller" in modules
    assert not {m for m in modules if m.split(".")[0] == "stripe" or m.startswith(("core.payments.stripe",
                                                                                  "core.payments.moyasar"))}
