"""What may leave a log call, an exception or a crash file: allow-listed arguments, personal data and secrets masked.

The rule is allow-listing (issue 16 point 2). A log message is a format string written by a developer; its
arguments are data. An argument is shown only when its type cannot carry a name or an address (ints, Decimals,
enums, UUIDs, booleans, None) or when the caller marked it `safe(...)`; anything else (a string, a path, an object)
becomes REDACTED. The formatted text then goes through patterns for what slips through anyway (an f-string, a
QaydError message): e-mail addresses, Saudi VAT numbers, IBANs, phone numbers and other long digit runs, bearer
tokens and API keys, `password=`/`token=` parameters and passwords in URLs (core.config's masking, reused).

Exception messages are text of unknown origin: only a QaydError's (written for the person) is kept, with its quoted
values masked (`No single customer matches 'Fatima'`) and through the patterns; any other exception is named by its
type alone. What the patterns cannot know is a bare name in an f-string: log with arguments, never f-strings.
"""

from __future__ import annotations

import re
import sys
import traceback
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import Any
from uuid import UUID

from core.errors import QaydError

REDACTED = "[redacted]"
_HOME = str(Path.home()) if len(str(Path.home())) > 1 else ""
WITHHELD = "[message withheld]"
_UUID = re.compile(r"\b([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\b")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|«[^»\n]*»")


class safe(str):
    """A string argument the caller vouches for (an event name, a rule id, a status): logged as it is."""


_SAFE_TYPES = (bool, int, float, Decimal, Enum, UUID, safe, type(None))

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), "Bearer " + REDACTED),
    (re.compile(r"(?i)\b(authorization|api[_-]?key|apikey|password|passwd|pwd|secret|token|passphrase)"
                r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"), r"\1\2" + REDACTED),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), REDACTED),  # e-mail addresses
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"), REDACTED),  # IBANs (SA + 22)
    (re.compile(r"\b(?:sk|pk|rk|whsec)_(?:live|test)?_?[A-Za-z0-9]{6,}\b"), REDACTED),  # provider API keys
    (re.compile(r"\b(?=[A-Za-z0-9_-]{32,}\b)(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]+"), REDACTED),
    (re.compile(r"\b3\d{13}3\b"), REDACTED),  # a Saudi VAT number, before the general rule below
    (re.compile(r"(?:\+|\b00)\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d){6,10}\b"), REDACTED),  # phones, international
    (re.compile(r"\b0\d{1,2}(?:[\s-]?\d){7}\b"), REDACTED),  # phones, national (05x xxx xxxx, 011 xxx xxxx)
    (re.compile(r"\b\d{9,}\b"), REDACTED),  # national ids, card and account numbers: any long digit run
]


def scrub_text(text: str) -> str:
    """`text` with passwords in URLs, secrets and personal-data patterns replaced by REDACTED (UUIDs, which are ids
    the code chose, are kept: the digit and token rules would take them)."""
    parts = _UUID.split(text)
    return "".join(part if i % 2 else _scrub_part(part) for i, part in enumerate(parts))


def _scrub_part(text: str) -> str:
    text = _mask_url_everywhere(text)
    if _HOME:
        text = text.replace(_HOME, "~")  # a home folder's name is often its owner's
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _mask_url_everywhere(text: str) -> str:
    from core.config import _mask as _mask_url  # one masking of passwords in URLs (pydantic: loaded when needed)

    return re.sub(r"\b[a-z][a-z0-9+.-]*://\S+", lambda m: _mask_url(m.group(0))[0], text, flags=re.IGNORECASE)


def scrub_arg(value: Any) -> Any:
    """An allow-listed log argument as it is; anything else REDACTED (an exception: its type's name)."""
    if isinstance(value, _SAFE_TYPES):
        return value
    if isinstance(value, BaseException):
        return type(value).__name__
    return REDACTED


def scrub_message(msg: object, args: Any) -> str:
    """A log record's message: the format string filled with scrubbed arguments, then through the patterns."""
    text = str(msg)
    if args:
        try:
            if isinstance(args, dict):
                text = text % {key: scrub_arg(value) for key, value in args.items()}
            else:
                text = text % tuple(scrub_arg(value) for value in args)
        except (TypeError, ValueError, KeyError):
            text = f"{text} (arguments withheld)"
    return scrub_text(text)


def exception_message(exc: BaseException) -> str:
    """What an exception may say outside the desk: a QaydError's message after the patterns, else WITHHELD."""
    if isinstance(exc, QaydError):  # a quoted value in it is what the person typed (a name, a reference): masked
        return scrub_text(_QUOTED.sub(REDACTED, str(exc)))
    return WITHHELD


def frames(tb: TracebackType | None) -> list[str]:
    """A traceback as `file:line:function` lines: no source text, no local variables, no home folder."""
    return [f"{_short(frame.filename)}:{frame.lineno}:{frame.name}" for frame in traceback.extract_tb(tb)]


def exception_record(exc: BaseException) -> dict[str, Any]:
    """The exception (and its causes) as data that may leave the desk."""
    chain: list[dict[str, Any]] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 5:
        chain.append({"type": _type_name(current), "message": exception_message(current),
                      "frames": frames(current.__traceback__)})
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return {"type": chain[0]["type"], "message": chain[0]["message"], "frames": chain[0]["frames"],
            "causes": chain[1:]}


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    if kind.__module__ in ("builtins", "__main__"):
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


_PROJECT = str(Path(__file__).resolve().parents[2])  # the folder holding core/ and desktop/ (editable or installed)
# Import roots, longest first; a folder inside the project (a test runner's) is not one: the project root names it.
_ROOTS = sorted({_PROJECT, *(root for root in (str(Path(p).resolve()) for p in sys.path if p and Path(p).is_dir())
                             if "site-packages" in root or not root.startswith(_PROJECT))}, key=len, reverse=True)


def _short(filename: str) -> str:
    """A source path relative to the import root it came from (a home folder may name its owner)."""
    try:
        resolved = str(Path(filename).resolve())
    except OSError:
        return Path(filename).name
    for root in _ROOTS:
        if resolved.startswith(root + "/") or resolved.startswith(root + "\\"):
            return resolved[len(root) + 1:].replace("\\", "/")
    return Path(filename).name
