"""Insight check: credit notes.

* INS-CRN-EXCEEDS: the credit notes referencing an invoice (billing reference = its number) add up to more than the
  invoice and the debit notes on it. Documents: the invoice and the notes from the one that took the credits over
  it (the notes before it were within the invoice; the summary names every note).
* INS-CRN-AFTER-CLOSE: credit notes issued within `credit_after_close_days` after a VAT period closed, crediting an
  invoice of that period (the output VAT of a filed return is reduced in the next one). One finding per closed
  period, listing its credit notes; scope "period:YYYY-MM" (the closed period's last month).
* INS-CRN-CONCENTRATED: a user's or customer's share of credit notes at least `credit_concentration_ratio` × its share
  of invoices, with at least `credit_min_notes` notes (scope "user:…" or "customer:…").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from core.insights.book import Book, Doc, money
from core.insights.checks.timing import DAYS_AR, NOTES_AR, count_ar, numbers, vat_period
from core.insights.model import DocRef, Finding, NotApplicable
from core.insights.thresholds import Thresholds

_EVIDENCE_CAP = 100


def check(book: Book, th: Thresholds) -> list[Finding | NotApplicable]:
    credits = [d for d in book.docs if d.is_credit]
    found: list[Finding | NotApplicable] = []
    found.extend(_exceeds(book, credits))
    found.extend(_after_close(book, th, credits))
    found.extend(_concentrated(book, th, credits))
    return found


def _refs(docs: list[Doc]) -> tuple[DocRef, ...]:
    return tuple(DocRef(d.id, d.number) for d in docs)


# -- more credited than invoiced -------------------------------------------------------------------------------

def _exceeds(book: Book, credits: list[Doc]) -> list[Finding]:
    notes: dict[str, list[Doc]] = defaultdict(list)
    for note in credits:
        if note.billing_reference:
            notes[note.billing_reference].append(note)
    debits: dict[str, int] = defaultdict(int)
    for doc in book.docs:
        if doc.type == "debit_note" and doc.billing_reference in notes:
            debits[doc.billing_reference] += abs(doc.total)
    findings = []
    for number, on_it in notes.items():
        original = book.by_number.get(number)
        if original is None or original.type != "invoice" or not any(book.in_period(n) for n in on_it):
            continue
        credited = sum(abs(n.total) for n in on_it)
        limit = abs(original.total) + debits[number]
        if credited <= limit:
            continue
        over = credited - limit
        score = min(1.0, 0.7 + over / max(limit, 1))
        on_it.sort(key=lambda d: d.issued)
        running, crossing = 0, len(on_it) - 1
        for index, note in enumerate(on_it):
            running += abs(note.total)
            if running > limit:
                crossing = index
                break
        beyond = on_it[crossing:]  # the notes from the one that took the credits over the invoice
        findings.append(Finding(
            rule="INS-CRN-EXCEEDS", score=round(score, 4),
            summary=(f"{len(on_it)} credit note(s) on {original.number} ({numbers(on_it)}) credit {money(credited)} "
                     f"{original.currency}, {money(over)} more than the invoice"
                     f"{' and its debit notes' if debits[number] else ''} ({money(limit)})."),
            summary_ar=(f"بلغت إشعارات الدائن على الفاتورة {original.number} ({count_ar(len(on_it), NOTES_AR)}: "
                        f"{numbers(on_it)}) {money(credited)} {original.currency}، أي بزيادة {money(over)} على قيمة "
                        f"الفاتورة "
                        f"{'وإشعارات المدين عليها ' if debits[number] else ''}({money(limit)})."),
            action=("Check each credit note against what was returned or corrected; cancel the excess with a debit "
                    "note and correct the VAT return if it was declared."),
            action_ar=("راجع كل إشعار دائن مقابل ما أُرجع أو صُحّح فعلًا، وألغِ الزيادة بإشعار مدين، وصحّح الإقرار "
                       "الضريبي إن كانت قد أُقرّت."),
            documents=_refs([original, *beyond]), customers=(original.customer,) if original.customer else (),
            users=tuple(sorted({n.user for n in on_it})),
            figures={"invoice_total": str(money(abs(original.total))), "debit_notes": str(money(debits[number])),
                     "credited": str(money(credited)), "excess": str(money(over)), "notes": str(len(on_it)),
                     "first_beyond": beyond[0].number}))
    return findings


# -- just after a VAT period closed ----------------------------------------------------------------------------

def _after_close(book: Book, th: Thresholds, credits: list[Doc]) -> list[Finding]:
    window = timedelta(days=th.credit_after_close_days)
    by_period: dict[tuple[date, date], list[tuple[Doc, Doc]]] = defaultdict(list)
    for note in credits:
        if not book.in_period(note):
            continue
        day = note.issued.date()
        closed = vat_period(vat_period(day, th.vat_period_months)[0] - timedelta(days=1), th.vat_period_months)
        if day - closed[1] > window:
            continue
        original = book.by_number.get(note.billing_reference)
        if original is None or not closed[0] <= original.issued.date() <= closed[1]:
            continue
        by_period[closed].append((note, original))
    findings = []
    for (first, end), pairs in sorted(by_period.items()):
        notes = [n for n, _ in pairs]
        amount = money(sum(abs(n.total) for n in notes))
        vat = money(sum(abs(n.tax) for n in notes))
        score = min(0.9, 0.4 + 0.05 * len(notes))
        label = f"{end.year:04d}-{end.month:02d}"
        findings.append(Finding(
            rule="INS-CRN-AFTER-CLOSE", score=round(score, 4),
            summary=(f"{len(notes)} credit note(s) issued within {th.credit_after_close_days} days after the VAT "
                     f"period {first}–{end} closed credit invoices of that period: {numbers(notes)}; {amount} "
                     f"(VAT {vat})."),
            summary_ar=(f"صدر {count_ar(len(notes), NOTES_AR)} خلال "
                        f"{count_ar(th.credit_after_close_days, DAYS_AR)} بعد إغلاق الفترة الضريبية "
                        f"{first}–{end} على فواتير من تلك الفترة: {numbers(notes)}، بقيمة {amount} (الضريبة {vat})."),
            action=("Check that each return or correction really happened after the period closed and that the "
                    "original sale was genuine; credits that undo sales declared in a return need their evidence."),
            action_ar=("تحقق من أن كل إرجاع أو تصحيح حدث فعلًا بعد إغلاق الفترة، وأن البيع الأصلي حقيقي؛ فالإشعارات "
                       "التي تلغي مبيعات أُقرّت في إقرار سابق تحتاج إلى ما يثبتها."),
            documents=_refs(notes), users=tuple(sorted({n.user for n in notes})),
            figures={"notes": str(len(notes)), "amount": str(amount), "vat": str(vat), "period_end": end.isoformat(),
                     "days": str(th.credit_after_close_days)},
            scope=f"period:{label}", period=(first, end)))
    return findings


# -- concentrated on a user or a customer ----------------------------------------------------------------------

def _concentrated(book: Book, th: Thresholds, credits: list[Doc]) -> list[Finding]:
    invoices_by: dict[str, Counter[str]] = {"user": Counter(), "customer": Counter()}
    for doc in book.docs:
        if doc.type == "invoice":
            invoices_by["user"][doc.user] += 1
            if doc.customer:
                invoices_by["customer"][doc.customer] += 1
    notes_by: dict[str, dict[str, list[Doc]]] = {"user": defaultdict(list), "customer": defaultdict(list)}
    for note in credits:
        notes_by["user"][note.user].append(note)
        if note.customer:
            notes_by["customer"][note.customer].append(note)
    total_notes, findings = len(credits), []
    for kind in ("user", "customer"):
        total_invoices = sum(invoices_by[kind].values())
        if not total_notes or not total_invoices:
            continue
        for who, notes in sorted(notes_by[kind].items()):
            if len(notes) < th.credit_min_notes or not any(book.in_period(n) for n in notes):
                continue
            note_share = len(notes) / total_notes
            invoice_share = max(invoices_by[kind][who], 1) / total_invoices
            ratio = note_share / invoice_share
            if ratio >= th.credit_concentration_ratio:
                findings.append(_concentrated_finding(kind, who, notes, note_share, invoice_share, ratio, th))
    return findings


def _concentrated_finding(kind: str, who: str, notes: list[Doc], note_share: float, invoice_share: float,
                          ratio: float, th: Thresholds) -> Finding:
    largest = sorted(notes, key=lambda d: -abs(d.total))[:_EVIDENCE_CAP]
    amount = money(sum(abs(n.total) for n in notes))
    score = min(1.0, 0.5 + 0.05 * (ratio - th.credit_concentration_ratio))
    name, name_ar = ("This user", "هذا المستخدم") if kind == "user" else ("This customer", "هذا العميل")
    action = ("Review these credit notes with their evidence (returns, approvals); check who approves credit notes "
              "and whether one person can issue them alone.") if kind == "user" else (
              "Review this customer's credit notes with their evidence (returns, disputes, agreed discounts) and "
              "whether they are approved by someone other than the issuer.")
    action_ar = ("راجع هذه الإشعارات الدائنة مع ما يثبتها (المرتجعات والموافقات)، وتحقق ممن يعتمد إشعارات الدائن "
                 "وهل يستطيع شخص واحد إصدارها وحده.") if kind == "user" else (
                 "راجع الإشعارات الدائنة لهذا العميل مع ما يثبتها (المرتجعات والنزاعات والخصومات المتفق عليها)، "
                 "وتحقق من اعتمادها من شخص غير مُصدِرها.")
    note_pct, invoice_pct = f"{note_share * 100:.1f}", f"{invoice_share * 100:.2f}"
    return Finding(
        rule="INS-CRN-CONCENTRATED", score=round(score, 4),
        summary=(f"{name} has {len(notes)} credit notes ({note_pct} % of all) against {invoice_pct} % of the "
                 f"invoices ({ratio:.1f} ×), {amount} in total; the largest: {numbers(largest)}."),
        summary_ar=(f"لدى {name_ar} {count_ar(len(notes), NOTES_AR)} ({note_pct} % من المجموع) مقابل {invoice_pct} "
                    f"% من "
                    f"الفواتير ({ratio:.1f} ضعف)، بإجمالي {amount}؛ أكبرها: {numbers(largest)}."),
        action=action, action_ar=action_ar, documents=_refs(largest),
        customers=(who,) if kind == "customer" else (), users=(who,) if kind == "user" else (),
        figures={"notes": str(len(notes)), "note_share": f"{note_share:.4f}", "invoice_share": f"{invoice_share:.4f}",
                 "ratio": f"{ratio:.2f}", "amount": str(amount)},
        scope=f"{kind}:{who.removeprefix('user:')}")
