"""The assistant's conversation with a provider, in one shape for every provider (Anthropic's Messages API, OpenAI's
Chat Completions, an OpenAI-compatible endpoint): what is sent (turns, tools), what comes back (text or tool calls,
usage). Adapters (core.assistant.providers) translate; nothing else knows a provider's wire format.

What is in these values has already been through the pseudonymiser (core.assistant.pseudonyms) when it goes out, and
is restored only for the person at the desk: no personal value ever reaches a provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class ToolSpec:
    """A read-only tool the model may call: its name, what it does, and its arguments as a JSON schema."""

    name: str
    description: str
    parameters: Mapping[str, Any]  # a JSON schema object: {"type": "object", "properties": {...}, "required": [...]}


@dataclass(frozen=True)
class ToolCall:
    id: str  # the provider's id of the call (tool_use id / tool_call id), echoed in its result
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True)
class ToolResult:
    call_id: str
    content: str  # JSON text of what the tool returned (pseudonymised)
    is_error: bool = False


@dataclass(frozen=True)
class Turn:
    """One turn of the conversation: the person's question, the model's text and calls, or the tools' results."""

    role: Literal["user", "assistant", "tool"]
    text: str = ""
    calls: tuple[ToolCall, ...] = ()
    results: tuple[ToolResult, ...] = ()


@dataclass(frozen=True)
class Usage:
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class Reply:
    """What the provider answered: text, or calls of tools (stop "tool_use"), with the tokens it counted."""

    text: str
    calls: tuple[ToolCall, ...]
    usage: Usage
    stop: Literal["end", "tool_use", "max_tokens"]
    model: str
    request_id: str = ""


class Provider(Protocol):
    """A provider's client (core.assistant.providers): one call, no retries (the caller's rate limiter decides), a
    refusal as AssistantRefused, a 429/5xx/timeout as AssistantUnavailable (with the provider's Retry-After)."""

    name: str  # "anthropic" | "openai" | "compatible"
    model: str

    def complete(self, system: str, turns: Sequence[Turn], tools: Sequence[ToolSpec], *, max_tokens: int,
                 timeout: float) -> Reply: ...


@dataclass(frozen=True)
class Sent:
    """What one call sent, as the audit entry and the usage record keep it: never the text, only its digest."""

    provider: str
    model: str
    digest: str  # sha256 of the request body as sent
    usage: Usage
    purpose: str = "assistant"
    extra: Mapping[str, Any] = field(default_factory=dict)
