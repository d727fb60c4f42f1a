"""The Assistant view against the local server of the OpenAI API (tests/support/llm_server.py): a scripted question is
answered through a tool and shown with its step and "verified"; a number no tool gave is shown as unverified; without
settings the panel says what is missing and how to fix it, and Ask answers with that; incident mode shows the hold;
the Arabic UI lays the panel out right to left and an Arabic answer reads right to left."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.config import AssistantSettings, ModelPrice, Settings
from core.invoicing import create_demo
from core.uow import Context
from core.zatca import add_demo_egs
from desktop.jobs import SyncPool
from desktop.session import AppSession
from desktop.views.assistant import AssistantView, is_right_to_left
from tests.conftest import StepClock
from tests.support.assistant_world import with_key
from tests.support.llm_server import LLMServer


@pytest.fixture
def server(llm: LLMServer) -> LLMServer:
    return llm


@pytest.fixture
def books(ctx: Context) -> Context:
    create_demo(ctx, drafts=10)
    add_demo_egs(ctx, issue=6)
    with_key(ctx)
    return ctx


def configured(settings: Settings, server: LLMServer) -> Settings:
    assistant = AssistantSettings(provider="openai", model="gpt-test-1", base_url=server.openai_url,
                                  prices={"gpt-test-1": ModelPrice(Decimal("3"), Decimal("15"))})
    return settings.model_copy(update={"assistant": assistant})


def shown_view(settings: Settings, clock: StepClock, ctx: Context, qtbot: QtBot, language: str = "en") -> AssistantView:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(language)
    view = AssistantView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.show()
    view.refresh()
    return view


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    from PySide6.QtWidgets import QApplication

    from desktop.i18n import install_language

    install_language(QApplication.instance(), "en")  # type: ignore[arg-type]
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def test_a_scripted_question_is_answered_with_its_step_and_verified(settings: Settings, clock: StepClock,
                                                                   books: Context, server: LLMServer,
                                                                   qtbot: QtBot) -> None:
    from core.assistant import ToolCall, run_tool

    with books.uow(write=False) as uow:
        figure = json.loads(run_tool(uow, ToolCall("x", "outstanding_invoices", {})).content)[
            "total_outstanding"][0]["amount"]
    server.call("outstanding_invoices", arguments={})
    server.say(f"Customers owe {figure} SAR in all.")
    view = shown_view(configured(settings, server), clock, books, qtbot)
    assert view.checked and view.problem is None  # set up: nothing to fix
    view.question.setText("How much do customers owe us?")
    qtbot.keyClick(view.question, Qt.Key.Key_Return)  # Enter asks
    assert view.answer is not None and view.answer_label.text() == f"Customers owe {figure} SAR in all."
    assert view.answer_label.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert view.verified.text() == "Verified: every number came from the books."
    assert [view.steps.item(i).text() for i in range(view.steps.count())] == ["outstanding_invoices()"]
    assert not view.sources.isVisible()
    view.sources_button.click()
    assert view.sources.isVisible() and figure in view.sources.toPlainText()
    assert view.sources_button.text() == "Hide sources"
    assert view.usage.text() == (f"gpt-test-1: {view.answer.input_tokens} tokens in, {view.answer.output_tokens} out, "
                                 f"{view.answer.cost} {view.answer.currency}.") and view.answer.cost > 0
    assert not view.budget.isVisible()
    assert view.ask_button.isEnabled() and not view.cancel_button.isEnabled() and len(server.requests) == 2


def test_a_number_no_tool_gave_is_shown_unverified(settings: Settings, clock: StepClock, books: Context,
                                                   server: LLMServer, qtbot: QtBot) -> None:
    server.say("You are owed 999,999.99 SAR by ٣ customers.")
    view = shown_view(configured(settings, server), clock, books, qtbot)
    view.ask("How much are we owed?")
    assert view.answer is not None and not view.answer.verified
    assert view.verified.text() == "Unverified: 3, 999999.99 came from no tool's result; check them."
    assert view.verified.property("state") == "unverified"
    assert view.steps.item(0).text() == "(no tool was called)" and not view.sources_button.isEnabled()


def test_without_settings_it_says_what_is_missing_and_ask_answers_with_it(settings: Settings, clock: StepClock,
                                                                         ctx: Context, qtbot: QtBot) -> None:
    view = shown_view(settings, clock, ctx, qtbot)  # the default: no provider
    assert view.data_shown() and view.problem is not None
    assert "[assistant] provider" in view.status.text() and "not set up" in view.status.text()
    assert view.ask_button.isEnabled()
    view.ask("Who owes us the most?")
    assert view.answer is None and view.outcome == "failed"
    assert "[assistant] provider" in view.answer_label.text()
    assert view.ask_button.isEnabled()


def test_a_missing_key_is_named_with_its_fix(settings: Settings, clock: StepClock, ctx: Context,
                                            server: LLMServer, qtbot: QtBot) -> None:
    view = shown_view(configured(settings, server), clock, ctx, qtbot)  # settings, but no key in this store
    assert view.problem is not None and "qayd secrets set assistant.api_key" in view.status.text()
    assert server.requests == []


def test_incident_mode_shows_the_hold(settings: Settings, clock: StepClock, books: Context, server: LLMServer,
                                      qtbot: QtBot) -> None:
    from core.errors import IncidentHold
    from core.incident import start

    start(books, reason="key compromise drill")
    view = shown_view(configured(settings, server), clock, books, qtbot)
    assert isinstance(view.problem, IncidentHold) and view.problem.message in view.status.text()
    view.ask("Who owes us the most?")
    assert isinstance(view.problem, IncidentHold) and view.problem.message in view.answer_label.text()
    assert server.requests == []


def test_the_arabic_panel_reads_right_to_left(settings: Settings, clock: StepClock, books: Context,
                                              server: LLMServer, qtbot: QtBot) -> None:
    server.say("لا توجد فواتير مستحقة.")
    view = shown_view(configured(settings, server), clock, books, qtbot, language="ar")
    assert view.isRightToLeft() and view.question.isRightToLeft()
    assert view.ask_button.text() == "اسأل" and view.title() == "المساعد"
    view.ask("من أكثر من يدين لنا؟")
    assert view.answer_label.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert view.verified.text() == "تم التحقق: كل رقم جاء من الدفاتر."
    assert is_right_to_left("«١٢٣» مبلغ") and not is_right_to_left("123 SAR لنا") and not is_right_to_left("42")


def test_the_screenshot_shows_a_scripted_answer_offline(settings: Settings, clock: StepClock, books: Context,
                                                        qtbot: QtBot) -> None:
    view = shown_view(settings, clock, books, qtbot)
    [(name, panel)] = view.screenshot_extras()
    qtbot.addWidget(panel)
    assert name == "answered" and isinstance(panel, AssistantView) and panel.answer is not None
    assert panel.answer.verified and panel.steps.item(0).text() == "outstanding_invoices()"
    assert panel.answer.sources[0].strip().startswith("{") and "Customers owe us" in panel.answer_label.text()
