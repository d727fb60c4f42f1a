"""The assistant end to end, against the local server of the OpenAI and Anthropic APIs (tests/support/llm_server.py):
a question answered from the books through a tool, nothing personal in what was sent, every number checked, each
call recorded and audited; and what is refused before anything is sent (no settings, no key, incident, budget)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.assistant import AssistantNotConfigured, BudgetExceeded, ToolCall, ask, run_tool, unverified_numbers
from core.config import AssistantSettings, ModelPrice
from core.errors import IncidentHold
from core.invoicing import create_demo
from core.uow import Context
from core.zatca import add_demo_egs
from tests.support.assistant_world import with_key
from tests.support.llm_server import LLMServer


@pytest.fixture
def server(llm: LLMServer) -> LLMServer:
    return llm


@pytest.fixture
def books(ctx: Context) -> Context:
    create_demo(ctx, drafts=40)
    add_demo_egs(ctx, issue=15)
    with_key(ctx)
    return ctx


def settings_for(server: LLMServer, provider: str = "openai", **changes: object) -> AssistantSettings:
    url = server.openai_url if provider != "anthropic" else server.anthropic_url
    model = "claude-test-1" if provider == "anthropic" else "gpt-test-1"  # models the local server knows
    base = {"provider": provider, "model": model, "base_url": url,
            "prices": {model: ModelPrice(Decimal("3"), Decimal("15"))}}
    return AssistantSettings(**{**base, **changes})  # type: ignore[arg-type]


def names_of(ctx: Context) -> list[str]:
    from core.store.models import Customer

    with ctx.uow(write=False) as uow:
        return [c.name for c in uow.session.query(Customer).all() if c.name]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_question_is_answered_from_a_tool_with_nothing_personal_sent(books: Context, server: LLMServer,
                                                                     provider: str) -> None:
    with books.uow(write=False) as uow:
        result = json.loads(run_tool(uow, ToolCall("x", "outstanding_invoices", {})).content)
    figure = result["total_outstanding"][0]["amount"]  # the SAR total, first
    server.call("outstanding_invoices", arguments={})
    server.say(f"Customers owe {figure} SAR in all.")
    answer = ask(books, settings_for(server, provider), "How much do customers owe us?")
    assert answer.text == f"Customers owe {figure} SAR in all."
    assert [s.tool for s in answer.steps] == ["outstanding_invoices"] and answer.steps[0].ok
    assert answer.verified and answer.unverified == ()
    assert len(server.requests) == 2 and server.leaks(names_of(books)) == []
    assert answer.input_tokens > 0 and answer.cost > 0
    with books.uow(write=False) as uow:
        from core.store.models import AssistantUsage, AuditEntry

        rows = uow.session.query(AssistantUsage).all()
        audited = [e.body for e in uow.session.query(AuditEntry).filter(AuditEntry.action == "assistant.called")]
    assert len(rows) == 2 and sum((r.cost for r in rows), Decimal(0)) == answer.cost
    assert len(audited) == 2 and all("How much" not in body for body in audited)


def test_a_number_no_tool_gave_is_marked_unverified(books: Context, server: LLMServer) -> None:
    server.say("You are owed 999,999.99 SAR by ٣ customers.")
    answer = ask(books, settings_for(server), "How much are we owed?")
    assert not answer.verified and answer.unverified == ("3", "999999.99")
    assert unverified_numbers("Total 1,250.50 SAR", ['{"amount": "1250.5"}']) == []


def test_nothing_is_sent_past_the_budget(books: Context, server: LLMServer) -> None:
    server.say("never sent")
    with pytest.raises(BudgetExceeded):
        ask(books, settings_for(server, monthly_budget=Decimal("0.0001")), "Who owes us the most?")
    assert server.requests == []


def test_without_a_provider_or_a_key_it_says_what_is_missing(ctx: Context, server: LLMServer) -> None:
    with pytest.raises(AssistantNotConfigured) as caught:
        ask(ctx, AssistantSettings(), "Who owes us the most?")
    assert "[assistant] provider" in caught.value.fix
    with pytest.raises(AssistantNotConfigured) as caught:
        ask(ctx, settings_for(server), "Who owes us the most?")  # no key in this company's secret store
    assert "assistant.api_key" in caught.value.fix
    assert server.requests == []


def test_incident_mode_holds_the_assistant(books: Context, server: LLMServer) -> None:
    from core.incident import start

    start(books, reason="key compromise drill")
    with pytest.raises(IncidentHold):
        ask(books, settings_for(server), "Who owes us the most?")
    assert server.requests == []
