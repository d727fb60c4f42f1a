"""The UBL 2.1 namespaces and the writer every part of the invoice document uses.

The document is written as text that is already in canonical form (C14N 1.1 of a whole document without
comments or xml:* attributes): namespaces declared once on the root in sorted order, one attribute per element,
end tags for empty elements, and C14N's escapes. Its invoice hash is therefore the SHA-256 of the text itself,
and stamping is splicing (core.zatca.signing.stamp_text); `build_invoice` parses the same text when a tree is
wanted. Indentation is the SDK samples' 4 spaces, exactly what etree.indent() would write.
"""

from __future__ import annotations

from decimal import Decimal
from types import TracebackType

from core.invoicing.model import VatCategory
from core.invoicing.rule_finding import decimal_places
from core.invoicing.totals import money

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
# The SDK samples declare all four on the root; ext stays declared even before the stamp adds its
# extension, and the invoice hash (C14N of the pruned document) depends on those declarations.
NSMAP = {None: INVOICE_NS, "cac": CAC_NS, "cbc": CBC_NS, "ext": EXT_NS}
ROOT_START = (f'<Invoice xmlns="{INVOICE_NS}" xmlns:cac="{CAC_NS}" xmlns:cbc="{CBC_NS}" xmlns:ext="{EXT_NS}">')
INDENT = "    "

SAR = "SAR"

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#x9;", "\n": "&#xA;",
                                    "\r": "&#xD;"})


def escape_text(text: str) -> str:
    """Character data as C14N writes it."""
    return text.translate(_TEXT_ESCAPES)


def escape_attribute(value: str) -> str:
    """An attribute value as C14N writes it (inside double quotes)."""
    return value.translate(_ATTRIBUTE_ESCAPES)


def attributes(**values: str) -> str:
    """` name="value"` pairs in C14N order (unqualified attributes sorted by name)."""
    return "".join(f' {name}="{escape_attribute(values[name])}"' for name in sorted(values))


class Ubl:
    """Writes elements in document order; `with w.cac("Party"):` opens an aggregate, `w.cbc(...)` adds a value."""

    __slots__ = ("_empty", "_open", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = [ROOT_START]
        self._open: list[str] = ["Invoice"]
        self._empty = False  # the innermost open element has no child yet

    @property
    def depth(self) -> int:
        return len(self._open)

    def cac(self, name: str, attrs: str = "") -> Ubl:
        """Open a cac: aggregate; use as a context manager (the element ends with the block)."""
        return self.open(f"cac:{name}", attrs)

    def open(self, tag: str, attrs: str = "") -> Ubl:
        self.parts.append(f"\n{INDENT * len(self._open)}<{tag}{attrs}>")
        self._open.append(tag)
        self._empty = True
        return self

    def close(self) -> None:
        tag = self._open.pop()
        if self._empty:  # no children: an empty element, written with its end tag as C14N does
            self.parts.append(f"</{tag}>")
        else:
            self.parts.append(f"\n{INDENT * len(self._open)}</{tag}>")
        self._empty = False

    def __enter__(self) -> Ubl:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def cbc(self, name: str, text: str, attrs: str = "") -> None:
        """A basic (cbc:) element holding text, escaped here; `attrs` comes from `attributes()`."""
        self.raw(f"\n{INDENT * len(self._open)}<cbc:{name}{attrs}>{escape_text(text)}</cbc:{name}>")

    def amount(self, name: str, value: Decimal, currency: str) -> None:
        """A cbc amount with its currencyID."""
        self.raw(f'\n{INDENT * len(self._open)}<cbc:{name} currencyID="{escape_attribute(currency)}">'
                 f"{amount_text(value)}</cbc:{name}>")

    def raw(self, text: str) -> None:
        """Text already in canonical form that holds whole elements, indented for the current depth."""
        self.parts.append(text)
        self._empty = False

    def finish(self) -> str:
        while self._open:
            self.close()
        return "".join(self.parts)


def amount_text(value: Decimal) -> str:
    """Exactly two decimals, rounded the way compute_totals rounds, and never "-0.00"."""
    text = str(value)  # the figures of compute_totals are already rounded: most take this path
    if len(text) > 3 and text[-3] == "." and "E" not in text:
        return "0.00" if text == "-0.00" else text
    rounded = money(value)
    return "0.00" if rounded.is_zero() else f"{rounded:.2f}"


def price_text(value: Decimal) -> str:
    """A unit price: two decimals, or all of them when it has more (BT-146 is not limited to 2)."""
    if decimal_places(value) <= 2:
        return amount_text(value)
    return format(value, "f")


def quantity_text(value: Decimal) -> str:
    """A quantity as given, in plain notation ("10", "2.5", never "1E+1")."""
    return format(value, "f")


def percent_text(rate: Decimal) -> str:
    """A VAT rate with two decimals, as the samples write BT-119 ("15.00")."""
    return amount_text(rate)


def tax_category(
    w: Ubl,
    name: str,
    category: VatCategory,
    rate: Decimal,
    exemption: tuple[str, str] = ("", ""),
    *,
    force_exemption: bool = False,  # line templates: lay out the exemption elements whatever the category
) -> None:
    """A TaxCategory or ClassifiedTaxCategory: code, rate, exemption reason (not for S, BR-S-10), VAT scheme."""
    with w.cac(name):
        w.cbc("ID", category.value)
        w.cbc("Percent", percent_text(rate))
        code, reason = exemption if category is not VatCategory.STANDARD or force_exemption else ("", "")
        if code:
            w.cbc("TaxExemptionReasonCode", code)
        if reason:
            w.cbc("TaxExemptionReason", reason)
        with w.cac("TaxScheme"):
            w.cbc("ID", "VAT")
