"""The provider adapters against a faithful local server of both APIs: what goes out is each provider's documented wire
format, what comes back is the neutral Reply, and every failure is the assistant's error with no key in it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from core.assistant import (
    AssistantError,
    AssistantNotConfigured,
    AssistantRefused,
    AssistantUnavailable,
    Provider,
    ToolCall,
    ToolResult,
    ToolSpec,
    Turn,
    build_provider,
)
from core.support.scrub import exception_record
from tests.support.llm_server import LLMServer

KEY = "sk-test-qayd-0123456789"
MODELS = {"anthropic": "claude-test-1", "openai": "gpt-test-1", "compatible": "local-llama"}
ALL = list(MODELS)
SYSTEM = "You answer from the company's books."
SALES = ToolSpec("sales_by_period", "Sales and VAT for a period.", {
    "type": "object", "properties": {"year": {"type": "integer"}, "quarter": {"type": "integer"}},
    "required": ["year"]})


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(api_key=KEY) as fake:
        yield fake
    assert fake.internal_errors == []


@pytest.fixture(autouse=True)
def closed() -> Iterator[None]:
    yield
    while MADE:
        MADE.pop().close()  # type: ignore[attr-defined]


MADE: list[Provider] = []


def make(server: LLMServer, name: str, *, key: str = KEY, model: str | None = None) -> Provider:
    url = server.anthropic_url if name == "anthropic" else server.openai_url
    MADE.append(build_provider(name, model=model or MODELS[name], api_key=key, base_url=url))
    return MADE[-1]


def ask(provider: Provider, *turns: Turn, tools: tuple[ToolSpec, ...] = (SALES,), timeout: float = 10.0,
        max_tokens: int = 512):
    return provider.complete(SYSTEM, turns or (Turn("user", "Who owes us the most?"),), tools,
                             max_tokens=max_tokens, timeout=timeout)


def test_anthropic_text_answer_on_the_messages_wire(server: LLMServer) -> None:
    server.say("Customer 7 owes SAR 12,400.")
    reply = ask(make(server, "anthropic"))
    assert (reply.text, reply.calls, reply.stop, reply.model) == ("Customer 7 owes SAR 12,400.", (), "end",
                                                                  "claude-test-1")
    sent = server.requests[-1]
    assert sent.path == "/v1/messages" and sent.headers["anthropic-version"]
    assert KEY in (sent.headers.get("x-api-key"), sent.headers.get("authorization", "")[7:])
    assert sent.json["system"] == SYSTEM and sent.json["max_tokens"] == 512
    assert sent.json["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Who owes us the most?"}]}]
    assert sent.json["tools"] == [{"name": "sales_by_period", "description": "Sales and VAT for a period.",
                                   "input_schema": dict(SALES.parameters)}]
    assert reply.request_id == sent.answer["id"]


@pytest.mark.parametrize("name", ["openai", "compatible"])
def test_openai_text_answer_on_the_chat_wire(server: LLMServer, name: str) -> None:
    server.say("العميل 7 مدين بمبلغ 12,400 ريال.")
    reply = ask(make(server, name))
    assert (reply.text, reply.calls, reply.stop) == ("العميل 7 مدين بمبلغ 12,400 ريال.", (), "end")
    sent = server.requests[-1]
    assert sent.path == "/v1/chat/completions" and sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.json["messages"] == [{"role": "system", "content": SYSTEM},
                                     {"role": "user", "content": "Who owes us the most?"}]
    assert sent.json["tools"] == [{"type": "function", "function": {
        "name": "sales_by_period", "description": "Sales and VAT for a period.", "parameters": dict(SALES.parameters)}}]
    # OpenAI's own models take max_completion_tokens; a compatible server is sent the older name it knows
    limit = "max_tokens" if name == "compatible" else "max_completion_tokens"
    assert sent.json[limit] == 512 and ({"max_tokens", "max_completion_tokens"} - {limit}).isdisjoint(sent.json)


@pytest.mark.parametrize("name", ALL)
def test_usage_is_the_providers_count(server: LLMServer, name: str) -> None:
    server.say("Forty-two invoices wait for clearance.")
    reply = ask(make(server, name))
    sent = server.requests[-1]
    counted = sent.answer["usage"]
    assert reply.usage.input_tokens == len(sent.body) // 4 > 0
    assert reply.usage.output_tokens == counted.get("output_tokens", counted.get("completion_tokens")) > 0


@pytest.mark.parametrize("name", ALL)
def test_a_tool_call_round_trip(server: LLMServer, name: str) -> None:
    provider = make(server, name)
    question = Turn("user", "Why is VAT due higher this quarter?")
    server.call(("sales_by_period", {"year": 2026, "quarter": 3}), ("sales_by_period", {"year": 2026, "quarter": 2}))
    first = ask(provider, question)
    assert first.stop == "tool_use" and [c.name for c in first.calls] == ["sales_by_period"] * 2
    assert [dict(c.arguments) for c in first.calls] == [{"year": 2026, "quarter": 3}, {"year": 2026, "quarter": 2}]
    assert len({c.id for c in first.calls}) == 2 and all(c.id for c in first.calls)

    results = tuple(ToolResult(c.id, json.dumps({"vat": f"{q}00.00"}))
                    for c, q in zip(first.calls, (9, 6), strict=True))
    server.say("VAT rose from 600.00 to 900.00.")
    second = ask(provider, question, Turn("assistant", calls=first.calls), Turn("tool", results=results))
    assert (second.text, second.stop) == ("VAT rose from 600.00 to 900.00.", "end")

    messages = server.requests[-1].json["messages"]
    ids = [c.id for c in first.calls]
    if name == "anthropic":
        assert messages[1] == {"role": "assistant", "content": [
            {"type": "tool_use", "id": ids[0], "name": "sales_by_period", "input": {"year": 2026, "quarter": 3}},
            {"type": "tool_use", "id": ids[1], "name": "sales_by_period", "input": {"year": 2026, "quarter": 2}}]}
        assert messages[2] == {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": ids[0], "content": '{"vat": "900.00"}', "is_error": False},
            {"type": "tool_result", "tool_use_id": ids[1], "content": '{"vat": "600.00"}', "is_error": False}]}
    else:
        assert messages[2]["role"] == "assistant" and messages[2]["content"] is None
        assert [(c["id"], c["type"], c["function"]["name"], json.loads(c["function"]["arguments"]))
                for c in messages[2]["tool_calls"]] == [
            (ids[0], "function", "sales_by_period", {"year": 2026, "quarter": 3}),
            (ids[1], "function", "sales_by_period", {"year": 2026, "quarter": 2})]
        assert messages[3:] == [{"role": "tool", "tool_call_id": ids[0], "content": '{"vat": "900.00"}'},
                                {"role": "tool", "tool_call_id": ids[1], "content": '{"vat": "600.00"}'}]


@pytest.mark.parametrize("name", ALL)
def test_a_result_that_answers_no_call_is_refused_as_the_provider_would(server: LLMServer, name: str) -> None:
    stray = Turn("tool", results=(ToolResult("call_that_never_was", "{}"),))
    with pytest.raises(AssistantRefused, match="HTTP 400"):
        ask(make(server, name), Turn("user", "Hello"), Turn("assistant", "Hi"), stray)


@pytest.mark.parametrize("name", ALL)
def test_an_answer_cut_at_max_tokens(server: LLMServer, name: str) -> None:
    server.say("A long explanation of the VAT return. " * 40)
    reply = ask(make(server, name), max_tokens=20)
    assert reply.stop == "max_tokens" and reply.usage.output_tokens == 20


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(("headers", "wait"), [
    ({"retry_after": "7"}, 7.0),
    ({"retry_after_ms": "1500", "retry_after": "2"}, 1.5),
    ({"retry_after": "in 120 s, as an HTTP date"}, 120.0),
])
def test_429_says_when_to_try_again(server: LLMServer, name: str, headers: dict[str, str], wait: float) -> None:
    if headers.get("retry_after", "").startswith("in "):
        headers = {"retry_after": format_datetime(datetime.now(UTC) + timedelta(seconds=wait), usegmt=True)}
    server.fail_next(429, **headers)
    with pytest.raises(AssistantUnavailable) as caught:
        ask(make(server, name))
    assert caught.value.retry_after == pytest.approx(wait, abs=2)
    assert len(server.requests) == 1  # the SDK did not retry on its own
    assert "429" in str(caught.value)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("status", [500, 503, 529])
def test_server_errors_are_unavailable(server: LLMServer, name: str, status: int) -> None:
    server.fail_next(status)
    with pytest.raises(AssistantUnavailable) as caught:
        ask(make(server, name))
    assert caught.value.retry_after is None and f"HTTP {status}" in str(caught.value)
    assert len(server.requests) == 1
    if name == "anthropic" and status == 529:
        assert "overloaded_error" in str(caught.value)


@pytest.mark.parametrize("name", ALL)
def test_a_stall_past_the_timeout_is_unavailable(server: LLMServer, name: str) -> None:
    server.stall_next(3.0)
    with pytest.raises(AssistantUnavailable, match="in time"):
        ask(make(server, name), timeout=0.3)
    server.say("Back.")
    assert ask(make(server, name)).text == "Back."


def test_no_connection_is_unavailable() -> None:
    with LLMServer(api_key=KEY) as gone:
        url = gone.openai_url
    provider = build_provider("compatible", model="local-llama", api_key="", base_url=url)
    MADE.append(provider)
    with pytest.raises(AssistantUnavailable, match="could not be reached"):
        ask(provider)


@pytest.mark.parametrize("name", ALL)
def test_a_wrong_key_is_refused_without_the_key(server: LLMServer, name: str) -> None:
    wrong = "sk-live-wrong-SECRET-9876543210"
    with pytest.raises(AssistantRefused) as caught:
        ask(make(server, name, key=wrong))
    text = f"{caught.value} {caught.value.fix} {caught.value!r}"
    assert "HTTP 401" in text and "qayd secrets set assistant.api_key" in text
    assert "SECRET" not in text and wrong[:6] not in text and "3210" not in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("name", ALL)
def test_an_unknown_model_is_refused(server: LLMServer, name: str) -> None:
    with pytest.raises(AssistantRefused, match="HTTP 404") as caught:
        ask(make(server, name, model="no-such-model"))
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("name", ALL)
def test_the_key_is_in_no_error(server: LLMServer, name: str) -> None:
    provider = make(server, name)
    failures: list[AssistantError] = []
    for status in (400, 401, 403, 404, 429, 500, 529):
        server.fail_next(status, retry_after="1")
        with pytest.raises(AssistantError) as caught:
            ask(provider)
        failures.append(caught.value)
    server.stall_next(2.0)
    with pytest.raises(AssistantError) as caught:
        ask(provider, timeout=0.2)
    failures.append(caught.value)
    for failure in failures:
        assert KEY not in f"{failure} {failure.fix} {failure!r}"
        record = exception_record(failure)  # what a crash file or a support bundle would hold
        assert record["causes"] == [] and KEY not in json.dumps(record)


def test_the_compatible_endpoint_needs_no_key() -> None:
    with LLMServer(api_key=None) as local:
        local.call("sales_by_period", arguments={"year": 2026})
        provider = build_provider("compatible", model="local-llama", api_key="", base_url=local.openai_url)
        MADE.append(provider)
        reply = ask(provider)
        assert provider.name == "compatible" and reply.calls[0].arguments == {"year": 2026}
        assert local.requests[-1].path == "/v1/chat/completions"
    assert local.internal_errors == []


@pytest.mark.parametrize("module", ["anthropic", "openai"])
def test_without_the_sdk_the_assistant_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import` of it raises ImportError, as when it is not installed
    for name in ("anthropic",) if module == "anthropic" else ("openai", "compatible"):
        with pytest.raises(AssistantNotConfigured) as caught:
            build_provider(name, model=MODELS[name], api_key=KEY, base_url="http://127.0.0.1:9/v1")
        assert "pip install 'qayd[assistant]'" in caught.value.fix


@pytest.mark.parametrize(("name", "model", "key", "url", "says"), [
    ("gemini", "m", KEY, None, "Unknown assistant provider"),
    ("anthropic", "", KEY, None, "No assistant model"),
    ("anthropic", "claude-test-1", "", None, "No API key"),
    ("openai", "gpt-test-1", "", None, "No API key"),
    ("compatible", "local-llama", "", None, "endpoint's address"),
])
def test_what_is_missing_is_named(name: str, model: str, key: str, url: str | None, says: str) -> None:
    with pytest.raises(AssistantNotConfigured, match=says):
        build_provider(name, model=model, api_key=key, base_url=url)


def test_importing_the_adapters_imports_no_sdk() -> None:
    code = ("import sys, core.assistant.providers, core.assistant; core.assistant.build_provider; "
            "assert not {'anthropic', 'openai'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_conversation_keeps_its_order_and_merges_one_roles_turns(server: LLMServer) -> None:
    call = ToolCall("toolu_1", "sales_by_period", {"year": 2026})
    turns = (Turn("user", "Sales in 2026?"), Turn("assistant", "Let me look.", calls=(call,)),
             Turn("tool", results=(ToolResult("toolu_1", '{"error": "no such year"}', is_error=True),)),
             Turn("user", "And in 2025?"))
    server.say("2025: SAR 1,000.00")
    ask(make(server, "anthropic"), *turns)
    assert server.requests[-1].json["messages"][1:] == [
        {"role": "assistant", "content": [{"type": "text", "text": "Let me look."},
                                          {"type": "tool_use", "id": "toolu_1", "name": "sales_by_period",
                                           "input": {"year": 2026}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                      "content": '{"error": "no such year"}', "is_error": True},
                                     {"type": "text", "text": "And in 2025?"}]}]
    server.say("2025: SAR 1,000.00")
    ask(make(server, "openai"), *turns)
    assert server.requests[-1].json["messages"][2:] == [
        {"role": "assistant", "content": "Let me look.", "tool_calls": [
            {"id": "toolu_1", "type": "function", "function": {"name": "sales_by_period",
                                                               "arguments": '{"year": 2026}'}}]},
        {"role": "tool", "tool_call_id": "toolu_1", "content": 'Error: {"error": "no such year"}'},
        {"role": "user", "content": "And in 2025?"}]


def test_the_server_refuses_what_the_real_apis_would(server: LLMServer) -> None:
    """The fake itself, spoken to without an SDK: each refusal in the provider's own error shape."""
    import httpx

    messages = f"{server.anthropic_url}/v1/messages"
    chat = f"{server.openai_url}/chat/completions"
    version = {"anthropic-version": "2023-06-01"}
    hello = [{"role": "user", "content": "Hello"}]
    cases = [
        (messages, version, {"model": "claude-test-1", "max_tokens": 9, "messages": hello}, 401,
         "authentication_error"),
        (messages, {"x-api-key": KEY}, {"model": "claude-test-1", "max_tokens": 9, "messages": hello}, 400,
         "invalid_request_error"),
        (messages, {**version, "x-api-key": KEY}, {"model": "claude-test-1", "messages": hello}, 400,
         "invalid_request_error"),
        (messages, {**version, "x-api-key": KEY}, {"model": "claude-x", "max_tokens": 9, "messages": hello}, 404,
         "not_found_error"),
        (messages, {**version, "x-api-key": KEY}, {"model": "claude-test-1", "max_tokens": 9, "messages": [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "x", "input": {}}]}]}, 400,
         "invalid_request_error"),
        (chat, {}, {"model": "gpt-test-1", "messages": hello}, 401, "invalid_request_error"),
        (chat, {"authorization": f"Bearer {KEY}"}, {"messages": hello}, 400, "invalid_request_error"),
        (chat, {"authorization": f"Bearer {KEY}"}, {"model": "gpt-x", "messages": hello}, 404,
         "invalid_request_error"),
        (chat, {"authorization": f"Bearer {KEY}"}, {"model": "gpt-test-1", "messages": [
            *hello, {"role": "assistant", "content": None, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "x", "arguments": "{}"}}]},
            {"role": "user", "content": "and?"}]}, 400, "invalid_request_error"),
    ]
    for url, headers, body, status, kind in cases:
        answer = httpx.post(url, json=body, headers=headers, timeout=10)
        assert answer.status_code == status, (url, body, answer.text)
        error = answer.json()
        if url == messages:
            assert error["type"] == "error" and error["error"]["type"] == kind and error["error"]["message"]
        else:
            assert set(error["error"]) == {"message", "type", "param", "code"} and error["error"]["type"] == kind
    assert [r.status for r in server.requests] == [c[3] for c in cases]
    assert [json.loads(r.body) for r in server.requests] == [c[2] for c in cases]  # every body recorded as sent


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("body", [b"<html>502 Bad Gateway</html>", b'{"unexpected": true}', b"[1, 2]"])
def test_an_answer_that_is_not_the_api_is_unavailable(server: LLMServer, name: str, body: bytes) -> None:
    server.garble_next(body)
    with pytest.raises(AssistantUnavailable, match="not its API's answer"):
        ask(make(server, name))


