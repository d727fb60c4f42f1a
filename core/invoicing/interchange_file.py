"""Reading a JSON interchange file safely: size cap, UTF-8, syntax, nesting, huge numbers and duplicate keys."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

from core.errors import ValidationError
from core.findings import Finding
from core.invoicing.rule_finding import make

MAX_FILE_BYTES = 50 * 1024 * 1024


def _file_error(path: Path, rule: str, texts: tuple[str, str, str, str]) -> ValidationError:
    return ValidationError(f"The file {path.name}", [make(rule, "", *texts)])


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # never more: a huge (or endless) file is refused, not loaded
    except OSError as exc:
        raise _file_error(
            path,
            "QAYD-JSON-READ",
            (
                f"The file cannot be read: {exc.strerror or exc}.",
                "Check the path and that you may read the file.",
                f"تعذّرت قراءة الملف: {exc.strerror or exc}.",
                "تحقق من المسار ومن صلاحية قراءة الملف.",
            ),
        ) from None
    if len(raw) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise _file_error(
            path,
            "QAYD-JSON-SIZE",
            (
                f"The file is larger than {mb} MB.",
                "Split it into several files and import them one by one.",
                f"حجم الملف أكبر من {mb} ميغابايت.",
                "قسّمه إلى عدة ملفات واستوردها واحداً تلو الآخر.",
            ),
        )
    return raw


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 (a byte-order mark is tolerated); a bad byte is reported by line and column."""
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        column = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _file_error(
            path,
            "QAYD-JSON-UTF8",
            (
                f"Line {line}, column {column}: the file is not valid UTF-8 (byte 0x{body[exc.start]:02x}).",
                'Save the file as UTF-8 (in Excel: "CSV UTF-8"; in editors: encoding UTF-8).',
                f"السطر {line}، العمود {column}: الملف ليس بترميز UTF-8 صالح.",
                "احفظ الملف بترميز UTF-8.",
            ),
        ) from None


class _JsonObject(dict[str, object]):
    """A JSON object that remembers the keys it met twice (json keeps only the last value, silently)."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    if len(obj) != len(pairs):
        counts: dict[str, int] = {}
        for key, _ in pairs:
            counts[key] = counts.get(key, 0) + 1
        obj.duplicates = tuple(k for k, n in counts.items() if n > 1)
    return obj


def _duplicate_keys(value: object) -> list[Finding]:
    """QAYD-JSON-DUPLICATE-KEY for each key written twice in one object, with its path (walked without recursion)."""
    found: list[Finding] = []
    stack: list[tuple[str, object]] = [("", value)]
    while stack and len(found) < 50:
        path, item = stack.pop()
        if isinstance(item, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, _JsonObject):
            found += [make("QAYD-JSON-DUPLICATE-KEY", f"{path}.{key}" if path else key,
                           f"The key {key!r} appears twice in the same object; which value is meant is unclear.",
                           "Keep one of the two and delete the other.",
                           f"المفتاح {key!r} مكرر في الكائن نفسه، فلا يُعرف أي القيمتين هي المقصودة.",
                           "أبقِ واحدة منهما واحذف الأخرى.") for key in item.duplicates]
            stack.extend((f"{path}.{k}" if path else k, v) for k, v in reversed(list(item.items())))
    return found


_UNREADABLE = {
    RecursionError: ("The file nests lists or objects too deeply to be an invoice file.",
                     "Check that the file is an invoice export; documents nest at most a few levels.",
                     "الملف يتداخل فيه القوائم أو الكائنات بعمق لا يكون في ملف فواتير.",
                     "تحقق من أن الملف تصدير فواتير؛ فالمستندات لا تتداخل إلا بضعة مستويات."),
    ValueError: ("The file holds a number with thousands of digits, which cannot be an amount.",
                 'Write amounts as strings with at most 2 decimals, e.g. "250.00".',
                 "يحتوي الملف على رقم من آلاف الخانات، ولا يمكن أن يكون مبلغاً.",
                 'اكتب المبالغ نصوصاً بمنزلتين عشريتين على الأكثر، مثل "250.00".'),
}


def load_json_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES) -> object:
    """The JSON value in a file, or ValidationError naming the line and column (or the key path) of what is wrong."""
    file = Path(path)
    text = _decode(file, _read_bytes(file, max_bytes))
    try:
        value = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        where = f"Line {exc.lineno}, column {exc.colno}"
        texts = (f"{where}: the file is not valid JSON ({exc.msg}).", "Correct the JSON at that place.",
                 f"السطر {exc.lineno}، العمود {exc.colno}: الملف ليس JSON صالحاً ({exc.msg}).",
                 "صحح صيغة JSON في هذا الموضع.")  # fmt: skip
    except (RecursionError, ValueError) as exc:  # nesting too deep, or an integer of thousands of digits
        texts = _UNREADABLE[RecursionError if isinstance(exc, RecursionError) else ValueError]
    else:
        duplicates = _duplicate_keys(value)
        if duplicates:
            raise ValidationError(f"The file {file.name}", duplicates)
        return value
    raise _file_error(file, "QAYD-JSON-SYNTAX", texts)
