"""Possible duplicate invoices: the same buyer billed the same total, or the same lines, within a few days.

Documents are blocked first on what must be equal (the total in halalas, or the lines' products, quantities and
prices), so only the few documents sharing a block within `duplicate_days` are compared at all; inside a block two
documents are one buyer when they name the same customer or VAT number, or their folded names are at least
`name_similarity` alike (rapidfuzz token-sort ratio). Two customers with different VAT numbers are never one buyer,
nor names whose numbers differ ("Branch 1", "Branch 2"). Only documents of one type are compared, and a note is never
the duplicate of the invoice it refers to. A pair with the same lines is raised once, as INS-DUP-LINES; a pair with
the same total and other lines as INS-DUP-AMOUNT. Walk-in sales (no buyer at all) are not judged: equal small totals
are ordinary there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import timedelta

from rapidfuzz import fuzz

from core.insights.book import Book, Doc, fold_name, gc_paused
from core.insights.checks._amounts import amount, amount_ar, days_apart, days_apart_ar
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

Pair = tuple[Doc, Doc, float]  # earlier, later, buyer similarity 0–100


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    with gc_paused():
        return _check(book, th)


def _check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    first, start, last = ((book.start - timedelta(days=th.duplicate_days)).toordinal(), book.start.toordinal(),
                          book.end.toordinal())
    docs: list[tuple[int, Doc]] = []  # (Riyadh day ordinal, document), in issue order
    for doc in book.docs:
        if (doc.buyer or doc.customer) and doc.total > 0:
            day = doc.issued.toordinal()
            if first <= day <= last:
                docs.append((day, doc))
    buyers = _Buyers(th.name_similarity)
    same_lines = _pairs(docs, _lines_key, start, th, buyers)
    seen = {(a.id, b.id) for a, b, _ in same_lines}
    same_total = [p for p in _pairs(docs, lambda d: (d.type, d.currency, d.total), start, th, buyers)
                  if (p[0].id, p[1].id) not in seen]
    found: list[Finding | NotApplicable] = [_finding("INS-DUP-LINES", p, th) for p in same_lines]
    found.extend(_finding("INS-DUP-AMOUNT", p, th) for p in same_total)
    return found


def _lines_key(doc: Doc) -> Hashable:
    lines = doc.lines
    if not lines:
        return None
    if len(lines) == 1:
        return doc.type, lines[0].product, lines[0].quantity, lines[0].unit_price
    return doc.type, tuple(sorted((line.product, line.quantity, line.unit_price) for line in lines))


def _pairs(docs: list[tuple[int, Doc]], key: Callable[[Doc], Hashable], start: int, th: Thresholds,
           buyers: _Buyers) -> list[Pair]:
    blocks: dict[Hashable, list[tuple[int, Doc]]] = defaultdict(list)
    for entry in docs:  # in issue order, so every block is too
        value = key(entry[1])
        if value is not None:
            blocks[value].append(entry)
    pairs: list[Pair] = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        for i, (day, earlier) in enumerate(block):
            for later_day, later in block[i + 1:]:
                if later_day - day > th.duplicate_days:
                    break
                if later_day < start or later.type != earlier.type or _refers(earlier, later):
                    continue
                similarity = buyers.same(earlier, later)
                if similarity is not None:
                    pairs.append((earlier, later, similarity))
    return pairs


def _refers(a: Doc, b: Doc) -> bool:
    return bool((a.billing_reference and a.billing_reference == b.number)
                or (b.billing_reference and b.billing_reference == a.number))


class _Buyers:
    """Whether two documents are one buyer; folded names cached (only documents in a block are ever folded)."""

    def __init__(self, cutoff: int) -> None:
        self.cutoff = cutoff
        self.folded: dict[str, tuple[str, str]] = {}

    def name(self, doc: Doc) -> tuple[str, str]:
        cached = self.folded.get(doc.id)
        if cached is None:
            text = fold_name(doc.buyer_name)
            cached = self.folded[doc.id] = (text, "".join(ch for ch in text if ch.isdigit()))
        return cached

    def same(self, a: Doc, b: Doc) -> float | None:
        if (a.customer is not None and a.customer == b.customer) or (a.buyer and a.buyer == b.buyer):
            return 100.0
        if a.buyer.startswith("vat:") and b.buyer.startswith("vat:"):
            return None  # two VAT numbers: two taxable persons
        (name_a, digits_a), (name_b, digits_b) = self.name(a), self.name(b)
        if not name_a or not name_b or (digits_a and digits_b and digits_a != digits_b):
            return None
        ratio = fuzz.token_sort_ratio(name_a, name_b, score_cutoff=self.cutoff)
        return float(ratio) if ratio else None


def _finding(rule: str, pair: Pair, th: Thresholds) -> Finding:
    a, b, similarity = pair
    gap = (b.day - a.day).days
    same_lines = rule == "INS-DUP-LINES"
    equal = a.total == b.total
    # closeness: the same day and an exact buyer weigh most; identical lines and totals add
    score = (0.45 + 0.25 * (1 - gap / (th.duplicate_days + 1)) + 0.1 * (similarity >= 100)
             + 0.1 * same_lines + 0.1 * equal)
    numbers = f"{a.number} and {b.number}"
    numbers_ar = f"{a.number} و{b.number}"
    if equal:
        money_en = f"{amount(a.total, a.currency)} each"
        money_ar = f"{amount_ar(a.total, a.currency)} لكل منهما"
    else:
        money_en = f"{amount(a.total, a.currency)} and {amount(b.total, b.currency)}"
        money_ar = f"{amount_ar(a.total, a.currency)} و{amount_ar(b.total, b.currency)}"
    what = "same buyer, same lines" if same_lines else "same buyer"
    what_ar = "المشتري نفسه والبنود نفسها" if same_lines else "المشتري نفسه"
    buyer_en = "" if similarity >= 100 else f" (buyer names {similarity:.0f}% alike)"
    buyer_ar = "" if similarity >= 100 else f" (تشابه اسمي المشتري {similarity:.0f}%)"
    return Finding(
        rule=rule, score=round(min(score, 1.0), 4),
        summary=f"{numbers}: {what}{buyer_en}, {money_en}, {days_apart(gap)}.",
        summary_ar=f"{numbers_ar}: {what_ar}{buyer_ar}، {money_ar}، {days_apart_ar(gap)}.",
        action=(f"Check with the buyer whether {b.number} bills the same supply as {a.number}; if it does, "
                f"issue a credit note on {b.number}."),
        action_ar=(f"تحقق مع المشتري مما إذا كانت {b.number} تفوتر التوريد نفسه الوارد في {a.number}؛ "
                   f"وإن كانت كذلك فأصدر إشعار دائن على {b.number}."),
        documents=(DocRef(a.id, a.number), DocRef(b.id, b.number)),
        customers=tuple(sorted({c for c in (a.customer, b.customer) if c})),
        users=tuple(sorted({u for u in (a.user, b.user) if u.startswith("user:")})),
        figures={"total_first": str(amount(a.total, a.currency)), "total_second": str(amount(b.total, b.currency)),
                 "days_apart": str(gap), "name_similarity": f"{similarity:.0f}",
                 "same_lines": "yes" if same_lines else "no"},
        period=(a.day, b.day))
