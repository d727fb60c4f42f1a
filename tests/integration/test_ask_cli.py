"""`qayd ask` through the real entry point: what is missing said with the fix (exit 13, no traceback, nothing sent),
and an answer from the books with its tool steps and cost as JSON, against the local OpenAI-compatible server."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from core.invoicing import create_demo
from core.uow import Context
from core.zatca import add_demo_egs
from tests.support.assistant_world import with_key
from tests.support.llm_server import LLMServer


@pytest.fixture
def server(llm: LLMServer) -> LLMServer:
    return llm


def test_ask_says_what_is_missing(ctx: Context, run: Callable[..., object], server: LLMServer) -> None:
    result = run("ask", "Who owes us the most?")
    assert result.exit_code == 13 and "not set up" in result.stderr  # type: ignore[attr-defined]
    assert "[assistant] provider" in result.stderr and "Traceback" not in result.stderr  # type: ignore[attr-defined]
    assert server.requests == []


def test_ask_answers_as_json(ctx: Context, run: Callable[..., object], server: LLMServer,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    create_demo(ctx, drafts=30)
    add_demo_egs(ctx, issue=10)
    with_key(ctx)
    for name, value in {"QAYD_ASSISTANT_PROVIDER": "compatible", "QAYD_ASSISTANT_MODEL": "local-llama",
                        "QAYD_ASSISTANT_BASE_URL": server.openai_url,
                        "QAYD_ASSISTANT_PRICES": "local-llama=0.20/0.80"}.items():
        monkeypatch.setenv(name, value)
    server.call("zatca_queue", arguments={})
    server.say("Nothing is waiting for ZATCA.")
    result = run("ask", "Which invoices are waiting for clearance?", "--json")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    body = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert body["answer"] == "Nothing is waiting for ZATCA." and body["verified"] is True
    assert [s["tool"] for s in body["steps"]] == ["zatca_queue"] and body["currency"] == "USD"
    assert body["tokens"]["input"] > 0 and len(server.requests) == 2


def test_only_an_admin_lets_business_names_out(ctx: Context, run: Callable[..., object]) -> None:
    import getpass

    from core.assistant import business_names_sent
    from core.personal.roles import set_role

    assert "pseudonyms" in run("assistant", "business-names").stdout  # type: ignore[attr-defined]
    refused = run("assistant", "business-names", "on")  # the CLI's user came second: a clerk
    assert refused.exit_code == 11 and "admin" in refused.stderr  # type: ignore[attr-defined]
    with ctx.uow() as uow:
        set_role(uow, getpass.getuser(), "admin")
        uow.commit()
    assert "are sent" in run("assistant", "business-names", "on").stdout  # type: ignore[attr-defined]
    with ctx.uow(write=False) as uow:
        assert business_names_sent(uow)
