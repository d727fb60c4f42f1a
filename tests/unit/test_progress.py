"""The one vocabulary for long work: reports at a bounded rate, fractions that only grow and end at 1.0, and the
one `Cancelled` raised between items when the caller asks."""

from __future__ import annotations

import threading

import pytest

from core import errors
from core.progress import Cancelled, Ticker, check, part, step, steps


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cancelled_is_the_one_qayd_error_with_its_own_exit_code() -> None:
    assert Cancelled is errors.Cancelled and issubclass(Cancelled, errors.QaydError)
    assert Cancelled.exit_code == 130  # as Ctrl-C: the CLI's "interrupted"
    assert str(Cancelled("3 of 9 tables read")) == "Cancelled (3 of 9 tables read)."
    codes = {c.exit_code for c in errors.QaydError.__subclasses__() if c is not Cancelled}
    assert 130 not in codes


def test_steps_yields_every_item_and_ends_at_one() -> None:
    seen: list[tuple[float, str]] = []
    clock = FakeClock()

    def report(fraction: float, message: str) -> None:
        seen.append((fraction, message))
        clock.now += 1.0  # every report is a second later: none is held back by the rate

    assert list(steps(range(10), report, None, label="rows", clock=clock)) == list(range(10))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in fractions)
    assert seen[-1][1] == "10 of 10 rows"


def test_reports_are_bounded_by_the_interval_not_by_the_items() -> None:
    clock = FakeClock()
    seen: list[float] = []
    for i in steps(range(10_000), lambda f, _m: seen.append(f), None, interval=0.1, clock=clock):
        clock.now = i * 0.001  # 10 s of work at a millisecond an item
    # at most one report per 0.1 s of clock (10 s -> ~100), plus the closing 1.0: not 10,000
    assert 90 <= len(seen) <= 102 and seen[-1] == 1.0
    assert seen == sorted(seen)


def test_a_cancel_mid_way_raises_between_items() -> None:
    stop = threading.Event()
    handled: list[int] = []
    with pytest.raises(Cancelled) as raised:
        for i in steps(range(100), None, stop.is_set, label="documents"):
            handled.append(i)
            if i == 41:
                stop.set()
    assert handled == list(range(42))  # item 41 finished; item 42 never started
    assert raised.value.what == "42 of 100 documents"


def test_cancel_is_checked_every_n_items_only() -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) == 3

    handled = []
    with pytest.raises(Cancelled):
        for i in steps(range(1_000), None, cancelled, every=50):
            handled.append(i)
    assert len(asked) == 3 and len(handled) == 100  # before item 0, after 50, after 100


def test_a_cancel_before_the_first_item_handles_none() -> None:
    handled: list[int] = []
    with pytest.raises(Cancelled):
        handled.extend(steps([1, 2, 3], None, lambda: True))
    assert handled == []


def test_ticker_fractions_never_go_back_nor_pass_one() -> None:
    seen: list[float] = []
    ticker = Ticker(lambda f, _m: seen.append(f), None, interval=0.0)
    for fraction in (0.1, 0.5, 0.3, 0.7, 1.4):
        ticker.tick(fraction, "working")
    ticker.done("finished")
    assert seen == [0.1, 0.5, 0.5, 0.7, 1.0, 1.0]
    with pytest.raises(ValueError):
        Ticker(every=0)


def test_step_check_and_part() -> None:
    seen: list[tuple[float, str]] = []
    step(lambda f, m: seen.append((f, m)), None, 0.25, "read")
    with pytest.raises(Cancelled):
        step(lambda f, m: seen.append((f, m)), lambda: True, 0.5, "written")
    assert seen == [(0.25, "read")]  # a cancelled step reports nothing
    check(None)
    check(lambda: False)
    second_half = part(lambda f, m: seen.append((f, m)), 0.5, 1.0, "Documents")
    assert second_half is not None and part(None, 0.0, 1.0) is None
    second_half(0.5, "3 of 6")
    second_half(2.0, "")
    assert seen[1:] == [(0.75, "Documents: 3 of 6"), (1.0, "Documents")]
