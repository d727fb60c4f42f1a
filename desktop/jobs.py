"""Background work: core functions run in a QThreadPool job and report back to the UI thread through signals.

A job's function takes `progress(fraction, message)` and `cancelled()` (core.progress's `Progress` and
`CancelCheck`, as every long core function does) and returns a result; it never touches widgets. Its signals are
delivered on the UI thread. Tests swap in `SyncPool`, which runs jobs at once on the calling thread (Picard's
FakeThreadPool).

Cancellation is translated here and nowhere else: the one `core.errors.Cancelled`, wherever in core or in the job
it was raised, makes the job emit `cancelled` (never `failed`, so never an error dialog), and `cancelled_text()`
is what a view shows for it ("Cancelled", in the UI's language).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import Cancelled as CancelledError
from core.progress import CancelCheck, Progress
from core.support import current_context, log_context, new_correlation_id, safe
from desktop.i18n import tr

log = logging.getLogger(__name__)

Cancelled = CancelCheck  # the name the views give a job's second argument (the check, not the exception)
JobFn = Callable[[Progress, CancelCheck], Any]
JobCancelled = CancelledError  # the one cancellation (core.errors.Cancelled), under the name the views raise


def cancelled_text() -> str:
    """What a cancelled job shows, in the UI's language."""
    return tr("Jobs", "Cancelled")


class JobSignals(QObject):
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception; show it with desktop.errors.present_error
    cancelled = Signal()
    finished = Signal()  # after any of the three above


class Job(QRunnable):
    """One piece of background work. Keep a reference to `signals` and connect before starting it."""

    def __init__(self, fn: JobFn, name: str = "job") -> None:
        super().__init__()
        self.fn, self.name = fn, name
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self._log_fields = current_context()  # the company and device of the thread that made the job
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        fields = {k: v for k, v in self._log_fields.items() if k in ("company", "device")}
        with log_context(**fields, job=self.name, correlation_id=new_correlation_id()):  # each run its own id
            self._run()

    def _run(self) -> None:
        signals = self.signals
        try:
            result = self.fn(lambda fraction, message: signals.progressed.emit(float(fraction), message),
                             self._cancel.is_set)
        except CancelledError:  # from core or from the job itself: a cancel, never a failure
            log.debug("job %s cancelled", safe(self.name))
            signals.cancelled.emit()
        except Exception as exc:  # reported to the UI; the details go to the log, never to a crash
            log.debug("job %s failed", safe(self.name), exc_info=True)
            signals.failed.emit(exc)
        else:
            if self._cancel.is_set() and result is None:
                signals.cancelled.emit()
            else:
                signals.succeeded.emit(result)
        signals.finished.emit()


class Pool(Protocol):
    def start(self, job: Job) -> None: ...


class ThreadPool:
    """The app's pool: QThreadPool.globalInstance(), holding each job until it finishes."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self.running: set[Job] = set()

    def start(self, job: Job) -> None:
        self.running.add(job)
        job.signals.finished.connect(lambda: self.running.discard(job))
        self.pool.start(job)

    def wait(self, msecs: int = 30_000) -> bool:
        return bool(self.pool.waitForDone(msecs))


class SyncPool:
    """Runs each job immediately on the calling thread: deterministic tests."""

    def __init__(self) -> None:
        self.started: list[Job] = []

    def start(self, job: Job) -> None:
        self.started.append(job)
        job.run()

    def wait(self, msecs: int = 0) -> bool:
        return True
