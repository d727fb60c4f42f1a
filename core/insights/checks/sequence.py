"""Insight check: the numbering and time order of issued documents.

* INS-SEQ-GAP: counter values (ICV) missing in an EGS unit's chain, and numbers missing in a number series (the
  number's prefix and its trailing digits: INV-2026-0042, INV-2026-D7F3A-0042). One finding per gap: the documents
  are the two neighbours, the figures the missing range; a gap seen by both the counter and the series (the same two
  neighbours) is reported once, as the counter's. A number is given to a draft (core.invoicing.suggest_number), so
  a number an open draft holds is not missing (`Book.drafts`); what else is missing in a series (a deleted draft, a
  document not in the books) scores lower than a hole in the counter, which is given at issue.
* INS-SEQ-BACKWARDS: in an EGS unit, by counter, a document issued more than `backwards_minutes` before the previous
  one (documents: the previous and this one). A back-dated document is reported as such, not also here.
* INS-SEQ-BACKDATED: issued `backdated_days` or more before the audit chain recorded the issue.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import timedelta

from core.insights.book import Book, Doc, money
from core.insights.checks.timing import DAYS_AR, DOCS_AR, count_ar
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

_DIGITS = "0123456789"


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    backdated = _backdated(book, th)
    skip = {f.documents[0].id for f in backdated}
    chains: dict[str, list[Doc]] = defaultdict(list)  # per EGS unit, by counter
    for doc in book.docs:
        chains[doc.egs].append(doc)
    for docs in chains.values():
        docs.sort(key=lambda d: d.icv)
    found: list[Finding | NotApplicable] = []
    found.extend(_gaps(book, chains))
    found.extend(_backwards(book, th, chains, skip))
    found.extend(backdated)
    return found


def _ref(doc: Doc) -> DocRef:
    return DocRef(doc.id, doc.number)


# -- gaps ------------------------------------------------------------------------------------------------------

def _gaps(book: Book, chains: dict[str, list[Doc]]) -> list[Finding]:
    # few allocations that the garbage collector tracks (no tuple per document): over a 100,000-document book a
    # full collection costs more than the check
    by_series: dict[str, list[Doc]] = defaultdict(list)
    for doc in book.docs:
        by_series[doc.number.rstrip(_DIGITS)].append(doc)
    drafted: dict[str, list[int]] = defaultdict(list)  # per series, the numbers open drafts hold, sorted
    for number in book.drafts:
        prefix = number.rstrip(_DIGITS)
        if len(number) > len(prefix):
            drafted[prefix].append(int(number[len(prefix):]))
    for numbers in drafted.values():
        numbers.sort()
    findings: dict[frozenset[str], Finding] = {}
    for unit, docs in sorted(chains.items()):
        for index in range(1, len(docs)):
            before, after = docs[index - 1], docs[index]
            if after.icv - before.icv > 1 and (book.in_period(before) or book.in_period(after)):
                pair = frozenset((before.id, after.id))
                findings[pair] = _gap_finding(before, after, before.icv + 1, after.icv - 1, "counter", unit)
    for prefix, numbered in sorted(by_series.items()):
        cut = len(prefix)
        numbered = [d for d in numbered if len(d.number) > cut]
        numbered.sort(key=lambda d: int(d.number[cut:]))
        for index in range(1, len(numbered)):
            before, after = numbered[index - 1], numbered[index]
            low, high = int(before.number[cut:]), int(after.number[cut:])
            if high - low > 1 and (book.in_period(before) or book.in_period(after)):
                held = drafted.get(prefix, [])
                open_drafts = bisect_right(held, high - 1) - bisect_left(held, low + 1)
                pair = frozenset((before.id, after.id))
                if pair not in findings and open_drafts < high - low - 1:
                    findings[pair] = _gap_finding(before, after, low + 1, high - 1, "series", prefix, open_drafts)
    return list(findings.values())


def _gap_finding(before: Doc, after: Doc, low: int, high: int, kind: str, name: str, drafts: int = 0) -> Finding:
    missing = high - low + 1 - drafts  # the numbers in between that open drafts hold are not missing
    if kind == "counter":
        what, what_ar, scope = f"counter values {low}–{high}", f"قيم العداد {low}–{high}", f"egs:{name}"
        if low == high:
            what, what_ar = f"counter value {low}", f"قيمة العداد {low}"
    else:
        width = len(before.number) - len(name)
        first, last = f"{name}{low:0{width}d}", f"{name}{high:0{width}d}"
        what = first if low == high else f"numbers {first}–{last}"
        what_ar = f"الرقم {first}" if low == high else f"الأرقام {first}–{last}"
        scope = f"series:{name}"
    if kind == "counter":  # the counter is given at issue, in the same transaction: a hole is a lost document
        score = 0.9 if missing <= 10 else 0.7
        why = "were never issued or are not in this desk's books (not synchronised, or removed)"
        why_ar = "لم تُصدر أو ليست في سجلات هذا الجهاز (لم تُزامَن أو حُذفت)"
    else:  # numbers are given to drafts: a hole may be a draft not issued yet, or one deleted
        score = 0.55 if missing <= 10 else 0.4
        why = "were never issued and no open draft holds them: a deleted draft, or a document not in the books"
        why_ar = "لم تُصدر ولا تحجزها مسودة مفتوحة: قد تكون مسودة محذوفة أو مستندًا غير موجود في السجلات"
    return Finding(
        rule="INS-SEQ-GAP", score=score,
        summary=f"{missing} document(s) missing between {before.number} and {after.number}: {what} {why}.",
        summary_ar=(f"في الترقيم فجوة بين {before.number} و{after.number} ({count_ar(missing, DOCS_AR)}): {what_ar} "
                    f"{why_ar}."),
        action=("Find out what happened to the missing numbers (a failed issue, a deleted or unsynchronised "
                "document) and run `qayd audit verify`; document the explanation for the auditor."),
        action_ar=("تحقق مما حدث للأرقام المفقودة (إصدار فشل، أو مستند محذوف أو لم تتم مزامنته) وشغّل "
                   "`qayd audit verify`، ووثّق التفسير للمدقق."),
        documents=(_ref(before), _ref(after)), users=tuple(sorted({before.user, after.user})),
        figures={"missing": str(missing), "from": str(low), "to": str(high), "kind": kind,
                 **({"open_drafts": str(drafts)} if drafts else {})},
        scope=f"{scope}:{low}-{high}")


# -- time going backwards --------------------------------------------------------------------------------------

def _backwards(book: Book, th: Thresholds, chains: dict[str, list[Doc]], skip: set[str]) -> list[Finding]:
    limit = timedelta(minutes=th.backwards_minutes)
    findings = []
    for docs in chains.values():
        previous: Doc | None = None  # the previous counter's document, back-dated ones left out
        for doc in docs:
            if doc.id in skip:
                continue
            if previous is not None and doc.issued < previous.issued - limit and book.in_period(doc):
                findings.append(_backwards_finding(previous, doc))
            previous = doc
    return findings


def _backwards_finding(previous: Doc, doc: Doc) -> Finding:
    hours = (previous.issued - doc.issued).total_seconds() / 3600
    score = min(1.0, 0.6 + hours / 100)
    earlier = doc.issued.strftime("%Y-%m-%d %H:%M")
    later = previous.issued.strftime("%Y-%m-%d %H:%M")
    return Finding(
        rule="INS-SEQ-BACKWARDS", score=round(score, 4),
        summary=(f"{doc.number} (counter {doc.icv}) is dated {earlier}, {hours:.1f} hours before {previous.number} "
                 f"(counter {previous.icv}, {later}) although the counter rose."),
        summary_ar=(f"المستند {doc.number} (العداد {doc.icv}) مؤرخ {earlier}، أي قبل {previous.number} (العداد "
                    f"{previous.icv}، {later}) بـ{hours:.1f} ساعة مع أن العداد تقدّم."),
        action=("Check the issuing desk's clock and who set the issue date by hand; a document dated before an "
                "earlier counter may have been back-dated."),
        action_ar=("افحص ساعة جهاز الإصدار ومن عدّل تاريخ الإصدار يدويًا؛ فالمستند المؤرخ قبل عداد سابق ربما أُرّخ "
                   "بتاريخ سابق عمدًا."),
        documents=(_ref(previous), _ref(doc)), users=tuple(sorted({doc.user, previous.user})),
        figures={"hours_back": f"{hours:.1f}", "counter": str(doc.icv), "previous_counter": str(previous.icv)},
        scope=f"egs:{doc.egs}")


# -- back-dated ------------------------------------------------------------------------------------------------

def _backdated(book: Book, th: Thresholds) -> list[Finding]:
    limit = timedelta(days=th.backdated_days)
    findings = []
    for doc in book.period_docs():
        if doc.recorded is None or doc.recorded - doc.issued < limit:
            continue
        days = (doc.recorded - doc.issued).total_seconds() / 86400
        score = min(1.0, 0.6 + days / 60)
        issued, recorded = doc.issued.strftime("%Y-%m-%d"), doc.recorded.strftime("%Y-%m-%d %H:%M")
        findings.append(Finding(
            rule="INS-SEQ-BACKDATED", score=round(score, 4),
            summary=(f"{doc.number} ({money(doc.total)} {doc.currency}) is dated {issued} but the audit chain "
                     f"recorded its issue on {recorded}, {days:.0f} days later."),
            summary_ar=(f"المستند {doc.number} ({money(doc.total)} {doc.currency}) مؤرخ {issued} لكن سلسلة التدقيق "
                        f"سجّلت إصداره في {recorded}، أي بعد {count_ar(round(days), DAYS_AR)}."),
            action=("Ask why it was dated back; check that it does not move a sale into an earlier VAT period or "
                    "past a closed one, and correct it with a credit note if it does."),
            action_ar=("اسأل عن سبب تأريخه بتاريخ سابق، وتحقق من أنه لا ينقل بيعًا إلى فترة ضريبية سابقة أو مغلقة، "
                       "وصحّحه بإشعار دائن إن كان كذلك."),
            documents=(_ref(doc),), users=(doc.user,),
            figures={"days": f"{days:.1f}", "issued": issued, "recorded": recorded}))
    return findings
