"""Doctor against a real central PostgreSQL (TLS, verify-full): the login, the schema, its clock, the last sync."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.config import Settings, load_settings
from core.health import Status, health_probes, run_checks
from core.secrets import manager
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import Install, World


@pytest.fixture
def world(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


def settings_of(world: World, install: Install) -> Settings:
    return load_settings(environ={"QAYD_DATA_DIR": str(world.folder / install.name), "QAYD_COMPANY": "acme"},
                         config_file=world.folder / f"{install.name}.toml")


def statuses(install: Install, settings: Settings) -> dict[str, Status]:
    probes = replace(health_probes(settings, install.ctx), zatca_time=None)  # central is the clock compared with
    return {c.id: c.status for c in run_checks(install.ctx, settings, probes=probes).checks}


def test_a_connected_desk_is_healthy_and_a_wrong_password_fails_the_central_check(world: World) -> None:
    desk = world.install("a")
    desk.sync()
    settings = settings_of(world, desk)
    found = statuses(desk, settings)
    assert {k: found[k] for k in ("central.connection", "clock.skew", "sync.last_sync", "sync.conflicts")} == {
        "central.connection": Status.OK, "clock.skew": Status.OK, "sync.last_sync": Status.OK,
        "sync.conflicts": Status.OK}
    assert Status.FAIL not in found.values()

    with desk.ctx.uow() as uow:
        manager.set_secret(uow, "central.password", b"not-the-password")
        uow.commit()
    broken = run_checks(desk.ctx, settings, probes=replace(health_probes(settings, desk.ctx), zatca_time=None))
    assert {c.id for c in broken.checks if c.status is Status.FAIL} == {"central.connection"}
    assert "refused the login" in next(c.found for c in broken.checks if c.id == "central.connection")
