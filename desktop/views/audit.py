"""The audit view: the chain's state, verification with progress and Cancel, the first break in context,
evidence bundles, and a lazily loaded list of the latest entries.

Verification is `core.audit.service.verify_store` in a Job; the break's neighbours come from
`entries_around`; the bundle is `core.audit.bundle.export_bundle`, also in a Job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.audit import (
    BreakKind,
    ChainState,
    Entry,
    VerifyReport,
    anchor_note_ar,
    chain_state,
    entries_around,
    export_bundle,
    verify_store,
)
from core.clock import saudi_time
from core.uow import Context
from core.zatca import problems_text
from desktop.errors import present_error
from desktop.i18n import format_int, tr
from desktop.jobs import Job, JobCancelled
from desktop.session import AUDIT, AppSession
from desktop.views.base import View

BROKEN = QColor("#c62828")
INTACT = QColor("#2e7d32")
PAGE = 200
ModelIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


def break_kind_label(kind: BreakKind) -> str:
    return {BreakKind.CHANGED: tr("Audit", "changed"), BreakKind.DELETED: tr("Audit", "deleted"),
            BreakKind.INSERTED: tr("Audit", "inserted"), BreakKind.REORDERED: tr("Audit", "reordered"),
            BreakKind.TRUNCATED: tr("Audit", "truncated"),
            BreakKind.FORGED_CHECKPOINT: tr("Audit", "forged checkpoint")}[kind]


def break_explanation(kind: BreakKind) -> str:
    return {BreakKind.CHANGED: tr("Audit", "An entry's content no longer matches what was recorded."),
            BreakKind.DELETED: tr("Audit", "Entries are missing from the chain."),
            BreakKind.INSERTED: tr("Audit", "The chain holds an entry it never had."),
            BreakKind.REORDERED: tr("Audit", "Entries stand in another order than they were written in."),
            BreakKind.TRUNCATED: tr("Audit", "The chain ends before its last signed checkpoint: the tail was cut "
                                             "off."),
            BreakKind.FORGED_CHECKPOINT: tr("Audit", "A checkpoint does not carry this device's signature.")}[kind]


def entry_time(entry: Entry) -> str:
    """The entry's time in Saudi time, to the second; the raw text if it does not parse."""
    try:
        return saudi_time(datetime.fromisoformat(entry.at)).strftime("%Y-%m-%d %H:%M:%S")
    except (ValueError, KeyError):
        return entry.at if isinstance(entry.at, str) else ""


def entry_cells(entry: Entry) -> tuple[str, str, str, str]:
    try:
        return entry_time(entry), entry.action, entry.subject, entry.hash[:16] + "…"
    except (ValueError, KeyError, TypeError):  # a body changed into something unreadable still gets a row
        return "", tr("Audit", "(unreadable entry)"), "", entry.hash[:16] + "…"


def verify_job(ctx: Context) -> Callable[[Callable[[float, str], None], Callable[[], bool]], Any]:
    """Verify, and on a break read its neighbours too (all off the UI thread)."""
    def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> tuple[VerifyReport,
                                                                                            list[Entry]]:
        def step(fraction: float, message: str) -> None:
            progress(fraction, message)
            if cancelled():  # the verifier checks between its progress reports too; this answers sooner
                raise JobCancelled

        report = verify_store(ctx, progress=step, cancelled=cancelled)  # a cancel raises: desktop.jobs shows it
        neighbours = entries_around(ctx, report.broken.seq) if report.broken is not None else []
        return report, neighbours
    return work


