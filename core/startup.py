"""Start-up without the cycle collector's pauses: importing SQLAlchemy, the mapped models and pydantic makes
hundreds of thousands of objects and none of them is garbage, yet every 700 allocations start a collection that
walks the young ones again, and the older generations walk them all (~10 % of `qayd invoice list`). So start-up
collects rarely; once the company is open, what start-up made is moved to the permanent generation (`gc.freeze`,
never walked again: the standard remedy for a long import phase) and collection goes back to normal.

Only a process of its own freezes (the `qayd` command, `main()` without arguments, and `qayd-desktop`): a process
that runs many commands, as the tests do, would keep every start-up's garbage cycles alive; there start-up only
collects rarely. Both faces use it, so it lives on the ground floor.
"""

from __future__ import annotations

import gc

# A collection every million new objects, not never: a command that never opens a company still has a bound.
STARTING_THRESHOLD = 1_000_000
_normal: list[tuple[int, ...]] = []
_freeze: list[bool] = []


def begin(*, freeze: bool = False) -> None:
    """Collect rarely until `settle`; `freeze`: then move what start-up made out of the collector's way."""
    if not _normal:
        _normal.append(gc.get_threshold())
        _freeze.append(freeze)
        gc.set_threshold(STARTING_THRESHOLD, *_normal[-1][1:])


def settle() -> None:
    """Start-up is over: collect as before (having frozen what start-up made, when asked to)."""
    if _normal:
        if _freeze.pop():
            gc.freeze()
        gc.set_threshold(*_normal.pop())
