"""Shared machinery of Qayd's Python EN 16931 and ZATCA rules: namespaces, XPath 2.0 value semantics, the registry.

The official rules are XSLT 2.0 schematrons. Re-implementing them rule for rule means copying XPath 2.0's quirks,
not only its intent: `sum()` over raw nodes adds doubles while `xs:decimal()` values add exactly, `round()` sends
halves up, `format-number()` rounds half to even, and a comparison with an empty sequence is simply false. The
helpers here reproduce those semantics so that each rule module can read like the XPath it mirrors.
"""

from __future__ import annotations

import math
import operator
import re
import struct
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cached_property, lru_cache
from typing import TypeAlias

from lxml import etree

Element: TypeAlias = etree._Element

NS: dict[str, str] = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "sig": "urn:oasis:names:specification:ubl:schema:xsd:CommonSignatureComponents-2",
    "sac": "urn:oasis:names:specification:ubl:schema:xsd:SignatureAggregateComponents-2",
    "sbc": "urn:oasis:names:specification:ubl:schema:xsd:SignatureBasicComponents-2",
}
INVOICE_TAG = f"{{{NS['ubl']}}}Invoice"

Hit = tuple[str, Element]  # (rule id, the node the official rule's context matched)
Check = Callable[["Doc"], Iterable[Hit]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    """Register a rule function; validation runs every registered one."""
    CHECKS.append(fn)
    return fn


@lru_cache(maxsize=1024)
def q(path: str) -> str:
    """A prefixed path ("cac:Party/cbc:ID") in the Clark notation ElementPath reads fastest."""
    steps = []
    for step in path.split("/"):
        prefix, _, local = step.partition(":")
        steps.append(f"{{{NS[prefix]}}}{local}" if local else step)
    return "/".join(steps)


# --- nodes and strings -------------------------------------------------------------------------------------------


def sv(node: Element | None) -> str:
    """XPath string(): the concatenated text of an element (comments excluded), '' for no node."""
    if node is None:
        return ""
    if len(node) == 0:  # no child nodes at all, so .text is the whole value (the common, fast case)
        return node.text or ""
    return "".join(node.itertext())


@lru_cache(maxsize=1024)
def xpath(path: str) -> etree.XPath:
    """A compiled XPath for a prefixed relative path; compiled once, then about twice as fast as findall()."""
    return etree.XPath(path, namespaces=NS)


# While a document is validated, its children are indexed by (parent, tag) (see Doc), per thread: a relative path costs
# a dictionary read, not an XPath evaluation (thousands per document). Lists returned are shared: read only.
ChildIndex = dict[tuple[Element, str], list[Element]]
_NONE: list[Element] = []  # shared empty answer (read only, like every list returned)


class _Current(threading.local):
    children: ChildIndex | None = None  # the index of the document this thread validates, if any
    categories: dict[Element, tuple[str, bool]] | None = None  # a tax category's (cat_id, is_vat_scheme), once read


_current = _Current()


@contextmanager
def indexed(doc: Doc) -> Iterator[None]:
    _current.children, _current.categories = doc.child_index, {}
    try:
        yield
    finally:
        _current.children = _current.categories = None


_XPATH_NEEDED = ("XPath",)  # marks, in _STEPS, a path that is not a plain child path
_STEPS: dict[str, tuple[str, ...]] = {}  # path -> its steps, or _XPATH_NEEDED


def _steps(path: str) -> tuple[str, ...]:
    """The prefixed steps of a plain child path, or _XPATH_NEEDED when it needs XPath (predicates, attributes)."""
    steps = _STEPS.get(path)
    if steps is None:
        steps = _STEPS[path] = _XPATH_NEEDED if any(c in path for c in "[@.(*") else tuple(path.split("/"))
    return steps


def kids(ctx: Element | None, path: str) -> list[Element]:
    """The nodes at a prefixed relative path ("cac:Item/cbc:Name"), in document order."""
    if ctx is None:
        return _NONE
    index = _current.children
    if index is None:
        found: list[Element] = xpath(path)(ctx)
        return found
    # The index holds each node's children under (node, prefixed name); a longer path's answer is added under (node,
    # path) when first asked - the tree does not change while it is validated, and dozens of rules read each line's few
    # values, so each read after the first costs one dictionary lookup.
    nodes = index.get((ctx, path))
    if nodes is None:
        nodes = index[ctx, path] = _walk(index, ctx, path)
    return nodes


def _walk(index: ChildIndex, ctx: Element, path: str) -> list[Element]:
    steps = _steps(path)
    if steps is _XPATH_NEEDED:
        found: list[Element] = xpath(path)(ctx)
        return found
    if len(steps) == 1:  # a child name not in the index: the node has no such child
        return _NONE
    nodes = index.get((ctx, steps[0]), _NONE)
    for tag in steps[1:]:
        nodes = [c for n in nodes for c in index.get((n, tag), _NONE)]
    return nodes


def kid(ctx: Element | None, path: str) -> Element | None:
    found = kids(ctx, path)
    return found[0] if found else None


def txt(ctx: Element | None, path: str) -> str | None:
    """The string value of the first node at `path`, or None when there is none."""
    found = kids(ctx, path)
    return sv(found[0]) if found else None


def any_ne_empty(nodes: Sequence[Element]) -> bool:
    """XPath `(nodes) != ''`: some node has a non-empty string value."""
    for n in nodes:  # noqa: SIM110 - a loop costs less than any(generator), and this runs thousands of times a document
        if sv(n) != "":
            return True
    return False


_XML_SPACE = re.compile(r"[ \t\r\n]+")


@lru_cache(maxsize=4096)  # pure functions of a string, asked again and again for the same values (the casts too)
def nsp(s: str | None) -> str:
    """XPath normalize-space(): only the four XML whitespace characters count, unlike str.split()."""
    return "" if s is None else _XML_SPACE.sub(" ", s).strip(" ")


def slen(s: str | None) -> int:
    return 0 if s is None else len(s)


def decimals(s: str | None) -> int:
    """XPath string-length(substring-after(s, '.')): the raw digits after the first dot."""
    return 0 if s is None or "." not in s else len(s.split(".", 1)[1])


def in_code_list(value: str | None, codes: str) -> bool:
    """The schematrons' `contains(' A B C ', concat(' ', normalize-space(.), ' '))` code-list test."""
    v = nsp(value)
    return " " not in v and f" {v} " in codes


def is_vat_scheme(tax_category: Element) -> bool:
    """XPath `[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']` on a tax category."""
    return _category(tax_category)[1]


def cat_id(tax_category: Element | None) -> str:
    return "" if tax_category is None else _category(tax_category)[0]


def _category(tc: Element) -> tuple[str, bool]:
    """(normalized cbc:ID, VAT scheme?) of a tax category: a dozen rules ask both of each category of each line."""
    known = _current.categories
    found = known.get(tc) if known is not None else None
    if found is None:
        vat = False
        for scheme in kids(tc, "cac:TaxScheme"):
            if nsp(txt(scheme, "cbc:ID")).upper() == "VAT":
                vat = True
                break
        found = (nsp(txt(tc, "cbc:ID")), vat)
        if known is not None:
            known[tc] = found
    return found


# --- numbers -----------------------------------------------------------------------------------------------------

_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN")
CENT = Decimal("0.01")
_HALF = Decimal("0.5")


@lru_cache(maxsize=4096)
def dec(s: str | None) -> Decimal | None:
    """xs:decimal(s); None for an empty sequence or a value the cast would reject."""
    if s is None:
        return None
    s = s.strip(" \t\r\n")
    if not _DECIMAL.fullmatch(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


@lru_cache(maxsize=4096)
def dbl(s: str | None) -> float | None:
    """xs:double(s), the cast XPath applies to raw node values in arithmetic and comparisons with numbers."""
    if s is None:
        return None
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


def _prefixed(tag: str) -> str:
    """"cbc:ID" for a Clark tag in a known namespace; other tags as they are (a Clark tag never looks prefixed)."""
    uri, _, local = tag[1:].partition("}")
    prefix = _PREFIXES.get(uri) if tag.startswith("{") else None
    return f"{prefix}:{local}" if prefix else tag


_PREFIXES = {uri: prefix for prefix, uri in NS.items()}


# --- the document ------------------------------------------------------------------------------------------------


class Doc:
    """One invoice under validation, indexed once so that `//x` lookups cost a dictionary read."""

    def __init__(self, root: Element, now: datetime) -> None:
        self.root = root
        self.now = now
        self.index: defaultdict[str, list[Element]] = defaultdict(list)
        self.child_index: ChildIndex = {}
        self._under: dict[str, list[Element]] = {}
        self.names: list[str] = [str(n) for n in root.xpath("//@name")]
        by_name, children = self.index, self.child_index
        names: dict[str, str] = {}  # Clark tag -> prefixed name, for this document's few dozen names
        for el in root.iter(tag=etree.Element):
            tag = el.tag
            name = names.get(tag)
            if name is None:
                name = names[tag] = _prefixed(tag)
            by_name[name].append(el)
            parent = el.getparent()
            if parent is not None:
                children.setdefault((parent, name), []).append(el)

    def all(self, prefixed: str) -> list[Element]:
        """`//prefix:name`: every element of that name, in document order."""
        return self.index.get(prefixed, [])

    def under(self, prefixed_path: str) -> list[Element]:
        """`//a/b/c`: elements at the end of a path that may start anywhere (a new list: callers may extend it)."""
        found = self._under.get(prefixed_path)
        if found is None:  # several rules ask for the same path; the tree does not change while it is validated
            first, _, rest = prefixed_path.partition("/")
            found = self._under[prefixed_path] = [n for start in self.all(first)
                                                  for n in (kids(start, rest) if rest else [start])]
        return list(found)

    def child(self, path: str) -> Element | None:
        return kid(self.root, path)

    def children(self, path: str) -> list[Element]:
        return kids(self.root, path)

    def name_matches(self, pattern: str) -> bool:
        """`boolean(//*[matches(@name, pattern)])`."""
        regex = re.compile(pattern)
        return any(regex.search(n) for n in self.names)

    @cached_property
    def standard(self) -> bool:
        """A tax invoice (or its notes): some @name matches '01\\d{5}', as the official rules test it."""
        return self.name_matches(r"01\d{5}")

    @cached_property
    def simplified(self) -> bool:
        return self.name_matches(r"02\d{5}")

    @cached_property
    def lines(self) -> list[Element]:
        """`//cac:InvoiceLine`."""
        return self.all("cac:InvoiceLine")
