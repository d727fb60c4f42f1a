"""Text safety: which characters a field may hold (XML 1.0, UTF-8), and the QR code's byte limit, checked at entry.

One check for every text field of every record (company profile, customer, product, draft): `record_text_findings`
walks a record's dataclass fields, so a field added later is covered without being listed here.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterator

from core.findings import Finding
from core.invoicing.rule_finding import Label, join, make

# Refused everywhere: C0 controls but TAB/LF/CR (XML 1.0 forbids them), DEL and the C1 controls (allowed by
# XML but invisible, and never meant), lone surrogates (cannot be encoded in UTF-8) and the non-characters
# U+FDD0-U+FDEF and U+xxFFFE/U+xxFFFF of every plane (Unicode reserves them; XML 1.0 forbids U+FFFE/U+FFFF).
_NONCHARACTERS = "".join(chr(p + o) for p in range(0, 0x110000, 0x10000) for o in (0xFFFE, 0xFFFF))
_UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")
# TAB, LF and CR stay allowed in every field: XML carries them and ZATCA accepts them, and Qayd must not refuse
# what ZATCA accepts (issue 12).

QR_TAG_BYTES = 255  # a QR TLV value has a one-byte length (ALGORITHM.md §4): at most 255 UTF-8 bytes


def first_unsafe(text: str) -> tuple[int, str] | None:
    """The 1-based position and U+ code of the first character no field may hold, or None."""
    found = _UNSAFE.search(text)
    if found is None:
        return None
    return found.start() + 1, f"U+{ord(found.group()):04X}"


def _kind(code: str) -> tuple[str, str]:
    char = chr(int(code[2:], 16))
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "a lone surrogate (half of a character)", "نصف حرف (بديل منفرد)"
    if unicodedata.category(char) == "Cc":
        return "a control character", "رمز تحكم"
    return "a Unicode non-character", "رمز ليس حرفاً في يونيكود"


def char_findings(text: str, field: str, label: Label | None = None) -> list[Finding]:
    """QAYD-TEXT-CHARS when `text` holds a character an XML invoice cannot carry, naming it and where it is."""
    hit = first_unsafe(text)
    if hit is None:
        return []
    position, code = hit
    kind, kind_ar = _kind(code)
    name, name_ar = label or (f"field {field}", f"الحقل {field}")
    return [make(
        "QAYD-TEXT-CHARS", field,
        f"The {name} holds {kind} ({code}) at character {position}; an XML invoice cannot carry it.",
        "Retype the text, or remove the invisible character (pasting from other programs often brings one); "
        "tabs and line breaks are fine.",
        f"يحتوي {name_ar} على {kind_ar} ({code}) عند الحرف {position}، ولا يمكن وضعه في فاتورة XML.",
        "أعد كتابة النص أو احذف الرمز غير المرئي (غالباً ما يأتي عند النسخ من برامج أخرى)؛ "
        "علامات الجدولة وفواصل الأسطر مقبولة.",
    )]


def record_texts(record: object, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every str field of a record, its nested records and tuples of records."""
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        return
    for spec in dataclasses.fields(record):
        value = getattr(record, spec.name)
        path = join(prefix, spec.name)
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, tuple | list):
            for i, item in enumerate(value):
                yield from record_texts(item, f"{path}[{i}]")
        else:
            yield from record_texts(value, path)


def record_text_findings(record: object, prefix: str = "") -> list[Finding]:
    """Every unsafe text in a record, each finding with the field's dotted path."""
    found: list[Finding] = []
    for path, text in record_texts(record, prefix):
        found += char_findings(text, path)
    return found


def qr_bytes_findings(text: str, field: str, label: Label, tag: int) -> list[Finding]:
    """A value that goes into the QR code (tags 1-5) fits its one-byte TLV length: at most 255 UTF-8 bytes."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= QR_TAG_BYTES:
        return []
    return [make(
        "QAYD-QR-LENGTH", field,
        f"The {label[0]} takes {size} bytes in UTF-8, but the QR code (tag {tag}) holds at most {QR_TAG_BYTES} "
        "bytes; an Arabic letter takes 2 bytes, so about 127 Arabic letters fit.",
        f"Shorten the {label[0]} to at most {QR_TAG_BYTES} bytes (about 127 Arabic or 255 Latin letters).",
        f"يشغل {label[1]} {size} بايت بترميز UTF-8، ورمز الاستجابة السريعة (الوسم {tag}) لا يتسع لأكثر من "
        f"{QR_TAG_BYTES} بايت؛ الحرف العربي يشغل بايتين، فيتسع لنحو 127 حرفاً عربياً.",
        f"اختصر {label[1]} إلى {QR_TAG_BYTES} بايت على الأكثر (نحو 127 حرفاً عربياً أو 255 حرفاً لاتينياً).",
    )]
