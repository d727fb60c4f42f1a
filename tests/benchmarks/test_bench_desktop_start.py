"""Start-up: a fresh `python -m desktop.app` process to the first painted main window with the demo company.

Target: ≤ 1.5 s, best of 3, measured from just before the process is spawned to the moment its report line (printed
right after the main window's first paint event) arrives. Also printed: the app's own phase times (Qt loaded,
settings and core ready, company opened, window built, painted; seconds since the interpreter started running
`desktop.app`) and the import time of everything the window needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.config import load_settings
from core.invoicing.demo import create_demo
from core.zatca.demo import add_demo_egs

pytestmark = pytest.mark.benchmark
ROOT = Path(__file__).resolve().parents[2]
TARGET_S = 1.5
RUNS = 3


def demo_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    env = {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "demo", "QAYD_MASTER_KEY_SOURCE": "file",
           "QAYD_CONFIG": str(config)}
    settings = load_settings(environ=env, config_file=config)
    ctx = open_company(settings, create=True)
    try:
        create_demo(ctx, drafts=300)
        add_demo_egs(ctx, issue=20)
    finally:
        ctx.close()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QAYD_")}
    return {**clean, **env, "QT_QPA_PLATFORM": "offscreen"}


def start_once(env: dict[str, str]) -> tuple[float, dict[str, float]]:
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "desktop.app", "--startup-report"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - began
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0 and line.startswith("{"), err[-2000:]
    return elapsed, json.loads(line)


def import_time(env: dict[str, str]) -> float:
    code = ("import time; t = time.perf_counter(); import PySide6.QtWidgets, core.bootstrap, desktop.shell; "
            "from desktop.views.registry import view_classes; view_classes(); print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def test_start_to_first_paint(tmp_path: Path) -> None:
    env = demo_env(tmp_path)
    start_once(env)  # warm the file cache and the .pyc files, as any second start would be
    runs = [start_once(env) for _ in range(RUNS)]
    imports = min(import_time(env) for _ in range(RUNS))
    for elapsed, phases in runs:
        print(f"\nstart to first paint: {elapsed:.3f} s   phases (s since desktop.app began): {phases}")
    best = min(elapsed for elapsed, _ in runs)
    print(f"imports (PySide6.QtWidgets, core, shell, every view module), best of {RUNS}: {imports:.3f} s")
    print(f"best of {RUNS}: {best:.3f} s (target ≤ {TARGET_S} s)")
    assert best <= TARGET_S
