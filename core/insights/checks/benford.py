"""Benford's first-two-digit test over the period's positive totals, with Nigrini's bands for the mean absolute
deviation (MAD): up to 0.0012 close conformity, 0.0018 acceptable, 0.0022 marginal, above that nonconformity.

The test only means something over many amounts spread over several orders of magnitude, so it runs where there are
at least `benford_min_amounts` totals spanning `benford_min_orders` orders of magnitude (log10 of the largest over
the smallest); otherwise it says so (`NotApplicable`). Nonconformity is one finding about the whole book: its MAD,
band and count, the two-digit prefixes most over-represented, and a sample of the documents that carry them.
"""

from __future__ import annotations

import math

import numpy as np

from core.insights.book import Book, Doc, gc_paused
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

RULE = "INS-DIG-BENFORD"
BANDS = ((0.0012, "close", "مطابقة وثيقة"), (0.0018, "acceptable", "مطابقة مقبولة"),
         (0.0022, "marginal", "مطابقة هامشية"))
NONCONFORMITY = ("nonconformity", "عدم مطابقة")
PREFIXES = np.arange(10, 100)
EXPECTED = np.log10(1 + 1 / PREFIXES)
SAMPLE = 50


def band(mad: float) -> tuple[str, str]:
    """Nigrini's band for a first-two-digit MAD, in English and Arabic."""
    for limit, name, name_ar in BANDS:
        if mad <= limit:
            return name, name_ar
    return NONCONFORMITY


def first_two(totals: np.ndarray) -> np.ndarray:
    """The first two digits of each amount (halalas: scaling by 100 keeps the digits); amounts of at least 10."""
    exponent = np.floor(np.log10(totals)).astype(np.int64) - 1
    prefix = totals // 10 ** exponent
    # log10 is a float: put right the few amounts at a power of ten it rounds the wrong way
    exponent += (prefix >= 100).astype(np.int64) - (prefix < 10).astype(np.int64)
    prefixes: np.ndarray = totals // 10 ** exponent
    return prefixes


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    with gc_paused():
        return _check(book, th)


def _check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    docs = [d for d in book.period_docs() if d.total >= 10]
    count = len(docs)
    if count < th.benford_min_amounts:
        return [NotApplicable(
            RULE, f"Only {count} positive totals in the period; Benford's test needs at least "
                  f"{th.benford_min_amounts}.",
            f"عدد الإجماليات الموجبة في الفترة {count} فقط، واختبار بنفورد يحتاج إلى {th.benford_min_amounts} "
            f"على الأقل.")]
    totals = np.fromiter((d.total for d in docs), dtype=np.int64, count=count)
    orders = math.log10(int(totals.max()) / int(totals.min()))
    if orders < th.benford_min_orders:
        return [NotApplicable(
            RULE, f"The period's totals span {orders:.1f} orders of magnitude; Benford's test needs at least "
                  f"{th.benford_min_orders:g}.",
            f"إجماليات الفترة تمتد على {orders:.1f} من المراتب العشرية فقط، واختبار بنفورد يحتاج إلى "
            f"{th.benford_min_orders:g} على الأقل.")]
    prefixes = first_two(totals)
    observed = np.bincount(prefixes, minlength=100)[10:100] / count
    mad = float(np.abs(observed - EXPECTED).mean())
    name, name_ar = band(mad)
    if (name, name_ar) != NONCONFORMITY:
        return []
    excess = observed - EXPECTED
    top = [int(PREFIXES[i]) for i in np.argsort(-excess)[:5] if excess[i] > 0]
    return [_finding(docs, prefixes, top, observed, mad, count)]


def _finding(docs: list[Doc], prefixes: np.ndarray, top: list[int], observed: np.ndarray, mad: float,
             count: int) -> Finding:
    chosen = np.flatnonzero(np.isin(prefixes, top))
    step = max(1, len(chosen) // SAMPLE)
    sample = [docs[int(i)] for i in chosen[::step][:SAMPLE]]
    listed = ", ".join(str(p) for p in top)
    shares = ", ".join(f"{p}: {observed[p - 10] * 100:.1f}% (expected {EXPECTED[p - 10] * 100:.1f}%)" for p in top[:3])
    shares_ar = "، ".join(f"{p}: {observed[p - 10] * 100:.1f}% (المتوقع {EXPECTED[p - 10] * 100:.1f}%)"
                          for p in top[:3])
    return Finding(
        rule=RULE, score=min(1.0, 0.5 + 0.5 * (mad - 0.0022) / 0.0022),
        summary=(f"The first two digits of the period's {count} totals depart from Benford's law: MAD {mad:.4f}, "
                 f"above Nigrini's 0.0022 (nonconformity). Most over-represented: {shares}."),
        summary_ar=(f"أول خانتين في إجماليات الفترة البالغ عددها {count} تحيد عن قانون بنفورد: متوسط الانحراف "
                    f"المطلق {mad:.4f}، أعلى من حد نيغريني 0.0022 (عدم مطابقة). الأكثر تمثيلًا بإفراط: {shares_ar}."),
        action=(f"Review a sample of the documents whose totals begin with {listed} "
                f"(e.g. {', '.join(d.number for d in sample[:3])}): who set these amounts, and from what."),
        action_ar=(f"راجع عينة من المستندات التي تبدأ إجمالياتها بـ {listed.replace(', ', '، ')} "
                   f"(مثل {'، '.join(d.number for d in sample[:3])}): من حدّد هذه المبالغ وعلى أي أساس."),
        documents=tuple(DocRef(d.id, d.number) for d in sample),
        figures={"mad": f"{mad:.5f}", "band": "nonconformity", "count": str(count),
                 "over_represented": listed},
        scope="book")
