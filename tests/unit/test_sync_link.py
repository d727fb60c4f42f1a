"""The core's live link without a reachable central: the loop reports offline and backs off, stops promptly, and a
sync run against a dead address is an outcome a desk can show, not an exception."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from core.sync import RETRY_FIRST, RETRY_MAX, ListenLoop, failure_text, next_delay, sync_step
from core.uow import Context


def dead_dsn() -> str:
    with socket.socket() as s:  # a port nothing listens on: connecting is refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://nobody@127.0.0.1:{port}/qayd"


def test_back_off_doubles_up_to_the_limit() -> None:
    delays = [RETRY_FIRST]
    for _ in range(6):
        delays.append(next_delay(delays[-1]))
    assert delays[:4] == [5.0, 10.0, 20.0, 40.0] and delays[-1] == RETRY_MAX == 60.0


def test_the_listen_loop_reports_offline_and_stops_promptly() -> None:
    states: list[bool] = []
    offline = threading.Event()

    def on_state(on: bool) -> None:
        states.append(on)
        offline.set()

    loop = ListenLoop(dead_dsn(), lambda _event: None, on_state, poll=0.1)
    loop.start()
    assert offline.wait(10)
    started = time.monotonic()
    loop.stop(2.0)
    assert not loop.is_alive() and time.monotonic() - started < 2.0
    assert states and not any(states)


def test_a_sync_against_an_unreachable_central_is_an_outcome(ctx: Context) -> None:
    outcome = sync_step(ctx, dead_dsn())
    assert outcome.result is None and outcome.error is not None
    assert outcome.status is not None  # the local status is still read (what waits to be sent)
    text = failure_text(outcome.error)
    assert text and "central database" in text and "nobody" not in text  # no login in what is shown


@pytest.mark.parametrize("value", [ValueError("x"), "plain"])
def test_failure_text_leaves_other_errors_to_the_caller(value: object) -> None:
    assert failure_text(value) is None
