"""Reading untrusted JSON into typed invoice fields, reporting every problem as a QAYD-JSON-* finding."""

from __future__ import annotations

import difflib
import math
import re
import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from core.findings import FINDINGS_CAP, Finding, Overflow, Severity
from core.invoicing.rule_finding import ERROR, WARNING, make

E = TypeVar("E", bound=StrEnum)

# Plain decimals only: no exponent, no "NaN", no "1_000", no Arabic-Indic digits (Decimal() takes all).
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_MAX_DECIMAL_CHARS = 40
_MAX_INT = 10**20  # larger JSON integers cannot be money; refusing them early keeps Decimal maths cheap
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
_UUID_EXPECTED = 'a UUID string such as "0b1e7c7e-6f5a-4a52-9a34-2d3c1f0e9b11"'
_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true/false",
    int: "a number",
    float: "a number",
    type(None): "null",
}


_JSON_TYPES_AR = {
    dict: "كائن",
    list: "قائمة",
    str: "نص",
    bool: "قيمة منطقية",
    int: "رقم",
    float: "رقم",
    type(None): "null",
}
# What each reader expects, in Arabic, keyed by the English wording it reports.
_EXPECTED_AR = {
    "an object {...}": "كائناً {...}",
    "a list [...]": "قائمة [...]",
    "a string": "نصاً بين علامتي تنصيص",
    'a decimal string such as "12.50"': 'رقماً عشرياً نصياً مثل "12.50"',
    _UUID_EXPECTED: "معرّف UUID نصياً",
    "true or false": "true أو false",
}


