"""`qayd-desktop`: the Qt back office over the configured company.

    qayd-desktop [--language en|ar]      open the company (the first-run wizard when it does not exist yet)
    qayd-desktop --screenshots DIR       render every view in English and Arabic to DIR/<key>-<lang>.png, offscreen
    qayd-desktop --version

Settings come from `core.config.load_settings` (config file, QAYD_* variables); a configuration problem is shown
in a dialog. The log goes to `<data dir>/logs/qayd-desktop.log`: messages and rule ids, never personal data.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # as early as possible: the startup report measures from here

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from logging.handlers import RotatingFileHandler  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from core.config import Settings

VERSION_TEXT = "qayd-desktop {version}"
LOG_NAME = "qayd-desktop.log"
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
    """A rotating log file in the data folder; returns its path (None when the folder cannot be written)."""
    folder = settings.data_dir / "logs"
    try:
        from core.files import create_private, private_dir, private_file

        private_dir(folder)
        for old in folder.glob(f"{LOG_NAME}*"):  # rotated files of older versions, which were world-readable
            private_file(old)
        handler = RotatingFileHandler(create_private(folder / LOG_NAME), maxBytes=1_000_000, backupCount=3,
                                      encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("qayd")
    for old_handler in [h for h in root.handlers if getattr(h, "qayd_desktop", False)]:
        root.removeHandler(old_handler)  # a second window in one process: the earlier file is closed, not leaked
        old_handler.close()
    handler.qayd_desktop = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    return folder / LOG_NAME


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
    return run_app(args)


def run_app(args: argparse.Namespace) -> int:
    from core.files import set_private_umask

    set_private_umask()  # the store, its WAL, logs and exports the app writes: owner-only (issue 12 point 9)
    times: dict[str, float] = {}
    app = _application()
    times["qt"] = time.perf_counter() - STARTED
    from core.bootstrap import company_paths
    from core.config import load_settings
    from core.errors import ConfigError, QaydError
    from core.sync import has_company as _has_company
    from desktop.i18n import install_language

    try:
        settings = load_settings(overrides={"language": args.language})
    except ConfigError as exc:
        install_language(app, args.language or "en")
        _config_error_dialog(exc)
        return exc.exit_code
    setup_logging(settings)
    _install_excepthook()
    install_language(app, settings.language)
    from desktop.session import AppSession

    session = AppSession(settings)
    store = company_paths(settings.data_dir, settings.company).db
    if not store.exists() or not _has_company(settings):  # a join cut half-way left a store without its company
        from desktop.views.first_run import FirstRunWizard

        wizard = FirstRunWizard(session)
        if wizard.exec() != wizard.DialogCode.Accepted or wizard.ctx is None:
            session.close()
            return 0
    times["core"] = time.perf_counter() - STARTED
    try:
        session.open()
    except QaydError as exc:
        _config_error_dialog(exc)
        return exc.exit_code
    times["opened"] = time.perf_counter() - STARTED
    from desktop.views.mail_send import flusher_for

    flusher_for(session).flush_now()  # the outbox goes out in a job now, then every two minutes (when mail is set up)
    from desktop.shell import MainWindow

    window = MainWindow(session)
    times["window"] = time.perf_counter() - STARTED
    if args.startup_report:
        _report_after_first_paint(app, window, times)
    window.show()
    try:
        return app.exec()
    finally:
        shutdown(session)


def shutdown(session: Any) -> None:
    """Cancel the jobs still running, wait for them (they use the store and signal the UI), then close."""
    pool = session.pool
    for job in list(getattr(pool, "running", ())):
        job.cancel()
    wait = getattr(pool, "wait", None)
    if wait is not None and not wait(15_000):
        log.warning("background jobs still running at exit")
    session.close()


def _report_after_first_paint(app: QApplication, window: Any, times: dict[str, float]) -> None:
    """Print the timings as JSON once the window has painted (the end of the paint event), then quit."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "painted" not in times:
                times["painted"] = -1.0  # set after the paint itself has finished
                QTimer.singleShot(0, self.done)
            return False

        def done(self) -> None:
            times["painted"] = time.perf_counter() - STARTED
            times["modules"] = float(len(sys.modules))
            print(json.dumps({k: round(v, 4) for k, v in times.items()}), flush=True)
            app.quit()

    watcher = FirstPaint(window)
    window.installEventFilter(watcher)
    window._first_paint_watcher = watcher  # keep it alive


if __name__ == "__main__":
    sys.exit(main())
