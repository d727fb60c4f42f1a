"""Structured logs: one JSON object a line, with a stable event code, the device, company, job and correlation id.

    {"ts": "2026-12-08T01:02:03.456+00:00", "level": "ERROR", "event": "zatca.submit.failed", "logger": "core.zatca",
     "message": "submission failed after %d tries", "device": "…", "company": "acme", "job": "zatca-submit",
     "correlation_id": "3f2a…", "exc": {"type": "…", "message": "[message withheld]", "frames": ["file:line:fn"]}}

`configure_logging(settings, program)` is called by both faces (the CLI per command, the desktop once). The file is
`<data dir>/logs/<program>.log`, rotated, owner-only. The event code is `extra={"event": "zatca.submit.failed"}`, or
by default the logger's name without its `qayd.`/`core.` prefix plus the level (`zatca.submission.error`). The
context (job, correlation id, company, device) rides on a contextvar: `with log_context(job="sync")`, set by
desktop.jobs.Job and by the CLI per command; each thread or task sees its own. Every message goes through
core.support.scrub before it is written: arguments are allow-listed, patterns mask what slips through.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.files import create_private, private_dir, private_file
from core.support.scrub import exception_record, scrub_message, scrub_text

if TYPE_CHECKING:
    from core.config import Settings

CONTEXT_FIELDS = ("device", "company", "job", "correlation_id")
MAX_BYTES = 1_000_000
BACKUPS = 3
# The loggers this project writes under: lowered to settings.log_level when it asks for more (third parties keep the
# root's level; the handler's level filters the rest).
OUR_LOGGERS = ("qayd", "core", "desktop")
_context: ContextVar[dict[str, str]] = ContextVar("qayd_log_context", default={})  # noqa: B039 - never mutated


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_context() -> dict[str, str]:
    return dict(_context.get())


@contextmanager
def log_context(**fields: object) -> Iterator[dict[str, str]]:
    """Within the block, every record carries these fields (on top of the enclosing ones); a correlation id is
    made when none is set yet. Values are ids and names the code chose, never personal data."""
    unknown = set(fields) - set(CONTEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown log context field(s): {', '.join(sorted(unknown))}")
    merged = {**_context.get(), **{k: str(v) for k, v in fields.items() if v is not None}}
    merged.setdefault("correlation_id", new_correlation_id())
    token = _context.set(merged)
    try:
        yield merged
    finally:
        _context.reset(token)


def set_log_fields(**fields: object) -> None:
    """Add fields to the current context until it ends (the company and device, once a command has opened them)."""
    unknown = set(fields) - set(CONTEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown log context field(s): {', '.join(sorted(unknown))}")
    _context.set({**_context.get(), **{k: str(v) for k, v in fields.items() if v is not None}})


def event_code(record: logging.LogRecord) -> str:
    given = getattr(record, "event", None)
    if isinstance(given, str) and given:
        return given
    name = record.name
    for prefix in ("qayd.", "core.", "qayd"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return f"{name or 'qayd'}.{record.levelname.lower()}"


class JsonFormatter(logging.Formatter):
    """One scrubbed JSON object a line (the record's message text never leaves unscrubbed)."""

    def __init__(self, program: str = "qayd") -> None:
        super().__init__()
        self.program = program

    def format(self, record: logging.LogRecord) -> str:
        context = _context.get()
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "event": scrub_text(event_code(record)),
            "logger": record.name,
            "program": self.program,
            "message": scrub_message(record.msg, record.args),
        }
        entry.update({name: context.get(name) for name in CONTEXT_FIELDS})
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc"] = exception_record(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_dir(settings: Settings) -> Path:
    return settings.data_dir / "logs"


def log_path(settings: Settings, program: str) -> Path:
    return log_dir(settings) / f"{program}.log"


def configure_logging(settings: Settings, program: str) -> Path | None:
    """The program's rotating JSON-lines log in `<data dir>/logs/`, owner-only; returns its path (None when the
    folder cannot be written: the program runs without a log). A second call for the same program replaces the
    first handler (closed, not leaked)."""
    path = log_path(settings, program)
    try:
        private_dir(path.parent)
        for old in path.parent.glob(f"{program}.log*"):  # rotated files of older versions were world-readable
            private_file(old)
        handler = RotatingFileHandler(create_private(path), maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                      encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(JsonFormatter(program))
    handler.setLevel(settings.log_level)
    handler.qayd_program = program  # type: ignore[attr-defined]
    remove_logging(program)
    logging.getLogger().addHandler(handler)
    wanted = logging.getLevelName(settings.log_level)
    for name in OUR_LOGGERS:  # only ever lowered: a level a test or a library set higher on purpose stays
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() > wanted:
            logger.setLevel(wanted)
    return path


def remove_logging(program: str) -> None:
    """Close the program's log handler, if one is attached."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "qayd_program", None) == program]:
        root.removeHandler(handler)
        handler.close()


def log_handler(program: str) -> logging.Handler | None:
    return next((h for h in logging.getLogger().handlers if getattr(h, "qayd_program", None) == program), None)
