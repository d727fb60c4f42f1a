"""Insight check: VAT patterns beyond the hard rules.

* INS-VAT-PRODUCT: a product sold under different VAT categories. The product's usual category is the one most of
  its lines carry over the whole book; the documents of the period with another category are the evidence. A
  zero-rated line on an export is not counted: exporting a standard-rated product zero-rated is the law.
* INS-VAT-SHARE: the zero-rated (or exempt) share of a month's net sales moving `share_change_points` or more away
  from the median of the previous six months (at least three); scope "period:YYYY-MM".
* INS-VAT-EXPORT: an export code on a domestic buyer (address country SA, or a Saudi VAT number: 15 digits starting
  and ending with 3), one finding per document.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from statistics import median

from core.insights.book import Book, Doc, money
from core.insights.checks.timing import DOCS_AR, count_ar
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

_SAUDI_VAT = re.compile(r"^3\d{13}3$")
_CATEGORY = {"S": "standard (S)", "Z": "zero-rated (Z)", "E": "exempt (E)", "O": "out of scope (O)"}
_CATEGORY_AR = {"S": "الخاضعة للنسبة الأساسية (S)", "Z": "الخاضعة لنسبة الصفر (Z)", "E": "المعفاة (E)",
                "O": "خارج نطاق الضريبة (O)"}
_SHARE_WINDOW = 6  # previous months the median is taken over
_SHARE_MIN_MONTHS = 3
_EVIDENCE_CAP = 20


def numbers(docs: list[Doc], limit: int = 5) -> str:
    listed = [d.number for d in docs]
    return ", ".join(listed[:limit]) + (f" (+{len(listed) - limit})" if len(listed) > limit else "")


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    found: list[Finding | NotApplicable] = []
    found.extend(_products(book))
    found.extend(_shares(book, th))
    found.extend(_exports(book))
    return found


# -- one product, several categories ---------------------------------------------------------------------------

def _products(book: Book) -> list[Finding]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in book.docs:
        for line in doc.lines:
            if not (doc.export and line.category == "Z"):
                counts[line.product][line.category] += 1
    mixed = {p: c for p, c in counts.items() if len(c) > 1}
    if not mixed:
        return []
    usual = {p: c.most_common(1)[0][0] for p, c in mixed.items()}
    odd: dict[str, dict[str, list[Doc]]] = defaultdict(lambda: defaultdict(list))
    for doc in book.period_docs():
        seen: set[tuple[str, str]] = set()
        for line in doc.lines:
            main = usual.get(line.product)
            if main is None or line.category == main or (doc.export and line.category == "Z"):
                continue
            if (line.product, line.category) not in seen:
                seen.add((line.product, line.category))
                odd[line.product][line.category].append(doc)
    findings = []
    for product, by_category in sorted(odd.items()):
        for category, docs in sorted(by_category.items()):
            findings.append(_product_finding(product, usual[product], category, docs, mixed[product]))
    return findings


def _product_finding(product: str, main: str, category: str, docs: list[Doc], counts: Counter[str]) -> Finding:
    lines = sum(counts.values())
    minority = counts[category] / lines
    score = max(0.3, min(1.0, 0.95 - minority))
    # a line typed without a product is known by its text, which is not shown: it may name anything or anyone
    typed = product.startswith("name:")
    label = "typed by hand (the same line text)" if typed else product
    label_ar = "مكتوب يدويًا (نص البند نفسه)" if typed else product
    listed = numbers(docs)
    return Finding(
        rule="INS-VAT-PRODUCT", score=round(score, 4),
        summary=(f"Product {label} is usually sold {_CATEGORY.get(main, main)} ({counts[main]} of {lines} lines) "
                 f"but {len(docs)} document(s) of the period sell it {_CATEGORY.get(category, category)}: {listed}."),
        summary_ar=(f"المنتج {label_ar} يُباع عادةً بالفئة {_CATEGORY_AR.get(main, main)} (في {counts[main]} من أصل "
                    f"{lines} من "
                    f"البنود)، لكن {count_ar(len(docs), DOCS_AR)} في الفترة بيع فيها بالفئة "
                    f"{_CATEGORY_AR.get(category, category)}: "
                    f"{listed}."),
        action=("Check which VAT category the product really has; correct the product and issue credit and debit "
                "notes for documents charged wrongly."),
        action_ar=("تحقق من الفئة الضريبية الصحيحة للمنتج، وصحّح بيانات المنتج، وأصدر إشعارات دائن ومدين للمستندات "
                   "التي احتُسبت ضريبتها خطأً."),
        documents=tuple(DocRef(d.id, d.number) for d in docs),
        figures={"product": "" if typed else product, "usual_category": main, "category": category,
                 "documents": str(len(docs)), "lines_usual": str(counts[main]),
                 "lines_other": str(counts[category]), "lines": str(lines)},
        scope=f"product:{product if not typed else hashlib.sha256(product.encode()).hexdigest()[:16]}:{category}")


# -- zero-rated and exempt shares by month ---------------------------------------------------------------------

def _shares(book: Book, th: Thresholds) -> list[Finding]:
    net: dict[int, int] = defaultdict(int)
    part: dict[tuple[int, str], int] = defaultdict(int)
    docs_of: dict[tuple[int, str], list[tuple[int, Doc]]] = defaultdict(list)
    for doc in book.docs:
        if doc.type != "invoice":
            continue
        month = doc.issued.year * 100 + doc.issued.month
        total = zero = exempt = 0
        for line in doc.lines:
            total += line.net
            if line.category == "Z":
                zero += line.net
            elif line.category == "E":
                exempt += line.net
        net[month] += total
        for category, amount in (("Z", zero), ("E", exempt)):
            if amount:
                part[(month, category)] += amount
                docs_of[(month, category)].append((amount, doc))
    months = sorted(m for m, v in net.items() if v > 0)
    findings = []
    first, last = book.start.year * 100 + book.start.month, book.end.year * 100 + book.end.month
    for category in ("Z", "E"):
        shares = [part[(m, category)] / net[m] for m in months]
        for index, month in enumerate(months):
            before = shares[max(0, index - _SHARE_WINDOW):index]
            if not first <= month <= last or len(before) < _SHARE_MIN_MONTHS:
                continue
            usual = median(before)
            if abs(shares[index] - usual) >= th.share_change_points:
                findings.append(_share_finding(f"{month // 100:04d}-{month % 100:02d}", category, shares[index],
                                               usual, docs_of[(month, category)], net[month], th))
    return findings


def _share_finding(month: str, category: str, share: float, usual: float, docs: list[tuple[int, Doc]], net: int,
                   th: Thresholds) -> Finding:
    moved = share - usual
    score = min(1.0, 0.5 + (abs(moved) - th.share_change_points) * 2)
    largest = [d for _, d in sorted(docs, key=lambda x: -x[0])[:_EVIDENCE_CAP]]
    word = "rose" if moved > 0 else "fell"
    word_ar = "ارتفعت" if moved > 0 else "انخفضت"
    name, name_ar = ("zero-rated", "الخاضعة لنسبة الصفر") if category == "Z" else ("exempt", "المعفاة")
    pct, usual_pct, points = f"{share * 100:.1f}", f"{usual * 100:.1f}", f"{abs(moved) * 100:.1f}"
    return Finding(
        rule="INS-VAT-SHARE", score=round(score, 4),
        summary=(f"The {name} share of net sales {word} to {pct} % in {month}, against a median of {usual_pct} % "
                 f"over the previous months ({points} points); net sales {money(net)}. Largest {name} documents: "
                 f"{numbers(largest)}."),
        summary_ar=(f"{word_ar} نسبة المبيعات {name_ar} من صافي المبيعات إلى {pct} % في {month}، مقابل وسيط "
                    f"{usual_pct} % في الأشهر السابقة ({points} نقطة)، وصافي المبيعات {money(net)}. أكبر المستندات: "
                    f"{numbers(largest)}."),
        action=(f"Check that the month's {name} sales qualify (export evidence, exempt supplies) and that no "
                "product's category was changed by mistake."),
        action_ar=(f"تحقق من استيفاء مبيعات الشهر {name_ar} لشروطها (إثبات التصدير، التوريدات المعفاة) ومن عدم "
                   "تغيير فئة أي منتج خطأً."),
        documents=tuple(DocRef(d.id, d.number) for d in largest),
        figures={"category": category, "share": f"{share:.4f}", "usual_share": f"{usual:.4f}",
                 "change_points": f"{moved * 100:.1f}", "net_sales": str(money(net))},
        scope=f"period:{month}")


# -- export on a domestic buyer --------------------------------------------------------------------------------

def _exports(book: Book) -> list[Finding]:
    findings = []
    for doc in book.period_docs():
        if not doc.export:
            continue
        vat = doc.buyer[4:] if doc.buyer.startswith("vat:") else ""
        saudi_vat = bool(_SAUDI_VAT.match(vat))
        if doc.buyer_country != "SA" and not saudi_vat:
            continue
        reason = "a Saudi VAT number" if saudi_vat else "a Saudi address"
        reason_ar = "رقم ضريبي سعودي" if saudi_vat else "عنوان في المملكة"
        findings.append(Finding(
            rule="INS-VAT-EXPORT", score=0.85,
            summary=(f"{doc.number} ({money(doc.total)} {doc.currency}) carries the export code but its buyer has "
                     f"{reason}."),
            summary_ar=(f"المستند {doc.number} ({money(doc.total)} {doc.currency}) يحمل رمز التصدير مع أن لمشتريه "
                        f"{reason_ar}."),
            action=("If the goods did not leave the Kingdom, issue a credit note and a new invoice with the right VAT; "
                    "if they did, keep the export evidence with the invoice."),
            action_ar=("إذا لم تغادر السلع المملكة فأصدر إشعار دائن وفاتورة جديدة بالضريبة الصحيحة، وإن غادرت "
                       "فاحتفظ بإثبات التصدير مع الفاتورة."),
            documents=(DocRef(doc.id, doc.number),), customers=(doc.customer,) if doc.customer else (),
            figures={"total": str(money(doc.total)), "currency": doc.currency,
                     "buyer_country": doc.buyer_country or "-", "saudi_vat_number": "yes" if saudi_vat else "no"}))
    return findings