def json_type(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def json_type_ar(value: object) -> str:
    return _JSON_TYPES_AR.get(type(value), type(value).__name__)


class JsonReader:
    """Collects findings while turning the parts of one JSON document into typed values.

    Every method returns a usable value or None and never raises; `prefix` ("[3]" when the document
    is the fourth of a list) starts every field path it reports.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.findings: list[Finding] = []
        self.overflow = Overflow()  # past FINDINGS_CAP, findings are only counted: a flood stays small

    def path(self, field: str) -> str:
        if not self.prefix:
            return field
        return f"{self.prefix}.{field}" if field else self.prefix

    @property
    def failed(self) -> bool:
        return self.overflow.has_error or any(f.is_error for f in self.findings)

    def all_findings(self) -> list[Finding]:
        """The findings kept, then one summary per rule of those counted past the cap."""
        return self.findings + self.overflow.summaries()

    def report(
        self, rule: str, field: str, texts: tuple[str, str, str, str], severity: Severity = ERROR
    ) -> None:
        finding = make(rule, self.path(field), *texts, severity)
        if len(self.findings) < FINDINGS_CAP:
            self.findings.append(finding)
        else:
            self.overflow.add(finding)

    def wrong_type(self, field: str, value: object, expected: str, hint: str = "") -> None:
        expected_ar = _EXPECTED_AR.get(expected, expected)
        self.report(
            "QAYD-JSON-TYPE",
            field,
            (
                f"Expected {expected} here, found {json_type(value)}.",
                hint or f"Write {expected} for this field.",
                f"المتوقع هنا {expected_ar}، لكن الموجود {json_type_ar(value)}.",
                f"اكتب في هذا الحقل {expected_ar}.",
            ),
        )

    def obj(self, value: object, field: str, known: Collection[str]) -> Mapping[str, object] | None:
        """An object; keys that are not fields get a warning naming the nearest valid field."""
        if not isinstance(value, dict):
            self.wrong_type(field, value, "an object {...}")
            return None
        for key in value:
            if str(key) not in known:
                self._unknown(str(key), field, known)
        return {str(k): v for k, v in value.items()}

    def _unknown(self, key: str, field: str, known: Collection[str]) -> None:
        nearest = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
        hint = f" Did you mean {nearest[0]!r}?" if nearest else ""
        hint_ar = f" هل تقصد {nearest[0]!r}؟" if nearest else ""
        where = f"{field}.{key}" if field else key
        self.report(
            "QAYD-JSON-UNKNOWN-FIELD",
            where,
            (
                f"Unknown field {key!r}; it is ignored.{hint}",
                f"Remove it or correct its name. Valid fields here: {', '.join(sorted(known))}.",
                f"الحقل {key!r} غير معروف وسيُتجاهل.{hint_ar}",
                "احذفه أو صحح اسمه وفق الحقول الموثقة.",
            ),
            WARNING,
        )

    def missing(self, field: str) -> None:
        self.report(
            "QAYD-JSON-MISSING",
            field,
            ("This required field is missing.", "Add it.", "هذا الحقل المطلوب غير موجود.", "أضفه."),
        )

    def present(self, data: Mapping[str, object], key: str, field: str, required: bool) -> bool:
        """Whether `key` holds a value; null counts as absent, and absent required fields are reported."""
        if data.get(key) is not None:
            return True
        if required:
            self.missing(field)
        return False

    def text(self, data: Mapping[str, object], key: str, field: str, *, required: bool = False) -> str:
        """A string, kept verbatim (any Unicode, any XML-special character)."""
        if not self.present(data, key, field, required):
            return ""
        value = data[key]
        if isinstance(value, str):
            return value
        hint = f'Write it in quotes, e.g. "{value}".' if isinstance(value, int | float) else ""
        self.wrong_type(field, value, "a string", hint)
        return ""

    def decimal(
        self, data: Mapping[str, object], key: str, field: str, *, required: bool = False
    ) -> Decimal | None:
        """An amount, quantity or rate: a decimal string ("12.50") or a JSON integer, never a float."""
        if not self.present(data, key, field, required):
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.wrong_type(field, value, 'a decimal string such as "12.50"')
        elif isinstance(value, float):
            self._float(field, value)
        elif isinstance(value, int):
            if abs(value) < _MAX_INT:
                return Decimal(value)
            self._bad_number(field, "is far too large")
        elif _DECIMAL.fullmatch(value.strip()) and len(value.strip()) <= _MAX_DECIMAL_CHARS:
            return Decimal(value.strip())
        else:
            self._bad_number(field, f"{value[:40]!r} is not a plain decimal number")
        return None

    def _float(self, field: str, value: float) -> None:
        finite = math.isfinite(value)
        shown = repr(value) if finite else "NaN/Infinity"
        fix = f'Write it as a string: "{value!r}".' if finite else "Write a real number, as a string."
        fix_ar = (
            f'اكتبه نصاً بين علامتي تنصيص: "{value!r}".'
            if finite
            else "اكتب رقماً حقيقياً نصاً بين علامتي تنصيص."
        )
        self.report(
            "QAYD-JSON-FLOAT",
            field,
            (
                f"{shown} is a JSON floating-point number; floats cannot hold money exactly, so "
                "Qayd refuses them.",
                f"{fix} Amounts, quantities and rates are decimal strings; whole numbers may stay unquoted.",
                f"{shown} رقم عشري عائم في JSON، وهذا النوع لا يحفظ المبالغ بدقة فيرفضه قيد.",
                f"{fix_ar} المبالغ والكميات والنسب تُكتب نصوصاً عشرية، ويجوز ترك الأعداد الصحيحة بلا تنصيص.",
            ),
        )

    def _bad_number(self, field: str, problem: str) -> None:
        self.report(
            "QAYD-JSON-NUMBER",
            field,
            (
                f"The value {problem}.",
                'Write a plain decimal with a dot and digits 0-9, e.g. "1250.50" '
                "(no exponent, NaN or thousands separators).",
                "القيمة ليست رقماً عشرياً صالحاً.",
                'اكتب رقماً عشرياً بسيطاً بنقطة وأرقام 0-9، مثل "1250.50" (دون أس أو NaN أو فواصل).',
            ),
        )

    def enum(
        self, data: Mapping[str, object], key: str, field: str, kind: type[E], *, required: bool
    ) -> E | None:
        """One of an enumeration's values, listing them all when it is not."""
        if not self.present(data, key, field, required):
            return None
        value = data[key]
        if not isinstance(value, str):
            self.wrong_type(field, value, "a string")
            return None
        valid = [member.value for member in kind]
        if value in valid:
            return kind(value)
        near = [v for v in valid if v.lower() == value.strip().lower()] or difflib.get_close_matches(
            value, valid, 1
        )
        hint = f" Did you mean {near[0]!r}?" if near else ""
        hint_ar = f" هل تقصد {near[0]!r}؟" if near else ""
        self.report(
            "QAYD-JSON-ENUM",
            field,
            (
                f"{value[:40]!r} is not a valid value here.{hint}",
                f"Use one of: {', '.join(valid)}.",
                f"القيمة {value[:40]!r} غير صالحة هنا.{hint_ar}",
                f"استخدم إحدى القيم: {', '.join(valid)}.",
            ),
        )
        return None

    def flag(self, data: Mapping[str, object], key: str, field: str) -> bool:
        """A JSON true/false; absent or null is false."""
        if not self.present(data, key, field, False):
            return False
        value = data[key]
        if isinstance(value, bool):
            return value
        self.wrong_type(field, value, "true or false", "Write true or false, without quotes.")
        return False

    def day(self, data: Mapping[str, object], key: str, field: str) -> date | None:
        """A calendar date written YYYY-MM-DD."""
        if not self.present(data, key, field, False):
            return None
        value = data[key]
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self._bad_date(field, value, "a date written YYYY-MM-DD", "2026-11-25")
        return None

    def moment(self, data: Mapping[str, object], key: str, field: str) -> datetime | None:
        """An ISO 8601 date-time that carries its UTC offset."""
        if not self.present(data, key, field, True):
            return None
        value = data[key]
        parsed = None
        if isinstance(value, str) and _DATETIME.fullmatch(value):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is not None and parsed.utcoffset() is not None:
            return parsed
        what = (
            "a date-time with its UTC offset" if parsed is not None else "an ISO 8601 date-time with offset"
        )
        self._bad_date(field, value, what, "2026-11-25T10:15:00+03:00 (Saudi time) or 2026-11-25T07:15:00Z")
        return None

    def _bad_date(self, field: str, value: object, expected: str, example: str) -> None:
        shown = repr(value[:40]) if isinstance(value, str) else json_type(value)
        self.report(
            "QAYD-JSON-DATE",
            field,
            (
                f"{shown} is not {expected}.",
                f"Write {expected}, e.g. {example}.",
                f"{shown} ليس بالصيغة المطلوبة للتاريخ أو الوقت.",
                f"اكتب القيمة بصيغة ISO 8601 مثل {example}.",
            ),
        )

    def identifier(self, data: Mapping[str, object], key: str, field: str) -> uuid.UUID | None:
        """A UUID written as text."""
        if not self.present(data, key, field, False):
            return None
        value = data[key]
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        self.wrong_type(field, value, _UUID_EXPECTED)
        return None

    def items(self, data: Mapping[str, object], key: str, field: str, *, required: bool) -> list[object]:
        """A list (possibly empty)."""
        if not self.present(data, key, field, required):
            return []
        value = data[key]
        if isinstance(value, list):
            return value
        self.wrong_type(field, value, "a list [...]")
        return []
