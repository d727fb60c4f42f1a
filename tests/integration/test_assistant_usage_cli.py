"""`qayd assistant usage`: the month's calls per user and purpose against the budget, from the store's usage rows
(issue 18, point 4); a bad month is a usage error, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from core.assistant import Sent, Usage, digest_of, month_of, record
from core.bootstrap import open_company
from core.config import load_settings
from tests.integration.conftest import Result


def test_usage_per_user_and_purpose_against_the_budget(run: Callable[..., Result], env: dict[str, str]) -> None:
    ctx = open_company(load_settings(environ=env), create=True, username="clerk")
    with ctx.uow() as uow:
        for usage, purpose in ((Usage(1000, 100), "assistant"), (Usage(3000, 300), "assistant"),
                               (Usage(500, 0), "assistant.summary")):
            sent = Sent("anthropic", "claude-sonnet-4-5", digest_of("body"), usage, purpose)
            record(uow, sent, Decimal("0.4"), currency="USD")
        month = month_of(uow.now())
        uow.commit()
    ctx.close()
    env["QAYD_ASSISTANT_MONTHLY_BUDGET"] = "1.25"
    shown = run("assistant", "usage", "--json")
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert (data["month"], data["spent"], data["budget"], data["currency"]) == (month, "1.2", "1.25", "USD")
    assert [(t["purpose"], t["calls"], t["input_tokens"], t["cost"]) for t in data["totals"]] == [
        ("assistant", 2, 4000, "0.8"), ("assistant.summary", 1, 500, "0.4")]
    text = run("assistant", "usage").stdout
    assert "Spent 1.2 of 1.25 USD (96%)" in text and "Warning: past 80% of the budget" in text
    assert "no calls." in run("assistant", "usage", "--month", "2020-01").stdout
    bad = run("assistant", "usage", "--month", "December")
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output and "Traceback" not in bad.output
