"""Twenty golden questions (tests/assistant/golden.json, half in Arabic) on the demo company: each is answered through
its expected tool with its expected arguments, and a figure the tool returned, quoted in the answer, is verified.
Offline the model is the local server's script, so this proves the loop and the checks; which tool a real model picks
is an evaluation to run against a provider (DECISIONS)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.assistant import RateLimiter, ToolCall, ask, run_tool
from core.config import AssistantSettings, ModelPrice
from core.invoicing import create_demo
from core.uow import Context
from core.zatca import add_demo_egs
from tests.support.assistant_world import with_key
from tests.support.llm_server import LLMServer

COUNTS = r'"[a-z_]*(?:matching|count|documents|findings|open|shown)[a-z_]*": ?([0-9]+)'  # a count, when no amount
GOLDEN = json.loads((Path(__file__).parent / "golden.json").read_text("utf-8"))


@pytest.fixture
def server(llm: LLMServer) -> LLMServer:
    return llm


def test_the_golden_set_is_twenty_questions_half_arabic() -> None:
    assert len(GOLDEN) == 20 and sum(bool(re.search("[\u0600-\u06ff]", g["q"])) for g in GOLDEN) >= 9
    from core.assistant import TOOLS

    assert {g["tool"] for g in GOLDEN} <= set(TOOLS) and len({g["tool"] for g in GOLDEN}) >= 10


def test_each_golden_question_is_answered_through_its_tool(ctx: Context, server: LLMServer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from core.store.models import Invoice

    monkeypatch.setattr("core.assistant.service.LIMITER", RateLimiter(min_interval=0))
    create_demo(ctx, drafts=40)
    add_demo_egs(ctx, issue=15)
    with with_key(ctx).uow(write=False) as uow:
        number = uow.session.query(Invoice.number).filter(Invoice.status != "draft").order_by(Invoice.number).first()[0]
    settings = AssistantSettings(provider="anthropic", model="claude-test-1", base_url=server.anthropic_url,
                                 prices={"claude-test-1": ModelPrice(Decimal("3"), Decimal("15"))})
    for golden in GOLDEN:
        question = golden["q"].replace("{number}", number)
        arguments = {k: v.replace("{number}", number) if isinstance(v, str) else v for k, v in golden["args"].items()}
        with ctx.uow(write=False) as uow:
            content = run_tool(uow, ToolCall("g", golden["tool"], arguments)).content
        figures = re.findall(r'"amount": ?"([0-9.]+)"', content) or re.findall(COUNTS, content)
        assert figures or golden.get("no_figure"), (question, content)  # a figure to quote, unless said why not
        quoted = figures[0] if figures else "nothing yet"
        server.call(golden["tool"], arguments=arguments)
        server.say(f"According to the books: {quoted}.")
        answer = ask(ctx, settings, question)
        assert [(s.tool, s.arguments, s.ok) for s in answer.steps] == [(golden["tool"], arguments, True)], question
        assert answer.verified, (question, answer.unverified)
        assert answer.text == f"According to the books: {quoted}."
