"""The Insights view: what an auditor would flag in this company's books (`core.insights`), run in a Job with progress
and Cancel, shown as a table of findings with a detail pane, and marked by a person.

* Running: `core.insights.run` (every check over the default period, a rolling year) in a `desktop.jobs.Job`. The same
  Job then reads the findings kept (`list_findings`, with their marks) and the names of the customers they are about
  through `shown_names`, which writes the access log: never on the UI thread. Opening the view loads the last run's
  findings the same way, without running the checks again.
* The table: severity as a badge, the rule's title, the summary in the UI's language (`Finding.text`), the documents,
  the customers by name (an erased customer by its pseudonym), the score, when it was first seen and its mark; a
  filter by group, severity and mark. Under it, the checks that could not judge these books and why.
* The detail pane: summary, suggested action, the figures, and the evidence documents; a double-click opens the
  document in the invoice editor (read-only for an issued one), as the invoice list and the ZATCA queue do.
* Marking: acknowledged, false positive or resolved (`core.insights.mark`: audited, synchronised). Only an
  administrator or a compliance officer may; a clerk sees the buttons disabled and why. A false positive is not raised
  again for the same evidence on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.insights import (
    MARKERS,
    PERIODS,
    RULES,
    MarkState,
    figure_label,
    list_findings,
    mark,
    period_for,
    run,
    shown_names,
)
from desktop.badges import BADGE_ROLE, BadgeDelegate
from desktop.errors import present_error
from desktop.i18n import format_date, tr
from desktop.jobs import Job
from desktop.session import INSIGHTS, AppSession
from desktop.views.base import View

if TYPE_CHECKING:
    from core.insights import NotApplicable, RunResult, Shown, Stored

SEVERITY_BADGES = {"high": "rejected", "medium": "waiting", "low": "draft"}
DOCS_SHOWN = 3  # document numbers in the table's cell; the detail pane lists them all
COLUMNS = 8


@dataclass(frozen=True)
class Loaded:
    """What the view's Job reads: the findings kept with their marks, the customers' names (logged), and the run
    (None when the view only loaded the last run's findings)."""

    stored: list[Stored]
    names: dict[str, Shown]
    result: RunResult | None


def load_work(session: AppSession, *, run_checks: bool, period: str = "rolling_year") -> Callable[..., Loaded]:
    ctx, language = session.ctx, session.language

    def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> Loaded:
        result = None
        if run_checks:
            start, end = period_for(period, ctx.clock())
            result = run(ctx, start, end, progress=progress, cancelled=cancelled)
        with ctx.uow(write=False) as uow:
            stored = list_findings(uow)
            ids = {c for s in stored for c in s.finding.customers}
            names = shown_names(uow, ids, language=language) if ids else {}
        return Loaded(stored, names, result)

    return work


def severity_label(severity: str) -> str:
    return {"high": tr("Insights", "High"), "medium": tr("Insights", "Medium"),
            "low": tr("Insights", "Low")}.get(severity, severity)


def mark_label(state: MarkState | None) -> str:
    if state is None:
        return ""
    return {MarkState.ACKNOWLEDGED: tr("Insights", "Acknowledged"),
            MarkState.FALSE_POSITIVE: tr("Insights", "False positive"),
            MarkState.RESOLVED: tr("Insights", "Resolved")}[state]


def group_label(group: str) -> str:
    return {"duplicates": tr("Insights", "Duplicates"), "digits": tr("Insights", "Digits and Benford"),
            "timing": tr("Insights", "Unusual times"), "vat": tr("Insights", "VAT patterns"),
            "customers": tr("Insights", "Customers' spend"), "sequence": tr("Insights", "Numbering and dates"),
            "credits": tr("Insights", "Credit notes"), "receivables": tr("Insights", "Receivables")}.get(group, group)


def groups() -> list[str]:
    return list(dict.fromkeys(r.group for r in RULES.values()))


def _cell(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip or text)
    return item


class InsightsView(View):
    key = "insights"
    topics = (INSIGHTS,)  # a mark made here, or pulled from another desk

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.loaded: Loaded | None = None
        self.last_run: RunResult | None = None
        self.shown: list[Stored] = []  # the rows of the table, after the filter
        self.job: Job | None = None
        self.outcome = ""  # "", "cancelled", "failed"
        self.opened: QDialog | None = None

        self.heading, self.result = QLabel(objectName="viewHeading"), QLabel(objectName="insightsResult")
        self.result.setWordWrap(True)
        self.run_button, self.cancel_button = QPushButton(objectName="runInsights"), QPushButton()
        self.run_button.clicked.connect(lambda: self.run_checks())
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)

        self.period_combo = QComboBox(objectName="periodPicker")  # the period the next run judges
        for kind in PERIODS:
            self.period_combo.addItem("", kind)
        self.group_combo, self.severity_combo, self.mark_combo = QComboBox(), QComboBox(), QComboBox()
        self.group_combo.setObjectName("groupFilter")
        self.severity_combo.setObjectName("severityFilter")
        self.mark_combo.setObjectName("markFilter")
        self.group_combo.addItem("", "")
        for group in groups():
            self.group_combo.addItem("", group)
        for value in ("", "high", "medium", "low"):
            self.severity_combo.addItem("", value)
        for value in ("open", "", *[s.value for s in MarkState]):
            self.mark_combo.addItem("", value)
        for combo in (self.group_combo, self.severity_combo, self.mark_combo):
            combo.currentIndexChanged.connect(lambda _i: self._fill_table())

        self.table = QTableWidget(0, COLUMNS, objectName="findings")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setItemDelegateForColumn(0, BadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        for column in range(COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Titles, document lists and names can be long: fixed widths (a person may drag them), the summary stretches.
        for column, width in ((1, 230), (3, 150), (4, 130)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_cells: self._show_detail())

        self.detail_box = QGroupBox(objectName="insightDetail")
        self.detail_title, self.summary, self.action = QLabel(), QLabel(), QLabel()
        self.detail_title.setObjectName("insightTitle")
        for label in (self.detail_title, self.summary, self.action):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.detail_title.font()
        font.setBold(True)
        self.detail_title.setFont(font)
        self.action_caption, self.figures_caption, self.docs_caption = QLabel(), QLabel(), QLabel()
        self.figures = QFormLayout()
        self.documents = QListWidget(objectName="evidence")
        self.documents.itemDoubleClicked.connect(lambda item: self.open_document(item.data(Qt.ItemDataRole.UserRole)))
        self.ack_button, self.false_button, self.resolve_button = (QPushButton(objectName=n) for n in (
            "markAcknowledged", "markFalsePositive", "markResolved"))
        for button, state in ((self.ack_button, MarkState.ACKNOWLEDGED), (self.false_button,
                              MarkState.FALSE_POSITIVE), (self.resolve_button, MarkState.RESOLVED)):
            button.clicked.connect(lambda _checked=False, s=state: self.mark_current(s))
        self.mark_reason = QLabel(objectName="markReason")
        self.mark_reason.setWordWrap(True)
        # The finding's words on the leading side, its figures, evidence and marks beside them (the table above
        # keeps the window's width for its summary column).
        words, evidence = QVBoxLayout(), QVBoxLayout()
        for widget in (self.detail_title, self.summary, self.action_caption, self.action):
            words.addWidget(widget)
        words.addWidget(self.figures_caption)
        words.addLayout(self.figures)
        words.addStretch(1)
        evidence.addWidget(self.docs_caption)
        evidence.addWidget(self.documents, 1)
        buttons = QHBoxLayout()
        for button in (self.ack_button, self.false_button, self.resolve_button):
            buttons.addWidget(button)
        evidence.addLayout(buttons)
        evidence.addWidget(self.mark_reason)
        words_body = QWidget(objectName="insightWords")
        words_body.setLayout(words)
        words_scroll = QScrollArea()  # a long finding scrolls rather than squeezing its lines together
        words_scroll.setWidgetResizable(True)
        words_scroll.setFrameShape(QFrame.Shape.NoFrame)
        words_scroll.setWidget(words_body)
        detail = QHBoxLayout(self.detail_box)
        detail.addWidget(words_scroll, 3)
        detail.addLayout(evidence, 2)

        self.not_applicable = QLabel(objectName="notApplicable")
        self.not_applicable.setWordWrap(True)

        actions = QHBoxLayout()
        self.period_caption = QLabel()
        actions.addWidget(self.period_caption)
        actions.addWidget(self.period_combo)
        actions.addWidget(self.run_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        self.group_caption, self.severity_caption, self.mark_caption = QLabel(), QLabel(), QLabel()
        for caption, combo in ((self.group_caption, self.group_combo), (self.severity_caption, self.severity_combo),
                               (self.mark_caption, self.mark_combo)):
            actions.addWidget(caption)
            actions.addWidget(combo)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail_box)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        layout.addWidget(split, 1)
        layout.addWidget(self.not_applicable)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Insights")

    # -- jobs -------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """The last run's findings with their marks, as stored (the checks run when a person asks: Run checks): on
        first showing, and after a mark made here or pulled from another desk (the INSIGHTS topic)."""
        if self.job is None:
            self._start(run_checks=False)

    def run_checks(self) -> Job | None:
        return self._start(run_checks=True)

    def _start(self, *, run_checks: bool) -> Job | None:
        if self.job is not None or not self.session.is_open:
            return None
        period = str(self.period_combo.currentData() or PERIODS[0])
        job = Job(load_work(self.session, run_checks=run_checks, period=period),
                  "insights" if run_checks else "insights list")
        job.signals.succeeded.connect(self._loaded)
        job.signals.cancelled.connect(lambda: self._set_outcome("cancelled"))
        job.signals.failed.connect(self._failed)
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.finished.connect(self._finished)
        self.job, self.outcome = job, ""
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(run_checks)
        self.progress.setValue(0)
        self.progress.setVisible(run_checks)
        if run_checks:
            self.result.setText(tr("Insights", "Checking the books…"))
        self.session.pool.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _loaded(self, loaded: Loaded) -> None:
        self.loaded = loaded
        if loaded.result is not None:
            self.last_run = loaded.result
        self._show()

    def _failed(self, exc: BaseException) -> None:
        self._set_outcome("failed")
        present_error(self, exc)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        self._show()

    def _finished(self) -> None:
        self.job = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def data_shown(self) -> bool:
        return self.loaded is not None or self.outcome != ""

    # -- showing ----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(tr("Insights", "Insights"))
        self.run_button.setText(tr("Insights", "Run checks"))
        self.cancel_button.setText(tr("Insights", "Cancel"))
        self.period_caption.setText(tr("Insights", "Period:"))
        for index, text in enumerate((tr("Insights", "Last 12 months"), tr("Insights", "This quarter"),
                                      tr("Insights", "Last quarter"), tr("Insights", "This year"),
                                      tr("Insights", "Last month"))):
            self.period_combo.setItemText(index, text)
        self.group_caption.setText(tr("Insights", "Group:"))
        self.severity_caption.setText(tr("Insights", "Severity:"))
        self.mark_caption.setText(tr("Insights", "Marked:"))
        self.group_combo.setItemText(0, tr("Insights", "All groups"))
        for index, group in enumerate(groups(), start=1):
            self.group_combo.setItemText(index, group_label(group))
        for index, text in enumerate((tr("Insights", "Any severity"), severity_label("high"),
                                      severity_label("medium"), severity_label("low"))):
            self.severity_combo.setItemText(index, text)
        for index, text in enumerate((tr("Insights", "Not marked"), tr("Insights", "Any"),
                                      *[mark_label(s) for s in MarkState])):
            self.mark_combo.setItemText(index, text)
        self.table.setHorizontalHeaderLabels([
            tr("Insights", "Severity"), tr("Insights", "Rule"), tr("Insights", "Summary"),
            tr("Insights", "Documents"), tr("Insights", "Customers"), tr("Insights", "Score"),
            tr("Insights", "First seen"), tr("Insights", "Mark")])
        self.detail_box.setTitle(tr("Insights", "Finding"))
        self.action_caption.setText(tr("Insights", "What to do:"))
        self.figures_caption.setText(tr("Insights", "Figures:"))
        self.docs_caption.setText(tr("Insights", "Evidence (double-click a document to open it):"))
        self.ack_button.setText(tr("Insights", "Acknowledge"))
        self.false_button.setText(tr("Insights", "False positive"))
        self.resolve_button.setText(tr("Insights", "Resolved"))
        if self.loaded is not None and self.loaded.names:  # the names in the new language (logged again)
            self.loaded = None
            self.refresh()
        self._show()

    def _show(self) -> None:
        self._show_result()
        self._fill_table()
        self._show_not_applicable()

    def _show_result(self) -> None:
        if self.outcome == "cancelled":
            self.result.setText(tr("Insights", "The checks were cancelled; the findings below are the last run's."))
            return
        loaded = self.loaded
        if loaded is None:
            return
        if not loaded.stored and self.last_run is None:
            self.result.setText(tr("Insights", "Run the checks to see what an auditor would flag in these books: "
                                               "duplicates, unusual amounts and times, VAT patterns, numbering, "
                                               "credit notes and receivables."))
            return
        text = tr("Insights", "{n} finding(s).").format(n=len(loaded.stored))
        if self.last_run is not None:
            r = self.last_run
            text = tr("Insights", "{n} finding(s) over {start} to {end}: {docs} documents read in {seconds} s.").format(
                n=len(r.findings), start=r.period[0].isoformat(), end=r.period[1].isoformat(), docs=f"{r.documents:,}",
                seconds=f"{r.seconds:.1f}")
            if r.suppressed:
                text += " " + tr("Insights", "{n} left out: marked false positives for the same evidence.").format(
                    n=r.suppressed)
        self.result.setText(text)

    def filtered(self) -> list[Stored]:
        if self.loaded is None:
            return []
        group, severity = self.group_combo.currentData(), self.severity_combo.currentData()
        marked = self.mark_combo.currentData()
        rows = []
        for stored in self.loaded.stored:
            f = stored.finding
            if (group and RULES[f.rule].group != group) or (severity and f.severity != severity):
                continue
            if marked == "open" and stored.mark is not None:
                continue
            if marked not in ("open", "") and (stored.mark is None or stored.mark.value != marked):
                continue
            rows.append(stored)
        return rows

    def customer_names(self, stored: Stored) -> list[str]:
        names = self.loaded.names if self.loaded is not None else {}
        return [names[c].name if c in names else c[:8] for c in stored.finding.customers]

    def _fill_table(self) -> None:
        key = self.current().finding.key if self.current() is not None else None
        self.shown = self.filtered()
        lang = self.session.language
        self.table.setRowCount(len(self.shown))
        for row, stored in enumerate(self.shown):
            f = stored.finding
            title, summary, _action = f.text(lang)
            badge = _cell(severity_label(f.severity))
            badge.setData(BADGE_ROLE, SEVERITY_BADGES[f.severity])
            numbers = [d.number for d in f.documents]
            docs = ", ".join(numbers[:DOCS_SHOWN]) + (f" +{len(numbers) - DOCS_SHOWN}" if len(numbers) > DOCS_SHOWN
                                                      else "")
            names = self.customer_names(stored)
            score = _cell(f"{f.score:.2f}")
            score.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            cells = (badge, _cell(title, f.rule), _cell(summary), _cell(docs, ", ".join(numbers)),
                     _cell(", ".join(names)), score, _cell(format_date(stored.first_seen.date(), lang)),
                     _cell(mark_label(stored.mark)))
            if stored.mark is not None:
                for cell in cells[1:]:
                    cell.setForeground(QBrush(QColor("#667085")))
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        keys = [s.finding.key for s in self.shown]
        self.table.setCurrentCell(keys.index(key) if key in keys else (0 if keys else -1), 0)
        self._show_detail()

    def current(self) -> Stored | None:
        row = self.table.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def may_mark(self) -> bool:
        # never opens the company: a view left over after its company closed still takes LanguageChange events
        return self.session.is_open and self.session.ctx.actor_role in MARKERS

    def _show_detail(self) -> None:
        stored = self.current()
        while self.figures.rowCount():
            self.figures.removeRow(0)
        self.documents.clear()
        allowed = self.may_mark()
        for button in (self.ack_button, self.false_button, self.resolve_button):
            button.setEnabled(stored is not None and allowed)
            button.setToolTip("" if allowed else tr("Insights", "Only an administrator or a compliance officer may "
                                                                "mark findings."))
        self.mark_reason.setText("" if allowed else tr(
            "Insights", "Only an administrator or a compliance officer may mark findings; you can read them."))
        if stored is None:
            for label in (self.detail_title, self.summary, self.action):
                label.setText("")
            return
        f = stored.finding
        title, summary, action = f.text(self.session.language)
        self.detail_title.setText(f"{title} (\u2066{f.rule}\u2069)")  # the rule id left to right in Arabic too
        names = self.customer_names(stored)
        self.summary.setText(summary + ("\n" + tr("Insights", "Customers: {names}").format(names=", ".join(names))
                                        if names else ""))
        self.action.setText(action)
        for name, value in f.figures.items():
            shown = QLabel(f"\u2066{value}\u2069")  # figures are numbers and codes: left to right in Arabic too
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.figures.addRow(QLabel(figure_label(name, self.session.language)), shown)
        for doc in f.documents:
            item = QListWidgetItem(doc.number)
            item.setData(Qt.ItemDataRole.UserRole, doc.number)
            self.documents.addItem(item)

    def _show_not_applicable(self) -> None:
        items: tuple[NotApplicable, ...] = self.last_run.not_applicable if self.last_run is not None else ()
        if not items:
            self.not_applicable.setText("")
            return
        arabic = self.session.language == "ar"
        lines = [tr("Insights", "Not applicable to these books:")]
        for item in items:
            title = RULES[item.rule].title_ar if arabic else RULES[item.rule].title
            lines.append(f"• {title}: {item.reason_ar if arabic and item.reason_ar else item.reason}")
        self.not_applicable.setText("\n".join(lines))

    def prepare_screenshot(self) -> None:
        """For `qayd-desktop --screenshots`: run the checks on the demo company (never on a real one: a run is
        written to the store and its audit chain)."""
        if self.session.settings.company == "demo" and self.last_run is None:
            self.run_checks()

    def screenshot_ready(self) -> bool:
        return self.job is None

    # -- acting -----------------------------------------------------------------------------------------------

    def mark_current(self, state: MarkState) -> None:
        """Record the verdict on the selected finding (one small transaction), then reload the findings."""
        stored = self.current()
        if stored is None:
            return
        try:
            mark(self.session.ctx, stored.finding.key, state)
        except Exception as exc:
            present_error(self, exc)
            return
        self.session.notify(INSIGHTS)  # this view reloads; sync sends the mark to the other desks

    def open_document(self, number: Any) -> QDialog | None:
        """The evidence document in the invoice editor (read-only once issued), as the invoice list opens one."""
        if not number:
            return None
        try:
            from desktop.views.invoice_editor import InvoiceEditorDialog  # another area's dialog; loaded when used

            dialog: QDialog = InvoiceEditorDialog(self.session, str(number), self)
        except Exception as exc:
            present_error(self, exc)
            return None
        self.opened = dialog
        dialog.open()
        return dialog
