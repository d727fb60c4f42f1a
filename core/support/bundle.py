"""The support bundle: one zip a person can send to whoever supports them, holding nothing of the company's data.

It holds: `manifest.json` (versions, platform, what is inside), `config.json` (`core.config.check_settings` and
`describe`: secrets masked as `qayd config check` masks them, every value through the scrubber), `doctor.json`
(doctor's report, from the callable the caller passes; the incident lane passes the same), the JSON-lines logs of
`<data dir>/logs/` (lines that are not this format, from older versions, are left out: they were not scrubbed) and the
crash files of `<data dir>/crash/`. Files are picked by name from those two folders only, so the store, its
backups, keys and exports can never be swept in.
"""

from __future__ import annotations

import io
import json
import platform
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.files import private_dir, write_private
from core.progress import Progress, step
from core.support.crash import crash_dir
from core.support.logs import log_dir
from core.support.scrub import exception_record, scrub_text

if TYPE_CHECKING:
    from core.config import Settings
    from core.uow import Context

Doctor = Callable[[], dict[str, Any]]
PACKAGES = ("PySide6", "SQLAlchemy", "alembic", "psycopg", "httpx", "cryptography", "lxml", "pydantic", "keyring",
            "reportlab", "click")


def create_bundle(dest: Path, *, settings: Settings, doctor: Doctor | None,
                  progress: Progress | None = None) -> Path:
    """Write the support bundle to `dest` (a `.zip` file, or a folder to hold `qayd-support-<time>.zip`), owner-only;
    return its path. A failing doctor is recorded in the bundle (its exception's type), never raised."""
    stamp = datetime.now(UTC)
    if dest.is_dir():
        dest = dest / f"qayd-support-{stamp.strftime('%Y%m%dT%H%M%SZ')}.zip"
    buffer = io.BytesIO()
    contents: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: str) -> None:
            zf.writestr(name, data)
            contents.append(name)

        step(progress, None, 0.0, "Running the health checks")
        put("doctor.json", _json(_doctor_report(doctor)))
        step(progress, None, 0.5, "Reading the settings")
        put("config.json", _json(_config_report(settings)))
        step(progress, None, 0.7, "Collecting logs and crash files")
        dropped = 0
        for path in _files(log_dir(settings), "*.log*"):
            text, left_out = _json_lines(path)
            dropped += left_out
            put(f"logs/{path.name}", text)
        for path in _files(crash_dir(settings), "*"):
            if path.suffix in (".json", ".txt") and path.stat().st_size > 0:  # an empty native file: a live process
                put(f"crash/{path.name}", scrub_text(path.read_text("utf-8", errors="replace")))
        put("manifest.json", _json(_manifest(stamp, contents, dropped)))
    step(progress, None, 0.95, "Writing the bundle")
    private_dir(dest.parent, own=False)
    write_private(dest, buffer.getvalue())
    step(progress, None, 1.0, "Done")
    return dest


def _doctor_report(doctor: Doctor | None) -> dict[str, Any]:
    if doctor is None:
        return {"skipped": "no health checks were available to this bundle"}
    try:
        report: dict[str, Any] = _scrubbed(doctor())
        return report
    except Exception as exc:  # a broken check must not stop the bundle that reports it
        return {"error": exception_record(exc)}


def _config_report(settings: Settings) -> dict[str, Any]:
    from core.config import check_settings, describe

    checked, problems = check_settings()
    rows = describe(checked or settings)
    return {"problems": [scrub_text(p) for p in problems],
            "settings": [{"name": name, "value": scrub_text(value), "source": scrub_text(source)}
                         for name, value, source in rows]}


def _manifest(stamp: datetime, contents: list[str], dropped: int) -> dict[str, Any]:
    from core import __version__

    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"created": stamp.isoformat(timespec="seconds"), "qayd": __version__,
            "python": sys.version.split()[0], "platform": platform.platform(terse=True),
            "machine": platform.machine(), "packages": versions, "contents": sorted(contents),
            "log_lines_left_out": dropped}


def _files(folder: Path, pattern: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.is_symlink())


def _json_lines(path: Path) -> tuple[str, int]:
    """The log's structured lines (already scrubbed when written, scrubbed again here); others are counted, not kept."""
    kept, dropped = [], 0
    for line in path.read_text("utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            dropped += 1
            continue
        if not isinstance(entry, dict) or "event" not in entry:
            dropped += 1
            continue
        kept.append(json.dumps(_scrubbed(entry), ensure_ascii=False))
    return "\n".join(kept) + ("\n" if kept else ""), dropped


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {str(k): _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrubbed(v) for v in value]
    return value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def doctor_of(ctx: Context, settings: Settings) -> Doctor:
    """Doctor's report on an open company, for a bundle (every check, the network probes with their short timeouts)."""
    def doctor() -> dict[str, Any]:
        from core.health import run_checks

        return dict(run_checks(ctx, settings).to_json())
    return doctor


def incident_evidence(ctx: Context, settings: Settings) -> dict[str, Callable[[], Any]]:
    """What an incident's start records (core.incident.start's `verify` and `snapshot`): the audit chain's
    verification, and a support bundle beside the company's store, named for the moment, with doctor's report. The
    CLI and the desktop both start incidents with it: `incident.start(ctx, reason, **incident_evidence(...))`."""
    def verify() -> dict[str, Any]:
        from core.audit import verify_store

        report = verify_store(ctx, documents=False)
        return {"ok": report.ok, "entries": report.entries, "head_hash": report.head_hash,
                "broken": None if report.broken is None else f"{report.broken.kind.value} at {report.broken.seq}"}

    def snapshot() -> Path:
        stamp = ctx.clock().strftime("%Y%m%dT%H%M%SZ")
        return create_bundle(ctx.db.path.parent / f"incident-{stamp}.zip", settings=settings,
                             doctor=doctor_of(ctx, settings))
    return {"verify": verify, "snapshot": snapshot}
