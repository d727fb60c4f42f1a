"""What the assistant's calls cost, and the monthly budget that refuses a call before it is sent (issue 18, point 4).

* A call's cost is the [assistant] price table's input and output prices (per million tokens) times the tokens the
  provider counted, in exact Decimal arithmetic: no float anywhere, and a result that would need rounding raises.
* Before a call, `estimate` bounds its worst case: the request's size in UTF-8 bytes plus a fixed allowance (every
  provider's tokenizer makes at most one token per byte of text, and the body's JSON syntax more than covers the
  role markers; the allowance covers the tool-use instructions a provider adds to the prompt) as input, and
  `max_tokens` as output. `check_budget` refuses (BudgetExceeded) when this month's spending plus that worst case
  would pass the budget, so nothing is sent that could; it warns from `warn_at` (80 %) of the budget on.
* Each call is one `assistant_usage` row and one `assistant.called` audit entry in the caller's transaction: who, for
  what purpose, provider, model, tokens, cost and the SHA-256 of what was sent. Never the prompt or the answer.
* The month is the calendar month in Riyadh time (UTC+3): a call at 23:30 UTC on the last day belongs to the next.
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Context as DecimalContext
from decimal import Decimal, Inexact, Rounded

from sqlalchemy import func, select

from core.assistant.errors import AssistantNotConfigured, BudgetExceeded
from core.assistant.model import Sent, Usage
from core.clock import saudi_date, saudi_midnight
from core.config import AssistantSettings, ModelPrice, Settings
from core.store import models as m
from core.uow import Context, UnitOfWork

ACTION = "assistant.called"
PER_MILLION = Decimal(1_000_000)
# Tokens a provider adds to the prompt beyond the request's own text: Anthropic documents a tool-use system prompt
# of a few hundred tokens; chat templates add a few per message, which the body's JSON syntax already outweighs.
INPUT_ALLOWANCE = 1_000

# Wide enough for any price times any token count, and trapping what would still round: cost is exact or refused.
_EXACT = DecimalContext(prec=200, traps=[Inexact, Rounded])
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_PURPOSE = re.compile(r"^[a-z][a-z0-9_.-]{0,59}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SNAPSHOT = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$")
_PRICES_FIX = ('Add its price per million tokens to the config file: [assistant.prices] "{model}" = '
               '{{ input = "…", output = "…" }} (or QAYD_ASSISTANT_PRICES="{model}=INPUT/OUTPUT"), then try again.')


@dataclass(frozen=True, slots=True)
class Estimate:
    """The most a call can cost, before it is sent: at most `input_tokens` in, `output_tokens` (max_tokens) out."""

    model: str
    input_tokens: int
    output_tokens: int
    cost: Decimal


@dataclass(frozen=True, slots=True)
class BudgetState:
    """Where this month's budget stands for one call about to be sent (it was allowed: over budget raises)."""

    month: str  # "2026-12", in Riyadh time
    spent: Decimal  # recorded this month on this desk, before the call
    estimate: Decimal  # the call's worst case
    budget: Decimal | None  # None: no budget set
    warn_at: Decimal
    currency: str
    pending: Decimal = Decimal(0)  # worst cases of this process's other calls in flight (BudgetGuard)

    @property
    def fraction(self) -> Decimal | None:
        """(spent + pending + estimate) / budget, or None without a budget."""
        if self.budget is None:
            return None
        return Decimal(1) if self.budget == 0 else (self.spent + self.pending + self.estimate) / self.budget

    @property
    def warn(self) -> bool:
        """True from `warn_at` of the budget on, counting this call's worst case."""
        fraction = self.fraction
        return fraction is not None and fraction >= self.warn_at

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.spent


@dataclass(frozen=True, slots=True)
class UsageTotal:
    """One user's calls for one purpose in a month."""

    actor: str
    purpose: str
    calls: int
    input_tokens: int
    output_tokens: int
    cost: Decimal
    currency: str


def _section(settings: Settings | AssistantSettings) -> AssistantSettings:
    return settings.assistant if isinstance(settings, Settings) else settings


