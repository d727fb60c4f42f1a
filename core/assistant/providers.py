"""The provider adapters: Anthropic's Messages API and OpenAI's Chat Completions through their official SDKs, and an
OpenAI-compatible endpoint (a model the company runs itself, reached with the OpenAI SDK and its `base_url`).

Each adapter is a `core.assistant.model.Provider`: it translates the neutral conversation (Turn, ToolSpec, ToolCall,
ToolResult) to its wire format and the answer back, makes one request with the SDK's own retries off (the caller's
rate limiter decides when to try again) and maps every failure to the assistant's errors:

- 429, 5xx (Anthropic's 529 "overloaded" too), a timeout or no connection → AssistantUnavailable, with `retry_after`
  from the answer's `retry-after-ms` or `retry-after` header (seconds or an HTTP date);
- any other 4xx → AssistantRefused, naming the provider's error type and its message (the key masked, cut short);
- no SDK installed → AssistantNotConfigured, naming `pip install 'qayd[assistant]'`.

The SDKs are imported in the constructors only: importing this module costs nothing and needs neither SDK.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Literal, NoReturn, TypeVar

from core.assistant.errors import AssistantNotConfigured, AssistantRefused, AssistantUnavailable
from core.assistant.model import Provider, Reply, ToolCall, ToolResult, ToolSpec, Turn, Usage
from core.clock import retry_after_seconds

_T = TypeVar("_T")
Stop = Literal["end", "tool_use", "max_tokens"]
PROVIDERS = ("anthropic", "openai", "compatible")
INSTALL_FIX = "Install the assistant's provider SDKs with `pip install 'qayd[assistant]'`."
KEY_FIX = "Set the provider's API key with `qayd secrets set assistant.api_key`."
# Keys as providers print them back in their own messages ("Incorrect API key provided: sk-abc***xyz").
_KEYISH = re.compile(r"\b(?:sk|pk|rk)[-_][A-Za-z0-9_*\-]{3,}")
_MESSAGE_LIMIT = 200
UNPARSED = "__unparsed_arguments__"  # a tool call whose arguments were not a JSON object: the tool refuses it


def build_provider(name: str, *, model: str, api_key: str, base_url: str | None = None) -> Provider:
    """The adapter for `name` ("anthropic", "openai" or "compatible"); `base_url` is required for "compatible" and
    otherwise points the SDK at a proxy or a test server. The key may be empty only for "compatible"."""
    if name not in PROVIDERS:
        raise AssistantNotConfigured(f"Unknown assistant provider {name!r}.",
                                     fix=f"Set [assistant] provider to one of: {', '.join(PROVIDERS)}.")
    if not model:
        raise AssistantNotConfigured("No assistant model is set.", fix="Set [assistant] model in the settings.")
    if name == "compatible" and not base_url:
        raise AssistantNotConfigured("The compatible provider needs the endpoint's address.",
                                     fix="Set [assistant] base_url to the endpoint (for example http://host:8000/v1).")
    if name != "compatible" and not api_key:
        raise AssistantNotConfigured(f"No API key is set for {name}.", fix=KEY_FIX)
    if name == "anthropic":
        return AnthropicProvider(model=model, api_key=api_key, base_url=base_url)
    return OpenAIProvider(model=model, api_key=api_key, base_url=base_url, name=name)


class AnthropicProvider:
    """Anthropic's Messages API (`POST /v1/messages`) through the `anthropic` SDK."""

    name = "anthropic"

    def __init__(self, *, model: str, api_key: str, base_url: str | None = None) -> None:
        try:
            import anthropic
        except ImportError as missing:
            raise AssistantNotConfigured("The Anthropic SDK is not installed.", fix=INSTALL_FIX) from missing
        _quiet("anthropic")
        self.model = model
        self._sdk = anthropic
        self._key = api_key
        self.last_digest = ""
        self._client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0,
                                           http_client=_http(anthropic, self))
        # The pooled connections close with the adapter, whether or not its user calls `close`.
        self.close = weakref.finalize(self, self._client.close)

    def complete(self, system: str, turns: Sequence[Turn], tools: Sequence[ToolSpec], *, max_tokens: int,
                 timeout: float) -> Reply:
        params: dict[str, Any] = {"model": self.model, "max_tokens": max_tokens, "messages": anthropic_messages(turns)}
        if system:
            params["system"] = system
        if tools:
            params["tools"] = [{"name": t.name, "description": t.description, "input_schema": dict(t.parameters)}
                               for t in tools]
        message = _call(self, lambda: self._client.messages.create(**params, timeout=timeout))
        return _read(self, message, anthropic_reply)


