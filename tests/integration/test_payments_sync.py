"""Payments travel to central like invoices; a second desk sees the invoice paid and does not record it again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.payments import make_link, paid_statuses, poll
from core.zatca.demo import add_demo_egs
from tests.support.fake_provider import FakeProvider
from tests.support.fake_provider import World as Gateway
from tests.support.pg import PgDatabase, PgServer
from tests.support.sync_world import World


@pytest.fixture
def desks(pg_server: PgServer, central_db: PgDatabase, tmp_path: Path) -> Iterator[World]:
    made = World(pg_server, central_db, tmp_path)
    yield made
    made.close()


def test_a_payment_syncs_to_a_second_desk_which_does_not_record_it_again(
        desks: World, gateway: Gateway, provider: FakeProvider) -> None:
    a = desks.install("a", demo=3)
    add_demo_egs(a.ctx, issue=2)
    with a.db() as conn:
        number = conn.execute("SELECT number FROM invoice WHERE status <> 'draft' AND type = 'invoice' "
                              "ORDER BY number LIMIT 1").fetchone()[0]
    link = make_link(a.ctx, provider, number)
    assert link is not None
    a.sync()
    b = desks.install("b")
    b.sync()
    assert b.count("payment_link") == 1
    gateway.pay(link.link_id)
    # b polls the shared provider account first: the link is a's, so b records nothing (only the owner records it)
    other = poll(b.ctx, provider)
    assert (other.events, other.recorded, other.unmatched, other.findings) == (1, 0, 0, [])
    with b.db() as conn:
        assert conn.execute("SELECT outcome FROM payment_event").fetchall() == [("not_ours",)]
    assert poll(a.ctx, provider).recorded == 1
    a.sync()
    b.sync()
    assert b.count("payment") == 1
    assert desks.snapshot(a)["payment"] == desks.snapshot(b)["payment"]
    with b.ctx.uow(write=False) as uow:
        states = {s.number: s.state for s in paid_statuses(uow).values()}
    assert states[number] == "paid"
    changes, distinct = desks.central_counts()
    assert changes == distinct and a.count("payment") == 1
