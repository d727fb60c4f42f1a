"""The coverage report sums coverage.py's per-file figures per package and ignores what is not this tree's source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import coverage_report
from tests.coverage_report import ROOT, Tally, by_package, file_tallies, package_of, render


def _report(files: dict[str, tuple[int, int]]) -> dict[str, object]:
    """A report shaped like `coverage json` output (only the fields the grouping reads, plus noise it must ignore)."""
    return {
        "meta": {"version": "7.18.0"},
        "files": {
            path: {"summary": {"num_statements": total, "covered_lines": run, "missing_lines": total - run}}
            for path, (total, run) in files.items()
        },
    }


def test_files_fall_into_their_capability_package() -> None:
    assert package_of("core/audit/chain.py") == "core/audit"
    assert package_of("core/store/migrations/versions/0001_initial.py") == "core/store"
    assert package_of("core/errors.py") == "core"
    assert package_of("desktop/views/privacy.py") == "desktop/views"
    assert package_of("desktop/app.py") == "desktop"
    assert package_of(str(ROOT / "core" / "zatca" / "qr.py")) == "core/zatca"


def test_code_that_is_not_this_tree_is_not_counted() -> None:
    # The wheel test runs an installed copy in its own venv: its files must not dilute or inflate the figures.
    assert package_of("/tmp/venv/lib/python3.11/site-packages/core/audit/chain.py") is None
    assert package_of("tests/support/pg.py") is None
    assert package_of("setup.py") is None


def test_packages_sum_their_files_and_each_side_has_a_total() -> None:
    files = file_tallies(
        _report(
            {
                "core/audit/chain.py": (100, 90),
                "core/audit/anchor.py": (50, 20),
                "core/errors.py": (10, 10),
                "desktop/views/privacy.py": (200, 100),
                "/elsewhere/site-packages/core/cli/main.py": (1000, 0),
            }
        )
    )
    groups = by_package(files)
    assert groups["core/audit"] == Tally(150, 110)
    assert groups["core"] == Tally(10, 10)
    assert groups["core (all)"] == Tally(160, 120)
    assert groups["desktop (all)"] == Tally(200, 100)
    assert "core/cli" not in groups
    assert groups["core (all)"].percent == pytest.approx(75.0)


def test_an_empty_package_counts_as_fully_run() -> None:
    assert Tally(0, 0).percent == 100.0


def test_the_table_names_each_package_and_the_worst_modules_first() -> None:
    files = {"core/audit/chain.py": Tally(100, 90), "desktop/views/privacy.py": Tally(200, 50)}
    text = render(files, least=1)
    assert "core/audit                          100      10   90.0%" in text
    assert text.rstrip().endswith("desktop/views/privacy.py" + " " * 28 + "   150 missed   25.0%")


def test_report_only_reads_the_last_run_without_running_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(coverage_report, "OUT", tmp_path)
    assert coverage_report.main(["--report-only"]) == 2
    assert "run `python -m tests.coverage_report` first" in capsys.readouterr().err
    (tmp_path / "coverage.json").write_text(json.dumps(_report({"core/gdpr.py": (4, 3)})), "utf-8")
    assert coverage_report.main(["--report-only", "--least", "0"]) == 0
    assert "core (all)                            4       1   75.0%" in capsys.readouterr().out