class OpenAIProvider:
    """OpenAI's Chat Completions (`POST /v1/chat/completions`) through the `openai` SDK; with `name` "compatible",
    any endpoint that speaks it (vLLM, llama.cpp's server, Ollama, a gateway) at `base_url`."""

    def __init__(self, *, model: str, api_key: str, base_url: str | None = None, name: str = "openai") -> None:
        try:
            import openai
        except ImportError as missing:
            raise AssistantNotConfigured("The OpenAI SDK is not installed.", fix=INSTALL_FIX) from missing
        _quiet("openai")
        self.name = name
        self.model = model
        self._sdk = openai
        self._key = api_key
        self.last_digest = ""
        # A self-run endpoint often takes no key; the SDK insists on one, and sends it as `Bearer unused`.
        self._client = openai.OpenAI(api_key=api_key or "unused", base_url=base_url, max_retries=0,
                                     http_client=_http(openai, self))
        self.close = weakref.finalize(self, self._client.close)

    def complete(self, system: str, turns: Sequence[Turn], tools: Sequence[ToolSpec], *, max_tokens: int,
                 timeout: float) -> Reply:
        params: dict[str, Any] = {"model": self.model, "messages": openai_messages(system, turns)}
        # OpenAI's own models take `max_completion_tokens` (`max_tokens` is deprecated and refused by reasoning
        # models); compatible servers know `max_tokens`, and not all of them the newer name.
        params["max_tokens" if self.name == "compatible" else "max_completion_tokens"] = max_tokens
        if tools:
            params["tools"] = [{"type": "function", "function": {
                "name": t.name, "description": t.description, "parameters": dict(t.parameters)}} for t in tools]
        completion = _call(self, lambda: self._client.chat.completions.create(**params, timeout=timeout))
        return _read(self, completion, openai_reply)


# -- the wire formats ------------------------------------------------------------------------------------------


