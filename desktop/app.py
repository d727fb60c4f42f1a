"""`qayd-desktop`: the Qt back office over the configured company.

    qayd-desktop [--language en|ar]      open the company (the first-run wizard when it does not exist yet)
    qayd-desktop --screenshots DIR       render every view in English and Arabic to DIR/<key>-<lang>.png, offscreen
    qayd-desktop --version

The window paints first, in the language the settings name (core.config_file); then the settings are loaded and
checked (`core.config.load_settings`: config file, QAYD_* variables), a problem shown in a dialog; then the first-run
wizard when there is no company yet, then the company opens. The log goes to `<data dir>/logs/qayd-desktop.log`
(JSON lines, core.support: never personal data or secrets), crash files to `<data dir>/crash/`.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # as early as possible: the startup report measures from here

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from core.config import Settings

VERSION_TEXT = "qayd-desktop {version}"
PROGRAM = "qayd-desktop"
LOG_NAME = f"{PROGRAM}.log"
log = logging.getLogger("qayd.desktop")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="qayd-desktop", description="Qayd's desktop back office.")
    parser.add_argument("--screenshots", metavar="DIR", type=Path,
                        help="render every view in English and Arabic to PNG files in DIR (offscreen) and exit")
    parser.add_argument("--language", choices=("en", "ar"), help="the UI language (overrides the settings)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    # Benchmarks: print the startup timings as JSON once the main window has painted, then quit.
    parser.add_argument("--startup-report", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(sys.argv[1:] if argv is None else argv))


def setup_logging(settings: Settings) -> Path | None:
    """The JSON-lines log (core.support.configure_logging: rotated, owner-only, scrubbed) in `<data dir>/logs/`, and
    the crash files of unhandled exceptions and native crashes in `<data dir>/crash/`; returns the log's path (None
    when the folder cannot be written)."""
    from core.support import configure_logging, install_crash_handlers, set_log_fields

    path = configure_logging(settings, PROGRAM)
    install_crash_handlers(settings, PROGRAM)
    set_log_fields(company=settings.company)
    return path


def _install_excepthook() -> None:
    """An unexpected exception is logged with its traceback and shown as the generic internal error."""

    def hook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        import threading

        from PySide6.QtWidgets import QApplication

        from desktop.errors import present_error

        if threading.current_thread() is not threading.main_thread() or QApplication.instance() is None:
            log.critical("unhandled %s", kind.__name__, exc_info=(kind, exc, tb))  # no widgets off the UI thread
            return
        try:
            present_error(None, exc)  # logs it (with the traceback for internal errors)
        except Exception:
            log.critical("unhandled %s", kind.__name__, exc_info=(kind, exc, tb))

    sys.excepthook = hook


def _application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    from desktop.fonts import use_bundled_fonts

    use_bundled_fonts(app)  # Arabic is drawn with the bundled Noto fonts, whatever the system has
    app.setApplicationName("Qayd")
    app.setOrganizationName("Qayd")
    from desktop.style import apply_style

    apply_style(app)  # one palette and style sheet for every window, the first-run wizard included
    return app


def _config_error_dialog(exc: Exception) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.errors import user_message
    from desktop.i18n import tr

    message, fix = user_message(exc)
    box = QMessageBox(QMessageBox.Icon.Critical, tr("Errors", "Qayd cannot start"), message)
    box.setObjectName("configErrorDialog")
    box.setInformativeText(fix)
    box.exec()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.version:
        from core import __version__

        print(VERSION_TEXT.format(version=__version__))
        return 0
    from desktop.preflight import EXIT_CODE, check

    missing = check(need_display=args.screenshots is None)  # instead of Qt's abort: what is missing, and the fix
    if missing is not None:
        missing.report(sys.stderr)
        return EXIT_CODE
    if args.screenshots is not None:
        from desktop.screenshots import run_screenshots

        return run_screenshots(args.screenshots, language=args.language)
    return run_app(args, freeze=argv is None)


def run_app(args: argparse.Namespace, *, freeze: bool = False) -> int:
    """Qt and the settings, then the window painted with its navigation; the company (the store stack: SQLAlchemy,
    the models, the keys) opens right after the first paint and the first view fills as its data arrives.

    `freeze` (a process of its own): what start-up loaded leaves the cycle collector's way once the company is open
    (core.startup)."""
    from core import startup

    startup.begin(freeze=freeze)
    try:
        return _run(args)
    finally:
        startup.settle()  # when the paint never came (a refused setting, the first-run wizard cancelled)


def _run(args: argparse.Namespace) -> int:
    from core.files import set_private_umask

    set_private_umask()  # the store, its WAL, logs and exports the app writes: owner-only (issue 12 point 9)
    times: dict[str, float] = {}
    app = _application()
    times["qt"] = time.perf_counter() - STARTED
    from core.config_file import peek_language
    from desktop.i18n import install_language
    from desktop.session import AppSession

    # The settings model (pydantic) loads after the paint: the window is drawn in the language the settings will
    # hold, read from the same sources (an invalid value draws in English until the dialog names it).
    language = peek_language(args.language)
    install_language(app, language)
    session = AppSession(None, language=language)
    from desktop.shell import MainWindow

    window = MainWindow(session)  # the settings, the first-run wizard and the company come after the first paint
    times["window"] = time.perf_counter() - STARTED
    _after_first_paint(window, lambda: _start(app, window, times, args))
    window.show()
    try:
        return app.exec()
    finally:
        shutdown(session)


def _start(app: QApplication, window: Any, times: dict[str, float], args: argparse.Namespace) -> None:
    """The window is on screen: load and check the settings (a refused setting ends the app with its dialog and exit
    code), set up the log, run the first-run wizard when there is no company yet, then open it (`_painted`)."""
    times["painted"] = time.perf_counter() - STARTED
    if args.startup_report:  # and whether the settings model or the store stack was loaded before the paint
        loaded = [name for name in PAINT_FREE_MODULES if name in sys.modules]
        print(json.dumps({"painted": round(times["painted"], 4), "loaded_at_paint": loaded}), flush=True)
    from core.config import load_settings
    from core.errors import ConfigError

    session = window.session
    try:
        settings = load_settings(overrides={"language": args.language})
    except ConfigError as exc:
        _config_error_dialog(exc)
        window.close()
        app.exit(exc.exit_code)
        return
    _install_excepthook()
    setup_logging(settings)  # its crash hook writes the crash file, then the desktop's hook shows the dialog
    session.use_settings(settings)
    if settings.language != session.language:  # the peek and the settings disagree only when the code above changes
        window.set_language(settings.language)
    times["settings"] = time.perf_counter() - STARTED
    from core.sync import has_company

    if not has_company(settings):  # no store yet, or a join cut half-way left a store without its company
        from desktop.views.first_run import FirstRunWizard

        wizard = FirstRunWizard(session)
        if wizard.exec() != wizard.DialogCode.Accepted or wizard.ctx is None:
            window.close()
            app.exit(0)
            return
    _painted(app, window, times, args.startup_report)


def _painted(app: QApplication, window: Any, times: dict[str, float], report: bool) -> None:
    """The window is on screen and the settings are read: open the company and fill the first view (a refused store
    ends the app with the error's exit code)."""
    from core import startup
    from core.errors import QaydError

    try:
        window.open_company()
        startup.settle()  # the store stack is loaded: collect as usual from here
    except QaydError as exc:
        _config_error_dialog(exc)
        window.close()
        app.exit(exc.exit_code)
        return
    times["opened"] = time.perf_counter() - STARTED
    if report:
        _report_when_filled(app, window, times)


def _after_first_paint(window: Any, callback: Any) -> None:
    """Call `callback` once, right after the window's first paint event has finished."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.property("seen"):
                self.setProperty("seen", True)
                QTimer.singleShot(0, callback)  # after the paint itself has finished
            return False

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    window._first_paint_watcher = watcher  # keep it alive


# What must not be loaded when the window first paints: the settings model, the store stack, the charts (pyqtgraph).
PAINT_FREE_MODULES = ("pydantic", "core.config", "sqlalchemy", "core.bootstrap", "core.uow", "pyqtgraph", "numpy")
# What a start must not load (a view's module before it is shown, the mail, payment, PDF and XML stacks, and the
# dashboard's charts before its first figures): the startup report lists which of them are loaded once the dashboard
# is filled, for the tests and the benchmark.
WATCHED_MODULES = ("stripe", "smtplib", "reportlab", "lxml", "pyqtgraph")
REPORT_PATIENCE_S = 60.0


def _report_when_filled(app: QApplication, window: Any, times: dict[str, float]) -> None:
    """Benchmarks and tests: print the timings as JSON once the dashboard shows its figures, then quit."""
    from PySide6.QtCore import QTimer

    from desktop.views.registry import VIEWS

    def done() -> None:
        times.setdefault("data", time.perf_counter() - STARTED)
        times["modules"] = float(len(sys.modules))
        views = [e.key for e in VIEWS if e.target.split(":")[0] in sys.modules]
        watched = [name for name in WATCHED_MODULES if name in sys.modules]
        print(json.dumps({**{k: round(v, 4) for k, v in times.items()}, "views_loaded": views,
                          "watched_loaded": watched}), flush=True)
        app.quit()

    def check() -> None:
        if window.first_data_shown():
            QTimer.singleShot(0, done)  # after the figures' own repaint
        elif time.perf_counter() - STARTED > REPORT_PATIENCE_S:  # the figures failed: say so rather than hang
            times["data"] = -1.0
            QTimer.singleShot(0, done)
        else:
            QTimer.singleShot(5, check)

    check()


def shutdown(session: Any) -> None:
    """Cancel the jobs still running, wait for them (they use the store and signal the UI), then close."""
    pool = session.pool
    for job in list(getattr(pool, "running", ())):
        job.cancel()
    wait = getattr(pool, "wait", None)
    if wait is not None and not wait(15_000):
        log.warning("background jobs still running at exit")
    session.close()


if __name__ == "__main__":
    sys.exit(main())
