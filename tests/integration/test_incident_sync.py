"""Incident mode on every desk through central: the incident row travels like any synchronised row, so a desk that
pulls holds the same channels; the sync push is held only when asked, and then only the incident itself travels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import IncidentHold
from core.incident import check_not_held, end, start, status
from tests.integration.test_sync import add_customer
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import World


@pytest.fixture
def desks(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


def test_an_incident_started_on_one_desk_holds_on_the_other_after_a_pull(desks: World) -> None:
    a, b = desks.install("a", demo=2), desks.install("b")
    a.ctx.actor_role = b.ctx.actor_role = "admin"
    add_customer(a, "Before the incident")
    a.sync()
    started = start(a.ctx, "a stolen laptop", hold_sync_push=True)
    add_customer(a, "During the incident")
    pushed = a.sync()
    assert pushed.push_held and pushed.pushed == 1 and pushed.audit_pushed == 0  # the incident alone
    b.sync()
    seen = status(b.ctx)
    assert seen is not None and seen.id == started.id and seen.reason == "a stolen laptop"
    with b.ctx.uow(write=False) as uow, pytest.raises(IncidentHold):
        check_not_held(uow, "mail")
    with b.db() as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM customer")}
    assert "Before the incident" in names and "During the incident" not in names  # a's push is held

    end(b.ctx, "laptop found, disk encrypted")  # an admin on any desk ends it
    b.sync()
    a.sync()
    assert status(a.ctx) is None
    again = a.sync()
    assert not again.push_held
    b.sync()
    with b.db() as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM customer")}
    assert "During the incident" in names  # nothing was lost: it waited in the outbox


def test_without_the_switch_the_push_goes_on(desks: World) -> None:
    a, b = desks.install("a", demo=2), desks.install("b")
    a.ctx.actor_role = "admin"
    start(a.ctx, "mail compromised")
    add_customer(a, "During the incident")
    assert not a.sync().push_held
    b.sync()
    with b.db() as conn:
        assert conn.execute("SELECT count(*) FROM customer WHERE name = 'During the incident'").fetchone()[0] == 1
    assert status(b.ctx) is not None