def price_of(model: str, prices: Mapping[str, ModelPrice]) -> ModelPrice:
    """The model's price; a dated snapshot of a listed model (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`, or
    `…-latest`: the names providers answer with) has its model's price. Any other model the table does not name is
    refused, never costed at zero."""
    if model in prices:
        return prices[model]
    base = _SNAPSHOT.sub("", model)
    if base != model and base in prices:
        return prices[base]
    raise AssistantNotConfigured(
        f"The [assistant] prices setting has no price for the model {model!r}, so its cost cannot be counted "
        "(checked before sending: a call to an unpriced model is not sent).", fix=_PRICES_FIX.format(model=model))


def _tokens(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a whole number of tokens >= 0, not {value!r}")
    return value


def cost_of(model: str, usage: Usage, prices: Mapping[str, ModelPrice]) -> Decimal:
    """price × tokens / 1,000,000 for input and output, exactly (Decimal; raises rather than round)."""
    price = price_of(model, prices)
    input_tokens = _tokens(usage.input_tokens, "input_tokens")
    output_tokens = _tokens(usage.output_tokens, "output_tokens")
    total = _EXACT.add(_EXACT.multiply(price.input, Decimal(input_tokens)),
                       _EXACT.multiply(price.output, Decimal(output_tokens)))
    return _EXACT.divide(total, PER_MILLION)


def request_size(body: str | bytes) -> int:
    """The size `estimate` takes: the request body's length in UTF-8 bytes, as it will be sent."""
    return len(body) if isinstance(body, bytes) else len(body.encode("utf-8"))


def estimate(model: str, request_text_len: int, max_tokens: int, prices: Mapping[str, ModelPrice]) -> Estimate:
    """The worst case of one call before it is sent: `request_text_len` (UTF-8 bytes of the body, `request_size`)
    plus INPUT_ALLOWANCE tokens in, `max_tokens` out (a provider never returns more than asked)."""
    input_tokens = _tokens(request_text_len, "request_text_len") + INPUT_ALLOWANCE
    output_tokens = _tokens(max_tokens, "max_tokens")
    return Estimate(model, input_tokens, output_tokens, cost_of(model, Usage(input_tokens, output_tokens), prices))


def month_of(moment: datetime) -> str:
    """The Riyadh calendar month an instant falls in, as "YYYY-MM"."""
    return saudi_date(moment).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of a "YYYY-MM" month in Riyadh time, as aware instants."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValueError(f"a month is written YYYY-MM, not {month!r}") from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return saudi_midnight(first), saudi_midnight(following)


def _stored_bounds(month: str) -> tuple[datetime, datetime]:
    # Times are stored as ISO text in UTC (record writes them so): compared as text, the bounds must be UTC too.
    start, end = month_bounds(month)
    return start.astimezone(UTC), end.astimezone(UTC)


def spent(uow: UnitOfWork, month: str) -> Decimal:
    """What this desk's calls cost in a Riyadh month (summed in Python: costs are exact text in the store)."""
    start, end = _stored_bounds(month)
    costs = uow.session.scalars(select(m.AssistantUsage.cost).where(
        m.AssistantUsage.at >= start, m.AssistantUsage.at < end))
    return sum(costs, Decimal(0))


def check_budget(uow: UnitOfWork, settings: Settings | AssistantSettings, estimate: Estimate, *,
                 pending: Decimal = Decimal(0)) -> BudgetState:
    """Where the budget stands with this call's worst case; BudgetExceeded (nothing sent) if it could pass it.
    `pending`: the worst cases of calls already sent and not yet recorded (BudgetGuard passes them)."""
    section = _section(settings)
    month = month_of(uow.now())
    state = BudgetState(month, spent(uow, month), estimate.cost, section.monthly_budget, section.warn_at,
                        section.currency, pending)
    budget = state.budget
    if budget is not None and state.spent + pending + state.estimate > budget:
        in_flight = f" (and up to {pending} {state.currency} for calls under way)" if pending else ""
        raise BudgetExceeded(
            f"This call could cost up to {state.estimate} {state.currency}, and {state.spent} {state.currency} of "
            f"this month's budget of {budget} {state.currency} ({month}, Riyadh time) is spent{in_flight}: it was "
            "not sent.",
            fix="Ask an administrator to raise [assistant] monthly_budget, ask a shorter question, or wait for "
                "next month.")
    return state


class BudgetGuard:
    """One per process, beside the RateLimiter: while a call is under way (checked, sent, not yet recorded), its
    worst case counts as spent for every other call's check, so two jobs at once cannot both pass the last of the
    budget. `with guard.hold(ctx, settings, worst) as state: send, then record` — the hold ends with the block."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[int, Decimal] = {}
        self._next = 0

    @contextmanager
    def hold(self, ctx: Context, settings: Settings | AssistantSettings, estimate: Estimate) -> Iterator[BudgetState]:
        with self._lock:
            with ctx.uow(write=False) as uow:
                state = check_budget(uow, settings, estimate, pending=sum(self._held.values(), Decimal(0)))
            key, self._next = self._next, self._next + 1
            self._held[key] = estimate.cost
        try:
            yield state
        finally:
            with self._lock:
                del self._held[key]

    @property
    def pending(self) -> Decimal:
        with self._lock:
            return sum(self._held.values(), Decimal(0))


def digest_of(body: str | bytes) -> str:
    """The SHA-256 (hex) of a request body as sent: what the usage record and the audit entry keep of it."""
    return hashlib.sha256(body if isinstance(body, bytes) else body.encode("utf-8")).hexdigest()


def _checked(sent: Sent, cost: Decimal, currency: str) -> None:
    if not _CURRENCY.match(currency):
        raise ValueError("currency must be an ISO 4217 code such as USD ([assistant] currency)")
    if not _DIGEST.match(sent.digest):
        raise ValueError("Sent.digest must be the SHA-256 hex of the request body (digest_of), not its text")
    if not _PURPOSE.match(sent.purpose):
        raise ValueError("Sent.purpose must be a short name such as 'assistant', not free text")
    if not isinstance(cost, Decimal) or not cost.is_finite() or cost < 0:
        raise ValueError("cost must be a Decimal >= 0 (cost_of)")
    _tokens(sent.usage.input_tokens, "input_tokens")
    _tokens(sent.usage.output_tokens, "output_tokens")


def record(uow: UnitOfWork, sent: Sent, cost: Decimal, *, currency: str) -> m.AssistantUsage:
    """One usage row and its `assistant.called` audit entry, in the caller's unit of work (the caller commits).

    Only figures and names go in, never text: `sent.extra` is not kept, the digest must be a SHA-256."""
    _checked(sent, cost, currency)
    row = m.AssistantUsage(id=uuid.uuid4(), at=uow.now().astimezone(UTC), actor=uow.ctx.actor[:200],
                           purpose=sent.purpose, provider=sent.provider[:40], model=sent.model[:200],
                           input_tokens=sent.usage.input_tokens, output_tokens=sent.usage.output_tokens,
                           cost=cost, currency=currency, request_digest=sent.digest, device_id=uow.ctx.device_id)
    uow.session.add(row)
    uow.session.flush()
    uow.audit.append(ACTION, f"assistant_usage:{row.id}", {
        "provider": row.provider, "model": row.model, "purpose": row.purpose,
        "input_tokens": row.input_tokens, "output_tokens": row.output_tokens,
        "cost": str(cost), "currency": currency, "request_digest": row.request_digest})
    return row


def monthly(uow: UnitOfWork, month: str) -> list[UsageTotal]:
    """This desk's calls in a Riyadh month, totalled per user and purpose (and currency, should it have changed)."""
    start, end = _stored_bounds(month)
    u = m.AssistantUsage
    rows = uow.session.execute(
        select(u.actor, u.purpose, u.currency, func.count(), func.sum(u.input_tokens), func.sum(u.output_tokens))
        .where(u.at >= start, u.at < end).group_by(u.actor, u.purpose, u.currency)
        .order_by(u.actor, u.purpose, u.currency)).all()
    costs: dict[tuple[str, str, str], Decimal] = {}
    for actor, purpose, currency, cost in uow.session.execute(
            select(u.actor, u.purpose, u.currency, u.cost).where(u.at >= start, u.at < end)):
        key = (actor, purpose, currency)
        costs[key] = costs.get(key, Decimal(0)) + cost
    return [UsageTotal(actor, purpose, calls, int(tin), int(tout), costs[(actor, purpose, currency)], currency)
            for actor, purpose, currency, calls, tin, tout in rows]
