"""`core.payments.keep_paid`: a list's selection narrowed to one paid state, in its order (the CLI and desktop's
--paid filter), and `paid_states` of a window."""

from __future__ import annotations

import pytest

from core.invoicing import BrowseFilter, BrowseSort, browse
from core.payments import keep_paid, make_link, paid_states, poll
from core.uow import Context
from tests.support.fake_provider import FakeProvider, World


def test_keep_paid_keeps_the_order_and_only_the_state(shop: Context, provider: FakeProvider, gateway: World) -> None:
    for number in ("INV-P-0001", "INV-P-0003"):
        link = make_link(shop, provider, number)
        assert link is not None
        gateway.pay(link.link_id)
    poll(shop, provider)
    with shop.uow(write=False) as uow:
        keys = browse.keys(uow, BrowseFilter(), BrowseSort("number", descending=True))
        rows = {r.key: r for r in browse.rows(uow, keys)}
        paid, outstanding = keep_paid(uow, keys, "paid"), keep_paid(uow, keys, "outstanding")
        states = paid_states(uow, [r.id for r in rows.values()])
        with pytest.raises(ValueError, match="unknown paid state 'settled'"):
            keep_paid(uow, keys, "settled")
    assert [rows[k].number for k in paid] == ["INV-P-0003", "INV-P-0001"]  # the selection's order, descending
    assert [rows[k].number for k in outstanding] == ["INV-P-0002"]
    assert {rows[k.hex].number: s for k, s in states.items()} == {
        "INV-P-0001": "paid", "INV-P-0002": "outstanding", "INV-P-0003": "paid"}
    with shop.uow(write=False) as uow:
        assert keep_paid(uow, [], "paid") == []