class EntriesModel(QAbstractTableModel):
    """The newest entries first, read a page at a time by seq range as the list scrolls (canFetchMore)."""

    def __init__(self, ctx: Callable[[], Context]) -> None:
        super().__init__()
        self._ctx = ctx
        self.entries: list[Entry] = []
        self.top = 0  # the newest seq when loaded

    def reload(self, top: int) -> None:
        self.beginResetModel()
        self.top, self.entries = top, []
        self.endResetModel()
        if self.canFetchMore(ROOT):
            self.fetchMore(ROOT)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and len(self.entries) < self.top

    def fetchMore(self, parent: ModelIndex) -> None:
        high = self.top - len(self.entries)
        low = max(1, high - PAGE + 1)
        page = sorted(entries_around(self._ctx(), low, before=0, after=high - low), key=lambda e: -e.seq)
        if not page:
            self.top = len(self.entries)
            return
        self.beginInsertRows(ROOT, len(self.entries), len(self.entries) + len(page) - 1)
        self.entries.extend(page)
        self.endInsertRows()

    def rowCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: ModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else 5

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        entry = self.entries[index.row()]
        return (str(entry.seq), *entry_cells(entry))[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return entry_headers()[section]


def entry_headers() -> list[str]:
    return [tr("Audit", "#"), tr("Audit", "Time"), tr("Audit", "Action"), tr("Audit", "Subject"),
            tr("Audit", "Hash")]


class AuditView(View):
    key = "audit"
    topics = (AUDIT,)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.state: ChainState | None = None
        self.report: VerifyReport | None = None
        self.neighbours: list[Entry] = []
        self.job: Job | None = None
        self.outcome = ""  # "", "cancelled", "failed", "exported"
        self.bundle: Path | None = None
        self.bundle_report: VerifyReport | None = None

        self.state_box = QGroupBox()
        self.state_labels = [QLabel() for _ in range(4)]
        self.entries_value, self.checkpoint_value, self.head_value, self.unsealed_value = (
            QLabel(), QLabel(), QLabel(), QLabel())
        for name, label in (("chainEntries", self.entries_value), ("chainCheckpoint", self.checkpoint_value),
                            ("chainHead", self.head_value), ("chainUnsealed", self.unsealed_value)):
            label.setObjectName(name)
        form = QFormLayout(self.state_box)
        for label, value in zip(self.state_labels, (self.entries_value, self.checkpoint_value, self.head_value,
                                                    self.unsealed_value), strict=True):
            form.addRow(label, value)

        self.verify_button, self.cancel_button, self.export_button = QPushButton(), QPushButton(), QPushButton()
        self.verify_button.setObjectName("verifyButton")
        self.cancel_button.setObjectName("cancelButton")
        self.export_button.setObjectName("exportButton")
        self.cancel_button.setEnabled(False)
        self.verify_button.clicked.connect(self.verify)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.clicked.connect(self.export)
        self.progress = QProgressBar()
        self.progress.setObjectName("verifyProgress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        actions = QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress, 1)
        actions.addStretch(0)  # with the progress bar hidden, the buttons keep their size instead of filling the row
        actions.addWidget(self.export_button)

        self.result = QLabel()
        self.result.setObjectName("verifyResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.break_table = QTableWidget(0, 5)
        self.break_table.setObjectName("breakTable")
        self.break_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.break_table.horizontalHeader().setStretchLastSection(True)
        self.break_table.setVisible(False)

        self.recent_box = QGroupBox()
        self.recent_model = EntriesModel(lambda: session.ctx)
        self.recent = QTableView()
        self.recent.setObjectName("recentEntries")
        self.recent.setModel(self.recent_model)
        self.recent.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent.horizontalHeader().setStretchLastSection(True)
        self.recent.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.recent.setWordWrap(False)
        self.recent.verticalHeader().setVisible(False)
        QVBoxLayout(self.recent_box).addWidget(self.recent)

        layout = QVBoxLayout(self)
        layout.addWidget(self.state_box)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addWidget(self.break_table)
        layout.addWidget(self.recent_box, 1)

    @classmethod
    def title(cls) -> str:
        return tr("Navigation", "Audit")

    # -- state --------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.state = chain_state(self.session.ctx)
        self._show_state()
        self.recent_model.reload(self.state.entries)

    def _show_state(self) -> None:
        st = self.state
        if st is None:
            return
        self.entries_value.setText(format_int(st.entries))
        if st.checkpoints:
            at = st.last_checkpoint_at
            with contextlib.suppress(ValueError):
                at = saudi_time(datetime.fromisoformat(at)).strftime("%Y-%m-%d %H:%M")
            self.checkpoint_value.setText(tr("Audit", "entry {seq}, signed {at} ({n} checkpoints)").format(
                seq=format_int(st.last_checkpoint_seq), at=at, n=format_int(st.checkpoints)))
        else:
            self.checkpoint_value.setText(tr("Audit", "none yet"))
        if st.head_file_present:
            self.head_value.setText(tr("Audit", "present, signed at entry {seq}").format(
                seq=format_int(st.head_file_seq)))
        else:
            self.head_value.setText(tr("Audit", "missing: a cut-off tail could go unnoticed"))
        self.unsealed_value.setText(format_int(st.unsealed))

    # -- verify -------------------------------------------------------------------------------------------------

    def verify(self) -> None:
        if self.job is not None:
            return
        job = Job(verify_job(self.session.ctx), "verify audit chain")
        job.signals.succeeded.connect(self._verified)
        job.signals.cancelled.connect(lambda: self._set_outcome("cancelled"))
        job.signals.failed.connect(self._failed)
        self._start(job)

    def _start(self, job: Job) -> None:
        self.job, self.outcome = job, ""
        job.signals.progressed.connect(lambda f, _m: self.progress.setValue(round(f * 100)))
        job.signals.finished.connect(self._finished)
        self.verify_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.result.setText(tr("Audit", "Working…"))
        self.session.pool.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)

    def _verified(self, result: tuple[VerifyReport, list[Entry]]) -> None:
        self.report, self.neighbours = result
        self.bundle = None
        self._show_report()

    def _failed(self, exc: BaseException) -> None:
        self._set_outcome("failed")
        present_error(self, exc)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        self._show_report()

    def _finished(self) -> None:
        self.job = None
        self.verify_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _show_report(self) -> None:
        if self.outcome == "cancelled":
            self.result.setText(tr("Audit", "Verification cancelled; nothing was concluded."))
            self.result.setStyleSheet("")
            self.break_table.setVisible(False)
            return
        if self.outcome == "failed":
            self.result.setText(tr("Audit", "The operation failed; see the message."))
            self.result.setStyleSheet("")
            return
        if self.outcome == "exported" and self.bundle is not None:
            report = self.bundle_report
            text = tr("Audit", "Evidence bundle written to {folder}: {n} entries.").format(
                folder=str(self.bundle), n=format_int(report.entries if report else 0))
            if report is not None and not report.ok:
                text += " " + tr("Audit", "The chain it holds is broken; the bundle documents the break.")
            self.result.setText(text)
            self.result.setStyleSheet("")
            return
        report = self.report
        if report is None:
            self.result.setText(tr("Audit", "Not verified in this session yet."))
            self.result.setStyleSheet("")
            self.break_table.setVisible(False)
            return
        broken = report.broken
        if broken is None and not report.ok:  # the entries verify; a head outside the chain or a document does not
            pick = 0 if self.session.language == "en" else 1  # the core's notes are English; Arabic by their kind
            failed = [a.note if pick == 0 else anchor_note_ar(a) for a in report.anchors if a.failed]
            docs = report.documents.broken if report.documents is not None else ()
            text = tr("Audit", "Not intact: the {n} entries verify, but {h} head(s) outside the chain and {d} issued "
                               "document(s) do not.").format(n=format_int(report.entries), h=format_int(len(failed)),
                                                             d=format_int(len(docs)))
            text += "".join(f"\n• {note}" for note in failed)
            text += "".join(f"\n• {d.number}: {problems_text(d.problems, pick)}" for d in docs[:20])
            color = BROKEN
        elif broken is None:
            text = tr("Audit", "Intact: {n} entries and {c} signed checkpoints verify.").format(
                n=format_int(report.entries), c=format_int(report.checkpoints))
            color = INTACT
        else:
            text = tr("Audit", "Broken at entry {seq}: {kind}. Entries 1 to {good} verify; everything from entry "
                               "{seq} on cannot be trusted.").format(seq=format_int(broken.seq),
                                                                     kind=break_kind_label(broken.kind),
                                                                     good=format_int(max(0, broken.seq - 1)))
            text += "\n" + break_explanation(broken.kind)
            if self.session.language == "en":
                text += " " + broken.detail
            color = BROKEN
        if report.warnings:
            text += "\n" + tr("Audit", "Warnings:") + "\n" + "\n".join(f"• {w}" for w in report.warnings)
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {color.name()};")
        self._fill_break()

    def _fill_break(self) -> None:
        report, table = self.report, self.break_table
        if report is None or report.broken is None:
            table.setVisible(False)
            return
        table.setRowCount(len(self.neighbours))
        for row, entry in enumerate(self.neighbours):
            cells = (str(entry.seq), *entry_cells(entry))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if entry.seq == report.broken.seq:
                    item.setForeground(QBrush(BROKEN))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        table.setVisible(True)

    # -- export -------------------------------------------------------------------------------------------------

    def choose_folder(self) -> Path | None:
        """Where to put the bundle (a new folder is made inside it); None when the clerk cancels."""
        folder = QFileDialog.getExistingDirectory(self, tr("Audit", "Choose where to save the evidence bundle"))
        return Path(folder) if folder else None

    def export(self) -> None:
        if self.job is not None:
            return
        parent = self.choose_folder()
        if parent is None:
            return
        now = self.session.clock()
        company = self.session.settings.company
        out = parent / f"qayd-audit-{company}-{saudi_time(now):%Y%m%d-%H%M%S}"
        ctx = self.session.ctx

        def work(progress: Callable[[float, str], None], cancelled: Callable[[], bool]) -> VerifyReport:
            # a cancel raises (and leaves no bundle): desktop.jobs shows it
            return export_bundle(ctx, out, company=company, now=now, progress=progress, cancelled=cancelled)

        job = Job(work, "export audit bundle")
        job.signals.succeeded.connect(lambda report: self._exported(out, report))
        job.signals.cancelled.connect(lambda: self._set_outcome("cancelled"))
        job.signals.failed.connect(self._failed)
        self._start(job)

    def _exported(self, out: Path, report: VerifyReport) -> None:
        self.bundle, self.bundle_report = out, report
        self._set_outcome("exported")

    # -- language -----------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.state_box.setTitle(tr("Audit", "Audit chain"))
        for label, text in zip(self.state_labels, (tr("Audit", "Entries:"), tr("Audit", "Last signed checkpoint:"),
                                                   tr("Audit", "Signed head file:"),
                                                   tr("Audit", "Entries since the last checkpoint:")), strict=True):
            label.setText(text)
        self.verify_button.setText(tr("Audit", "Verify"))
        self.cancel_button.setText(tr("Audit", "Cancel"))
        self.export_button.setText(tr("Audit", "Export evidence bundle…"))
        self.break_table.setHorizontalHeaderLabels(entry_headers())
        self.recent_box.setTitle(tr("Audit", "Latest entries"))
        self.recent_model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        self._show_state()
        if self.job is None:
            self._show_report()
