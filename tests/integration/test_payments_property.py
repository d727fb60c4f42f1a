"""Replayed, reordered and interrupted event pages give exactly one payment per paid invoice (a property test)."""

from __future__ import annotations

import random
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.payments import PaymentUnavailable, make_link, paid_statuses, poll
from core.uow import Context
from tests.support import fake_provider
from tests.support.fake_provider import FakeProvider, World
from tests.support.payments_world import issue

INVOICES = 5
RESET = ("DELETE FROM payment_refund", "DELETE FROM payment", "DELETE FROM payment_event", "DELETE FROM payment_link",
         "DELETE FROM payment_cursor")


def _reset(ctx: Context) -> None:
    with sqlite3.connect(ctx.db.path) as conn:
        for statement in RESET:
            conn.execute(statement)


def _poll_until_done(ctx: Context, provider: FakeProvider, limit: int) -> None:
    for _ in range(50):  # each failure is transient: the next poll goes on from the cursor
        try:
            poll(ctx, provider, limit=limit)
            return
        except PaymentUnavailable:
            continue
    raise AssertionError("the poll never finished")


def _scenario(ctx: Context, numbers: list[str], data: st.DataObject) -> set[str]:
    fake_provider.WORLDS.clear()
    gateway: World = fake_provider.world()
    provider = FakeProvider(api_key="fake-key")
    linked = data.draw(st.lists(st.sampled_from(numbers), unique=True), "linked")
    links = {n: make_link(ctx, provider, n) for n in linked}
    paid = set(data.draw(st.lists(st.sampled_from(linked), unique=True), "paid") if linked else [])
    order = data.draw(st.permutations(sorted(paid)), "payment order")
    for number in order:
        link = links[number]
        assert link is not None
        gateway.pay(link.link_id)
        if data.draw(st.booleans(), "poll in between"):
            _poll_until_done(ctx, provider, limit=3)
    gateway.replay = data.draw(st.integers(0, 6), "replayed events per page")
    gateway.shuffle = random.Random(data.draw(st.integers(0, 2**16), "shuffle seed"))
    for _ in range(data.draw(st.integers(0, 3), "failures")):
        gateway.fail_next(PaymentUnavailable("503"), after=data.draw(st.integers(0, 6), "after"))
    _poll_until_done(ctx, provider, limit=data.draw(st.integers(1, 4), "page size"))
    return paid


def test_replayed_reordered_and_interrupted_pages_give_one_payment_per_paid_invoice(ctx: Context) -> None:
    from tests.support.issuing_world import ready_to_issue

    ready_to_issue(ctx)
    numbers = issue(ctx, INVOICES)

    @settings(max_examples=25, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.data())
    def prop(data: st.DataObject) -> None:
        _reset(ctx)
        paid = _scenario(ctx, numbers, data)
        with sqlite3.connect(ctx.db.path) as conn:
            per_invoice = dict(conn.execute(
                "SELECT i.number, count(*) FROM payment p JOIN invoice i ON i.id = p.invoice_id "
                "WHERE p.state = 'matched' GROUP BY i.number").fetchall())
            unmatched = conn.execute("SELECT count(*) FROM payment WHERE state != 'matched'").fetchone()[0]
            events = conn.execute("SELECT count(*), count(DISTINCT event_id) FROM payment_event").fetchone()
        assert per_invoice == dict.fromkeys(paid, 1) and unmatched == 0
        assert events[0] == events[1] == len(paid)  # every event stored, once
        with ctx.uow(write=False) as uow:
            states = {s.number: s.state for s in paid_statuses(uow).values()}
        assert states == {n: "paid" if n in paid else "outstanding" for n in numbers}

    prop()
