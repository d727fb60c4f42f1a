"""Recognising personal values: Saudi national ids and Iqamas (format and NIC check digit), e-mail addresses,
Saudi phone numbers and IBANs.

Two uses: `recognise(value)` says what one value is (a catalogue or form check), and `find_personal_values(text)`
finds such values inside free text or a stored payload (data checks: a column or an audit payload that is not
catalogued as personal must hold none of them).

The Saudi National Information Center numbers both cards the same way: 10 digits, the first 1 for a citizen's
national id and 2 for a resident's Iqama, the last a Luhn check digit over the other nine (from the left, the
digits in odd places are doubled, the digits of each product summed; the total with the check digit is a
multiple of 10). ``1000000008`` is well formed, ``1000000000`` is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.invoicing.identifiers import luhn_ok


class Kind(StrEnum):
    NATIONAL_ID = "national_id"  # a Saudi citizen's national id (starts with 1)
    IQAMA = "iqama"  # a resident's Iqama number (starts with 2)
    EMAIL = "email"
    PHONE = "phone"  # a Saudi mobile number
    IBAN = "iban"


# Arabic-Indic and Persian digits to 0-9: people type both, and a value is the same person's either way.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TEN = re.compile(r"[0-9]{10}")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}")
# +966 5x xxx xxxx, 00966 5x…, 966 5x…, 05x xxx xxxx; spaces, dashes, dots or brackets between groups.
_PHONE = re.compile(r"(?:\+966|00966|966|0)[ .-]?\(?5\)?(?:[ .-]?[0-9]){8}")
_SEPARATORS = re.compile(r"[ .()-]")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
# Lengths of the countries whose IBANs a Saudi company meets most; others are checked by mod 97 alone.
IBAN_LENGTHS = {"SA": 24, "AE": 23, "BH": 22, "KW": 30, "QA": 29, "OM": 23, "JO": 30, "EG": 29, "GB": 22,
                "DE": 22, "FR": 27}


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def check_saudi_id(value: str) -> str | None:
    """None when `value` is a well-formed national id or Iqama, otherwise what is wrong with it."""
    s = ascii_digits(value.strip())
    if not _TEN.fullmatch(s):
        return "A Saudi national id or Iqama number is exactly 10 digits."
    if s[0] not in "12":
        return "A national id starts with 1 and an Iqama number with 2."
    if not luhn_ok(s):
        return "The check digit (the last digit) does not match; a digit was mistyped."
    return None


def saudi_id_kind(value: str) -> Kind | None:
    """NATIONAL_ID or IQAMA for a well-formed number (check digit included), else None."""
    if check_saudi_id(value) is not None:
        return None
    return Kind.NATIONAL_ID if ascii_digits(value.strip())[0] == "1" else Kind.IQAMA


def is_national_id(value: str) -> bool:
    return saudi_id_kind(value) is Kind.NATIONAL_ID


def is_iqama(value: str) -> bool:
    return saudi_id_kind(value) is Kind.IQAMA


def is_email(value: str) -> bool:
    return bool(_EMAIL.fullmatch(value.strip()))


def normalise_phone(value: str) -> str | None:
    """A Saudi mobile number as +9665XXXXXXXX, or None when `value` is not one."""
    s = ascii_digits(value.strip())
    if not _PHONE.fullmatch(s):
        return None
    digits = _SEPARATORS.sub("", s).lstrip("+")
    national = digits[-9:]  # 5XXXXXXXX
    return f"+966{national}"


def is_saudi_phone(value: str) -> bool:
    return normalise_phone(value) is not None


def _iban_mod97(compact: str) -> int:
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)  # A=10 … Z=35
    return int(number) % 97


def is_iban(value: str) -> bool:
    """An IBAN (spaces allowed, any case) of the right length for its country whose mod-97 check is 1."""
    compact = ascii_digits(value).replace(" ", "").upper()
    if not _IBAN_SHAPE.fullmatch(compact):
        return False
    length = IBAN_LENGTHS.get(compact[:2])
    if length is not None and len(compact) != length:
        return False
    return _iban_mod97(compact) == 1


def is_saudi_iban(value: str) -> bool:
    """SA, 2 check digits, 2 digits of the bank, 18 of the account: 24 characters, mod 97 = 1."""
    compact = ascii_digits(value).replace(" ", "").upper()
    return compact.startswith("SA") and compact[2:].isdigit() and is_iban(compact)


def recognise(value: str) -> Kind | None:
    """What kind of personal value `value` is as a whole, or None when it is none of them."""
    text = value.strip()
    if not text:
        return None
    if kind := saudi_id_kind(text):
        return kind
    if is_email(text):
        return Kind.EMAIL
    if is_saudi_phone(text):
        return Kind.PHONE
    if is_iban(text):
        return Kind.IBAN
    return None


@dataclass(frozen=True, slots=True)
class Found:
    kind: Kind
    start: int
    end: int


# Inside text: not part of a longer run of letters or digits (a hash, a UUID, base64, a 15-digit VAT number).
_FIND_ID = re.compile(r"(?<![0-9A-Za-z])[12][0-9]{9}(?![0-9A-Za-z])")
_FIND_EMAIL = re.compile(r"(?<![A-Za-z0-9.!#$%&'*+/=?^_`{|}~-])" + _EMAIL.pattern)
_FIND_PHONE = re.compile(r"(?<![0-9A-Za-z+])" + _PHONE.pattern + r"(?![0-9])")
_FIND_IBAN = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![0-9A-Za-z])")


def find_personal_values(text: str) -> list[Found]:
    """Every national id, Iqama, e-mail address, Saudi mobile number and IBAN inside `text`, in order.

    Arabic-Indic digits count as digits (each is one character, so positions are those of `text`).
    """
    s = ascii_digits(text)
    found = [Found(kind, m.start(), m.end()) for m in _FIND_ID.finditer(s)
             if (kind := saudi_id_kind(m.group())) is not None]
    found += [Found(Kind.EMAIL, m.start(), m.end()) for m in _FIND_EMAIL.finditer(s)]
    found += [Found(Kind.PHONE, m.start(), m.end()) for m in _FIND_PHONE.finditer(s)]
    found += [Found(Kind.IBAN, m.start(), m.end()) for m in _FIND_IBAN.finditer(s) if is_iban(m.group())]
    return sorted(found, key=lambda f: (f.start, f.end))
