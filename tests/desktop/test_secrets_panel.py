"""The secrets section of Settings, in English and Arabic: list (never values), set, delete, rotate in a job."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.errors import SecretStoreError
from core.invoicing.demo import create_demo
from core.secrets import manager
from core.uow import Context
from desktop.jobs import JobCancelled, SyncPool
from desktop.session import AUDIT, AppSession
from desktop.views.secrets_panel import SecretsPanel, rotate_job
from desktop.views.settings import SettingsView
from tests.conftest import StepClock

VALUE = "sk_live_PANEL_TOPSECRET_4242"
WORDS = {  # what the person at the screen reads, per language
    "en": {"title": "Secrets", "saved": "Secret stripe/api-key saved.", "deleted": "Secret stripe/api-key deleted.",
           "rotated": "Re-sealed 2 secrets with key version 2", "destroyed": "Destroyed versions: 1.",
           "set": "Set", "managed": "the device's audit signing key", "admin": "Only an administrator",
           "failed": "Rotation failed; nothing was changed.", "resealed": "Re-sealed with a new key",
           "cancelled": "Rotation cancelled; nothing was changed."},
    "ar": {"title": "الأسرار", "saved": "حُفظ السر stripe/api-key.", "deleted": "حُذف السر stripe/api-key.",
           "rotated": "أُعيد تشفير 2 من الأسرار بإصدار المفتاح 2", "destroyed": "الإصدارات المُتلفة: 1.",
           "set": "تعيين", "managed": "مفتاح توقيع التدقيق", "admin": "لا يغيّر الأسرار إلا مدير النظام",
           "failed": "فشل التدوير؛ لم يتغير شيء.", "resealed": "أُعيد تشفيره بمفتاح جديد",
           "cancelled": "أُلغي التدوير؛ لم يتغير شيء."},
}


@pytest.fixture(params=["en", "ar"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def session(lang: str, settings: Settings, clock: StepClock, ctx: Context, qapp: QApplication) -> Iterator[AppSession]:
    session = AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx)
    session.set_language(lang)
    yield session
    session.set_language("en")


@pytest.fixture
def panel(session: AppSession, qtbot: QtBot) -> SecretsPanel:
    widget = SecretsPanel(session)
    qtbot.addWidget(widget)
    widget.refresh()
    widget.show()
    return widget


def cells(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def every_text(panel: SecretsPanel) -> str:
    texts = [w.text() for w in panel.findChildren(QLabel)]
    texts += [w.text() for w in panel.findChildren(QLineEdit) if w is not panel.value]
    for table in panel.findChildren(QTableWidget):
        texts += [cell for row in cells(table) for cell in row]
    return "\n".join(texts)


def type_secret(qtbot: QtBot, panel: SecretsPanel, name: str, value: str) -> None:
    panel.name.clear()
    qtbot.keyClicks(panel.name, name)
    panel.value.clear()
    qtbot.keyClicks(panel.value, value)


def test_set_delete_and_never_a_value_on_screen(qtbot: QtBot, panel: SecretsPanel, session: AppSession,
                                                ctx: Context) -> None:
    words = WORDS[session.language]
    assert panel.title() == words["title"]
    assert panel.isRightToLeft() == (session.language == "ar")
    assert [row[0] for row in cells(panel.table)] == ["device/signing-key"]  # Qayd's own, marked as such
    assert words["managed"] in cells(panel.table)[0][3]
    panel.select("device/signing-key")
    assert not panel.delete_button.isEnabled()  # Qayd's own secrets are not deleted here

    assert panel.value.echoMode() == QLineEdit.EchoMode.Password
    assert not panel.save_button.isEnabled()
    type_secret(qtbot, panel, "stripe/api-key", VALUE)
    assert panel.save_button.isEnabled()
    with qtbot.waitSignal(session.changed) as changed:
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert changed.args == [AUDIT]
    assert panel.value.text() == ""  # cleared as soon as it is saved
    assert panel.status.text() == words["saved"]
    assert cells(panel.table)[1][:2] == ["stripe/api-key", "1"]
    assert panel.selected_name() == "stripe/api-key"
    assert [row[1] for row in cells(panel.history)] == [words["set"]]
    assert VALUE not in every_text(panel)
    with ctx.uow(write=False) as uow:
        assert uow.secrets.get("stripe/api-key") == VALUE.encode()

    panel.confirm = lambda name: False  # the person says no: nothing happens
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert "stripe/api-key" in [r.name for r in panel.rows]
    asked: list[str] = []
    panel.confirm = lambda name: asked.append(name) is None
    panel.select("stripe/api-key")
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ["stripe/api-key"]
    assert "stripe/api-key" not in [r.name for r in panel.rows]
    assert panel.status.text() == words["deleted"]


def test_bad_or_managed_names_cannot_be_saved(qtbot: QtBot, panel: SecretsPanel) -> None:
    for name in ("has space", "device/signing-key", "egs/1/private-key", ""):
        type_secret(qtbot, panel, name, "v")
        assert not panel.save_button.isEnabled(), name
    type_secret(qtbot, panel, "smtp/password", "")
    assert not panel.save_button.isEnabled()


def test_rotation_runs_in_a_job_and_reports(qtbot: QtBot, panel: SecretsPanel, session: AppSession,
                                            ctx: Context) -> None:
    words = WORDS[session.language]
    type_secret(qtbot, panel, "stripe/api-key", VALUE)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    progress: list[int] = []
    panel.progress.valueChanged.connect(progress.append)
    qtbot.mouseClick(panel.rotate_button, Qt.MouseButton.LeftButton)
    assert isinstance(session.pool, SyncPool) and len(session.pool.started) == 1
    assert progress and progress[-1] == 100
    assert panel.job is None and not panel.progress.isVisible()
    assert words["rotated"] in panel.status.text()
    assert {row[1] for row in cells(panel.table)} == {"2"}
    assert words["destroyed"] in panel.keys.text()
    assert panel.selected_name() == "stripe/api-key"  # the selection stays, and its history shows the rotation
    assert [row[1] for row in cells(panel.history)] == [words["resealed"], words["set"]]
    with ctx.uow(write=False) as uow:
        assert uow.secrets.get("stripe/api-key") == VALUE.encode()
    assert VALUE not in every_text(panel)


def test_a_failed_rotation_is_shown_with_its_fix(qtbot: QtBot, panel: SecretsPanel, session: AppSession,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> object:
        raise SecretStoreError("The OS keyring refused access to Qayd's master key.", fix="Unlock it.")

    monkeypatch.setattr(manager, "rotate", broken)
    qtbot.mouseClick(panel.rotate_button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == WORDS[session.language]["failed"]
    assert panel.error_box is not None and panel.error_box.informativeText() == "Unlock it."
    assert panel.rotate_button.isEnabled()


def test_a_cancelled_rotation_job_changes_nothing(ctx: Context) -> None:
    with ctx.uow() as uow:
        manager.set_secret(uow, "stripe/api-key", VALUE.encode())
        uow.commit()
    with pytest.raises(JobCancelled):
        rotate_job(ctx)(lambda f, m: None, lambda: True)
    with ctx.uow(write=False) as uow:
        assert {r.key_version for r in manager.list_secrets(uow)} == {1}


def test_cancel_mid_rotation_shows_cancelled_and_no_error(qtbot: QtBot, panel: SecretsPanel, session: AppSession,
                                                          ctx: Context) -> None:
    """Cancel pressed while the secrets are re-sealed: core raises the one Cancelled, desktop.jobs turns it into the
    cancelled state (never an error dialog), and every secret stays on its old key."""
    with ctx.uow() as uow:
        for n in range(5):
            manager.set_secret(uow, f"stripe/key-{n}", VALUE.encode())
        uow.commit()
    panel.refresh()
    panel.progress.valueChanged.connect(lambda value: value > 0 and panel.cancel())
    qtbot.mouseClick(panel.rotate_button, Qt.MouseButton.LeftButton)
    assert panel.outcome == "cancelled" and panel.error_box is None
    assert panel.status.text() == WORDS[session.language]["cancelled"]
    assert panel.last_rotation is None and panel.rotate_button.isEnabled()
    with ctx.uow(write=False) as uow:
        assert {r.key_version for r in manager.list_secrets(uow)} == {1}


def test_a_clerk_sees_the_list_but_cannot_change_it(panel: SecretsPanel, session: AppSession, ctx: Context) -> None:
    ctx.actor_role = "clerk"
    panel.refresh()
    assert not panel.rotate_button.isEnabled() and not panel.name.isEnabled() and not panel.value.isEnabled()
    assert panel.admin_note.isVisible() and WORDS[session.language]["admin"] in panel.admin_note.text()
    panel.rotate()  # even when called directly
    assert panel.job is None and not session.pool.started  # type: ignore[attr-defined]


def test_settings_shows_the_secrets_section(qtbot: QtBot, session: AppSession, ctx: Context) -> None:
    create_demo(ctx, drafts=1)
    view = SettingsView(session)
    qtbot.addWidget(view)
    view.retranslate()
    view.refresh()
    view.show()
    assert view.secrets_panel.isVisible() and view.secrets_panel.title() == WORDS[session.language]["title"]
    assert "device/signing-key" in [r.name for r in view.secrets_panel.rows]
    other = "ar" if session.language == "en" else "en"
    session.set_language(other)  # the section follows a language switch at runtime
    assert view.secrets_panel.title() == WORDS[other]["title"]
