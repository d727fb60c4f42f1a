"""How a long privacy operation (an access export, an erasure) stops when its caller cancels it."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """Raised when `cancelled()` said so: nothing was changed (an erasure rolls back, an export removes its folder).

    The desktop turns it into `desktop.jobs.JobCancelled`.
    """


def step(progress: Progress | None, cancelled: CancelCheck | None, fraction: float, message: str) -> None:
    """Report progress, then stop if the caller asked to."""
    if cancelled is not None and cancelled():
        raise Cancelled(message)
    if progress is not None:
        progress(fraction, message)
