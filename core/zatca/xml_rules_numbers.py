"""XPath 2.0 number semantics for Qayd's Python EN 16931 and ZATCA rules: casts, sums, rounding, comparisons.

See xml_rules.py: `sum()` over raw nodes adds doubles while `xs:decimal()` values add exactly, `round()` sends halves
up, `format-number()` rounds half to even, and a comparison with an empty sequence is simply false.
"""

from __future__ import annotations

import math
import operator
import re
import struct
from collections.abc import Callable, Iterable
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation

from core.zatca.xml_rules import Element, _current, kids, sv, txt

_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
CENT = Decimal("0.01")
_HALF = Decimal("0.5")


def dec(s: str | None) -> Decimal | None:
    """xs:decimal(s); None for an empty sequence or a value the cast would reject."""
    if s is None:
        return None
    memo = _current.decimals  # this document's casts (see xml_rules._Current)
    if memo is None:
        return _dec(s)
    try:
        return memo[s]
    except KeyError:
        found = memo[s] = _dec(s)
        return found


def _dec(s: str) -> Decimal | None:
    s = s.strip(" \t\r\n")
    if not _DECIMAL.fullmatch(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


def dbl(s: str | None) -> float | None:
    """xs:double(s), the cast XPath applies to raw node values in arithmetic and comparisons with numbers."""
    if s is None:
        return None
    memo = _current.doubles
    if memo is None:
        return _dbl(s)
    try:
        return memo[s]
    except KeyError:
        found = memo[s] = _dbl(s)
        return found


def _dbl(s: str) -> float | None:
    s = s.strip(" \t\r\n")
    if not _DOUBLE.fullmatch(s):
        return None
    return float(s.replace("INF", "inf"))


def dec_of(ctx: Element | None, path: str) -> Decimal | None:
    return dec(txt(ctx, path))


def dbl_of(ctx: Element | None, path: str) -> float | None:
    return dbl(txt(ctx, path))


def dec_sum(nodes: Iterable[Element]) -> Decimal:
    """sum(nodes/xs:decimal(.)): exact; nodes whose value is not a decimal are left out."""
    total = Decimal(0)
    for n in nodes:
        value = dec(sv(n))
        if value is not None:
            total += value
    return total


def dbl_sum(nodes: Iterable[Element]) -> float:
    """sum(nodes): raw node values are cast to xs:double and added in document order (one -0.0 stays -0.0)."""
    total: float | None = None
    for n in nodes:
        value = dbl(sv(n))
        value = math.nan if value is None else value
        total = value if total is None else total + value
    return 0.0 if total is None else total


def round_dec(x: Decimal) -> Decimal:
    """XPath round() on a decimal: halves go towards positive infinity."""
    return (x + _HALF).to_integral_value(rounding=ROUND_FLOOR)


def round_cents(x: Decimal) -> Decimal:
    """The schematrons' `round(x * 10 * 10) div 100`, also XPath round(x, 2), on a decimal."""
    return round_dec(x * 100) / 100


def round_dbl(x: float) -> float:
    """XPath round() on a double; from -0.5 up to 0 it gives negative zero."""
    if math.isnan(x) or math.isinf(x):
        return x
    if -0.5 <= x < 0:
        return -0.0
    return float(math.floor(x + 0.5))


def fmt2(x: Decimal | float | None) -> str:
    """format-number(x, '#.00'): half-to-even on the shortest decimal form of a double; 'NaN' for nothing."""
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return "NaN"
    value = x if isinstance(x, Decimal) else Decimal(repr(x))
    if isinstance(x, Decimal) and x == 0:
        value = Decimal(0)  # xs:decimal has no negative zero; xs:double does, and prints it as "-.00"
    return str(value.quantize(CENT, rounding=ROUND_HALF_EVEN))


def f32(x: float) -> float:
    """A value stored in an `as="xs:float"` variable, read back as a double."""
    return float(struct.unpack("f", struct.pack("f", x))[0])


def xbool(s: str | None) -> bool | None:
    """The xs:boolean cast XPath applies when a node is compared with true() or false()."""
    return None if s is None else _XBOOL.get(s.strip(" \t\r\n"))


_XBOOL = {"true": True, "1": True, "false": False, "0": False}


def has_indicator(ac: Element, value: bool) -> bool:
    """`cac:AllowanceCharge[cbc:ChargeIndicator = true()/false()]`."""
    for n in kids(ac, "cbc:ChargeIndicator"):  # noqa: SIM110 - a loop is cheaper than any(generator)
        if xbool(sv(n)) is value:
            return True
    return False


_INTEGER_ZERO = re.compile(r"[+-]?0+")
_COMPARE: dict[str, Callable[[tuple[float, int], tuple[float, int]], bool]] = {
    "=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}  # fmt: skip


def untyped(s: str | None) -> tuple[float, int] | None:
    """A raw node value as Saxon compares it with a number: a double, where "-0.0" (unlike "-0") sorts below 0."""
    value = dbl(s)
    if value is None or s is None:
        return None
    negative_zero = value == 0 and math.copysign(1.0, value) < 0 and not _INTEGER_ZERO.fullmatch(s.strip(" \t\r\n"))
    return value, -1 if negative_zero else 0


def num_cmp(nodes: Iterable[Element], op: str, value: float) -> bool:
    """XPath general comparison `(nodes) op value`: true when some node's value compares so (NaN never does)."""
    compare = _COMPARE[op]
    return any((key := untyped(sv(n))) is not None and compare(key, (value, 0)) for n in nodes)
