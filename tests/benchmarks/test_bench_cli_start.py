"""Opening the command line: `qayd --version`, `qayd --help` and `qayd invoice list` on the demo company, each a
fresh process from spawn to exit, best of 5, beside the floors measured in the same run (`python -c pass`, and
`python -c "import sqlite3"` with a connection opened: the least any reader of the store costs).

Targets (issue 14): `--version` and `--help` <= 0.2 s; `invoice list` <= 0.5 s. Each figure is printed with its
ratio to the floor, so a slow or busy machine shows as a high floor rather than as a slow command. Also printed:
how many modules each loads, and the slowest imports of `invoice list` (python -X importtime, cumulative).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.test_cli_imports import demo_company

pytestmark = pytest.mark.benchmark
ROOT = Path(__file__).resolve().parents[2]
RUNS = 5
# the `qayd` console script's own code: import the entry point and call it
ENTRY = "import sys; from core.cli import main; sys.exit(main())"
TARGETS = {"--version": 0.2, "--help": 0.2, "invoice list": 0.5}


def best_of(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The best wall time (spawn to exit) and the best CPU time (user + system: less sensitive to a busy machine)."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def slowest_imports(env: dict[str, str], args: list[str], top: int = 8) -> list[tuple[float, str]]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", ENTRY, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    rows = re.findall(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)", done.stderr)
    outer = [(int(us) / 1e6, name) for us, indent, name in rows if not indent]  # top-level imports only
    return sorted(outer, reverse=True)[:top]


def test_cli_opens_fast(tmp_path: Path) -> None:
    # As installed (pip writes the .pyc files at install time): a PYTHONDONTWRITEBYTECODE in the environment would
    # compile every Qayd module from source on each start (~0.1 s) and measure that instead.
    env = {k: v for k, v in demo_company(tmp_path, drafts=300, issued=20).items() if k != "PYTHONDONTWRITEBYTECODE"}
    commands = {"--version": ["--version"], "--help": ["--help"], "invoice list": ["invoice", "list"]}
    best_of([sys.executable, "-c", ENTRY, "--version"], env)  # warm the file cache and the .pyc files
    floor, floor_cpu = best_of([sys.executable, "-c", "pass"], env)
    print(f"\nload average {os.getloadavg()[0]:.1f}; floor (python -c pass), best of {RUNS}: {floor:.3f} s "
          f"(cpu {floor_cpu:.3f} s)")
    sqlite_floor, _ = best_of([sys.executable, "-c", "import sqlite3; sqlite3.connect(':memory:').close()"], env)
    print(f"second floor (python -c 'import sqlite3', a connection opened): {sqlite_floor:.3f} s")
    figures = {}
    for label, args in commands.items():
        figures[label], cpu = best_of([sys.executable, "-c", ENTRY, *args], env)
        print(f"qayd {label:13} best of {RUNS}: {figures[label]:.3f} s = {figures[label] / floor:5.1f} x floor "
              f"= {figures[label] / sqlite_floor:5.1f} x sqlite floor (cpu {cpu:.3f} s; target <= {TARGETS[label]} s)")
    for seconds, name in slowest_imports(env, commands["invoice list"]):
        print(f"  invoice list imports {name}: {seconds:.3f} s")
    assert all(figures[label] <= target for label, target in TARGETS.items()), figures
