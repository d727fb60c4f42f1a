"""The finance assistant (issue 18): answers about the company's own books from Qayd's read functions, through a
provider (Anthropic, OpenAI, or an OpenAI-compatible endpoint the company runs), with no personal data sent out and
every call's tokens and cost counted."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.assistant.errors import (
        AssistantError,
        AssistantNotConfigured,
        AssistantRefused,
        AssistantUnavailable,
        BudgetExceeded,
    )
    from core.assistant.model import Provider, Reply, Sent, ToolCall, ToolResult, ToolSpec, Turn, Usage
    from core.assistant.pseudonyms import (
        PSEUDONYM,
        Pseudonymiser,
        business_names_sent,
        set_business_names_sent,
    )

_FACE = {
    "AssistantError": "core.assistant.errors",
    "AssistantNotConfigured": "core.assistant.errors",
    "AssistantRefused": "core.assistant.errors",
    "AssistantUnavailable": "core.assistant.errors",
    "BudgetExceeded": "core.assistant.errors",
    "Provider": "core.assistant.model",
    "Reply": "core.assistant.model",
    "Sent": "core.assistant.model",
    "ToolCall": "core.assistant.model",
    "ToolResult": "core.assistant.model",
    "ToolSpec": "core.assistant.model",
    "Turn": "core.assistant.model",
    "Usage": "core.assistant.model",
    # no personal data out (core.assistant.pseudonyms)
    "PSEUDONYM": "core.assistant.pseudonyms",
    "Pseudonymiser": "core.assistant.pseudonyms",
    "business_names_sent": "core.assistant.pseudonyms",
    "set_business_names_sent": "core.assistant.pseudonyms",
}
__all__ = [
    "PSEUDONYM",
    "AssistantError",
    "AssistantNotConfigured",
    "AssistantRefused",
    "AssistantUnavailable",
    "BudgetExceeded",
    "Provider",
    "Pseudonymiser",
    "Reply",
    "Sent",
    "ToolCall",
    "ToolResult",
    "ToolSpec",
    "Turn",
    "Usage",
    "business_names_sent",
    "set_business_names_sent",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
