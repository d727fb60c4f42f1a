"""Coverage per package: `python -m tests.coverage_report` runs the suite under coverage.py and prints the figures.

The default `pytest` run is not measured (tracing slows every test); this is the separate, measured run. Extra
arguments go to pytest (`python -m tests.coverage_report tests/unit`); `--report-only` re-prints the last run's figures
from build/coverage/coverage.json without running anything; `--add tests/x.py` adds the figures of more tests to the
last run's; `--limit 1200` stops the tests after 20 minutes and reports what ran.
Settings are in pyproject.toml ([tool.coverage.*]).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "coverage"
MEASURED = ("core", "desktop")


@dataclass(frozen=True)
class Tally:
    """Statements in a group of files and how many of them ran."""

    statements: int = 0
    covered: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.statements + other.statements, self.covered + other.covered)

    @property
    def percent(self) -> float:
        # An empty package (only docstrings) has nothing left to run: it counts as fully covered, like coverage.py.
        return 100.0 * self.covered / self.statements if self.statements else 100.0


def package_of(path: str) -> str | None:
    """`core/audit/chain.py` -> `core/audit`; `core/errors.py` -> `core`; anything outside core/desktop -> None."""
    parts = Path(path.replace("\\", "/")).parts
    if Path(path).is_absolute():
        try:
            parts = Path(path).resolve().relative_to(ROOT).parts
        except ValueError:  # an installed copy (the wheel test's venv): not this tree's source
            return None
    if not parts or parts[0] not in MEASURED:
        return None
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def _relative(path: str) -> str:
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return path
    return candidate.as_posix()


def file_tallies(report: Mapping[str, object]) -> dict[str, Tally]:
    """Each measured file of a `coverage json` report (relative path) with its statements and covered lines."""
    files = report.get("files", {})
    assert isinstance(files, dict), "not a coverage.py JSON report: no 'files'"
    tallies: dict[str, Tally] = {}
    for path, data in files.items():
        if package_of(path) is None:
            continue
        summary = data["summary"]
        tallies[_relative(path)] = Tally(int(summary["num_statements"]), int(summary["covered_lines"]))
    return tallies


def by_package(files: Mapping[str, Tally]) -> dict[str, Tally]:
    """The files' tallies summed per package, plus one line per measured top-level package (`core`, `desktop` total)."""
    groups: dict[str, Tally] = {}
    for path, tally in files.items():
        package = package_of(path)
        assert package is not None
        groups[package] = groups.get(package, Tally()) + tally
        total = f"{package.split('/')[0]} (all)"
        groups[total] = groups.get(total, Tally()) + tally
    return dict(sorted(groups.items()))


def render(files: Mapping[str, Tally], least: int = 15) -> str:
    """The per-package table, then the `least` modules with the most lines never run."""
    lines = [f"{'package':<28}{'statements':>11}{'missed':>8}{'cover':>8}"]
    for package, tally in by_package(files).items():
        lines.append(f"{package:<28}{tally.statements:>11}{tally.statements - tally.covered:>8}{tally.percent:>7.1f}%")
    if least:
        lines += ["", f"The {least} modules with the most lines never run:"]
        worst = sorted(files.items(), key=lambda item: item[1].covered - item[1].statements)[:least]
        for path, tally in worst:
            lines.append(f"  {path:<52}{tally.statements - tally.covered:>6} missed{tally.percent:>7.1f}%")
    return "\n".join(lines)


def run_suite(pytest_args: Sequence[str], *, add: bool = False, limit: float | None = None) -> int:
    """Run pytest under coverage (subprocesses too), combine and write the JSON report; pytest's exit status.

    `add` keeps the last run's data and adds this run's (new tests measured without re-running the suite); `limit`
    interrupts pytest after that many seconds, as Ctrl-C would, so the figures of what ran are still written.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    # An absolute data file: the subprocesses tests start often run in another folder.
    env = {**os.environ, "COVERAGE_FILE": str(OUT / ".coverage"), "QT_QPA_PLATFORM": "offscreen"}
    coverage = [sys.executable, "-m", "coverage"]
    if not add:
        subprocess.run([*coverage, "erase"], cwd=ROOT, env=env, check=True)
    tests = subprocess.Popen([*coverage, "run", "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
                             cwd=ROOT, env=env)
    try:
        status = tests.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        print(f"\nStopped after {limit:.0f} s: the figures below are of the tests that ran.", file=sys.stderr)
        status = _stop(tests)
    subprocess.run([*coverage, "combine", "-q", *(["--append"] if add else [])], cwd=ROOT, env=env, check=True)
    subprocess.run([*coverage, "json", "-q", "-o", str(OUT / "coverage.json")], cwd=ROOT, env=env, check=True)
    return status


def _stop(tests: subprocess.Popen[bytes]) -> int:
    """Ctrl-C, so that fixtures tear down (the PostgreSQL servers stop) and coverage saves; again while a test that
    runs `qayd` in-process takes the interrupt as its own (the CLI answers it with "Aborted."); SIGTERM at last."""
    for _ in range(3):
        tests.send_signal(signal.SIGINT)
        try:
            return tests.wait(timeout=30)
        except subprocess.TimeoutExpired:
            continue
    tests.terminate()  # [run] sigterm = true: the data is still written
    return tests.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.coverage_report", description=__doc__)
    parser.add_argument("--report-only", action="store_true", help="print the last run's figures, run nothing")
    parser.add_argument("--add", action="store_true", help="add this run's figures to the last run's")
    parser.add_argument("--limit", type=float, help="stop the tests after this many seconds and report what ran")
    parser.add_argument("--least", type=int, default=15, help="how many least-covered modules to list")
    args, pytest_args = parser.parse_known_args(argv)
    status = 0 if args.report_only else run_suite(pytest_args, add=args.add, limit=args.limit)
    report_file = OUT / "coverage.json"
    if not report_file.exists():
        print(f"No coverage report at {report_file}: run `python -m tests.coverage_report` first.", file=sys.stderr)
        return 2
    print(render(file_tallies(json.loads(report_file.read_text("utf-8"))), args.least))
    return status


if __name__ == "__main__":
    sys.exit(main())
