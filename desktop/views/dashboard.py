"""The dashboard: sales and VAT of a period, documents by status, the ZATCA queue's deadlines, the audit chain, and
what customers still owe (receivables, aged by Riyadh days since issue: `core.payments.receivables()`).

Every figure is a SQL aggregate in core (`core.invoicing.figures`, `core.zatca.queue.queue_summary`). On 100k
invoices a year's sums take about a second (tests/benchmarks/test_bench_figures.py), too long for the UI
thread, so they are computed in a Job; the view refreshes when invoices, submissions or the audit chain change.

The charts (issue 17: sales and VAT by month with the forecast, receivables by age, documents by ZATCA status per
month; `desktop.charts`) come after the figures: once the figures are shown, a second Job computes their data
(`core.insights.monthly_series`, `zatca_by_month`) and warms the pyqtgraph import, then the UI thread builds the
charts once and updates them in place on every later refresh. So neither pyqtgraph nor the forecast's statistics
weigh on the first paint or the first figures (tests/benchmarks/test_bench_desktop_start.py). The topics cover every
live change: this desk's issue and payments poll notify INVOICES, submissions ZATCA, and a sync pull notifies
INVOICES and ZATCA for other desks' documents, submissions and payments (desktop.sync_controller.TABLE_TOPICS).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.audit import ChainState, chain_state
from core.clock import saudi_date, saudi_time
from core.invoicing import PeriodKind, SalesFigures, period_of, sales_figures
from core.payments import AGEING_BUCKETS, Receivables, receivables
from core.zatca import QueueSummary, queue_summary
from desktop.errors import present_error
from desktop.i18n import format_date, format_int, format_money, tr
from desktop.icons import icon
from desktop.jobs import Job
from desktop.session import AUDIT, INVOICES, ZATCA, AppSession
from desktop.style import BADGES, PALETTE
from desktop.views.base import View
from desktop.zatca_texts import countdown, kind_label

if TYPE_CHECKING:
    from core.uow import Context
    from desktop.charts import ChartInput, ChartsPanel

Figures = tuple[SalesFigures, QueueSummary, ChainState, Receivables]
AGE_NAMES = ("ageNotDue", "age1to30", "age31to60", "age61to90", "ageOver90")
# The badge colour of each count of "Documents of the period" (credit notes are a kind, not a status).
COUNT_BADGES = ("draft", "issued", None, "waiting", "sending", "cleared", "rejected")
PERIODS = (PeriodKind.THIS_MONTH, PeriodKind.LAST_MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
CHART_MONTHS, CHART_HORIZON, STATUS_MONTHS = 36, 3, 12
CHARTS_HEIGHT = 340
# The first charts wait this long after the first figures: the figures have painted and the window answers before
# the charts' Job imports pyqtgraph (its import holds the interpreter's lock for about 0.3 s, even off the UI thread).
FIRST_CHARTS_DELAY_MS = 150


def chart_work(ctx: Context, end: date, owed: Receivables | None) -> Callable[..., Any]:
    """The charts' Job: warm pyqtgraph's import off the UI thread, then read the monthly series and the ZATCA states
    (a company with nothing issued yet has no months: its charts say so)."""

    def work(_progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> ChartInput:
        import desktop.charts as charts  # pyqtgraph and numpy: about 0.3 s, here rather than on the UI thread
        from core.insights import monthly_series, zatca_by_month

        with ctx.uow(write=False) as uow:
            series = monthly_series(uow, end, months=CHART_MONTHS, horizon=CHART_HORIZON)
            if cancelled():
                return None  # type: ignore[return-value]
            statuses = zatca_by_month(uow, end, months=STATUS_MONTHS)
        return charts.ChartInput(series, statuses, owed)

    return work


def period_label(kind: PeriodKind) -> str:
    return {PeriodKind.THIS_MONTH: tr("Dashboard", "This month"), PeriodKind.LAST_MONTH: tr("Dashboard", "Last month"),
            PeriodKind.QUARTER: tr("Dashboard", "This quarter"), PeriodKind.YEAR: tr("Dashboard", "This year")}[kind]


class Card(QFrame):
    """A dashboard card: an icon, a caption and the figure (the style sheet draws the card, `QFrame#card`)."""

    def __init__(self, name: str, icon_name: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.icon_name = icon_name
        self.icon = QLabel(objectName="cardIcon", alignment=Qt.AlignmentFlag.AlignCenter)
        self.icon.setFixedSize(40, 40)
        self.icon.setPixmap(icon(icon_name, PALETTE["accent"]).pixmap(22, 22))
        self.caption, self.value = QLabel(objectName="cardCaption"), QLabel(objectName=name)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.caption)
        text.addWidget(self.value)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)


class DashboardView(View):
    key = "dashboard"
    topics = (INVOICES, ZATCA, AUDIT)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.figures: SalesFigures | None = None
        self.queue: QueueSummary | None = None
        self.chain: ChainState | None = None
        self.receivables: Receivables | None = None
        self.job: Job | None = None
        self._again = False
        self.charts: ChartsPanel | None = None  # built once the first chart data is in (desktop.charts)
        self.chart_data: ChartInput | None = None
        self.chart_job: Job | None = None
        self._charts_again = False
        self._charts_error = False
        self.charts_timer = QTimer(self, singleShot=True)  # the view's own: it dies with the view
        self.charts_timer.timeout.connect(self.refresh_charts)

        self.period = QComboBox()
        self.period.setObjectName("period")
        for kind in PERIODS:
            self.period.addItem("", kind.value)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_label, self.range_label = QLabel(), QLabel()
        self.range_label.setObjectName("periodRange")
        top = QHBoxLayout()
        top.addWidget(self.period_label)
        top.addWidget(self.period)
        top.addWidget(self.range_label, 1)

        self.sales, self.vat = Card("salesValue", "chart-column"), Card("vatValue", "landmark")
        self.issued, self.pending = Card("issuedValue", "file-check"), Card("pendingValue", "hourglass")
        self.owed = Card("receivablesValue", "receipt-text")
        self.cards = (self.sales, self.vat, self.issued, self.pending, self.owed)
        tiles = QGridLayout()
        tiles.setSpacing(12)
        # Money on the first row (sales, VAT, what customers owe), counts under it: five large figures in one row
        # do not fit the default window (1280 px) in English.
        for index, card in enumerate((self.sales, self.vat, self.owed, self.issued, self.pending)):
            tiles.addWidget(card, index // 3, index % 3)

        self.status_box = QGroupBox()
        self.status_labels = [QLabel() for _ in range(7)]
        self.status_values = [QLabel() for _ in range(7)]
        for label, name in zip(self.status_values, ("countDraft", "countIssued", "countCreditNotes",
                                                    "countPending", "countSending", "countDone", "countRejected"),
                               strict=True):
            label.setObjectName(name)
        status_form = QFormLayout(self.status_box)
        status_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)  # pills, not bars
        for label, value, badge in zip(self.status_labels, self.status_values, COUNT_BADGES, strict=True):
            if badge is not None:  # each count in its status's badge colour, as in the invoice list
                value.setStyleSheet(f"QLabel {{ background: {BADGES[badge].background}; color: "
                                    f"{BADGES[badge].foreground}; border-radius: 6px; padding: 1px 10px; "
                                    "font-weight: 600; }")
            status_form.addRow(label, value)

        self.deadlines_box = QGroupBox()
        self.deadlines = QLabel()
        self.deadlines.setObjectName("deadlines")
        self.deadlines.setWordWrap(True)
        QVBoxLayout(self.deadlines_box).addWidget(self.deadlines)

        self.chain_box = QGroupBox()
        self.chain_text = QLabel()
        self.chain_text.setObjectName("chainState")
        self.chain_text.setWordWrap(True)
        QVBoxLayout(self.chain_box).addWidget(self.chain_text)

        self.ageing_box, self.age_labels, self.age_values = self._ageing_box()

        lower = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.status_box)
        left.addWidget(self.chain_box)
        lower.addLayout(left, 1)
        right = QVBoxLayout()  # the ageing beside the status counts: the two columns stay of a height
        right.addWidget(self.ageing_box)
        right.addWidget(self.deadlines_box)
        lower.addLayout(right, 1)

        # The charts' place, held at its height from the start so that the page does not jump when they come.
        self.charts_area = QWidget(objectName="chartsArea")
        self.charts_area.setFixedHeight(CHARTS_HEIGHT)
        self.charts_layout = QVBoxLayout(self.charts_area)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)

        body = QWidget(objectName="dashboardBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(tiles)
        layout.addWidget(self.charts_area)
        layout.addLayout(lower)
        layout.addStretch(1)
        scroll = QScrollArea(objectName="dashboardScroll")  # the charts push the boxes below the fold at 800 px
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll)

    @staticmethod
    def _ageing_box() -> tuple[QGroupBox, list[QLabel], list[QLabel]]:
        """Receivables by age: one row per bucket, amount and invoice count."""
        box = QGroupBox(objectName="ageingBox")
        labels, values = [QLabel() for _ in AGEING_BUCKETS], [QLabel() for _ in AGEING_BUCKETS]
        form = QFormLayout(box)
        for label, value, name in zip(labels, values, AGE_NAMES, strict=True):
            value.setObjectName(name)
            form.addRow(label, value)
        return box, labels, values

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Dashboard")

    def selected_period(self) -> PeriodKind:
        return PeriodKind(self.period.currentData() or PeriodKind.THIS_MONTH.value)

    def refresh(self) -> None:
        """Recompute the figures in a Job (about a second on 100k invoices); a change meanwhile recomputes again."""
        if self.job is not None:
            self._again = True
            return
        period = period_of(self.selected_period(), self.session.clock())
        ctx = self.session.ctx

        def work(_progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> Figures:
            with ctx.uow(write=False) as uow:
                figures, queue = sales_figures(uow, period), queue_summary(uow)
                owed = receivables(uow, ctx.clock())
            return figures, queue, chain_state(ctx), owed

        job = Job(work, "dashboard figures")
        job.signals.succeeded.connect(self._computed)
        job.signals.failed.connect(lambda exc: present_error(self, exc))
        job.signals.finished.connect(self._finished)
        self.job, self._again = job, False
        self.session.pool.start(job)

    def data_shown(self) -> bool:
        return self.figures is not None

    def _computed(self, result: Figures) -> None:
        first = self.figures is None
        self.figures, self.queue, self.chain, self.receivables = result
        self._show()
        self.charts_timer.start(FIRST_CHARTS_DELAY_MS if first else 0)  # after the figures have painted

    def _finished(self) -> None:
        self.job = None
        if self._again:
            self.refresh()

    # -- charts ---------------------------------------------------------------------------------------------------

    def refresh_charts(self) -> None:
        """Recompute the charts' data in a Job (after the figures); a change meanwhile recomputes again."""
        if self.chart_job is not None:
            self._charts_again = True
            return
        if not self.session.is_open:  # the company was closed meanwhile (the app is ending): never reopen it here
            return
        job = Job(chart_work(self.session.ctx, saudi_date(self.session.clock()), self.receivables), "dashboard charts")
        job.signals.succeeded.connect(self._charts_computed)
        job.signals.failed.connect(self._charts_failed)
        job.signals.finished.connect(self._charts_finished)
        self.chart_job, self._charts_again = job, False
        self.session.pool.start(job)

    def _charts_computed(self, data: ChartInput) -> None:
        self.chart_data = data
        if self.charts is None:
            from desktop.charts import ChartsPanel  # imported by the Job already: no wait here

            self.charts = ChartsPanel()
            self.charts_layout.addWidget(self.charts)
        self.charts.show_data(data, self.session.language)

    def screenshot_ready(self) -> bool:
        """For `qayd-desktop --screenshots`: the charts are drawn (or failed)."""
        return self.figures is not None and self.chart_job is None and (self.charts is not None or self._charts_error)

    def _charts_failed(self, exc: BaseException) -> None:
        self._charts_error = True
        import logging

        logging.getLogger(__name__).info("dashboard charts failed: %s", type(exc).__name__)  # the figures stand

    def _charts_finished(self) -> None:
        self.chart_job = None
        if self._charts_again:
            self.refresh_charts()

    def _show(self) -> None:
        lang = self.session.language
        f, q, chain = self.figures, self.queue, self.chain
        if f is not None:
            self.range_label.setText(tr("Dashboard", "{start} to {end}").format(
                start=format_date(f.period.start.date(), lang, hijri=True),
                end=format_date(f.period.last_day, lang, hijri=True)))
            self.sales.value.setText(format_money(f.sales, lang))
            self.vat.value.setText(format_money(f.vat, lang))
            self.issued.value.setText(format_int(f.issued))
            subs = f.by_submission
            values = (f.drafts, f.by_status.get("issued", 0), f.by_type.get("credit_note", 0), subs.get("pending", 0),
                      subs.get("sending", 0), subs.get("done", 0), subs.get("rejected", 0))
            for label, value in zip(self.status_values, values, strict=True):
                label.setText(format_int(value))
        if q is not None:
            self.pending.value.setText(format_int(q.open))
            self._show_deadlines(q, lang)
        if self.receivables is not None:
            self._show_receivables(self.receivables, lang)
        if chain is not None:
            parts = [tr("Dashboard", "{n} entries").format(n=format_int(chain.entries))]
            if chain.checkpoints:
                parts.append(tr("Dashboard", "last signed checkpoint at entry {seq}").format(
                    seq=format_int(chain.last_checkpoint_seq)))
            else:
                parts.append(tr("Dashboard", "no signed checkpoint yet"))
            if not chain.head_file_present:
                parts.append(tr("Dashboard", "the signed head file is missing"))
            text = " · ".join(parts)
            text += "\n" + tr("Dashboard", "Verify the chain in the Audit view.")
            self.chain_text.setText(text)

    def _show_receivables(self, owed: Receivables, lang: str) -> None:
        """SAR in the card and the ageing rows (Qayd's books are in riyals); other currencies named under them."""
        sar = owed.of("SAR")
        self.owed.value.setText(format_money(sar.total, lang))
        for label, amount, count in zip(self.age_values, sar.buckets, sar.counts, strict=True):
            label.setText(tr("Dashboard", "{amount} ({n} invoices)").format(
                amount=format_money(amount, lang), n=format_int(count)))
        others = [a for a in owed.by_currency if a.currency != "SAR"]
        self.ageing_box.setToolTip("\n".join(f"{a.currency} {format_money(a.total, lang)}" for a in others))

    def _show_deadlines(self, q: QueueSummary, lang: str) -> None:
        if not q.nearest:
            text = tr("Dashboard", "No reporting deadline is open.")
        else:
            now = self.session.clock()
            lines = [tr("Dashboard", "{number} ({kind}): due {deadline}, {left}").format(
                number=d.number, kind=kind_label(d.kind),
                deadline=format_date(saudi_time(d.deadline), lang), left=countdown(d.time_left(now)))
                for d in q.nearest]
            text = "\n".join(lines)
        rejected = q.by_state.get("rejected", 0)
        if rejected:
            text += "\n" + tr("Dashboard", "{n} rejected document(s) need a correction (ZATCA queue).").format(
                n=format_int(rejected))
        self.deadlines.setText(text)

    def retranslate(self) -> None:
        self.period_label.setText(tr("Dashboard", "Period:"))
        for i, kind in enumerate(PERIODS):
            self.period.setItemText(i, period_label(kind))
        self.sales.caption.setText(tr("Dashboard", "Sales (excluding VAT)"))
        self.vat.caption.setText(tr("Dashboard", "VAT"))
        self.issued.caption.setText(tr("Dashboard", "Documents issued"))
        self.pending.caption.setText(tr("Dashboard", "Waiting for ZATCA"))
        self.owed.caption.setText(tr("Dashboard", "Outstanding receivables"))
        self.ageing_box.setTitle(tr("Dashboard", "Receivables by age (days since issue)"))
        for label, text in zip(self.age_labels, (
                tr("Dashboard", "Not yet due:"), tr("Dashboard", "1–30 days:"), tr("Dashboard", "31–60 days:"),
                tr("Dashboard", "61–90 days:"), tr("Dashboard", "Over 90 days:")), strict=True):
            label.setText(text)
        self.status_box.setTitle(tr("Dashboard", "Documents of the period"))
        for label, text in zip(self.status_labels, (
                tr("Dashboard", "Drafts:"), tr("Dashboard", "Issued:"), tr("Dashboard", "of which credit notes:"),
                tr("Dashboard", "Waiting to be sent:"), tr("Dashboard", "Being sent:"),
                tr("Dashboard", "Cleared or reported:"), tr("Dashboard", "Rejected by ZATCA:")), strict=True):
            label.setText(text)
        self.deadlines_box.setTitle(tr("Dashboard", "Nearest reporting deadlines"))
        self.chain_box.setTitle(tr("Dashboard", "Audit chain"))
        self._show()
        if self.charts is not None and self.chart_data is not None:
            self.charts.show_data(self.chart_data, self.session.language)
