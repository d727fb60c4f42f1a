"""A customer's spend far from its own robust baseline, and new customers whose first invoice is unusually large.

Spend: each invoice of the period against the median and MAD of the same customer's earlier invoices (its last
`HISTORY` at most, so the baseline follows a customer that grows; at least `spend_min_history` of them), flagged when
it lies more than `spend_mad_k` robust deviations (MAD × 1.4826) from that median. Both are taken over the
logarithm of the totals: a customer's amounts spread by ratios (a skewed, roughly log-normal spread), and on the
plain amounts the long upper tail of an ordinary customer was flagged on 0.8 % of a clean book's invoices. The
deviation has a floor (`FLOOR`), so a customer billed the same amount every month is not flagged for a small change,
and a ceiling (`CEILING`), so a customer whose amounts already vary thirty-fold is still flagged for one a hundred
times its usual.
Computed for every invoice at once over sliding windows (numpy), so 100,000 documents take a fraction of a second.

New customers: a customer is new when its first document in the book falls in the period; its first invoice is
flagged when it is at least `new_customer_factor` × the median first invoice of the company's customers of the same
kind (business or individual; all customers when a kind has fewer than `MIN_FIRSTS`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.insights.book import Book, Doc, gc_paused
from core.insights.checks._amounts import amount, amount_ar
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

HISTORY = 50  # earlier invoices a customer's baseline is taken over, at most
FLOOR = 0.15  # the robust deviation (of the logarithm) is at least this: about 16 % of the median
CEILING = 0.5  # and at most this, so a customer whose amounts vary widely is still judged (6 × 0.5: e^3, 20 ×)
MIN_FIRSTS = 20  # first invoices of a kind before that kind has its own baseline
MAD_SCALE = 1.4826  # MAD × this estimates the standard deviation of normal data


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    with gc_paused():
        return _check(book, th)


def _check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    invoices: dict[str, list[Doc]] = defaultdict(list)
    for doc in book.docs:
        if doc.customer and doc.type == "invoice" and doc.total > 0:
            invoices[doc.customer].append(doc)
    found: list[Finding | NotApplicable] = []
    found.extend(_spend(book, invoices, th))
    found.extend(_new_large(book, invoices, th))
    return found


def _spend(book: Book, invoices: dict[str, list[Doc]], th: Thresholds) -> list[Finding]:
    padded: list[float] = []
    rows: list[int] = []  # each judged invoice's first window index in `padded`
    judged: list[Doc] = []
    for docs in invoices.values():
        if len(docs) <= th.spend_min_history:
            continue
        base = len(padded)
        padded.extend([math.nan] * HISTORY)
        padded.extend(math.log(d.total) for d in docs)
        for i, doc in enumerate(docs):
            if i >= th.spend_min_history and book.in_period(doc):
                rows.append(base + i)  # the window padded[base + i : base + i + HISTORY] ends just before it
                judged.append(doc)
    if not judged:
        return []
    windows = sliding_window_view(np.array(padded), HISTORY)[np.array(rows)]
    counts = np.count_nonzero(~np.isnan(windows), axis=1)
    median = _median(windows, counts)
    mad = _median(np.abs(windows - median[:, None]), counts)
    spread = np.clip(MAD_SCALE * mad, FLOOR, CEILING)
    values = np.log(np.array([d.total for d in judged], dtype=float))
    distance = np.abs(values - median) / spread
    return [_spend_finding(judged[i], round(math.exp(median[i])), float(distance[i]), int(counts[i]), th)
            for i in np.flatnonzero(distance > th.spend_mad_k)]


def _median(rows: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each row's median over its first `counts` values once sorted (NaN sort last)."""
    ordered = np.sort(rows, axis=1)
    index = np.arange(len(rows))
    middle: np.ndarray = (ordered[index, (counts - 1) // 2] + ordered[index, counts // 2]) / 2
    return middle


def _spend_finding(doc: Doc, median: int, distance: float, history: int, th: Thresholds) -> Finding:
    higher = doc.total > median
    ratio = doc.total / median if median else 0.0
    direction = f"{ratio:.1f} times" if higher else f"{ratio * 100:.0f}% of"
    return Finding(
        rule="INS-CUS-SPEND", score=min(1.0, 0.5 + 0.5 * (distance - th.spend_mad_k) / (3 * th.spend_mad_k)),
        summary=(f"{doc.number}: {amount(doc.total, doc.currency)} to this customer, {direction} its usual "
                 f"{amount(median, doc.currency)} (median of its last {history} invoices; "
                 f"{distance:.0f} robust deviations away)."),
        summary_ar=(f"{doc.number}: {amount_ar(doc.total, doc.currency)} لهذا العميل، ونسبتها إلى معدله المعتاد "
                    f"{ratio:.2f} (المعدل {amount_ar(median, doc.currency)}، وهو وسيط آخر {history} من فواتيره؛ "
                    f"وتبعد عنه {distance:.0f} من الانحرافات المتينة)."),
        action=f"Confirm {doc.number}'s quantities and prices with the order, and that the customer expects it.",
        action_ar=f"تحقق من كميات {doc.number} وأسعارها مقابل الطلب، ومن أن العميل يتوقعها.",
        documents=(DocRef(doc.id, doc.number),), customers=(doc.customer or "",),
        users=(doc.user,) if doc.user.startswith("user:") else (),
        figures={"total": amount(doc.total, doc.currency), "median": amount(median, doc.currency),
                 "robust_deviations": f"{distance:.1f}", "history": str(history)},
        scope="customer:" + (doc.customer or ""))


def _new_large(book: Book, invoices: dict[str, list[Doc]], th: Thresholds) -> list[Finding]:
    firsts: dict[str, list[Doc]] = defaultdict(list)  # kind -> the first invoice of each customer of that kind
    for customer, docs in invoices.items():
        client = book.customers.get(customer)
        firsts[client.kind if client else ""].append(docs[0])
    every = [d.total for docs in firsts.values() for d in docs]
    if not every:
        return []
    overall = statistics.median(every)
    found = []
    for kind, docs in firsts.items():
        median = statistics.median(d.total for d in docs) if len(docs) >= MIN_FIRSTS else overall
        for doc in docs:
            if book.in_period(doc) and median > 0 and doc.total >= th.new_customer_factor * median:
                found.append(_new_finding(doc, int(median), kind, th))
    return found


def _new_finding(doc: Doc, median: int, kind: str, th: Thresholds) -> Finding:
    ratio = doc.total / median
    whose = {"business": "business customers'", "individual": "individual customers'"}.get(kind, "customers'")
    whose_ar = {"business": "لعملاء المنشآت", "individual": "للعملاء الأفراد"}.get(kind, "للعملاء")
    return Finding(
        rule="INS-CUS-NEW-LARGE", score=min(1.0, 0.5 + 0.1 * math.log2(ratio / th.new_customer_factor)),
        summary=(f"{doc.number} is a new customer's first invoice: {amount(doc.total, doc.currency)}, "
                 f"{ratio:.0f} times the company's median first invoice ({whose} "
                 f"{amount(median, doc.currency)})."),
        summary_ar=(f"{doc.number} هي أول فاتورة لعميل جديد: {amount_ar(doc.total, doc.currency)}، ونسبتها إلى "
                    f"وسيط الفاتورة الأولى في المنشأة {ratio:.1f} (الوسيط {amount_ar(median, doc.currency)} "
                    f"{whose_ar})."),
        action=(f"Check the new customer's identity and credit before {doc.number} is delivered or its credit "
                f"extended, and that the order is genuine."),
        action_ar=(f"تحقق من هوية العميل الجديد وملاءته قبل تسليم {doc.number} أو منحه ائتمانًا، "
                   f"ومن أن الطلب حقيقي."),
        documents=(DocRef(doc.id, doc.number),), customers=(doc.customer or "",),
        users=(doc.user,) if doc.user.startswith("user:") else (),
        figures={"total": amount(doc.total, doc.currency), "median_first_invoice": amount(median, doc.currency),
                 "ratio": f"{ratio:.1f}", "kind": kind or "any"},
        scope="customer:" + (doc.customer or ""))