def anthropic_messages(turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """The Messages API's `messages`: tool results go back as `tool_result` blocks of a user message, and
    consecutive turns of one role become one message (the API alternates user and assistant)."""
    messages: list[dict[str, Any]] = []
    for turn in turns:
        role = "assistant" if turn.role == "assistant" else "user"
        blocks: list[dict[str, Any]] = [
            {"type": "tool_result", "tool_use_id": r.call_id, "content": r.content, "is_error": r.is_error}
            for r in turn.results]
        if turn.text:
            blocks.append({"type": "text", "text": turn.text})
        blocks += [{"type": "tool_use", "id": c.id, "name": c.name, "input": dict(c.arguments)} for c in turn.calls]
        if not blocks:
            continue
        if messages and messages[-1]["role"] == role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": role, "content": blocks})
    return messages


def anthropic_reply(message: dict[str, Any]) -> Reply:
    """The neutral Reply of a Messages API answer; a KeyError when it is not one."""
    if message.get("type") != "message":
        raise KeyError("type")
    content = message["content"]
    text = "".join(b.get("text", "") for b in content if b.get("type") == "text")
    calls = tuple(ToolCall(id=b["id"], name=b["name"], arguments=b.get("input") or {})
                  for b in content if b.get("type") == "tool_use")
    usage = message.get("usage") or {}
    reason = message.get("stop_reason")
    stop: Stop = "tool_use" if reason == "tool_use" else "max_tokens" if reason == "max_tokens" else "end"
    return Reply(text=text, calls=calls, usage=Usage(int(usage.get("input_tokens") or 0),
                                                     int(usage.get("output_tokens") or 0)),
                 stop=stop, model=str(message.get("model", "")), request_id=str(message.get("id", "")))


def openai_messages(system: str, turns: Sequence[Turn]) -> list[dict[str, Any]]:
    """Chat Completions' `messages`: the system prompt first, an assistant message carrying its `tool_calls`
    (arguments as JSON text), and one `tool` message per result, answering its call by `tool_call_id`."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for turn in turns:
        if turn.role == "tool" or turn.results:
            messages += [{"role": "tool", "tool_call_id": r.call_id, "content": _tool_content(r)}
                         for r in turn.results]
            if turn.text:
                messages.append({"role": "user", "content": turn.text})
        elif turn.role == "assistant":
            message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
            if turn.calls:
                message["tool_calls"] = [{"id": c.id, "type": "function", "function": {
                    "name": c.name, "arguments": json.dumps(dict(c.arguments), ensure_ascii=False)}}
                    for c in turn.calls]
            messages.append(message)
        else:
            messages.append({"role": "user", "content": turn.text})
    return messages


def openai_reply(completion: dict[str, Any]) -> Reply:
    """The neutral Reply of a Chat Completions answer; a KeyError or IndexError when it is not one."""
    choices = completion["choices"]
    message = choices[0]["message"]
    calls = tuple(ToolCall(id=c["id"], name=c["function"]["name"], arguments=_arguments(c["function"]))
                  for c in message.get("tool_calls") or [] if c.get("type", "function") == "function")
    usage = completion.get("usage") or {}  # some compatible servers send none: counted as zero
    reason = choices[0].get("finish_reason") or ""
    stop: Stop = "tool_use" if calls or reason == "tool_calls" else "max_tokens" if reason == "length" else "end"
    # a model that declines says so in `refusal`, with no content
    return Reply(text=message.get("content") or message.get("refusal") or "", calls=calls,
                 usage=Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)),
                 stop=stop, model=str(completion.get("model", "")), request_id=str(completion.get("id", "")))


def _tool_content(result: ToolResult) -> str:
    # Chat Completions has no error flag on a tool message: the model reads it from the content.
    return f"Error: {result.content}" if result.is_error else result.content


def _arguments(function: dict[str, Any]) -> dict[str, Any]:
    raw = function.get("arguments") or "{}"
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return parsed if isinstance(parsed, dict) else {UNPARSED: raw}


# -- errors ----------------------------------------------------------------------------------------------------


def _call(provider: AnthropicProvider | OpenAIProvider, request: Callable[[], _T]) -> _T:
    sdk = provider._sdk
    try:
        return request()
    except sdk.APITimeoutError:
        raise AssistantUnavailable(f"{_label(provider)} did not answer in time.",
                                   fix="Try again later, or allow a longer timeout.") from None
    except sdk.APIConnectionError:
        raise AssistantUnavailable(f"{_label(provider)} could not be reached.",
                                   fix="Check the network connection and the provider's address.") from None
    except sdk.APIStatusError as error:
        _raise_status(provider, error)
    except (sdk.APIError, ValueError):  # an answer the SDK could not read (not JSON, not the API's shape)
        raise _unreadable(provider) from None


def _read(provider: AnthropicProvider | OpenAIProvider, answer: Any, reply: Callable[[dict[str, Any]], Reply]) -> Reply:
    try:
        return reply(answer.to_dict())
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        raise _unreadable(provider) from None


def _unreadable(provider: AnthropicProvider | OpenAIProvider) -> AssistantUnavailable:
    return AssistantUnavailable(f"{_label(provider)} answered with something that is not its API's answer.",
                                fix="Check the provider's address (base_url): a proxy or another server answered.")


def _raise_status(provider: AnthropicProvider | OpenAIProvider, error: Any) -> NoReturn:
    status = int(error.status_code)
    kind, text = _error_of(error.body)
    said = _scrub(f"{kind}: {text}" if text else kind, provider._key)
    if status == 429 or status >= 500:
        wait = _retry_after(error.response.headers)
        raise AssistantUnavailable(f"{_label(provider)} is busy or failing (HTTP {status}, {said}).",
                                   fix="Qayd tries again later.", retry_after=wait) from None
    fix = KEY_FIX if status in (401, 403) else "Correct the request or the settings; sending it again will not help."
    raise AssistantRefused(f"{_label(provider)} refused the request (HTTP {status}, {said}).", fix=fix) from None


def _error_of(body: object) -> tuple[str, str]:
    """The provider's error type and message: Anthropic's `{"type": "error", "error": {type, message}}`, OpenAI's
    `{"error": {message, type, code}}` (its SDK hands over the inner object)."""
    inner = body.get("error", body) if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        return "error", ""
    kind = inner.get("type") or inner.get("code") or "error"
    return str(kind), str(inner.get("message") or "")


def _retry_after(headers: Any) -> float | None:
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    return retry_after_seconds(headers.get("retry-after"))


def _scrub(text: str, key: str) -> str:
    """No key in a message: the one in use, and anything shaped like one the provider echoes back."""
    if key:
        text = text.replace(key, "***")
    text = _KEYISH.sub("***", text)
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT - 1] + "…"


def _label(provider: AnthropicProvider | OpenAIProvider) -> str:
    return {"anthropic": "Anthropic", "openai": "OpenAI"}.get(provider.name, "The assistant's endpoint")


def _http(sdk: Any, adapter: AnthropicProvider | OpenAIProvider) -> Any:
    """The SDK's own HTTP client (its timeouts and pool) with two changes: a redirect is not followed (what leaves
    the desk goes to the configured address only; a 3xx is a refusal), and each request's body is digested as sent
    (`last_digest`, the SHA-256 the audit entry keeps instead of the text)."""
    ref = weakref.ref(adapter)  # the client must not keep its adapter alive (the finalizer closes the client)

    def digest(request: Any) -> None:
        held = ref()
        if held is not None:
            held.last_digest = hashlib.sha256(request.content).hexdigest()

    return sdk.DefaultHttpxClient(follow_redirects=False, event_hooks={"request": [digest]})


def _quiet(logger: str) -> None:
    # The SDKs log each request's options, the conversation included, at DEBUG: an application logging at DEBUG
    # would write what was sent to its log. Qayd never needs them.
    logging.getLogger(logger).setLevel(logging.WARNING)
