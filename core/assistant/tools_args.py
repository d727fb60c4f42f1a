"""The assistant tools' arguments: a small JSON-schema subset checked before a tool runs, periods, limits, and money
and dates as JSON values.

A model writes the arguments, so they are input like any other: a wrong one becomes a result whose text the model can
read and correct (a `ValidationError` naming each argument: the tool result's is_error), never a
traceback. The schema subset is what the specs
use and nothing more (object; string, integer and boolean properties; enum, pattern, minimum, maximum, format
"date"; no additional properties), so the same checker also proves each spec is well formed (the tests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.clock import saudi_date
from core.errors import ValidationError
from core.findings import Finding

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)  # what a period may name: no overflow at its ends
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
TYPES = {"string": str, "integer": int, "boolean": bool}
KEYWORDS = {"type", "description", "enum", "pattern", "minimum", "maximum", "format", "default"}


RULE = "QAYD-TOOL-ARGS"
FIX = "Call the tool again with arguments that follow its schema."


def bad_arguments(*problems: tuple[str, str]) -> ValidationError:
    """The refusal of a tool call's arguments: (argument, what is wrong) for each problem."""
    return ValidationError("The tool call", [Finding(RULE, name, message, FIX) for name, message in problems])


# -- the schema subset ----------------------------------------------------------------------------------------


def schema(properties: Mapping[str, Mapping[str, Any]], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": dict(properties), "required": list(required),
            "additionalProperties": False}


LIMIT = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT,
         "description": f"How many rows at most (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})."}
PERIOD = {"type": "string", "pattern": r"^(19|20|21)\d{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$",
          "description": 'A calendar period in Riyadh time: a quarter "2026-Q4", a month "2026-11" or a year '
                         '"2026". Give this or "from" and "to".'}
FROM = {"type": "string", "format": "date", "description": 'First day (ISO "2026-10-01"), with "to".'}
TO = {"type": "string", "format": "date", "description": 'Last day, included (ISO "2026-12-31"), with "from".'}
PERIOD_PROPERTIES = {"period": PERIOD, "from": FROM, "to": TO}


def schema_problems(spec: Mapping[str, Any]) -> list[str]:
    """What makes `spec` something other than this module's schema subset (empty when it is well formed)."""
    problems = []
    if spec.get("type") != "object" or spec.get("additionalProperties") is not False:
        problems.append('the schema must be {"type": "object", "additionalProperties": false, ...}')
    properties = spec.get("properties")
    if not isinstance(properties, Mapping):
        return [*problems, "properties must be an object"]
    for name, prop in properties.items():
        if not re.fullmatch(r"[a-z_]+", name) or not isinstance(prop, Mapping):
            problems.append(f"{name}: a property needs a snake-case name and an object schema")
            continue
        if prop.get("type") not in TYPES or not str(prop.get("description", "")).strip():
            problems.append(f"{name}: needs a type ({', '.join(TYPES)}) and a description")
        if unknown := set(prop) - KEYWORDS:
            problems.append(f"{name}: unknown keywords {sorted(unknown)}")
        if "pattern" in prop:
            re.compile(prop["pattern"])
    for name in spec.get("required", []):
        if name not in properties:
            problems.append(f"required {name!r} is not a property")
    return problems


def checked(spec: Mapping[str, Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments with the schema's defaults filled in, or a ValidationError naming every problem."""
    if not isinstance(arguments, Mapping):
        raise bad_arguments(("arguments", "The arguments must be a JSON object."))
    properties: Mapping[str, Mapping[str, Any]] = spec["properties"]
    problems = [(name, f"{name!r} is not an argument of this tool (it takes {', '.join(properties) or 'none'}).")
                for name in arguments if name not in properties]
    problems += [(name, f"{name!r} is required.") for name in spec.get("required", []) if name not in arguments]
    values: dict[str, Any] = {}
    for name, prop in properties.items():
        if name not in arguments:
            if "default" in prop:
                values[name] = prop["default"]
            continue
        value, problem = _value(name, prop, arguments[name])
        if problem:
            problems.append((name, problem))
        else:
            values[name] = value
    if problems:
        raise bad_arguments(*problems)
    return values


def _value(name: str, prop: Mapping[str, Any], value: Any) -> tuple[Any, str]:
    kind = prop["type"]
    if not isinstance(value, TYPES[kind]) or (kind == "integer" and isinstance(value, bool)):
        return None, f"{name!r} must be a {kind}, not {value!r}."
    if "enum" in prop and value not in prop["enum"]:
        return None, f"{name!r} must be one of {', '.join(map(str, prop['enum']))}, not {value!r}."
    if ("minimum" in prop and value < prop["minimum"]) or ("maximum" in prop and value > prop["maximum"]):
        return None, f"{name!r} must be from {prop.get('minimum')} to {prop.get('maximum')}, not {value}."
    if "pattern" in prop and not re.fullmatch(prop["pattern"], str(value)):
        return None, f"{name!r} is {value!r}: {prop['description']}"
    if prop.get("format") == "date":
        try:
            return date.fromisoformat(str(value)), ""
        except ValueError:
            return None, f"{name!r} must be a date as YYYY-MM-DD, not {value!r}."
    return value, ""


# -- periods, money, dates ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Days:
    """A period of Riyadh calendar days, both ends included."""

    start: date
    end: date

    def to_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def period(values: Mapping[str, Any], now: datetime) -> Days:
    """The period the arguments name ("period", or "from" and "to"); without any, the current quarter so far."""
    from core.reports import parse_period

    text, start, end = values.get("period"), values.get("from"), values.get("to")
    if text is not None and (start is not None or end is not None):
        raise bad_arguments(("period", 'Give either "period" or "from" and "to", not both.'))
    if text is not None:
        first, last = parse_period(text)
        return Days(first, last)
    if (start is None) != (end is None):
        missing = "from" if start is None else "to"
        raise bad_arguments((missing, '"from" and "to" go together: give both, or a "period".'))
    if start is not None and end is not None:
        if end < start:
            raise bad_arguments(("to", f'"to" ({end}) is before "from" ({start}).'))
        if start < FIRST_DAY or end > LAST_DAY:
            raise bad_arguments(("from" if start < FIRST_DAY else "to",
                                 f"A period must lie between {FIRST_DAY} and {LAST_DAY}."))
        return Days(start, end)
    today = saudi_date(now)
    return Days(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """An amount as exact decimal text with its currency: what every tool returns for money."""
    return {"amount": format(amount, "f"), "currency": currency}


def day_after(day: date) -> date:
    return day + timedelta(days=1)
