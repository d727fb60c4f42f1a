"""How a long privacy operation (an access export, an erasure) stops: the names of core.progress, kept here for
the modules that import them from this place."""

from __future__ import annotations

from core.progress import CancelCheck, Cancelled, Progress, step

__all__ = ["CancelCheck", "Cancelled", "Progress", "step"]
