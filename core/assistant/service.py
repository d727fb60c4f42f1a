"""Asking the assistant: the question goes out pseudonymised, the model calls Qayd's read-only tools, the answer comes
back with the real names restored, and every number in it is checked against what the tools returned.

One call to the provider at a time, each through the budget (refused before sending when it could pass the month's)
and the rate limiter, each recorded with its tokens and cost and audited (`assistant.called`: model, tokens, the
digest of what was sent; never the text). Incident mode holds the assistant. Nothing here needs the network until
`provider.complete`: without settings, key or SDK the error says what is missing and how to fix it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from core.assistant.costs import BudgetGuard, cost_of, digest_of, estimate, record, request_size
from core.assistant.errors import AssistantNotConfigured, AssistantUnavailable
from core.assistant.limits import RateLimiter
from core.assistant.model import Provider, Reply, Sent, ToolCall, Turn
from core.progress import CancelCheck, Progress, check

if TYPE_CHECKING:
    from core.config import AssistantSettings
    from core.uow import Context

KEY_SECRET = "assistant.api_key"
MAX_ROUNDS = 6  # model → tools → model …: a question that needs more is answered with what was found
PURPOSE = "assistant"

SYSTEM = (
    "You are the finance assistant of a Saudi company's back office (Qayd). Answer only from the results of the tools "
    "you call: never guess a figure, and copy every number exactly as a tool gave it (amounts with their currency). "
    "If the tools do not give the answer, say so. Answer in the language of the question (Arabic or English), "
    "briefly. Names appear as tokens such as PERSON_1 or BUSINESS_2: use them as they are.")

# Shared by every question in this process: two jobs at once cannot both pass the last of the budget or the limit.
GUARD = BudgetGuard()
LIMITER = RateLimiter()


@dataclass
class _Spent:
    """What the calls of one question cost so far."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    warned: bool = False


@dataclass(frozen=True)
class Step:
    """One tool the model called, as shown to the person (real names restored)."""

    tool: str
    arguments: dict[str, Any]
    ok: bool


@dataclass(frozen=True)
class Answer:
    """The answer with real names, the tools behind it, and whether every number in it came from a tool."""

    text: str
    steps: tuple[Step, ...]
    verified: bool
    unverified: tuple[str, ...]  # numbers in the answer that no tool returned
    model: str
    input_tokens: int
    output_tokens: int
    cost: Decimal
    currency: str
    budget_warning: bool = False
    sources: tuple[str, ...] = field(default=())  # the tool results' JSON (real names), for "show sources"

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.text, "verified": self.verified, "unverified_numbers": list(self.unverified),
                "steps": [{"tool": s.tool, "arguments": s.arguments, "ok": s.ok} for s in self.steps],
                "model": self.model, "tokens": {"input": self.input_tokens, "output": self.output_tokens},
                "cost": str(self.cost), "currency": self.currency, "budget_warning": self.budget_warning}


def provider_for(ctx: Context, settings: AssistantSettings) -> Provider:
    """The configured provider's client, or AssistantNotConfigured saying what is missing."""
    from core.assistant.providers import build_provider

    if settings.provider == "none":
        raise AssistantNotConfigured(
            "The assistant is not set up: no provider is chosen.",
            fix="Set [assistant] provider (anthropic, openai or compatible) and model in the config file, then "
                "`qayd secrets set assistant.api_key`.")
    if not settings.model:
        raise AssistantNotConfigured("The assistant has no model.", fix="Set [assistant] model in the config file.")
    with ctx.uow(write=False) as uow:
        key = uow.secrets.get(KEY_SECRET).decode("utf-8") if uow.secrets.exists(KEY_SECRET) else ""
    if not key and settings.provider != "compatible":
        raise AssistantNotConfigured("The assistant's API key is not in the secret store.",
                                     fix=f"`qayd secrets set {KEY_SECRET}` (the key stays sealed on this desk).")
    return build_provider(settings.provider, model=settings.model, api_key=key, base_url=settings.base_url)


