"""Insight check: receivables, from each customer's own paying history (once payments exist).

An invoice's open amount is its total, plus the debit notes and less the credit notes referencing it, less what was
paid on it; it is paid when nothing is open, and its days to pay are from its issue to its last payment. A customer's
usual days to pay are the median over its paid invoices (at least three).

* INS-AR-OVERDUE: a customer whose invoices stay open past `late_factor` × its usual days + `late_grace_days`. A
  customer's odd unpaid invoice (a dispute, a write-off) is common; what an auditor wants is a customer that stopped
  paying as it used to, so the rule also needs at least two of its latest six invoices that are past that limit to be
  open. Documents: its open invoices past the limit; scope "customer:<id>".
* `collections(book)`: ageing per customer (not due, 1–30, 31–60, 61–90, over 90 days past due; due = issue date +
  30 days, as the store keeps no payment terms) and the amounts expected within 30, 31–60 and 61–90 days: for each
  open invoice of age a, the share of the customer's invoices still unpaid at age a that were paid within each
  horizon beyond it (its paid invoices, and its open ones old enough to have been paid within that horizon as not
  paid). A customer with no paid invoice is judged by the company's pooled history. Amounts are in each document's
  currency, summed as they are (a company invoicing in several currencies sees them added).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from core.insights.book import Book, Doc, money
from core.insights.checks.timing import DAYS_AR, INVOICES_AR, count_ar, numbers
from core.insights.model import Collections, CustomerCollections, DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

DUE_DAYS = 30  # payment terms: the store keeps none, so an invoice is due 30 days after its issue
_MIN_PAID = 3
_RECENT = 6  # the latest invoices past the limit that are looked at
_RECENT_OPEN = 2  # how many of them must be open


@dataclass(slots=True)
class _Invoice:
    doc: Doc
    age: float  # days from issue to the book's now
    open: int  # halalas still owed
    days: float | None  # days to pay, when paid


def _receivables(book: Book) -> dict[str, list[_Invoice]]:
    """Every customer's invoices with what is open on them, oldest first. Kept on the book: the service asks for
    the check and for `collections` over the same book, and this is most of the work of both."""
    cached = getattr(book, "_receivables", None)
    if cached is not None and cached[0] == (len(book.docs), len(book.payments)):
        return cached[1]  # type: ignore[no-any-return]
    found = _compute(book)
    book._receivables = ((len(book.docs), len(book.payments)), found)  # type: ignore[attr-defined]
    return found


def _compute(book: Book) -> dict[str, list[_Invoice]]:
    paid: dict[str, int] = defaultdict(int)
    last_paid: dict[str, float] = {}
    for payment in book.payments:
        paid[payment.invoice] += payment.amount
        stamp = payment.paid_at.timestamp()
        if stamp > last_paid.get(payment.invoice, 0.0):
            last_paid[payment.invoice] = stamp
    adjust: dict[str, int] = defaultdict(int)
    for doc in book.docs:
        if doc.billing_reference and doc.type in ("credit_note", "debit_note"):
            adjust[doc.billing_reference] += -abs(doc.total) if doc.is_credit else abs(doc.total)
    now = book.now.timestamp()
    found: dict[str, list[_Invoice]] = defaultdict(list)
    for doc in book.docs:
        if doc.type != "invoice" or doc.customer is None:
            continue
        owed = doc.total + adjust.get(doc.number, 0)
        if owed <= 0:
            continue  # credited in full: nothing to collect, nothing learnt about paying
        issued = doc.issued.timestamp()
        open_ = max(0, owed - paid.get(doc.id, 0))
        days = None if open_ or doc.id not in last_paid else max(0.0, (last_paid[doc.id] - issued) / 86400)
        found[doc.customer].append(_Invoice(doc, (now - issued) / 86400, open_, days))
    return found


def _usual(invoices: list[_Invoice]) -> float | None:
    days = [i.days for i in invoices if i.days is not None]
    return median(days) if len(days) >= _MIN_PAID else None


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    if not book.payments:
        return [NotApplicable("INS-AR-OVERDUE", "No payments are recorded yet, so no customer has a paying history.",
                              "لم تُسجَّل أي دفعات بعد، فلا يوجد لأي عميل سجل سداد يُقاس عليه.")]
    findings: list[Finding | NotApplicable] = []
    for customer, invoices in sorted(_receivables(book).items()):
        usual = _usual(invoices)
        if usual is None:
            continue
        limit = th.late_factor * usual + th.late_grace_days
        due = [i for i in invoices if i.age > limit]
        recent = due[-_RECENT:]
        if sum(1 for i in recent if i.open) < _RECENT_OPEN:
            continue
        late = [i for i in due if i.open]
        findings.append(_overdue(customer, late, usual, limit))
    return findings


def _overdue(customer: str, late: list[_Invoice], usual: float, limit: float) -> Finding:
    amount = money(sum(i.open for i in late))
    oldest = max(i.age for i in late)
    docs = [i.doc for i in sorted(late, key=lambda i: -i.age)]
    score = min(1.0, 0.5 + 0.05 * len(late) + 0.1 * (oldest / limit - 1))
    return Finding(
        rule="INS-AR-OVERDUE", score=round(score, 4),
        summary=(f"This customer usually pays in {usual:.0f} days, but {len(late)} invoice(s) are open past "
                 f"{limit:.0f} days (the oldest {oldest:.0f} days): {numbers(docs)}; {amount} outstanding."),
        summary_ar=(f"يسدد هذا العميل عادةً خلال {count_ar(round(usual), DAYS_AR)}، لكن "
                    f"{count_ar(len(late), INVOICES_AR)} ما زالت مفتوحة بعد {count_ar(round(limit), DAYS_AR)} "
                    f"(أقدمها منذ {count_ar(round(oldest), DAYS_AR)}): {numbers(docs)}، والمبلغ المستحق {amount}."),
        action=("Contact the customer about these invoices, check for a dispute or a missing payment match, and "
                "consider holding further credit until they are settled."),
        action_ar=("تواصل مع العميل بشأن هذه الفواتير، وتحقق من وجود نزاع أو دفعة لم تُطابَق، وفكّر في إيقاف البيع "
                   "الآجل له حتى تُسدَّد."),
        documents=tuple(DocRef(d.id, d.number) for d in docs), customers=(customer,),
        figures={"usual_days": f"{usual:.1f}", "limit_days": f"{limit:.1f}", "invoices": str(len(late)),
                 "oldest_days": f"{oldest:.0f}", "outstanding": str(amount)},
        scope=f"customer:{customer}")


# -- expected collections --------------------------------------------------------------------------------------

_HORIZONS = (30, 60, 90)


def _bucket(age: float) -> int:
    late = age - DUE_DAYS
    return 0 if late <= 0 else 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4


class _History:
    """Days to pay (paid invoices) and ages of open ones, sorted, to ask: of the invoices still unpaid at age a,
    what share was paid by a + h?"""

    def __init__(self, invoices: list[_Invoice]) -> None:
        self.paid = sorted(i.days for i in invoices if i.days is not None)
        self.waiting = sorted(i.age for i in invoices if i.open)

    def shares(self, age: float) -> tuple[float, float, float]:
        """Of the invoices unpaid at `age`, the share paid within 30, 31–60 and 61–90 days more. An open invoice
        counts against a horizon only once it is old enough to have been paid within it (it is censored)."""
        paid_after = len(self.paid) - bisect_right(self.paid, age)
        before = bisect_right(self.paid, age)
        cumulative, last = [], 0.0
        for horizon in _HORIZONS:
            waiting = len(self.waiting) - bisect_left(self.waiting, age + horizon)
            known = paid_after + waiting
            share = (bisect_right(self.paid, age + horizon) - before) / known if known else 0.0
            last = max(last, min(share, 1.0))
            cumulative.append(last)
        return cumulative[0], cumulative[1] - cumulative[0], cumulative[2] - cumulative[1]


def collections(book: Book) -> Collections | None:
    """Expected collections (30/60/90 days) from each customer's own paying history; None before any payment."""
    if not book.payments:
        return None
    receivables = _receivables(book)
    pooled = _History([i for invoices in receivables.values() for i in invoices])
    customers = []
    total_expected = [Decimal(0)] * 3
    for customer, invoices in receivables.items():
        open_ = [i for i in invoices if i.open]
        if not open_:
            continue
        history = _History(invoices)
        model = history if history.paid else pooled
        ageing = [0] * 5
        expected = [0.0, 0.0, 0.0]
        for invoice in open_:
            ageing[_bucket(invoice.age)] += invoice.open
            for index, share in enumerate(model.shares(invoice.age)):
                expected[index] += invoice.open * share
        as_money = tuple(money(round(v)) for v in expected)
        for index in range(3):
            total_expected[index] += as_money[index]
        customers.append(CustomerCollections(
            customer=customer, outstanding=money(sum(i.open for i in open_)),
            ageing=tuple(money(v) for v in ageing),  # type: ignore[arg-type]
            usual_days=_usual(invoices), expected=as_money))  # type: ignore[arg-type]
    customers.sort(key=lambda c: (-c.outstanding, c.customer))
    return Collections(as_of=book.now.date(), outstanding=sum((c.outstanding for c in customers), Decimal(0)),
                       expected=tuple(total_expected), customers=tuple(customers))  # type: ignore[arg-type]