@pytest.mark.parametrize("name", ALL)
def test_leaks_finds_a_value_however_the_body_spells_it(server: LLMServer, name: str) -> None:
    """The check the privacy tests lean on: it finds a sent value in the bytes and in the parsed body alike."""
    name_ar, quoted, phone, iban = "أحمد الغامدي", 'O"Brien', "+966 50 123 4567", "SA03 8000 0000 6080 1016 7519"
    server.say("ok")
    ask(make(server, name), Turn("user", f"How much does {name_ar} ({quoted}) owe?"))
    assert server.leaks([name_ar, quoted, phone, iban]) == [name_ar, quoted]
    # a body that spells Arabic as JSON's \\uXXXX escapes (ensure_ascii), and one seen only once parsed
    sent = server.requests[-1]
    server.requests.append(dataclasses.replace(sent, body=json.dumps({"q": "هاتف 0501234567"}).encode(), json=None))
    server.requests.append(dataclasses.replace(sent, body=b"", json={iban: phone}))
    assert b"\\u0647" in server.requests[-2].body
    assert server.leaks(["هاتف 0501234567", phone, iban, "absent"]) == ["هاتف 0501234567", phone, iban]


@pytest.mark.parametrize("name", ALL)
def test_the_digest_of_what_was_sent(server: LLMServer, name: str) -> None:
    provider = make(server, name)
    for question in ("First question?", "Second question?"):
        server.say("ok")
        ask(provider, Turn("user", question))
        assert provider.last_digest == hashlib.sha256(server.requests[-1].body).hexdigest()  # type: ignore[attr-defined]
    assert len({hashlib.sha256(r.body).hexdigest() for r in server.requests}) == 2


@pytest.mark.parametrize("name", ALL)
def test_a_redirect_is_not_followed(server: LLMServer, name: str) -> None:
    with LLMServer(api_key=KEY) as elsewhere:
        server.redirect_next(f"{elsewhere.openai_url}/chat/completions")
        with pytest.raises(AssistantRefused, match="HTTP 307"):
            ask(make(server, name))
        assert elsewhere.requests == [] and len(server.requests) == 1
