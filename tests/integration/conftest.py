"""Fixtures for integration tests: the `qayd` command line run in-process through its real entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.cli import main


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def run(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run `qayd` in-process through its real entry point (exit codes, error messages), with `env` set."""
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")

    def invoke(*args: str) -> Result:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        code = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke
