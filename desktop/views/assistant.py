"""The Assistant view: a question about the books, answered by `core.assistant.ask` in a Job (never on the UI thread).

* Asking: the question box (Enter asks) and Ask; the question runs in a `desktop.jobs.Job` with progress and Cancel.
  The service reports its rounds as progress ("asking the model", "the model reads the results") and gives the tools
  it called only with the answer, so the steps are listed once the answer is in.
* The answer: selectable text, right to left when its first strong character is Arabic (whatever the UI's language),
  a "verified" or "unverified: N1, N2" line, the steps (each tool with its arguments), the tools' JSON results behind
  "Show sources", the model's tokens and cost, and the budget warning.
* Not set up (the default: no provider, no model or no key), incident mode, the budget spent or the provider away:
  the panel says what is wrong and how to fix it (the error's message and fix) in place of an answer; it never fails.
  On showing, a Job checks the same (incident hold, provider settings, key) without sending anything.

`core.assistant` is imported only inside the Jobs: opening the window costs nothing for it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.errors import QaydError
from desktop.errors import present_error
from desktop.i18n import tr
from desktop.jobs import Job, cancelled_text
from desktop.session import AppSession
from desktop.views.base import View

if TYPE_CHECKING:
    from core.assistant import Answer


def ask_work(session: AppSession, question: str) -> Callable[..., Any]:
    """The Job's function: the answer (core.assistant.ask over the session's company and assistant settings)."""
    ctx, settings = session.ctx, session.settings.assistant

    def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Answer:
        from core.assistant import ask

        return ask(ctx, settings, question, progress=progress, cancelled=cancelled)

    return work


def readiness_work(session: AppSession) -> Callable[..., QaydError | None]:
    """The Job's function on showing: None when a question could be sent, else the error asking would raise (the
    incident hold, or what is missing from the settings or the secret store). Nothing is sent."""
    ctx, settings = session.ctx, session.settings.assistant

    def work(_progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> QaydError | None:
        from core.assistant import provider_for
        from core.incident import check_not_held

        try:
            with ctx.uow(write=False) as uow:
                check_not_held(uow, "assistant")
            provider_for(ctx, settings)
        except QaydError as exc:
            return exc
        return None

    return work


def is_right_to_left(text: str) -> bool:
    """Whether `text`'s first strong character is right to left (Arabic, Hebrew); False when it has none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def step_text(tool: str, arguments: dict[str, Any], ok: bool) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in arguments.items())
    text = f"{tool}({shown})"
    return text if ok else tr("Assistant", "{step} (refused)").format(step=text)


