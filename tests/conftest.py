"""Shared fixtures: an in-memory keyring, settings in a temporary data folder, a fixed clock, a company."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # real widgets, no display; before anything loads Qt

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from core.bootstrap import open_company
from core.config import Settings, load_settings
from core.secrets import MemoryKeyring
from core.uow import Context

# A real PostgreSQL for the central-sync tests (started on first use), and the multi-install world on it.
pytest_plugins = ["tests.support.pg_fixtures", "tests.support.sync_world", "tests.support.payments_world",
                  "tests.support.assistant_world"]


@pytest.fixture(scope="session", autouse=True)
def state_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user's state folder (where the env key source keeps its audit head anchors) in a temporary folder."""
    previous, folder = os.environ.get("XDG_STATE_HOME"), tmp_path_factory.mktemp("state")
    os.environ["XDG_STATE_HOME"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = previous


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous: KeyringBackend = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class StepClock:
    """A clock that starts at a fixed instant and moves one millisecond per reading."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"QAYD_DATA_DIR": str(tmp_path / "data"), "QAYD_COMPANY": "acme"}


@pytest.fixture
def settings(tmp_path: Path, env: dict[str, str]) -> Settings:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    return load_settings(environ=env, config_file=config)


@pytest.fixture
def ctx(settings: Settings, clock: StepClock) -> Iterator[Context]:
    context = open_company(settings, create=True, clock=clock, username="tester")
    yield context
    context.close()
