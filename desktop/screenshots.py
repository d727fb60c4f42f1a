"""`qayd-desktop --screenshots DIR`: every main view, the first-run wizard and the views' extra dialogs, rendered
offscreen to PNG files in English and Arabic, so the look can be reviewed without a display.

Files: `DIR/<key>-<lang>.png` for each view of `desktop.views.registry`, `DIR/first_run-<lang>.png` (and
`first_run_company-<lang>.png`, its profile page), and `DIR/<key>-<name>-<lang>.png` for each extra a view
offers through `View.screenshot_extras()`. The configured company is used when it exists; otherwise the demo
company is created in a temporary data folder (its master key in a file there, so no OS keyring is needed).
Jobs run synchronously (SyncPool), so every view has its data before it is rendered; a view that shows more a moment
later (the Dashboard's charts) or once asked (the Insights view's checks, on the demo company only) is waited for.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from core.config import Settings

log = logging.getLogger("qayd.desktop")
WINDOW_SIZE = (1280, 800)
LANGUAGES = ("en", "ar")
DEMO_DRAFTS = 120


@contextmanager
def screenshot_settings() -> Iterator[Settings]:
    """The configured company if it exists, else a demo company in a temporary data folder."""
    from core.bootstrap import company_paths
    from core.config import load_settings

    settings = load_settings()
    if company_paths(settings.data_dir, settings.company).db.exists():
        yield settings
        return
    with tempfile.TemporaryDirectory(prefix="qayd-screenshots-") as folder:
        data = Path(folder)
        demo = settings.model_copy(update={
            "data_dir": data, "company": "demo",
            "secrets": settings.secrets.model_copy(update={"master_key_source": "file",
                                                           "master_key_file": data / "master.key"}),
        })
        from core.bootstrap import new_company
        from core.invoicing import create_demo
        from core.zatca import add_demo_egs

        ctx, _ = new_company(demo, lambda c: (create_demo(c, drafts=DEMO_DRAFTS), add_demo_egs(c, issue=20)),
                             username="screenshots")
        ctx.close()
        yield demo


def _settle(app: object) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    for _ in range(3):
        app.processEvents()


def _prepare(view: object, app: object, patience_s: float = 10.0) -> None:
    """A view that shows more once asked (the Insights view runs its checks on the demo company) or a moment later
    (the Dashboard's charts come after its figures) says so: `prepare_screenshot()` starts it, `screenshot_ready()`
    says when it is there."""
    import time

    prepare = getattr(view, "prepare_screenshot", None)
    if prepare is not None:
        prepare()
    ready = getattr(view, "screenshot_ready", None)
    deadline = time.monotonic() + patience_s
    while ready is not None and not ready() and time.monotonic() < deadline:
        _settle(app)
        time.sleep(0.02)
    _settle(app)


def _save(widget: object, path: Path, written: list[Path]) -> None:
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    pixmap = widget.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    written.append(path)


def render_all(out_dir: Path, settings: Settings, languages: tuple[str, ...] = LANGUAGES) -> tuple[list[Path],
                                                                                                   list[str]]:
    """Render everything for each language; returns (files written, problems)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from core.invoicing import DEMO_COMPANY
    from desktop.jobs import SyncPool
    from desktop.session import AppSession
    from desktop.shell import MainWindow
    from desktop.views.first_run import COMPANY, FirstRunWizard

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    problems: list[str] = []
    session = AppSession(settings.model_copy(update={"language": languages[0]}), pool=SyncPool())
    session.set_language(languages[0])
    try:
        window = MainWindow(session)
        window.resize(*WINDOW_SIZE)
        window.show()
        _settle(app)
        for lang in languages:
            session.set_language(lang)  # at runtime, as a person would switch
            _settle(app)
            for key in list(window.views):
                try:
                    view = window.show_view(key)
                    _settle(app)
                    _prepare(view, app)
                    _save(window, out_dir / f"{key}-{lang}.png", written)
                    for name, extra in view.screenshot_extras():
                        try:
                            if not extra.testAttribute(Qt.WidgetAttribute.WA_Resized):
                                extra.resize(extra.sizeHint().expandedTo(extra.minimumSize()))
                            extra.show()
                            _settle(app)
                            _save(extra, out_dir / f"{key}-{name}-{lang}.png", written)
                        finally:
                            extra.close()
                            extra.deleteLater()
                except Exception as exc:  # one broken view must not hide the others' screenshots
                    log.exception("screenshot of %s (%s) failed", key, lang)
                    problems.append(f"{key}-{lang}: {type(exc).__name__}: {exc}")
            wizard_session = AppSession(settings.model_copy(update={"language": lang}), pool=SyncPool())
            wizard = FirstRunWizard(wizard_session)
            try:
                wizard.show()
                _settle(app)
                _save(wizard, out_dir / f"first_run-{lang}.png", written)
                wizard.next()
                if wizard.currentId() == COMPANY:  # the demo profile with a mistyped VAT number
                    form = wizard.company.form
                    form.set_profile(replace(DEMO_COMPANY, vat_number="39999999990000"))
                    _settle(app)
                    _save(wizard, out_dir / f"first_run_company-{lang}.png", written)
                wizard.back()  # the third way in: joining the company's central database
                wizard.choice.join_option.setChecked(True)
                wizard.next()
                wizard.join.url.setText("postgresql://db.example.sa/qayd?sslrootcert=ca.pem")
                wizard.join.login.setText("alice")
                _settle(app)
                _save(wizard, out_dir / f"first_run_join-{lang}.png", written)
            finally:
                wizard.close()
                wizard.deleteLater()
        window.close()
        _settle(app)
    finally:
        session.close()
    return written, problems


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns that it cannot resize windows to their size hints: harmless here."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def run_screenshots(out_dir: Path, *, language: str | None = None) -> int:
    """The `--screenshots` entry point: 0 when every screenshot was written, 1 otherwise, 3 on bad settings."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no display needed, and none used even if present
    from PySide6.QtWidgets import QApplication

    from core.errors import ConfigError, QaydError

    _quiet_offscreen_warnings()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from desktop.fonts import use_bundled_fonts

    use_bundled_fonts(app)  # the screenshots show the fonts the app uses, not the rendering machine's
    assert isinstance(app, QApplication)
    from desktop.style import apply_style

    apply_style(app)  # the screenshots show the app as a person sees it
    try:
        with screenshot_settings() as settings:
            languages = (language,) if language else LANGUAGES
            written, problems = render_all(out_dir, settings, languages)
    except (ConfigError, QaydError) as exc:
        print(f"qayd-desktop: {exc}", file=sys.stderr)
        return exc.exit_code
    for path in written:
        print(path)
    for problem in problems:
        print(f"qayd-desktop: screenshot failed: {problem}", file=sys.stderr)
    return 1 if problems else 0
