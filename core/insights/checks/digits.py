"""Round amounts and repeated endings per user and per customer, against the company's own baseline.

A total is *round* when it is a whole multiple of SAR 50 (5,000 halalas: 50, 750, 1,500, 12,000 …), tax included:
invoiced goods and services at their prices, with VAT, seldom land there, whereas an amount typed in by hand does.
Its *ending* is its last two digits (the halalas). The company's share of each (over every document of the book,
history included) is the baseline; a user's or customer's documents of the period are judged when there are at least
`digits_min_documents` of them: its share at least `digits_ratio` × the company's, and at least that many documents
that unlikely under the company's share (binomial upper tail ≤ `digits_p_value`; for endings, which are a hundred
chances, ≤ `digits_p_value` / 100). An ending of 00 is not raised again for a user or customer already raised for
round amounts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable

from core.insights.book import Book, Doc, gc_paused
from core.insights.checks._amounts import binomial_tail, percent
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

ROUND = 5_000  # halalas: a whole multiple of SAR 50
LISTED = 50  # at most this many documents named in a finding


def is_round(doc: Doc) -> bool:
    return doc.total % ROUND == 0


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    with gc_paused():
        return _check(book, th)


def _check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    every = [d for d in book.docs if d.total > 0]
    if not every:
        return []
    company_round = _share(sum(1 for d in every if is_round(d)), len(every))
    endings = Counter(d.total % 100 for d in every)
    groups: dict[str, list[Doc]] = defaultdict(list)
    for doc in book.period_docs():
        if doc.total > 0:
            if doc.user.startswith("user:"):
                groups[doc.user].append(doc)
            if doc.customer:
                groups["customer:" + doc.customer].append(doc)
    found: list[Finding | NotApplicable] = []
    for scope, docs in groups.items():
        if len(docs) < th.digits_min_documents:
            continue
        rounds = [d for d in docs if is_round(d)]
        raised = _judge(scope, docs, rounds, company_round, th, th.digits_p_value, _round_text)
        if raised:
            found.append(raised)
        counts = Counter(d.total % 100 for d in docs)
        for ending, _ in counts.most_common(3):
            if ending == 0 and raised:
                continue
            base = _share(endings[ending], len(every))
            same = [d for d in docs if d.total % 100 == ending]
            repeat = _judge(scope, docs, same, base, th, th.digits_p_value / 100, _repeat_text(ending))
            if repeat:
                found.append(repeat)
    return found


def _share(count: int, total: int) -> float:
    return max(count, 0.5) / total  # never 0: one odd document in a company's whole book is still possible


Texts = Callable[[str, int, int, float, float, tuple[str, ...]], tuple[str, str, str, str, str]]


def _judge(scope: str, docs: list[Doc], hits: list[Doc], base: float, th: Thresholds, p_value: float,
           texts: Texts) -> Finding | None:
    n, k = len(docs), len(hits)
    share = k / n
    if k < 2 or share < th.digits_ratio * base:
        return None
    tail = binomial_tail(k, n, base)
    if tail > p_value:
        return None
    rule, summary, summary_ar, action, action_ar = texts(scope, k, n, share, base,
                                                         tuple(d.number for d in hits[:3]))
    customer = scope.removeprefix("customer:") if scope.startswith("customer:") else None
    user = scope if scope.startswith("user:") else None
    score = min(1.0, 0.5 + 0.05 * math.log10(p_value / max(tail, 1e-300)))
    return Finding(
        rule=rule, score=score, summary=summary, summary_ar=summary_ar, action=action, action_ar=action_ar,
        documents=tuple(DocRef(d.id, d.number) for d in hits[-LISTED:]),
        customers=(customer,) if customer else (), users=(user,) if user else (),
        figures={"documents": str(n), "matching": str(k), "share": f"{share:.4f}", "company_share": f"{base:.4f}",
                 "ratio": f"{share / base:.1f}", "p_value": f"{tail:.2e}"},
        scope=scope)


def _who(scope: str) -> tuple[str, str, str, str]:
    """(the documents of …, من مستندات …, the person/customer to ask, …) for the scope."""
    if scope.startswith("user:"):
        return ("documents this user issued", "المستندات التي أصدرها هذا المستخدم",
                "Ask the user how these amounts were set", "اسأل المستخدم عن كيفية تحديد هذه المبالغ")
    return ("documents to this customer", "المستندات الصادرة لهذا العميل",
            "Check these amounts against the orders and contracts of this customer",
            "طابق هذه المبالغ مع طلبات هذا العميل وعقوده")


def _round_text(scope: str, k: int, n: int, share: float, base: float,
                examples: tuple[str, ...]) -> tuple[str, str, str, str, str]:
    whose, whose_ar, ask, ask_ar = _who(scope)
    listed, listed_ar = ", ".join(examples), "، ".join(examples)
    return ("INS-DIG-ROUND",
            f"{k} of {n} {whose} in the period have round totals (whole multiples of SAR 50): {percent(share)} "
            f"against the company's {percent(base)} ({listed} …).",
            f"{k} من أصل {n} من {whose_ar} خلال الفترة إجمالياتها مبالغ مقرّبة (مضاعفات كاملة لـ 50 ريالًا): "
            f"{percent(share)} مقابل {percent(base)} على مستوى المنشأة ({listed_ar} …).",
            f"{ask}, and compare them with the lines and the supporting documents.",
            f"{ask_ar}، وقارنها بالبنود والمستندات المؤيدة.")


def _repeat_text(ending: int) -> Texts:
    def texts(scope: str, k: int, n: int, share: float, base: float,
              examples: tuple[str, ...]) -> tuple[str, str, str, str, str]:
        whose, whose_ar, ask, ask_ar = _who(scope)
        listed, listed_ar = ", ".join(examples), "، ".join(examples)
        return ("INS-DIG-REPEAT",
                f"{k} of {n} {whose} in the period end in .{ending:02d}: {percent(share)} against the company's "
                f"{percent(base)} ({listed} …).",
                f"{k} من أصل {n} من {whose_ar} خلال الفترة تنتهي بالخانتين {ending:02d}: {percent(share)} مقابل "
                f"{percent(base)} على مستوى المنشأة ({listed_ar} …).",
                f"{ask}: the same last digits this often suggest amounts typed in rather than computed.",
                f"{ask_ar}: تكرار الخانات الأخيرة نفسها بهذا القدر يوحي بمبالغ مُدخلة يدويًا لا محسوبة.")
    return texts