class AssistantView(View):
    key = "assistant"

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.answer: Answer | None = None
        self.problem: QaydError | None = None  # what stops the assistant (not set up, incident, budget, away)
        self.job: Job | None = None
        self.check_job: Job | None = None
        self.outcome = ""  # "", "cancelled", "failed"
        self.checked = False

        self.heading = QLabel(objectName="viewHeading")
        self.status = QLabel(objectName="assistantStatus")  # what is missing and how to fix it
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question = QLineEdit(objectName="assistantQuestion")
        self.question.returnPressed.connect(lambda: self.ask())
        self.ask_button, self.cancel_button = QPushButton(objectName="askAssistant"), QPushButton()
        self.ask_button.clicked.connect(lambda: self.ask())
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.progress_text = QLabel(objectName="assistantProgress")

        self.answer_label = QLabel(objectName="assistantAnswer")
        self.answer_label.setWordWrap(True)
        self.answer_label.setTextFormat(Qt.TextFormat.PlainText)
        self.answer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer_label.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        self.verified = QLabel(objectName="assistantVerified")
        self.verified.setWordWrap(True)
        self.steps_caption = QLabel()
        self.steps = QListWidget(objectName="assistantSteps")
        self.steps.setMaximumHeight(110)
        self.steps.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # tool(arg=value): code, read left to right
        self.sources_button = QPushButton(objectName="showSources")
        self.sources_button.setCheckable(True)
        self.sources_button.toggled.connect(self._show_sources)
        self.sources = QPlainTextEdit(objectName="assistantSources")
        self.sources.setReadOnly(True)
        self.sources.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # JSON reads left to right
        self.sources.setVisible(False)
        self.usage = QLabel(objectName="assistantUsage")
        self.budget = QLabel(objectName="assistantBudget")
        self.budget.setWordWrap(True)

        asking = QHBoxLayout()
        asking.addWidget(self.question, 1)
        asking.addWidget(self.ask_button)
        asking.addWidget(self.cancel_button)
        body = QWidget()
        shown = QVBoxLayout(body)
        toggle = QHBoxLayout()
        toggle.addWidget(self.sources_button)
        toggle.addStretch(1)
        for widget in (self.answer_label, self.verified, self.steps_caption, self.steps):
            shown.addWidget(widget)
        shown.addLayout(toggle)
        for widget in (self.sources, self.usage, self.budget):
            shown.addWidget(widget)
        shown.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.status)
        layout.addLayout(asking)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(scroll, 1)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Assistant")

    # -- jobs -------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """On showing: check (in a Job) whether a question could be sent, to say what is missing before asking."""
        if self.check_job is not None or not self.session.is_open or not self.session.has_settings:
            return
        job = Job(readiness_work(self.session), "assistant readiness")
        job.signals.succeeded.connect(self._checked)
        job.signals.finished.connect(self._check_finished)
        self.check_job = job
        self.session.pool.start(job)

    def ask(self, question: str | None = None) -> Job | None:
        """Ask `question` (or the box's) in a Job; without settings or key the answer is what is missing."""
        if question is not None:
            self.question.setText(question)
        text = self.question.text().strip()
        if self.job is not None or not text or not self.session.is_open:
            return None
        job = Job(ask_work(self.session, text), "assistant")
        job.signals.succeeded.connect(self._answered)
        job.signals.cancelled.connect(lambda: self._set_outcome("cancelled"))
        job.signals.failed.connect(self._failed)
        job.signals.progressed.connect(self._progressed)
        job.signals.finished.connect(self._finished)
        self.job, self.outcome = job, ""
        self.ask_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_text.setText(tr("Assistant", "Asking…"))
        self.session.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _checked(self, problem: QaydError | None) -> None:
        self.checked, self.problem = True, problem
        self._show()

    def _check_finished(self) -> None:
        self.check_job = None

    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.progress_text.setText(progress_label(message))

    def _answered(self, answer: Answer) -> None:
        self.answer, self.problem = answer, None
        self.sources_button.setChecked(False)
        self._show()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, QaydError):  # not set up, incident, budget, provider away or refusing: said in place
            self.answer, self.problem = None, exc
            self.outcome = "failed"
            self._show()
            return
        self._set_outcome("failed")
        present_error(self, exc)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        self._show()

    def _finished(self) -> None:
        self.job = None
        self.ask_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        if self.outcome != "cancelled":
            self.progress_text.setText("")

    def data_shown(self) -> bool:
        return self.checked or self.answer is not None or self.outcome != ""

    # -- showing ----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(tr("Assistant", "Assistant"))
        self.question.setPlaceholderText(tr("Assistant", "Ask about the books, e.g. Who owes us the most?"))
        self.ask_button.setText(tr("Assistant", "Ask"))
        self.cancel_button.setText(tr("Assistant", "Cancel"))
        self.steps_caption.setText(tr("Assistant", "What it read:"))
        self._show()

    def _show(self) -> None:
        problem = self.problem
        if problem is not None:
            text = problem.message + (f"\n{problem.fix}" if problem.fix else "")
            self.status.setText(text)
        else:
            self.status.setText(tr("Assistant", "Names never leave this desk: the question goes out with them "
                                                "replaced, and every number in the answer is checked against "
                                                "the books."))
        if self.outcome == "cancelled":
            self.progress_text.setText(cancelled_text())
        answer = self.answer
        self.sources_button.setText(tr("Assistant", "Hide sources") if self.sources_button.isChecked()
                                    else tr("Assistant", "Show sources"))
        for widget in (self.verified, self.steps_caption, self.steps, self.sources_button, self.usage):
            widget.setVisible(answer is not None)
        if answer is None:
            # Asked and refused: the answer is what stops it (the message and how to fix it).
            self.answer_label.setText(self.status.text() if self.outcome == "failed" and problem is not None else "")
            self.answer_label.setLayoutDirection(self.layoutDirection())
            self.budget.setText("")
            self.budget.setVisible(False)
            self.sources.setVisible(False)
            return
        self.answer_label.setText(answer.text)
        self.answer_label.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_right_to_left(answer.text)
                                             else Qt.LayoutDirection.LeftToRight)
        if answer.verified:
            self.verified.setText(tr("Assistant", "Verified: every number came from the books."))
            self.verified.setProperty("state", "verified")
        else:
            self.verified.setText(tr("Assistant", "Unverified: {numbers} came from no tool's result; check them.")
                                  .format(numbers=", ".join(answer.unverified)))
            self.verified.setProperty("state", "unverified")
        self.steps.clear()
        for step in answer.steps:
            self.steps.addItem(step_text(step.tool, step.arguments, step.ok))
        if not answer.steps:
            self.steps.addItem(tr("Assistant", "(no tool was called)"))
        self.sources_button.setEnabled(bool(answer.sources))
        self.sources.setPlainText("\n\n".join(_pretty(s) for s in answer.sources))
        self.sources.setVisible(self.sources_button.isChecked())
        self.usage.setText(tr("Assistant", "{model}: {input} tokens in, {output} out, {cost} {currency}.").format(
            model=answer.model, input=answer.input_tokens, output=answer.output_tokens, cost=answer.cost,
            currency=answer.currency))
        self.budget.setText(tr("Assistant", "This month's assistant budget is nearly spent.")
                            if answer.budget_warning else "")
        self.budget.setVisible(answer.budget_warning)

    def _show_sources(self, _on: bool) -> None:
        self._show()

    def screenshot_extras(self) -> list[tuple[str, QWidget]]:
        """The panel answered (offline): a scripted answer over the real result of one tool on this company."""
        from decimal import Decimal

        from core.assistant import Answer, Step, ToolCall, run_tool

        with self.session.ctx.uow(write=False, channel="assistant") as uow:
            result = run_tool(uow, ToolCall("screenshot", "outstanding_invoices", {}))
        totals = json.loads(result.content).get("total_outstanding") or [{"amount": "0", "currency": "SAR"}]
        figure, currency = totals[0].get("amount", "0"), totals[0].get("currency", "SAR")
        text = (f"يدين لنا العملاء بمبلغ {figure} {currency} في المجموع." if self.session.language == "ar"
                else f"Customers owe us {figure} {currency} in all.")
        panel = AssistantView(self.session)
        panel.retranslate()
        panel.question.setText("من أكثر من يدين لنا؟" if self.session.language == "ar" else "How much are we owed?")
        panel.checked = True
        panel._answered(Answer(text, (Step("outstanding_invoices", {}, True),), True, (), "scripted-model", 5683, 70,
                               Decimal("0.018099"), "USD", sources=(result.content,)))
        panel.resize(self.size())
        return [("answered", panel)]


def progress_label(message: str) -> str:
    """The service's progress messages in the UI's language."""
    return {"asking the model": tr("Assistant", "Asking the model…"),
            "the model reads the results": tr("Assistant", "The model reads what the tools returned…"),
            "answered": tr("Assistant", "Answered.")}.get(message, message)


def _pretty(source: str) -> str:
    try:
        return json.dumps(json.loads(source), ensure_ascii=False, indent=2)
    except ValueError:
        return source
