"""`qayd support bundle` and `qayd support upload`: what the bundle holds (logs, crash files, doctor's report, the
config check) and never holds (the store, keys, secrets, personal data); crash reports go only to an address the
company set, tested against a local receiver that records what it got."""

from __future__ import annotations

import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from core.invoicing import service
from core.secrets import MemoryKeyring
from core.support import crash_dir, create_bundle, log_dir
from tests.integration.conftest import Result
from tests.integration.test_support_planted import API_KEY, EMAIL, NAME, PASSWORD, PHONE, PLANTED, VAT


class Receiver:
    """A crash-report address on 127.0.0.1: records each POST body; answers `status`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"path": self.path, "type": self.headers["Content-Type"],
                                          "body": json.loads(body)})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/crashes"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def crashed(run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Callable[..., Result]:
    """A demo company whose last command crashed with personal data and secrets in hand, and an old plain-text log."""
    assert run("init", "--demo", "--drafts", "0").exit_code == 0
    with monkeypatch.context() as patch:
        patch.setattr(service, "get_invoice", _raise(RuntimeError(f"{NAME} {EMAIL} {VAT} {PHONE} {API_KEY}")))
        assert run("invoice", "show", "INV-1").exit_code == 70
    (log_dir(settings) / "qayd-desktop.log.1").write_text(f"2026-01-01 ERROR qayd: mail to {EMAIL} failed\n", "utf-8")
    return run


def _raise(exc: Exception) -> Callable[..., Any]:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return fail


def _read(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


def test_the_bundle_holds_logs_crashes_doctor_and_config_never_the_store_or_secrets(
    crashed: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings,
    memory_keyring: MemoryKeyring
) -> None:
    secret = tmp_path / "key.txt"
    secret.write_text(API_KEY, "utf-8")
    assert crashed("secrets", "set", "stripe.api_key", "--from-file", str(secret)).exit_code == 0
    monkeypatch.setenv("QAYD_SUPPORT_CRASH_UPLOAD_URL", f"https://support:{PASSWORD}@crash.example.com/in")
    result = crashed("support", "bundle", "--out", str(tmp_path / "config.toml" / "b.zip"))  # under a file
    assert result.exit_code == 2 and "Choose another path" in result.stderr  # input to correct, not a crash
    (tmp_path / "out").mkdir()  # a folder: the bundle is named in it
    (settings.data_dir / "crash" / "native-qayd-desktop-1.txt").write_text("", "utf-8")  # a live process's: empty
    result = crashed("support", "bundle", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    [bundle] = (tmp_path / "out").glob("qayd-support-*.zip")
    assert f"Support bundle written: {bundle}" in result.stdout
    contents = _read(bundle)
    [crash] = [n for n in contents if n.startswith("crash/")]
    assert sorted(contents) == sorted(["manifest.json", "doctor.json", "config.json", "logs/qayd.log",
                                       "logs/qayd-desktop.log.1", crash])
    manifest = json.loads(contents["manifest.json"])
    assert manifest["log_lines_left_out"] == 1 and contents["logs/qayd-desktop.log.1"] == ""  # not scrubbed: left out
    assert manifest["packages"]["httpx"] and manifest["qayd"]
    config = {row["name"]: row for row in json.loads(contents["config.json"])["settings"]}
    assert config["support.crash_upload_url"]["value"] == '"https://support:***@crash.example.com/in"'
    assert json.loads(contents[crash])["exception"]["type"] == "RuntimeError"
    assert "cli.internal_error" in contents["logs/qayd.log"]
    # doctor's checks (core.health.run_checks on the company the command opened)
    assert {c["id"] for c in json.loads(contents["doctor.json"])["checks"]} >= {"store.integrity", "audit.chain"}
    everything = "\n".join(contents.values()).lower()
    master_keys = list(memory_keyring._items.values())
    assert master_keys
    for value in (*PLANTED, *master_keys, "sqlite format 3", "companies/"):  # no store: not its header, nor its path
        assert value.lower() not in everything, value


def test_doctors_report_is_in_the_bundle_scrubbed_and_a_failing_doctor_is_recorded(
    settings: Settings, tmp_path: Path
) -> None:
    report = {"worst": "fail", "checks": [{"id": "mail", "status": "fail", "found": f"SMTP refused {EMAIL}",
                                           "fix": "Set mail.password", "figures": {"failed": 3}}]}
    steps: list[float] = []
    path = create_bundle(tmp_path / "b.zip", settings=settings, doctor=lambda: report,
                         progress=lambda f, _m: steps.append(f))
    doctor = json.loads(_read(path)["doctor.json"])
    assert doctor["checks"][0]["found"] == "SMTP refused [redacted]" and doctor["checks"][0]["figures"]["failed"] == 3
    assert steps[0] == 0.0 and steps[-1] == 1.0

    def broken() -> dict[str, Any]:
        raise RuntimeError(f"store of {NAME}")

    doctor = json.loads(_read(create_bundle(tmp_path / "c.zip", settings=settings, doctor=broken))["doctor.json"])
    assert doctor["error"]["type"] == "RuntimeError" and NAME not in json.dumps(doctor)
    assert json.loads(_read(create_bundle(tmp_path / "d.zip", settings=settings, doctor=None))["doctor.json"])


def test_nothing_is_uploaded_unless_an_address_is_set(
    crashed: Callable[..., Result], receiver: Receiver, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    result = crashed("support", "upload")
    assert result.exit_code == 0 and "nothing was sent" in result.stdout
    assert receiver.received == []
    assert len(list(crash_dir(settings).glob("*.json"))) == 1  # still there, for a bundle


def test_crash_files_go_once_to_the_address_the_company_chose(
    crashed: Callable[..., Result], receiver: Receiver, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setenv("QAYD_SUPPORT_CRASH_UPLOAD_URL", receiver.url)
    receiver.status = 503
    result = crashed("support", "upload")
    assert result.exit_code == 10 and "HTTP 503" in result.stderr  # refused: kept to send next time
    receiver.status = 204
    result = crashed("support", "upload")
    assert result.exit_code == 0 and "Sent 1 crash file(s); 0 left." in result.stdout
    assert len(receiver.received) == 2
    sent = receiver.received[-1]
    assert sent["path"] == "/crashes" and sent["type"] == "application/json"
    assert sent["body"]["report"]["exception"]["type"] == "RuntimeError"
    assert all(value.lower() not in json.dumps(sent).lower() for value in PLANTED)
    assert crashed("support", "upload").stdout.startswith("Sent 0 crash file(s)")  # each file goes once
    assert len(receiver.received) == 2


def test_an_unreachable_address_is_an_error_naming_the_setting_and_keeps_the_files(
    crashed: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    server = Receiver()
    url = server.url
    server.close()  # nothing listens there any more
    monkeypatch.setenv("QAYD_SUPPORT_CRASH_UPLOAD_URL", url)
    result = crashed("support", "upload")
    assert result.exit_code == 10 and "could not be reached (ConnectError)" in result.stderr
    assert "support.crash_upload_url" in result.stderr
    assert not (crash_dir(settings) / ".uploaded").exists()
