"""Opt-in upload of crash files to an address the company chose (`support.crash_upload_url`; unset: never).

Each crash file is POSTed as JSON `{"program", "name", "report"}` (or `"text"` for a native crash), read again and
scrubbed again on the way out: the same content a support bundle carries. What was sent is listed in
`<data dir>/crash/.uploaded`, so a file goes once. Nothing runs by itself: `qayd support upload` is the act.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import QaydError
from core.files import write_private
from core.support.crash import crash_dir
from core.support.scrub import scrub_text

if TYPE_CHECKING:
    import httpx

    from core.config import Settings

LEDGER = ".uploaded"
TIMEOUT = 20.0


class CrashUploadError(QaydError):
    """The crash-report address refused or could not be reached; what was not sent stays to send next time."""

    exit_code = 10


@dataclass(frozen=True, slots=True)
class UploadResult:
    enabled: bool
    sent: int
    pending: int  # crash files still waiting (0 when all went)


def pending_crash_files(settings: Settings) -> list[Path]:
    folder = crash_dir(settings)
    if not folder.is_dir():
        return []
    done = _ledger(folder)
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink()
                  and p.suffix in (".json", ".txt") and p.name not in done and p.stat().st_size > 0)


def upload_crashes(settings: Settings, *, client: httpx.Client | None = None) -> UploadResult:
    """Send the crash files not sent yet to `support.crash_upload_url`; with it unset, send nothing at all."""
    url = settings.support.crash_upload_url
    files = pending_crash_files(settings)
    if url is None:
        return UploadResult(enabled=False, sent=0, pending=len(files))
    import httpx

    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)
    sent = 0
    try:
        for path in files:
            _post(http, url, path)
            _remember(path)
            sent += 1
    finally:
        if own:
            http.close()
    return UploadResult(enabled=True, sent=sent, pending=len(files) - sent)


def _post(http: httpx.Client, url: str, path: Path) -> None:
    import httpx

    text = scrub_text(path.read_text("utf-8", errors="replace"))
    body: dict[str, Any] = {"program": "qayd", "name": path.name}
    try:
        body["report"] = json.loads(text)
    except ValueError:
        body["text"] = text
    try:
        response = http.post(url, json=body)
    except httpx.HTTPError as exc:
        raise CrashUploadError(f"The crash-report address could not be reached ({type(exc).__name__}).",
                               fix="Check support.crash_upload_url and the network; the files are sent next time."
                               ) from None
    if response.status_code >= 300:
        raise CrashUploadError(f"The crash-report address answered HTTP {response.status_code}.",
                               fix="Check support.crash_upload_url with whoever runs it; the files stay to send.")


def _ledger(folder: Path) -> set[str]:
    path = folder / LEDGER
    return set(path.read_text("utf-8").split()) if path.is_file() else set()


def _remember(path: Path) -> None:
    done = _ledger(path.parent) | {path.name}
    write_private(path.parent / LEDGER, ("\n".join(sorted(done)) + "\n").encode("utf-8"))
