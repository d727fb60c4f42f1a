"""Insight check: issuing at unusual times (Riyadh time): outside working hours, on the weekend, on a public holiday,
and unusual concentration in the last days of a VAT period.

The first three are per document (a company that works normally issues nothing then), grouped into one finding per
user and month so a night of catch-up work is one thing to look at, not forty. The period-end rule is a
concentration, never "every document of the last days": a user whose share of amount issued in the last
`period_end_days` days of VAT periods is `period_end_ratio` × the company's share or more (and whose share of
documents there is at least half as far above the usual, so one large sale is not a pattern), or a VAT period whose last
days carry that many times the usual (median) share of its amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from statistics import median

from core.insights.book import Book, Doc, money
from core.insights.calendar import holiday_of
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

_EVIDENCE_CAP = 50  # most documents a concentration finding lists (the largest): its figures carry the counts
_MIN_USER_DOCS = 30  # fewest documents of a user before its period-end share is judged
_MIN_PERIODS = 4  # fewest complete VAT periods before a period's last days are compared with the usual


def numbers(docs: Iterable[Doc], limit: int = 5) -> str:
    """Document numbers for a sentence: the first `limit`, then how many more."""
    listed = [d.number for d in docs]
    text = ", ".join(listed[:limit])
    return text + (f" (+{len(listed) - limit})" if len(listed) > limit else "")


# Arabic counted nouns: (one, two, 3–10, 11–99, hundreds) — "مستندان", "5 مستندات", "12 مستندًا", "100 مستند"
DOCS_AR = ("مستند واحد", "مستندان", "مستندات", "مستندًا", "مستند")
INVOICES_AR = ("فاتورة واحدة", "فاتورتان", "فواتير", "فاتورة", "فاتورة")
NOTES_AR = ("إشعار دائن واحد", "إشعارا دائن", "إشعارات دائن", "إشعارًا دائنًا", "إشعار دائن")
DAYS_AR = ("يوم واحد", "يومان", "أيام", "يومًا", "يوم")


def count_ar(n: int, forms: tuple[str, str, str, str, str]) -> str:
    """`n` things in Arabic, with the noun in the form the number asks for."""
    if n == 1:
        return forms[0]
    if n == 2:
        return forms[1]
    rest = n % 100
    return f"{n} {forms[2] if 3 <= rest <= 10 else forms[3] if 11 <= rest <= 99 else forms[4]}"


def vat_period(day: date, months: int) -> tuple[date, date]:
    """The VAT return period (monthly or quarterly, calendar-aligned) holding `day`: its first and last day."""
    first_month = (day.month - 1) // months * months + 1
    first = date(day.year, first_month, 1)
    after_month = first_month + months
    after = date(day.year + (after_month - 1) // 12, (after_month - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    found: list[Finding | NotApplicable] = []
    found.extend(_odd_times(book, th))
    found.extend(_period_end(book, th))
    return found


# -- hours, weekend, holidays ----------------------------------------------------------------------------------

def _odd_times(book: Book, th: Thresholds) -> list[Finding]:
    groups: dict[tuple[str, str, str], list[Doc]] = defaultdict(list)
    edge_only: dict[tuple[str, str, str], bool] = {}
    for doc in book.period_docs():
        moment = doc.issued
        month = f"{moment.year:04d}-{moment.month:02d}"
        if not th.work_start_hour <= moment.hour < th.work_end_hour:
            groups[("INS-TIME-HOURS", doc.user, month)].append(doc)
        day = moment.date()
        if day.weekday() in th.weekend_days:
            groups[("INS-TIME-WEEKEND", doc.user, month)].append(doc)
        holiday = holiday_of(day)
        if holiday is not None:
            key = ("INS-TIME-HOLIDAY", doc.user, month)
            groups[key].append(doc)
            edge_only[key] = edge_only.get(key, True) and holiday.edge
    findings = []
    for (rule, user, month), docs in sorted(groups.items()):
        findings.append(_odd_finding(rule, user, month, docs, th, edge_only.get((rule, user, month), False)))
    return findings


def _odd_finding(rule: str, user: str, month: str, docs: list[Doc], th: Thresholds, edge: bool) -> Finding:
    count, listed = len(docs), numbers(docs)
    amount = money(sum(d.total for d in docs))
    score = min(1.0, 0.55 + 0.05 * count)
    figures = {"documents": str(count), "amount": str(amount), "month": month}
    if rule == "INS-TIME-HOURS":
        times = sorted(d.issued.strftime("%H:%M") for d in docs)
        figures["hours"] = f"{th.work_start_hour:02d}:00–{th.work_end_hour:02d}:00"
        figures["times"] = ", ".join(times[:10])
        summary = (f"{count} document(s) issued in {month} outside working hours "
                   f"({th.work_start_hour:02d}:00–{th.work_end_hour:02d}:00 Riyadh time), at {', '.join(times[:5])}: "
                   f"{listed}; {amount} in total.")
        summary_ar = (f"صدر في {month} {count_ar(count, DOCS_AR)} خارج ساعات العمل "
                      f"({th.work_start_hour:02d}:00–{th.work_end_hour:02d}:00 بتوقيت الرياض)، في الأوقات "
                      f"{'، '.join(times[:5])}: {listed}، بإجمالي {amount}.")
    elif rule == "INS-TIME-WEEKEND":
        days = sorted({d.issued.date().isoformat() for d in docs})
        figures["days"] = ", ".join(days)
        summary = (f"{count} document(s) issued in {month} on the weekend ({', '.join(days[:5])}): {listed}; "
                   f"{amount} in total.")
        summary_ar = (f"صدر في {month} {count_ar(count, DOCS_AR)} خلال عطلة نهاية الأسبوع ({'، '.join(days[:5])}): "
                      f"{listed}، "
                      f"بإجمالي {amount}.")
    else:
        names = sorted({holiday_of(d.issued.date()).name for d in docs})  # type: ignore[union-attr]
        names_ar = sorted({holiday_of(d.issued.date()).name_ar for d in docs})  # type: ignore[union-attr]
        days = sorted({d.issued.date().isoformat() for d in docs})
        figures["days"] = ", ".join(days)
        figures["holidays"] = ", ".join(names)
        if edge:  # the first or last day of a lunar holiday: the announced date may differ by one
            score *= 0.6
        summary = (f"{count} document(s) issued in {month} on a public holiday ({', '.join(names)}: "
                   f"{', '.join(days[:5])}): {listed}; {amount} in total.")
        summary_ar = (f"صدر في {month} {count_ar(count, DOCS_AR)} في عطلة رسمية ({'، '.join(names_ar)}: "
                      f"{'، '.join(days[:5])}): "
                      f"{listed}، بإجمالي {amount}.")
    action = ("Ask who issued them and why at that time; confirm each was a real sale made then, and that the "
              "user's access is as intended.")
    action_ar = ("اسأل من أصدرها ولماذا في ذلك الوقت، وتحقق من أن كلًّا منها عملية بيع حقيقية تمت حينها، ومن أن "
                 "صلاحيات المستخدم كما ينبغي.")
    return Finding(rule=rule, score=round(score, 4), summary=summary, summary_ar=summary_ar, action=action,
                   action_ar=action_ar, documents=tuple(DocRef(d.id, d.number) for d in docs), users=(user,),
                   figures=figures, scope=f"user:{user.removeprefix('user:')}:{month}", period=_month(month))


def _month(month: str) -> tuple[date, date]:
    first = date(int(month[:4]), int(month[5:]), 1)
    return first, vat_period(first, 1)[1]


# -- the last days of VAT periods ------------------------------------------------------------------------------

def _period_end(book: Book, th: Thresholds) -> list[Finding]:
    months = th.vat_period_months
    if not book.docs:
        return []
    first_day = book.docs[0].issued.date()
    bounds: dict[date, tuple[date, date]] = {}
    # per VAT period (by its first day): amount in all, amount in the last days, the last days' documents
    total: dict[date, int] = defaultdict(int)
    last: dict[date, int] = defaultdict(int)
    last_docs: dict[date, list[Doc]] = defaultdict(list)
    user_total: dict[str, int] = defaultdict(int)
    user_last: dict[str, int] = defaultdict(int)
    user_docs: dict[str, list[Doc]] = defaultdict(list)
    user_count: dict[str, int] = defaultdict(int)
    by_day: dict[date, tuple[date, date]] = {}
    for doc in book.docs:
        if doc.type == "credit_note":
            continue
        day = doc.issued.date()
        period = by_day.get(day)
        if period is None:
            period = by_day[day] = vat_period(day, months)
        first, end = period
        if first < first_day or end > book.end:  # periods the book holds only in part are not judged
            continue
        bounds[first] = period
        amount = abs(doc.total)
        in_last = (end - day).days < th.period_end_days
        total[first] += amount
        if in_last:
            last[first] += amount
            last_docs[first].append(doc)
        if book.start <= day:
            user_total[doc.user] += amount
            user_count[doc.user] += 1
            if in_last:
                user_last[doc.user] += amount
                user_docs[doc.user].append(doc)
    findings: list[Finding] = []
    company_total, company_last = sum(total.values()), sum(last.values())
    company_count = sum(len(d) for d in user_docs.values()) / max(1, sum(user_count.values()))
    if company_total and company_last:
        usual = company_last / company_total
        for user, amount in user_total.items():
            if user_count[user] < _MIN_USER_DOCS or not amount:
                continue
            share = user_last[user] / amount
            # and its share of documents at least half as far above the usual: one large sale is not a pattern
            counted = len(user_docs[user]) / user_count[user]
            if (share >= th.period_end_ratio * usual and len(user_docs[user]) >= 3
                    and counted >= th.period_end_ratio / 2 * company_count):
                findings.append(_user_finding(user, user_docs[user], share, usual, user_last[user], th))
    shares = {first: last[first] / total[first] for first in total if total[first]}
    if len(shares) >= _MIN_PERIODS:
        usual_share = median(shares.values())
        for first, share in sorted(shares.items()):
            end = bounds[first][1]
            if end >= book.start and usual_share and share >= th.period_end_ratio * usual_share:
                findings.append(_period_finding(bounds[first], last_docs[first], share, usual_share, th))
    return findings


def _largest(docs: list[Doc]) -> tuple[DocRef, ...]:
    return tuple(DocRef(d.id, d.number) for d in sorted(docs, key=lambda d: -abs(d.total))[:_EVIDENCE_CAP])


def _user_finding(user: str, docs: list[Doc], share: float, usual: float, amount: int, th: Thresholds) -> Finding:
    ratio = share / usual
    score = min(1.0, 0.5 + 0.1 * (ratio - th.period_end_ratio))
    pct, usual_pct = f"{share * 100:.1f}", f"{usual * 100:.1f}"
    return Finding(
        rule="INS-TIME-PERIOD-END", score=round(score, 4),
        summary=(f"{pct} % of the amount this user issued falls in the last {th.period_end_days} days of VAT "
                 f"periods, against {usual_pct} % for the company ({ratio:.1f} ×): {len(docs)} document(s), "
                 f"{money(amount)}; the largest: {numbers(sorted(docs, key=lambda d: -abs(d.total)))}."),
        summary_ar=(f"يقع {pct} % من مبالغ ما أصدره هذا المستخدم في آخر {count_ar(th.period_end_days, DAYS_AR)} من "
                    f"فترات ضريبة "
                    f"القيمة المضافة، مقابل {usual_pct} % للمنشأة ({ratio:.1f} ضعف): {count_ar(len(docs), DOCS_AR)} "
                    f"بقيمة "
                    f"{money(amount)}؛ أكبرها: {numbers(sorted(docs, key=lambda d: -abs(d.total)))}."),
        action=("Check that these sales happened when dated and were not moved into (or out of) a VAT period; "
                "compare with delivery records."),
        action_ar=("تحقق من أن هذه المبيعات تمت في تواريخها ولم تُنقل إلى فترة ضريبية أو منها، وقارنها بسجلات "
                   "التسليم."),
        documents=_largest(docs), users=(user,),
        figures={"share": f"{share:.4f}", "company_share": f"{usual:.4f}", "ratio": f"{ratio:.2f}",
                 "documents": str(len(docs)), "amount": str(money(amount)), "days": str(th.period_end_days)},
        scope=f"user:{user.removeprefix('user:')}")


def _period_finding(period: tuple[date, date], docs: list[Doc], share: float, usual: float,
                    th: Thresholds) -> Finding:
    first, end = period
    ratio = share / usual
    label = f"{end.year:04d}-{end.month:02d}"
    amount = money(sum(abs(d.total) for d in docs))
    score = min(1.0, 0.5 + 0.1 * (ratio - th.period_end_ratio))
    pct, usual_pct = f"{share * 100:.1f}", f"{usual * 100:.1f}"
    largest = numbers(sorted(docs, key=lambda d: -abs(d.total)))
    return Finding(
        rule="INS-TIME-PERIOD-END", score=round(score, 4),
        summary=(f"The last {th.period_end_days} days of the VAT period {first}–{end} carry {pct} % of its amount, "
                 f"against a usual {usual_pct} % ({ratio:.1f} ×): {len(docs)} document(s), {amount}; the largest: "
                 f"{largest}."),
        summary_ar=(f"تحمل آخر {count_ar(th.period_end_days, DAYS_AR)} من الفترة الضريبية {first}–{end} نسبة {pct} "
                    f"% من مبالغها، "
                    f"مقابل {usual_pct} % في المعتاد ({ratio:.1f} ضعف): {count_ar(len(docs), DOCS_AR)} بقيمة "
                    f"{amount}؛ أكبرها: "
                    f"{largest}."),
        action=("Check that the period's last sales are real and dated right (delivery, payment), not pulled in to "
                "reach a target or moved between VAT returns."),
        action_ar=("تحقق من أن مبيعات آخر الفترة حقيقية ومؤرخة بشكل صحيح (التسليم والسداد)، ولم تُقدَّم لبلوغ هدف "
                   "أو تُنقل بين الإقرارات الضريبية."),
        documents=_largest(docs),
        figures={"share": f"{share:.4f}", "usual_share": f"{usual:.4f}", "ratio": f"{ratio:.2f}",
                 "documents": str(len(docs)), "amount": str(amount), "days": str(th.period_end_days)},
        scope=f"period:{label}", period=period)