def ask(ctx: Context, settings: AssistantSettings, question: str, *, provider: Provider | None = None,
        progress: Progress | None = None, cancelled: CancelCheck | None = None, max_tokens: int = 1024,
        timeout: float = 60.0) -> Answer:
    """Answer `question` from the books. Raises IncidentHold, AssistantNotConfigured, BudgetExceeded,
    AssistantUnavailable/Refused (nothing half-recorded: each call's usage is recorded once it answered)."""
    from core.assistant.pseudonyms import Pseudonymiser, business_names_sent
    from core.assistant.tools import run_tool, tool_specs
    from core.incident import check_not_held

    with ctx.uow(write=False) as uow:
        check_not_held(uow, "assistant")
    client = provider or provider_for(ctx, settings)
    with ctx.uow(write=False, channel=PURPOSE) as uow:
        masker = Pseudonymiser.from_store(uow, send_business_names=business_names_sent(uow))
    sent: list[Turn] = [masker.mask_turn(Turn("user", question))]
    system, specs = masker.mask_text(SYSTEM), tool_specs()
    steps: list[Step] = []
    sources: list[str] = []
    totals = _Spent()
    reply: Reply | None = None
    for round_ in range(MAX_ROUNDS):
        check(cancelled, "asking the assistant")
        if progress is not None:
            progress(round_ / MAX_ROUNDS, "asking the model" if round_ == 0 else "the model reads the results")
        reply = _call(ctx, settings, client, system, sent, specs, max_tokens, timeout, cancelled, totals)
        if not reply.calls:
            break
        sent.append(Turn("assistant", text=reply.text, calls=reply.calls))
        results = []
        for call in reply.calls:
            real = masker.unmask_call(call)
            with ctx.uow(write=False, channel=PURPOSE) as uow:
                result = run_tool(uow, ToolCall(call.id, real.name, real.arguments))
            steps.append(Step(real.name, dict(real.arguments), not result.is_error))
            sources.append(result.content)
            results.append(result)
        sent.append(masker.mask_turn(Turn("tool", results=tuple(results))))
    masked_text = reply.text if reply is not None and not reply.calls else (
        "I could not finish within the tool calls allowed; ask a narrower question.")
    unverified = unverified_numbers(masked_text, sources, question)
    if progress is not None:
        progress(1.0, "answered")
    return Answer(text=masker.unmask(masked_text), steps=tuple(steps), verified=not unverified,
                  unverified=tuple(unverified), model=client.model, input_tokens=totals.input_tokens,
                  output_tokens=totals.output_tokens, cost=totals.cost, currency=settings.currency,
                  budget_warning=totals.warned, sources=tuple(sources))


def _call(ctx: Context, settings: AssistantSettings, client: Provider, system: str, sent: list[Turn],
          specs: Any, max_tokens: int, timeout: float, cancelled: CancelCheck | None, totals: _Spent) -> Reply:
    """One call: the budget's worst case held, the limiter waited for, the usage and cost recorded and audited."""
    body = json.dumps({"system": system, "turns": [_turn_json(t) for t in sent]}, ensure_ascii=False)
    worst = estimate(client.model, request_size(body), max_tokens, settings.prices)
    with GUARD.hold(ctx, settings, worst) as state:
        LIMITER.wait(cancelled)
        try:
            reply = client.complete(system, sent, specs, max_tokens=max_tokens, timeout=timeout)
        except AssistantUnavailable as exc:
            LIMITER.unavailable(exc)
            raise
        cost = cost_of(client.model, reply.usage, settings.prices)
        digest = getattr(client, "last_digest", "") or digest_of(body)
        with ctx.uow() as uow:
            record(uow, Sent(client.name, reply.model or client.model, digest, reply.usage, PURPOSE), cost,
                   currency=settings.currency)
            uow.commit()
    totals.input_tokens += reply.usage.input_tokens
    totals.output_tokens += reply.usage.output_tokens
    totals.cost += cost
    totals.warned = totals.warned or state.warn
    return reply


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {"role": turn.role, "text": turn.text,
            "calls": [{"id": c.id, "name": c.name, "arguments": dict(c.arguments)} for c in turn.calls],
            "results": [{"id": r.call_id, "content": r.content, "error": r.is_error} for r in turn.results]}


# -- every number from a tool ------------------------------------------------------------------------------------

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_NUMBER = re.compile(r"\d[\d,٬]*(?:\.\d+)?")


def numbers_in(text: str) -> set[Decimal]:
    """The numbers written in `text` (Arabic-Indic digits, thousands separators and trailing zeros aside)."""
    from core.assistant.pseudonyms import PSEUDONYM

    plain = PSEUDONYM.sub(" ", text).translate(_ARABIC_DIGITS)
    found = set()
    for match in _NUMBER.findall(plain):
        try:
            found.add(Decimal(match.replace(",", "").replace("٬", "")).normalize())
        except InvalidOperation:
            continue
    return found


def unverified_numbers(answer: str, sources: list[str], question: str = "") -> list[str]:
    """Numbers in the answer that neither a tool result nor the question holds (dates' parts count as numbers)."""
    known = numbers_in(question)
    for source in sources:
        known |= numbers_in(source)
    return sorted(str(n) for n in numbers_in(answer) - known)


__all__ = ["GUARD", "KEY_SECRET", "LIMITER", "Answer", "Step", "ask", "numbers_in", "provider_for",
           "unverified_numbers"]

