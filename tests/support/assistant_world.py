"""The assistant's test world (a pytest plugin, tests/conftest.py): the local server of both providers' APIs as the
`llm` fixture, its key, and a company whose secret store holds that key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.uow import Context
from tests.support.llm_server import LLMServer

KEY = "sk-test-qayd-0123456789"


@pytest.fixture
def llm() -> Iterator[LLMServer]:
    """The local Anthropic and OpenAI APIs, accepting KEY; a bug in the server itself fails the test."""
    with LLMServer(api_key=KEY) as fake:
        yield fake
    assert fake.internal_errors == []


def with_key(ctx: Context) -> Context:
    """The company with the assistant's key in its secret store (as `qayd secrets set assistant.api_key` leaves it)."""
    from core.secrets import manager

    with ctx.uow() as uow:
        manager.set_secret(uow, "assistant.api_key", KEY.encode())
        uow.commit()
    return ctx
