"""The local Stripe itself refuses what Stripe refuses and lists as Stripe lists: raw HTTP, no SDK in between."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import httpx
import pytest

from tests.support.stripe_server import TEST_KEY, FakeStripe


@pytest.fixture
def stripe_server() -> Iterator[FakeStripe]:
    ticks = itertools.count(1_796_000_000)
    with FakeStripe(clock=lambda: float(next(ticks))) as server:
        yield server
        assert server.internal_errors == []


def test_the_fake_refuses_json_bodies_missing_keys_and_crossed_cursors(stripe_server: FakeStripe) -> None:
    session = stripe_server.books.create_session({"mode": "payment", "line_items": [{"quantity": "1", "price_data": {
        "currency": "sar", "unit_amount": "100", "product_data": {"name": "x"}}}]}, {})
    payment_id = stripe_server.pay(str(session["id"]))
    api = httpx.Client(base_url=stripe_server.base_url, headers={"Authorization": f"Bearer {TEST_KEY}"})
    with api:
        as_json = api.post("/v1/refunds", json={"payment_intent": "pi_1"})
        nobody = httpx.get(f"{stripe_server.base_url}/v1/events")
        basic = httpx.get(f"{stripe_server.base_url}/v1/events", auth=(TEST_KEY, ""))
        crossed = api.get("/v1/events", params={"starting_after": "evt_1", "ending_before": "evt_2"})
        too_many = api.get("/v1/events", params={"limit": "101"})
        fractional = api.post("/v1/refunds", data={"payment_intent": payment_id, "amount": "12.5"})

    assert as_json.status_code == 400 and "form-encoded" in as_json.json()["error"]["message"]
    assert nobody.status_code == 401 and nobody.json()["error"]["type"] == "invalid_request_error"
    assert basic.status_code == 200 and basic.json()["object"] == "list"
    assert crossed.status_code == 400 and too_many.status_code == 400
    assert fractional.json()["error"]["code"] == "parameter_invalid_integer"  # minor units are integers


def test_the_fake_lists_newest_first_both_ways(stripe_server: FakeStripe) -> None:
    ids = [stripe_server.pay(str(stripe_server.books.create_session(
        {"mode": "payment", "line_items": [{"quantity": "1", "price_data": {
            "currency": "sar", "unit_amount": "100", "product_data": {"name": "x"}}}]}, {})["id"]))
        for _ in range(5)]
    api = httpx.Client(base_url=stripe_server.base_url, auth=(TEST_KEY, ""))
    with api:
        everything = api.get("/v1/events", params={"types[]": "payment_intent.succeeded", "limit": "100"}).json()
        newest = [e["data"]["object"]["id"] for e in everything["data"]]
        older = api.get("/v1/events", params={"types[0]": "payment_intent.succeeded", "limit": "2",
                                              "starting_after": everything["data"][1]["id"]}).json()
        newer = api.get("/v1/events", params={"types[0]": "payment_intent.succeeded", "limit": "2",
                                              "ending_before": everything["data"][4]["id"]}).json()

    assert newest == ids[::-1] and everything["has_more"] is False
    assert [e["data"]["object"]["id"] for e in older["data"]] == [ids[2], ids[1]] and older["has_more"] is True
    assert [e["data"]["object"]["id"] for e in newer["data"]] == [ids[2], ids[1]] and newer["has_more"] is True
