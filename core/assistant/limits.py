"""The assistant's rate limiter: a minimum interval between calls, and no call before the moment a provider named.

One limiter serves a provider for the whole process (the desktop's jobs run on a pool): it is thread-safe, and each
`wait` reserves its slot, so two jobs never go at once. After AssistantUnavailable, `unavailable(error)` holds every
call until its Retry-After has passed (or a default backoff when the provider named none). A wait sleeps in small
steps and honours cancellation; one longer than `max_wait` is not slept at all but raised at once, so a person is
told when to try again instead of staring at a job that waits an hour.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.assistant.errors import AssistantUnavailable
from core.progress import CancelCheck, check


class RateLimiter:
    """`limiter.wait(cancelled)` before each call; `limiter.unavailable(error)` when a call raised
    AssistantUnavailable. `clock` (monotonic seconds) and `sleep` are injectable for tests."""

    def __init__(self, min_interval: float = 1.0, *, default_backoff: float = 30.0, max_wait: float = 120.0,
                 step: float = 0.2, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if min_interval < 0 or default_backoff < 0 or max_wait < 0 or step <= 0:
            raise ValueError("intervals must be >= 0 and the step > 0")
        self.min_interval = min_interval
        self.default_backoff = default_backoff
        self.max_wait = max_wait
        self._step = step
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_call = float("-inf")  # the earliest moment the interval allows the next call
        self._not_before = float("-inf")  # the earliest moment the provider allows any call

    def ready_in(self) -> float:
        """Seconds until a call may go (0: now)."""
        with self._lock:
            return max(0.0, max(self._next_call, self._not_before) - self._clock())

    def wait(self, cancelled: CancelCheck | None = None) -> float:
        """Block until a call may go, then reserve it; returns the moment (on `clock`) the slot was taken. Raises
        Cancelled when `cancelled()` turns true while waiting, and AssistantUnavailable (with retry_after) when the
        provider's pause is longer than `max_wait`."""
        while True:
            check(cancelled, "waiting for the assistant's provider")
            with self._lock:
                now = self._clock()
                if self._not_before - now > self.max_wait:
                    raise AssistantUnavailable(
                        f"The assistant's provider asked to wait {self._not_before - now:.0f} s before the next call.",
                        fix="Try again later.", retry_after=self._not_before - now)
                due = max(self._next_call, self._not_before)
                if now >= due:
                    self._next_call = now + self.min_interval
                    return now
            self._sleep(min(self._step, due - now))

    def unavailable(self, error: AssistantUnavailable) -> None:
        """Hold every call until the provider's Retry-After (or the default backoff) has passed."""
        self.pause(error.retry_after if error.retry_after is not None else self.default_backoff)

    def pause(self, seconds: float) -> None:
        """No call for `seconds` from now (a later pause already set stays)."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + max(0.0, seconds))
