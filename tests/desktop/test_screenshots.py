"""`qayd-desktop --screenshots DIR`: every view in English and Arabic, offscreen, as real (non-blank) images."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.invoicing.demo import create_demo
from core.uow import Context
from desktop.i18n import install_language
from desktop.screenshots import WINDOW_SIZE, render_all
from desktop.style import BADGES, PALETTE
from desktop.views.registry import view_classes
from desktop.views.settings import SettingsView

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english_afterwards(qapp: QApplication) -> Iterator[None]:
    install_language(qapp, "en")
    yield
    install_language(qapp, "en")


def colours(path: Path, step: int = 4) -> int:
    image = QImage(str(path))
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_screenshots_command_renders_every_view_in_both_languages(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    env = {**os.environ, "QAYD_DATA_DIR": str(tmp_path / "nothing-here"), "QAYD_CONFIG": str(config),
           "QAYD_COMPANY": "acme"}
    env.pop("QT_QPA_PLATFORM", None)  # the command goes offscreen by itself
    done = subprocess.run([sys.executable, "-m", "desktop.app", "--screenshots", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    keys = [cls.key for cls in view_classes()]
    for lang in ("en", "ar"):
        for key in keys:
            path = out / f"{key}-{lang}.png"
            image = QImage(str(path))
            assert (image.width(), image.height()) == WINDOW_SIZE, path.name
            assert colours(path) > 12, f"{path.name} looks blank"
        for page in ("first_run", "first_run_company", "first_run_join"):
            assert colours(out / f"{page}-{lang}.png") > 12
        assert (out / f"dashboard-{lang}.png").read_bytes() != (out / f"invoices-{lang}.png").read_bytes()
        # The look holds offscreen: the primary button's accent, the selected navigation item, the status badges.
        invoices = QImage(str(out / f"invoices-{lang}.png"))
        seen = {invoices.pixel(x, y) & 0xFFFFFF for x in range(invoices.width()) for y in range(invoices.height())}
        for colour in (PALETTE["accent"], PALETTE["accent_soft"], BADGES["draft"].background):
            assert QColor(colour).rgb() & 0xFFFFFF in seen, f"invoices-{lang}.png has no {colour}"
    for key in keys:  # Arabic is not English: texts and layout differ
        assert (out / f"{key}-en.png").read_bytes() != (out / f"{key}-ar.png").read_bytes()
    # The demo company was made in a temporary folder: nothing written where the settings point.
    assert not (tmp_path / "nothing-here").exists()
    assert sorted(done.stdout.split()) == sorted(str(p) for p in out.glob("*.png"))


def test_views_can_offer_extra_dialogs(qtbot: QtBot, tmp_path: Path, settings: Settings, ctx: Context,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    create_demo(ctx, drafts=3)
    ctx.close()

    def extras(self: SettingsView) -> list[tuple[str, QWidget]]:
        note = QLabel("An extra dialog of the settings view")
        note.resize(400, 120)
        return [("note", note)]

    monkeypatch.setattr(SettingsView, "screenshot_extras", extras)
    written, problems = render_all(tmp_path, settings, ("en",))
    assert problems == []
    assert tmp_path / "settings-note-en.png" in written
    assert QImage(str(tmp_path / "settings-note-en.png")).width() >= 400
    assert not (tmp_path / "settings-ar.png").exists()
