"""The finance assistant (issue 18): answers about the company's own books from Qayd's read functions, through a
provider (Anthropic, OpenAI, or an OpenAI-compatible endpoint the company runs), with no personal data sent out and
every call's tokens and cost counted."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.assistant.costs import (
        BudgetGuard,
        BudgetState,
        Estimate,
        UsageTotal,
        check_budget,
        cost_of,
        digest_of,
        estimate,
        month_of,
        monthly,
        record,
        request_size,
        spent,
    )
    from core.assistant.errors import (
        AssistantError,
        AssistantNotConfigured,
        AssistantRefused,
        AssistantUnavailable,
        BudgetExceeded,
    )
    from core.assistant.limits import RateLimiter
    from core.assistant.model import Provider, Reply, Sent, ToolCall, ToolResult, ToolSpec, Turn, Usage
    from core.assistant.providers import build_provider
    from core.assistant.pseudonyms import (
        PSEUDONYM,
        Pseudonymiser,
        business_names_sent,
        set_business_names_sent,
    )
    from core.assistant.service import Answer, Step, ask, numbers_in, provider_for, unverified_numbers
    from core.assistant.tools import TOOLS, Tool, run_tool, tool_specs

_FACE = {
    "BudgetGuard": "core.assistant.costs",
    "BudgetState": "core.assistant.costs",
    "Estimate": "core.assistant.costs",
    "UsageTotal": "core.assistant.costs",
    "check_budget": "core.assistant.costs",
    "cost_of": "core.assistant.costs",
    "digest_of": "core.assistant.costs",
    "estimate": "core.assistant.costs",
    "month_of": "core.assistant.costs",
    "monthly": "core.assistant.costs",
    "record": "core.assistant.costs",
    "request_size": "core.assistant.costs",
    "spent": "core.assistant.costs",
    "RateLimiter": "core.assistant.limits",
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
    "TOOLS": "core.assistant.tools",
    "Tool": "core.assistant.tools",
    "run_tool": "core.assistant.tools",
    "tool_specs": "core.assistant.tools",
    "build_provider": "core.assistant.providers",
    "Answer": "core.assistant.service",
    "Step": "core.assistant.service",
    "ask": "core.assistant.service",
    "numbers_in": "core.assistant.service",
    "provider_for": "core.assistant.service",
    "unverified_numbers": "core.assistant.service",
    # no personal data out (core.assistant.pseudonyms)
    "PSEUDONYM": "core.assistant.pseudonyms",
    "Pseudonymiser": "core.assistant.pseudonyms",
    "business_names_sent": "core.assistant.pseudonyms",
    "set_business_names_sent": "core.assistant.pseudonyms",
}
__all__ = [
    "PSEUDONYM",
    "TOOLS",
    "Answer",
    "AssistantError",
    "AssistantNotConfigured",
    "AssistantRefused",
    "AssistantUnavailable",
    "BudgetExceeded",
    "BudgetGuard",
    "BudgetState",
    "Estimate",
    "Provider",
    "Pseudonymiser",
    "RateLimiter",
    "Reply",
    "Sent",
    "Step",
    "Tool",
    "ToolCall",
    "ToolResult",
    "ToolSpec",
    "Turn",
    "Usage",
    "UsageTotal",
    "ask",
    "build_provider",
    "business_names_sent",
    "check_budget",
    "cost_of",
    "digest_of",
    "estimate",
    "month_of",
    "monthly",
    "numbers_in",
    "provider_for",
    "record",
    "request_size",
    "run_tool",
    "set_business_names_sent",
    "spent",
    "tool_specs",
    "unverified_numbers",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
