"""What the CLI's tables show: amounts right-aligned with thousands separators, and when a listing is one page."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import click

CENT = Decimal("0.01")


def amount_text(value: Decimal) -> str:
    """Money as people read it: 1,234,567.89. At least two decimals; more only when the value has them (a unit
    price of 89.955 is shown whole), so what is shown is always the exact stored value, never rounded."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(CENT)
    return f"{value:,f}"


def number_text(value: Decimal) -> str:
    """A quantity or rate with thousands separators and exactly its own decimals (1,000, 0.5, 12.125)."""
    return f"{value:,f}"


@dataclass(frozen=True, slots=True)
class Amount:
    """A money cell: right-aligned, with separators, and its currency after it when given."""

    value: Decimal
    currency: str = ""

    def __str__(self) -> str:
        return f"{amount_text(self.value)} {self.currency}".rstrip()


def _numeric(cell: object) -> bool:
    return isinstance(cell, Amount | Decimal | int) and not isinstance(cell, bool)


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return number_text(cell)
    return str(cell)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A plain-text table; columns of numbers and amounts (and their headings) are right-aligned."""
    body = [list(row) for row in rows]
    right = [bool(body) and all(_numeric(r[i]) or r[i] is None or r[i] == "" for r in body)
             and any(_numeric(r[i]) for r in body) for i in range(len(headers))]
    cells = [[str(c) for c in headers]] + [[_text(c) for c in row] for row in body]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        click.echo("  ".join(c.rjust(w) if r else c.ljust(w)
                             for c, w, r in zip(row, widths, right, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


@dataclass(frozen=True, slots=True)
class Page:
    """Where the rows a listing printed sit in the whole selection. `total` is None when it was not counted; then
    `more` says whether rows beyond this page exist (the listing read one row past its limit to know)."""

    shown: int
    limit: int
    offset: int
    total: int | None = None
    more: bool = False
    hint: str = "use --limit/--offset to see the others"  # a listing without --offset says "raise --limit"

    @property
    def partial(self) -> bool:
        if self.total is not None:
            return self.offset > 0 or self.shown < self.total
        return self.offset > 0 or self.more

    def note(self) -> str | None:
        """One line that tells a page of a larger set from the whole, with how to see the rest; None for the whole."""
        if not self.partial:
            return None
        if self.shown == 0:
            of = f" of {self.total:,}" if self.total is not None else ""
            if self.limit == 0:
                return f"0{of} shown: --limit is 0; raise it to see them."
            return f"0{of} shown: --offset {self.offset:,} is past the end; use a smaller --offset."
        rows = f"rows {self.offset + 1:,}-{self.offset + self.shown:,}"
        if self.total is not None:
            return f"{self.shown:,} of {self.total:,} shown ({rows}); {self.hint}."
        more = "; more exist" if self.more else ""
        return f"{self.shown:,} shown ({rows}{more}); {self.hint}."

    def as_json(self, items: list[Any]) -> dict[str, Any]:
        return {"total": self.total, "limit": self.limit, "offset": self.offset, "shown": self.shown,
                "more": self.more if self.total is None else self.offset + self.shown < self.total, "items": items}


def page_footer(page: Page, *, as_json: bool) -> None:
    """The page note on stderr, so stdout stays the table (or the JSON) alone. With --json it is written only to a
    terminal: a script reading the JSON with stderr merged in gets clean JSON, a person still sees the note."""
    note = page.note()
    if note is None or (as_json and not sys.stderr.isatty()):
        return
    click.echo(note, err=True)


page_json_option = click.option(
    "--json-page", "as_page", is_flag=True,
    help='Print JSON with the page\'s place in the whole: {"total", "limit", "offset", "shown", "more", "items"} '
         "(--json prints the bare list of items).")
