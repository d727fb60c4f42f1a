"""The assistant's costs and limits (issue 18, point 4): cost = price × tokens exactly, a monthly budget that warns at
80 % and refuses before sending, usage recorded per user and purpose without the prompt, a rate limiter that honours
the provider's Retry-After and cancellation, and [assistant] settings whose errors say what to fix."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.assistant import (
    AssistantNotConfigured,
    AssistantUnavailable,
    BudgetExceeded,
    BudgetGuard,
    RateLimiter,
    Sent,
    Usage,
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
from core.assistant.costs import month_bounds
from core.config import DEFAULT_PRICES, AssistantSettings, ModelPrice, check_settings
from core.errors import Cancelled
from core.uow import Context
from tests.conftest import StepClock

PRICES = {"m": ModelPrice(Decimal("3"), Decimal("15")), "cheap": ModelPrice(Decimal("0.15"), Decimal("0.60"))}
PROMPT = "Who owes us the most? Customer Fatima Al-Harbi, +966501234567, fatima@example.sa"

prices_st = st.decimals(min_value=Decimal(0), max_value=Decimal("1000"), places=6, allow_nan=False,
                        allow_infinity=False)
tokens_st = st.integers(min_value=0, max_value=10**9)


# -- cost and estimate ------------------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(price_in=prices_st, price_out=prices_st, tin=tokens_st, tout=tokens_st)
def test_cost_is_price_times_tokens_per_million_exactly(price_in: Decimal, price_out: Decimal, tin: int,
                                                        tout: int) -> None:
    cost = cost_of("x", Usage(tin, tout), {"x": ModelPrice(price_in, price_out)})
    assert isinstance(cost, Decimal)
    # the oracle: rational arithmetic, independent of Decimal's contexts
    assert Fraction(cost) == (Fraction(price_in) * tin + Fraction(price_out) * tout) / 1_000_000


def test_a_known_cost() -> None:
    # 1,234 tokens in at 3 and 567 out at 15 per million: 0.003702 + 0.008505
    assert cost_of("m", Usage(1234, 567), PRICES) == Decimal("0.012207")
    assert cost_of("cheap", Usage(1, 1), PRICES) == Decimal("0.00000075")


def test_an_unknown_model_is_refused_naming_the_setting() -> None:
    with pytest.raises(AssistantNotConfigured) as caught:
        cost_of("gpt-9", Usage(10, 10), PRICES)
    assert "gpt-9" in caught.value.message and "[assistant] prices" in caught.value.message
    assert '[assistant.prices] "gpt-9"' in caught.value.fix and "QAYD_ASSISTANT_PRICES" in caught.value.fix


@pytest.mark.parametrize(("answered", "priced_as"), [
    ("m-20250929", "m"), ("m-2024-08-06", "m"), ("m-latest", "m"), ("cheap-20240718", "cheap")])
def test_a_dated_snapshot_has_its_models_price(answered: str, priced_as: str) -> None:
    # providers answer with the snapshot's name (gpt-4o -> gpt-4o-2024-08-06): the call is costed, not refused
    assert cost_of(answered, Usage(1000, 1000), PRICES) == cost_of(priced_as, Usage(1000, 1000), PRICES)


@pytest.mark.parametrize("other", ["m-audio-preview", "m2", "m-1", "xm"])
def test_another_variant_is_not_taken_for_its_namesake(other: str) -> None:
    with pytest.raises(AssistantNotConfigured):
        cost_of(other, Usage(1, 1), PRICES)


@pytest.mark.parametrize("tokens", [-1, 1.5, True])
def test_tokens_are_whole_numbers(tokens: object) -> None:
    with pytest.raises(ValueError):
        cost_of("m", Usage(tokens, 0), PRICES)  # type: ignore[arg-type]


def test_the_estimate_is_the_worst_case_before_sending() -> None:
    body = '{"messages":[{"role":"user","content":"من يدين لنا بأكثر مبلغ؟"}]}'
    size = request_size(body)
    assert size == len(body.encode("utf-8")) > len(body)  # bytes, not characters: Arabic takes two each
    worst = estimate("m", size, 1024, PRICES)
    assert (worst.input_tokens, worst.output_tokens) == (size + 1000, 1024)
    assert worst.cost == cost_of("m", Usage(size + 1000, 1024), PRICES)
    with pytest.raises(AssistantNotConfigured):
        estimate("unknown", size, 1024, PRICES)


# -- the budget and the record ----------------------------------------------------------------------------------------

def sent(body: str = PROMPT, usage: Usage | None = None, purpose: str = "assistant") -> Sent:
    return Sent(provider="anthropic", model="m", digest=digest_of(body), usage=usage or Usage(1000, 500),
                purpose=purpose)


def call(ctx: Context, budget: AssistantSettings, size: int, max_tokens: int, usage: Usage,
         purpose: str = "assistant") -> Decimal:
    """What the service loop does around one call: check the budget, (send), record the cost."""
    worst = estimate("m", size, max_tokens, PRICES)
    with ctx.uow() as uow:
        check_budget(uow, budget, worst)
    cost = cost_of("m", usage, PRICES)
    with ctx.uow() as uow:
        record(uow, sent(usage=usage, purpose=purpose), cost, currency="USD")
        uow.commit()
    return cost


def counts(ctx: Context) -> tuple[int, int]:
    with sqlite3.connect(ctx.db.path) as conn:
        rows = conn.execute("SELECT count(*) FROM assistant_usage").fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM audit_entry WHERE body LIKE '%assistant.called%'").fetchone()[0]
    return rows, entries


def test_the_budget_warns_at_80_percent_and_refuses_before_sending(ctx: Context) -> None:
    budget = AssistantSettings(monthly_budget=Decimal("1"), prices=PRICES)
    # 100,000 tokens in at 3/M = 0.30; 10,000 out at 15/M = 0.15: 0.45 a call
    assert call(ctx, budget, 0, 0, Usage(100_000, 10_000)) == Decimal("0.45")
    with ctx.uow(write=False) as uow:
        state = check_budget(uow, budget, estimate("m", 99_000, 10_000, PRICES))  # worst case 0.45 again: 0.90
    assert (state.spent, state.estimate, state.fraction, state.warn) == (Decimal("0.45"), Decimal("0.45"),
                                                                         Decimal("0.9"), True)
    with ctx.uow(write=False) as uow:
        below = check_budget(uow, budget, estimate("m", 0, 0, PRICES))  # 0.003 more: 0.453 of 1, no warning
    assert below.warn is False and below.remaining == Decimal("0.55")
    call(ctx, budget, 0, 0, Usage(100_000, 10_000))  # 0.90 spent
    before = counts(ctx)
    with ctx.uow(write=False) as uow, pytest.raises(BudgetExceeded) as caught:
        check_budget(uow, budget, estimate("m", 33_000, 0, PRICES))  # (33,000 + 1,000) × 3/M = 0.102 > 0.10 left
    assert "0.90 USD" in caught.value.message and "budget of 1 USD" in caught.value.message
    assert "monthly_budget" in caught.value.fix and caught.value.exit_code == 13
    assert counts(ctx) == before == (2, 2)  # refused before sending: nothing recorded
    with ctx.uow(write=False) as uow:  # exactly up to the budget is still allowed
        assert check_budget(uow, budget, estimate("m", 32_333, 0, PRICES)).fraction == Decimal("0.999999")


def test_a_call_under_way_counts_against_the_budget_until_it_is_recorded(ctx: Context) -> None:
    budget = AssistantSettings(monthly_budget=Decimal("1"), prices=PRICES)
    guard = BudgetGuard()
    worst = estimate("m", 199_000, 0, PRICES)  # 0.60
    with guard.hold(ctx, budget, worst) as first:
        assert first.pending == 0 and first.warn is False
        with pytest.raises(BudgetExceeded, match="under way"), guard.hold(ctx, budget, worst):  # 0.60 + 0.60 > 1
            pytest.fail("a second call that could pass the budget went ahead")
        assert guard.pending == Decimal("0.6")
        with ctx.uow() as uow:  # the call came back cheaper than its worst case
            record(uow, sent(usage=Usage(100_000, 0)), cost_of("m", Usage(100_000, 0), PRICES), currency="USD")
            uow.commit()
    assert guard.pending == 0 and counts(ctx) == (1, 1)
    with guard.hold(ctx, budget, estimate("m", 232_333, 0, PRICES)) as state:  # 0.30 spent + 0.699999
        assert (state.spent, state.pending, state.fraction) == (Decimal("0.3"), Decimal(0), Decimal("0.999999"))


def test_no_budget_never_refuses_and_zero_refuses_all(ctx: Context) -> None:
    worst = estimate("m", 10**6, 10**5, PRICES)
    with ctx.uow(write=False) as uow:
        state = check_budget(uow, AssistantSettings(prices=PRICES), worst)
        assert state.budget is None and state.warn is False and state.fraction is None
        with pytest.raises(BudgetExceeded):
            check_budget(uow, AssistantSettings(monthly_budget=Decimal("0"), prices=PRICES), worst)


def test_the_month_is_riyadhs(ctx: Context, clock: StepClock) -> None:
    budget = AssistantSettings(monthly_budget=Decimal("1"), prices=PRICES)
    clock.now = datetime(2026, 11, 30, 20, 58, 0, tzinfo=UTC)  # 23:58 on 30 November in Riyadh
    call(ctx, budget, 0, 0, Usage(200_000, 0))  # 0.60 in November
    clock.now = datetime(2026, 11, 30, 21, 0, 0, tzinfo=UTC)  # 00:00 on 1 December in Riyadh, still 30 Nov in UTC
    assert month_of(clock.now) == "2026-12"
    with ctx.uow(write=False) as uow:
        state = check_budget(uow, budget, estimate("m", 199_000, 0, PRICES))  # 0.60: fine, December is new
        assert state.month == "2026-12" and state.spent == 0
    call(ctx, budget, 0, 0, Usage(100_000, 0))
    with ctx.uow(write=False) as uow:
        assert spent(uow, "2026-11") == Decimal("0.6") and spent(uow, "2026-12") == Decimal("0.3")
        assert [t.cost for t in monthly(uow, "2026-11")] == [Decimal("0.6")]


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_every_instant_falls_in_its_riyadh_month(moment: datetime) -> None:
    month = month_of(moment)
    start, end = month_bounds(month)
    assert start <= moment < end
    riyadh = moment + timedelta(hours=3)  # the oracle: Riyadh is UTC+3 all year
    assert month == f"{riyadh.year:04d}-{riyadh.month:02d}"
    assert start.utcoffset() == timedelta(hours=3) and (start.day, start.hour) == (1, 0)


def test_usage_is_totalled_per_user_and_purpose(ctx: Context) -> None:
    budget = AssistantSettings(prices=PRICES)
    me = ctx.actor  # "user:<id>": the audit chain's name for the person, not their name
    call(ctx, budget, 0, 0, Usage(1000, 100))
    call(ctx, budget, 0, 0, Usage(2000, 200))
    call(ctx, budget, 0, 0, Usage(500, 0), purpose="assistant.summary")
    ctx.actor = "sara"
    call(ctx, budget, 0, 0, Usage(10, 10))
    with ctx.uow(write=False) as uow:
        month = month_of(uow.now())
        totals = [(t.actor, t.purpose, t.calls, t.input_tokens, t.output_tokens, t.cost, t.currency)
                  for t in monthly(uow, month)]
        assert monthly(uow, "2020-01") == []
    assert totals == [
        ("sara", "assistant", 1, 10, 10, Decimal("0.00018"), "USD"),
        (me, "assistant", 2, 3000, 300, Decimal("0.0135"), "USD"),
        (me, "assistant.summary", 1, 500, 0, Decimal("0.0015"), "USD"),
    ]


def test_the_audit_entry_and_the_row_keep_figures_and_a_digest_never_text(ctx: Context) -> None:
    with ctx.uow() as uow:
        record(uow, sent(), cost_of("m", Usage(1000, 500), PRICES), currency="USD")
        uow.commit()
    with sqlite3.connect(ctx.db.path) as conn:
        (body,) = conn.execute("SELECT body FROM audit_entry WHERE body LIKE '%assistant.called%'").fetchone()
        row = conn.execute("SELECT actor, purpose, provider, model, input_tokens, output_tokens, cost, currency, "
                           "request_digest FROM assistant_usage").fetchone()
    assert row == (ctx.actor, "assistant", "anthropic", "m", 1000, 500, "0.0105", "USD", digest_of(PROMPT))
    for fragment in ('"provider":"anthropic"', '"model":"m"', '"input_tokens":1000', '"output_tokens":500',
                     '"cost":"0.0105"', f'"request_digest":"{digest_of(PROMPT)}"'):
        assert fragment in body.replace(" ", "")
    for word in ("Fatima", "966501234567", "fatima@example.sa", "owes"):
        assert word not in body
    # nothing of the prompt anywhere in the store's files
    for path in Path(ctx.db.path).parent.glob(Path(ctx.db.path).name + "*"):
        assert b"Fatima" not in path.read_bytes()


@pytest.mark.parametrize(("change", "what"), [
    ({"digest": PROMPT}, "digest"), ({"purpose": "Who owes us the most?"}, "purpose")])
def test_text_cannot_pass_as_a_digest_or_a_purpose(ctx: Context, change: dict[str, str], what: str) -> None:
    fields = {"provider": "anthropic", "model": "m", "digest": digest_of(PROMPT), "usage": Usage(1, 1)} | change
    with ctx.uow() as uow, pytest.raises(ValueError, match=what):
        record(uow, Sent(**fields), Decimal("0.1"), currency="USD")  # type: ignore[arg-type]


# -- the rate limiter -------------------------------------------------------------------------------------------------

class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def limiter(fake: FakeTime, **kwargs: float) -> RateLimiter:
    return RateLimiter(clock=fake.clock, sleep=fake.sleep, **kwargs)


def test_calls_keep_the_minimum_interval() -> None:
    fake = FakeTime()
    limits = limiter(fake, min_interval=2.0, step=0.5)
    limits.wait()
    assert fake.sleeps == []  # the first call goes at once
    limits.wait()
    assert sum(fake.sleeps) == pytest.approx(2.0) and max(fake.sleeps) <= 0.5  # slept in small steps
    fake.now += 10
    fake.sleeps.clear()
    limits.wait()
    assert fake.sleeps == []


def test_retry_after_holds_every_call_until_that_moment() -> None:
    fake = FakeTime()
    limits = limiter(fake, min_interval=1.0, step=1.0)
    limits.wait()
    limits.unavailable(AssistantUnavailable("429", retry_after=30.0))
    assert limits.ready_in() == pytest.approx(30.0)
    start = fake.now
    limits.wait()
    assert fake.now - start == pytest.approx(30.0)
    limits.unavailable(AssistantUnavailable("503"))  # no Retry-After: the default backoff
    assert limits.ready_in() == pytest.approx(limits.default_backoff)


def test_a_wait_longer_than_max_wait_is_raised_at_once_with_its_retry_after() -> None:
    fake = FakeTime()
    limits = limiter(fake, max_wait=120.0)
    limits.unavailable(AssistantUnavailable("429", retry_after=3600.0))
    with pytest.raises(AssistantUnavailable) as caught:
        limits.wait()
    assert fake.sleeps == [] and caught.value.retry_after == pytest.approx(3600.0)


def test_waiting_honours_cancellation() -> None:
    fake = FakeTime()
    limits = limiter(fake, step=0.25)
    limits.unavailable(AssistantUnavailable("429", retry_after=60.0))
    with pytest.raises(Cancelled):
        limits.wait(lambda: fake.now >= 1001.0)
    assert 1001.0 <= fake.now < 1001.5  # stopped within a step of being asked, not after the minute
    assert limits.ready_in() > 0  # cancelling did not take the slot


def test_threads_never_call_closer_than_the_interval() -> None:
    limits = RateLimiter(min_interval=0.02, step=0.005)
    taken: list[float] = []  # the moments each slot was reserved (list.append is atomic)

    def caller() -> None:
        for _ in range(4):
            taken.append(limits.wait())

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    taken.sort()
    assert len(taken) == 16
    assert all(b >= a + 0.02 for a, b in itertools.pairwise(taken))  # the lock hands out one slot at a time


# -- settings ---------------------------------------------------------------------------------------------------------

def test_defaults_and_a_companys_own_prices(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[assistant]\nprovider = "compatible"\nmodel = "qwen2.5:72b"\nbase_url = "http://127.0.0.1:8080/v1"'
                      '\ncurrency = "SAR"\nmonthly_budget = "500"\n[assistant.prices]\n'
                      '"qwen2.5:72b" = { input = "0", output = "0.40" }\n"gpt-4o" = { input = 9, output = "37.5" }\n',
                      "utf-8")
    found, problems = check_settings(environ={"QAYD_DATA_DIR": str(tmp_path)}, config_file=config)
    assert problems == [] and found is not None
    section = found.assistant
    assert (section.provider, section.currency, section.monthly_budget, section.warn_at) == (
        "compatible", "SAR", Decimal("500"), Decimal("0.8"))
    assert section.prices["qwen2.5:72b"] == ModelPrice(Decimal("0"), Decimal("0.40"))
    assert section.prices["gpt-4o"] == ModelPrice(Decimal("9"), Decimal("37.5"))
    assert set(section.prices) == {"qwen2.5:72b", "gpt-4o"}  # exactly the company's table: no price ships
    assert DEFAULT_PRICES == {} and AssistantSettings().prices == {}
    defaults = AssistantSettings()
    assert (defaults.provider, defaults.monthly_budget, defaults.model) == ("none", None, None)


def test_bad_assistant_settings_name_the_setting_and_the_fix(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[assistant]\nprovider = "claude"\nbase_url = "http://llm.example.sa"\nmonthly_budget = 50.5\n'
                      'warn_at = 1.5\n[assistant.prices]\n"m" = { input = 0.1, output = "1" }\n', "utf-8")
    _found, problems = check_settings(environ={"QAYD_DATA_DIR": str(tmp_path)}, config_file=config)
    by_name = {line.split(" ", 1)[0]: line for line in problems}
    assert set(by_name) == {"assistant.provider", "assistant.base_url", "assistant.monthly_budget",
                            "assistant.warn_at", "assistant.prices"}
    assert "one of anthropic, openai, compatible, none" in by_name["assistant.provider"]
    assert "https://" in by_name["assistant.base_url"] and "127.0.0.1" in by_name["assistant.base_url"]
    assert 'written as text, e.g. "2.50"' in by_name["assistant.monthly_budget"]
    assert "at most 1" in by_name["assistant.warn_at"]
    assert "input price of m" in by_name["assistant.prices"] and "as text" in by_name["assistant.prices"]
    empty = tmp_path / "empty.toml"
    empty.write_text("", "utf-8")
    _found, problems = check_settings(environ={"QAYD_DATA_DIR": str(tmp_path), "QAYD_ASSISTANT_PRICES": "m=1"},
                                      config_file=empty)
    assert problems == ["assistant.prices = \"m=1\" (from QAYD_ASSISTANT_PRICES): 'm=1' is not MODEL=INPUT/OUTPUT; "
                        'a table of model = { input = "3", output = "15" } (per million tokens, as text); '
                        "in the environment: MODEL=INPUT/OUTPUT;MODEL=INPUT/OUTPUT"]
    found, problems = check_settings(environ={"QAYD_DATA_DIR": str(tmp_path), "QAYD_ASSISTANT_PRICES": "a=1/2; b=0.5/4",
                                              "QAYD_ASSISTANT_MONTHLY_BUDGET": ""}, config_file=empty)
    assert problems == [] and found is not None
    assert found.assistant.prices["b"] == ModelPrice(Decimal("0.5"), Decimal("4"))
    assert found.assistant.monthly_budget is None


def test_the_migration_makes_the_table_the_model_describes(ctx: Context) -> None:
    from core.store.models import AssistantUsage

    with sqlite3.connect(ctx.db.path) as conn:
        columns = {name: not notnull for _cid, name, _type, notnull, _default, _pk
                   in conn.execute("PRAGMA table_info(assistant_usage)")}
        indexes = {name for (_seq, name, *_rest) in conn.execute("PRAGMA index_list(assistant_usage)")}
    assert columns == {c.name: c.nullable for c in AssistantUsage.__table__.columns}
    assert "ix_assistant_usage_at" in indexes
    assert not set(columns) & {"prompt", "text", "body", "answer"}
