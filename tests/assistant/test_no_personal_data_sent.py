"""Issue 18's first bar, end to end: 200 generated questions in Arabic and English that name planted customers, with
their phones, e-mails, ids and IBANs, asked through `core.assistant.ask` against the local server of the provider's
API (a quarter of them answered through a tool whose result names customers): the request bodies the server
recorded hold zero bytes of any planted personal value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.assistant import ask
from core.config import AssistantSettings, ModelPrice
from core.uow import Context
from tests.assistant.test_no_personal_data_out import BUSINESSES, PEOPLE, _leaks, plant, planted_forms, questions
from tests.support.assistant_world import with_key
from tests.support.llm_server import LLMServer


@pytest.fixture
def server(llm: LLMServer) -> LLMServer:
    return llm


def test_two_hundred_questions_sent_leave_no_planted_personal_byte(ctx: Context, server: LLMServer,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from core.assistant import RateLimiter
    # the process's limiter keeps a second between calls (a provider's courtesy); 250 calls here need none
    monkeypatch.setattr("core.assistant.service.LIMITER", RateLimiter(min_interval=0))

    plant(ctx)
    with_key(ctx)
    settings = AssistantSettings(provider="openai", model="gpt-test-1", base_url=server.openai_url,
                                 prices={"gpt-test-1": ModelPrice(Decimal("3"), Decimal("15"))})
    asked = questions()
    for index, question in enumerate(asked):
        if index % 4 == 0:  # the model reads the customers' list: names come back from a tool and go out again
            server.call("top_customers", arguments={})
        server.say("Here is what the books say.")
        answer = ask(ctx, settings, question)
        assert answer.text == "Here is what the books say."
    assert len(server.requests) == 250
    forms = planted_forms(PEOPLE + BUSINESSES)
    leaked = {form for request in server.requests for form in _leaks(request.body.decode("utf-8"), forms)}
    assert leaked == set()
    assert server.leaks(sorted(forms)) == []
