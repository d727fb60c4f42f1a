"""`qayd pay …`, `qayd payments …` and `qayd invoice list --paid` as a person runs them."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from core.bootstrap import PAYMENTS_KEY_SECRET
from core.uow import Context
from tests.integration.conftest import Result
from tests.support.fake_provider import World

Run = Callable[..., Result]


@pytest.fixture
def keyed(shop: Context, gateway: World, env: dict[str, str]) -> Context:
    env["QAYD_PAYMENTS_PROVIDER"] = "fake"
    with shop.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, b"fake-key", now=uow.now())
        uow.commit()
    return shop


def test_link_poll_list_and_the_paid_filter(keyed: Context, gateway: World, run: Run) -> None:
    made = run("pay", "link", "INV-P-0001")
    assert made.exit_code == 0, made.output
    assert "https://pay.example/lnk_000001" in made.stdout and "575.00" in made.stdout
    gateway.pay("lnk_000001")
    polled = run("payments", "poll")
    assert polled.exit_code == 0 and "1 payment(s) matched" in polled.stdout
    listed = json.loads(run("payments", "list", "--json").stdout)
    assert [(p["payment_ref"], p["invoice_number"], p["amount"], p["state"]) for p in listed] == [
        ("pay_000001", "INV-P-0001", "575.00", "matched")]
    paid = json.loads(run("invoice", "list", "--paid", "paid", "--json").stdout)
    assert [(d["number"], d["paid_status"]) for d in paid] == [("INV-P-0001", "paid")]
    rest = json.loads(run("invoice", "list", "--paid", "outstanding", "--json").stdout)
    assert sorted(d["number"] for d in rest) == ["INV-P-0002", "INV-P-0003"]
    again = run("pay", "link", "INV-P-0001")
    assert again.exit_code == 0 and "nothing is outstanding" in again.stdout


def test_a_mismatch_is_shown_in_both_languages_by_the_poll(keyed: Context, gateway: World, run: Run) -> None:
    assert run("pay", "link", "INV-P-0002").exit_code == 0
    gateway.pay("lnk_000001", currency="USD")
    polled = run("payments", "poll", "--json")
    body = json.loads(polled.stdout)
    assert body["unmatched"] == 1 and body["findings"][0]["rule"] == "QAYD-PAY-CURRENCY"
    assert body["findings"][0]["message_ar"]
    gateway.pay("lnk_000001", currency="EUR")
    arabic = run("payments", "poll", "--arabic")
    assert arabic.exit_code == 0 and "عملة الدفعة" in arabic.stdout and "QAYD-PAY-CURRENCY" in arabic.stdout


@pytest.mark.parametrize("amount", ["abc", "0", "-5", "1.234", "NaN", "1e400"])
def test_a_refund_amount_that_is_not_money_is_refused_naming_the_option(keyed: Context, run: Run,
                                                                        amount: str) -> None:
    result = run("pay", "refund", "INV-P-0001", "--amount", amount)
    assert result.exit_code == 2 and "--amount" in result.stderr and "Traceback" not in result.output


def test_a_refund_beyond_what_was_paid_is_refused_with_the_rule(keyed: Context, run: Run) -> None:
    result = run("pay", "refund", "INV-P-0001", "--amount", "10")
    assert result.exit_code == 2 and "QAYD-PAY-REFUND-LIMIT" in result.output


def test_a_link_for_a_draft_is_refused(keyed: Context, run: Run) -> None:
    from datetime import UTC, datetime

    from tests.support.issuing_world import a_draft, save

    save(keyed, a_draft("DRAFT-1", datetime(2026, 11, 21, tzinfo=UTC)))
    result = run("pay", "link", "DRAFT-1")
    assert result.exit_code == 6 and "not an issued invoice" in result.output


def test_without_a_key_the_fix_names_the_secret(shop: Context, gateway: World, env: dict[str, str],
                                                run: Run) -> None:
    env["QAYD_PAYMENTS_PROVIDER"] = "fake"
    result = run("pay", "link", "INV-P-0001")
    assert result.exit_code == 7 and "qayd secrets set payments.api_key" in result.output


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("QAYD_PAYMENTS_PROVIDER", "paypal", "payments.provider"),
    ("QAYD_PAYMENTS_BASE_URL", "http://pay.example.com", "payments.base_url"),
    ("QAYD_PAYMENTS_CURRENCY", "sar", "payments.currency"),
])
def test_bad_payment_settings_are_refused_naming_the_setting(shop: Context, gateway: World, env: dict[str, str],
                                                             run: Run, name: str, value: str, shown: str) -> None:
    env[name] = value
    result = run("pay", "link", "INV-P-0001")
    assert result.exit_code == 3 and shown in result.output and "Traceback" not in result.output
