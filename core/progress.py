"""One vocabulary for long work: how a job reports progress, how it is cancelled, and how it steps through items.

Every long job in core takes the same two plain callables (Orange3's `progress_callback`, no Qt):

* `progress(fraction, message)` — `Progress`: how far it is (0.0 … 1.0) and what it is doing, in words
  without personal data or secrets;
* `cancelled()` — `CancelCheck`: True once the person asked to stop (the desktop passes a job's
  `threading.Event.is_set`).

A job checks `cancelled` the same way everywhere — through `check`, `step`, `Ticker` or `steps` — and stops by
raising the one `Cancelled` (core.errors) after undoing its unfinished part, so nothing is left half-written.
Reports go out at a bounded rate (`MIN_INTERVAL`): a million items never mean a million signals to the UI.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import TypeVar

from core.errors import Cancelled

Progress = Callable[[float, str], None]  # (fraction done, 0.0 … 1.0; what is being done)
CancelCheck = Callable[[], bool]  # True once the caller wants the job to stop
Clock = Callable[[], float]
T = TypeVar("T")

# Ten reports a second keep a progress bar smooth; more only load the UI thread with signals.
MIN_INTERVAL = 0.1

__all__ = ["MIN_INTERVAL", "CancelCheck", "Cancelled", "Progress", "Ticker", "check", "part", "step", "steps"]


def check(cancelled: CancelCheck | None, what: str = "") -> None:
    """Raise `Cancelled` when the caller asked to stop; `what` says where the job was."""
    if cancelled is not None and cancelled():
        raise Cancelled(what)


def step(progress: Progress | None, cancelled: CancelCheck | None, fraction: float, message: str) -> None:
    """Between the phases of a job: stop if the caller asked to, else report."""
    check(cancelled, message)
    if progress is not None:
        progress(fraction, message)


def part(progress: Progress | None, low: float, high: float, prefix: str = "") -> Progress | None:
    """The share [low, high] of a parent's bar, for one phase of a job that runs several in turn."""
    if progress is None:
        return None
    outer = progress

    def report(fraction: float, message: str) -> None:
        shown = f"{prefix}: {message}" if prefix and message else prefix or message
        outer(low + (high - low) * max(0.0, min(1.0, fraction)), shown)

    return report


class Ticker:
    """Progress and cancellation inside a loop: `tick` once per item.

    The cancel check runs every `every` ticks (a deterministic count, so a cancel lands between items, never in one);
    a report goes out at most once per `interval` seconds; fractions never go back and never pass 1.0; `done`
    always reports 1.0.
    """

    def __init__(self, progress: Progress | None = None, cancelled: CancelCheck | None = None, *, every: int = 1,
                 interval: float = MIN_INTERVAL, clock: Clock = time.monotonic) -> None:
        if every < 1:
            raise ValueError("every must be at least 1")
        self.progress, self.cancelled = progress, cancelled
        self.every, self.interval, self.clock = every, interval, clock
        self.ticks = 0
        self.shown = 0.0  # the highest fraction reported so far
        self._last: float | None = None  # the clock at the last report

    def tick(self, fraction: float, message: str) -> None:
        """One item done, `fraction` of the whole; stop if asked (every `every` items), report if it is time."""
        self.ticks += 1
        if self.ticks % self.every:
            return
        check(self.cancelled, message)
        if self.progress is not None:
            now = self.clock()
            if self._last is None or now - self._last >= self.interval:
                self._last = now
                self._report(fraction, message)

    step = tick  # the name the report writers used (core.reports.layout.Progress)

    def done(self, message: str) -> None:
        """The loop finished: report 1.0 whatever the rate."""
        if self.progress is not None:
            self._report(1.0, message)

    def _report(self, fraction: float, message: str) -> None:
        self.shown = max(self.shown, min(1.0, fraction))
        assert self.progress is not None
        self.progress(self.shown, message)


def steps(items: Iterable[T], progress: Progress | None, cancelled: CancelCheck | None, *, total: int | None = None,
          label: str = "items", every: int = 1, interval: float = MIN_INTERVAL,
          clock: Clock = time.monotonic) -> Iterator[T]:
    """Yield each of `items`, reporting "n of total <label>" at a bounded rate and raising `Cancelled` (checked
    before every `every`-th item) when the caller asks; reports 1.0 once every item was handled."""
    if total is None and isinstance(items, Sized):
        total = len(items)
    ticker = Ticker(progress, cancelled, every=every, interval=interval, clock=clock)
    done = 0
    for item in items:
        if done:  # the check for item n+1 comes after item n was handled, before the next starts
            ticker.tick(done / total if total else 0.0, _count(done, total, label))
        else:
            check(cancelled, _count(0, total, label))
        yield item
        done += 1
    ticker.done(_count(done, total, label))


def _count(done: int, total: int | None, label: str) -> str:
    return f"{done:,} of {total:,} {label}" if total else f"{done:,} {label}"
