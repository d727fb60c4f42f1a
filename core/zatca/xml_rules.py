"""Shared machinery of Qayd's Python EN 16931 and ZATCA rules: namespaces, XPath 2.0 value semantics, the registry.

The official rules are XSLT 2.0 schematrons. Re-implementing them rule for rule means copying XPath 2.0's quirks,
not only its intent: `sum()` over raw nodes adds doubles while `xs:decimal()` values add exactly, `round()` sends
halves up, `format-number()` rounds half to even, and a comparison with an empty sequence is simply false. The
helpers here and in xml_rules_numbers.py and xml_rules_dates.py reproduce those semantics so that each rule
module can read like the XPath it mirrors.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
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
    # The casts of this document's strings (a value is read by several rules); kept per document, not across
    # documents: a company's next invoice holds other values, so a cache across documents would only flatter benchmarks.
    spaces: dict[str, str] | None = None
    decimals: dict[str, Decimal | None] | None = None
    doubles: dict[str, float | None] | None = None


_current = _Current()


@contextmanager
def indexed(doc: Doc) -> Iterator[None]:
    _current.children, _current.categories = doc.child_index, {}
    _current.spaces, _current.decimals, _current.doubles = {}, {}, {}
    try:
        yield
    finally:
        _current.children = _current.categories = None
        _current.spaces = _current.decimals = _current.doubles = None


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
    if nodes is not None:
        return nodes
    steps = _STEPS.get(path) or _steps(path)  # the walk is inlined: hundreds of first reads a document
    if steps is _XPATH_NEEDED:
        nodes = xpath(path)(ctx)
    elif len(steps) == 1:  # a child name not in the index: the node has no such child
        nodes = _NONE
    else:
        nodes = index.get((ctx, steps[0]), _NONE)
        for tag in steps[1:]:  # one node (one cac:Item, one cac:Price) is the common case: its list is the answer
            nodes = index.get((nodes[0], tag), _NONE) if len(nodes) == 1 else [
                c for n in nodes for c in index.get((n, tag), _NONE)]
    index[ctx, path] = nodes
    return nodes


def kid(ctx: Element | None, path: str) -> Element | None:
    found = kids(ctx, path)
    return found[0] if found else None


def txt(ctx: Element | None, path: str) -> str | None:
    """The string value of the first node at `path`, or None when there is none."""
    index = _current.children  # kids() and sv() inlined for an answer already known: hundreds of reads a document
    found = index.get((ctx, path)) if index is not None and ctx is not None else None
    if found is None:
        found = kids(ctx, path)
    if not found:
        return None
    node = found[0]
    return (node.text or "") if len(node) == 0 else sv(node)


def any_ne_empty(nodes: Sequence[Element]) -> bool:
    """XPath `(nodes) != ''`: some node has a non-empty string value."""
    for n in nodes:  # noqa: SIM110 - a loop costs less than any(generator), and this runs thousands of times a document
        if sv(n) != "":
            return True
    return False


_XML_SPACE = re.compile(r"[ \t\r\n]+")


def nsp(s: str | None) -> str:
    """XPath normalize-space(): only the four XML whitespace characters count, unlike str.split()."""
    if s is None:
        return ""
    memo = _current.spaces
    if memo is None:
        return _XML_SPACE.sub(" ", s).strip(" ")
    try:
        return memo[s]
    except KeyError:
        found = memo[s] = _XML_SPACE.sub(" ", s).strip(" ")
        return found


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
