"""What an insight says: a finding with its rule, score, evidence and suggested action, in Arabic and English.

Checks (core.insights.checks) read a `Book` (core.insights.book) and return findings; the service keeps the last
run's findings (`insight_finding`) and people's marks on them (`insight_mark`, synchronised). A finding's `key` is
its rule and the evidence behind it, so a false positive marked once is not raised again for the same evidence.

No personal value ever goes into a finding: documents are named by id and number, customers by id (the faces show
their names through `core.insights.service.shown_names`, which writes the access log), figures are text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any


class MarkState(StrEnum):
    """A person's verdict on a finding (`qayd insights mark ID --as …`)."""

    ACKNOWLEDGED = "acknowledged"
    FALSE_POSITIVE = "false_positive"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of finding: its stable id, its group (what the issue lists), and its names in both languages."""

    id: str
    group: str
    title: str
    title_ar: str


# Every rule a check may raise, by id. The ids are stable: marks, reports and the recall test name them.
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("INS-DUP-AMOUNT", "duplicates", "Possible duplicate: same buyer, same total within days",
         "فاتورة مكررة محتملة: المشتري نفسه والإجمالي نفسه خلال أيام"),
    Rule("INS-DUP-LINES", "duplicates", "Possible duplicate: same buyer, same lines within days",
         "فاتورة مكررة محتملة: المشتري نفسه والبنود نفسها خلال أيام"),
    Rule("INS-DIG-ROUND", "digits", "Round amounts far above this person's or customer's baseline",
         "مبالغ مقرّبة أكثر بكثير من المعتاد لهذا المستخدم أو العميل"),
    Rule("INS-DIG-REPEAT", "digits", "The same last digits repeated far above the baseline",
         "تكرار الخانات الأخيرة نفسها أكثر بكثير من المعتاد"),
    Rule("INS-DIG-BENFORD", "digits", "Amounts do not follow Benford's law (first two digits)",
         "المبالغ لا تتبع قانون بنفورد (أول خانتين)"),
    Rule("INS-TIME-HOURS", "timing", "Issued outside working hours (Riyadh time)",
         "أُصدرت خارج ساعات العمل (بتوقيت الرياض)"),
    Rule("INS-TIME-WEEKEND", "timing", "Issued on the weekend (Friday or Saturday)",
         "أُصدرت في عطلة نهاية الأسبوع (الجمعة أو السبت)"),
    Rule("INS-TIME-HOLIDAY", "timing", "Issued on a public holiday", "أُصدرت في عطلة رسمية"),
    Rule("INS-TIME-PERIOD-END", "timing", "Unusual issuing in the last days of a VAT period",
         "إصدار غير معتاد في الأيام الأخيرة من فترة ضريبة القيمة المضافة"),
    Rule("INS-VAT-PRODUCT", "vat", "The same product sold under different VAT categories",
         "المنتج نفسه بيع بفئات ضريبية مختلفة"),
    Rule("INS-VAT-SHARE", "vat", "Zero-rated or exempt share moved sharply",
         "تغيّرت نسبة المبيعات الخاضعة لنسبة الصفر أو المعفاة بشكل حاد"),
    Rule("INS-VAT-EXPORT", "vat", "Export treatment on a domestic buyer", "معاملة تصدير لمشترٍ محلي"),
    Rule("INS-CUS-SPEND", "customers", "A customer's spend far from its own baseline",
         "إنفاق العميل بعيد عن معدله المعتاد"),
    Rule("INS-CUS-NEW-LARGE", "customers", "A new customer's first invoice is unusually large",
         "أول فاتورة لعميل جديد كبيرة على نحو غير معتاد"),
    Rule("INS-SEQ-GAP", "sequence", "Gap in the invoice numbering", "فجوة في ترقيم الفواتير"),
    Rule("INS-SEQ-BACKWARDS", "sequence", "Issue time goes backwards as the counter rises",
         "وقت الإصدار يتراجع بينما يتقدم العداد"),
    Rule("INS-SEQ-BACKDATED", "sequence", "Back-dated far before the audit chain recorded it",
         "مؤرخة قبل تسجيلها في سجل التدقيق بمدة طويلة"),
    Rule("INS-CRN-EXCEEDS", "credits", "Credit notes exceed their original invoice",
         "إشعارات الدائن تتجاوز الفاتورة الأصلية"),
    Rule("INS-CRN-AFTER-CLOSE", "credits", "Credit note issued just after a VAT period closed",
         "إشعار دائن صدر مباشرة بعد إغلاق فترة ضريبية"),
    Rule("INS-CRN-CONCENTRATED", "credits", "Credit notes concentrated on one user or customer",
         "إشعارات الدائن مركّزة على مستخدم أو عميل واحد"),
    Rule("INS-AR-OVERDUE", "receivables", "A customer is paying far later than its own history",
         "العميل يتأخر في السداد أكثر بكثير من عادته"),
)}


@dataclass(frozen=True, slots=True)
class DocRef:
    """A document in a finding's evidence: its id (the invoice's UUID as text) and number as printed."""

    id: str
    number: str


@dataclass(frozen=True)
class Finding:
    """One insight: what was found, how strongly (`score` 0–1), the evidence, and what to do, in both languages.

    `documents` are the documents behind the finding (the ones a planted anomaly must appear in to count as found);
    `customers` the customer ids it is about (shown through the access log); `users` the staff usernames;
    `figures` the numbers behind it as text (Decimal amounts, ratios, counts), named in snake case.
    `scope` names what the evidence is about when it is not documents alone ("user:ali", "customer:<id>",
    "period:2026-03", "book"); it goes into the key with the documents.
    """

    rule: str
    score: float
    summary: str
    summary_ar: str
    action: str
    action_ar: str
    documents: tuple[DocRef, ...] = ()
    customers: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    figures: Mapping[str, str] = field(default_factory=dict)
    scope: str = ""
    period: tuple[date, date] | None = None  # the period the finding is about, when it is one

    @cached_property
    def key(self) -> str:
        """Stable over runs for the same rule and evidence: what a mark is keyed by (a digest of up to thousands of
        document ids: made once per finding)."""
        evidence = {"rule": self.rule, "scope": self.scope, "documents": sorted(d.id for d in self.documents)}
        text = json.dumps(evidence, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def severity(self) -> str:
        return "high" if self.score >= 0.8 else "medium" if self.score >= 0.5 else "low"

    @property
    def title(self) -> str:
        return RULES[self.rule].title

    @property
    def title_ar(self) -> str:
        return RULES[self.rule].title_ar

    def text(self, language: str) -> tuple[str, str, str]:
        """(title, summary, action) in `language`: Arabic when "ar", else English."""
        if language == "ar":
            return self.title_ar, self.summary_ar or self.summary, self.action_ar or self.action
        return self.title, self.summary, self.action

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "rule": self.rule, "group": RULES[self.rule].group, "score": round(self.score, 4),
                "severity": self.severity, "title": self.title, "title_ar": self.title_ar,
                "summary": self.summary, "summary_ar": self.summary_ar, "action": self.action,
                "action_ar": self.action_ar, "documents": [{"id": d.id, "number": d.number} for d in self.documents],
                "customers": list(self.customers), "users": list(self.users), "figures": dict(self.figures),
                "scope": self.scope,
                "period": None if self.period is None else [self.period[0].isoformat(), self.period[1].isoformat()]}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Finding:
        period = doc.get("period")
        return cls(rule=doc["rule"], score=float(doc["score"]), summary=doc["summary"], summary_ar=doc["summary_ar"],
                   action=doc["action"], action_ar=doc["action_ar"],
                   documents=tuple(DocRef(d["id"], d["number"]) for d in doc.get("documents", ())),
                   customers=tuple(doc.get("customers", ())), users=tuple(doc.get("users", ())),
                   figures=dict(doc.get("figures", {})), scope=doc.get("scope", ""),
                   period=None if not period else (date.fromisoformat(period[0]), date.fromisoformat(period[1])))


@dataclass(frozen=True)
class NotApplicable:
    """A check that could not judge this book (too few amounts for Benford, no payments for collections), and why."""

    rule: str
    reason: str
    reason_ar: str


@dataclass(frozen=True)
class Stored:
    """A finding as kept by the last run, with the latest mark on it (if any)."""

    finding: Finding
    run_at: datetime
    first_seen: datetime
    mark: MarkState | None = None
    marked_by: str = ""
    note: str = ""


@dataclass(frozen=True)
class RunResult:
    """One run: the findings raised (false positives of the same evidence left out), what was not applicable, the
    period, how many documents were read and how long it took."""

    period: tuple[date, date]
    findings: tuple[Finding, ...]
    not_applicable: tuple[NotApplicable, ...]
    documents: int
    suppressed: int  # findings left out because a person marked the same evidence a false positive
    seconds: float
    ran_at: datetime
    collections: Collections | None = None  # expected collections, once payments exist

    def flagged_documents(self) -> set[str]:
        return {d.id for f in self.findings for d in f.documents}


@dataclass(frozen=True)
class CustomerCollections:
    """One customer's receivables: what it owes by age, how many days it usually takes to pay (median over its paid
    invoices; None before it has paid any), and what it is expected to pay within 30, 31–60 and 61–90 days."""

    customer: str
    outstanding: Decimal
    ageing: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]  # not due, 1–30, 31–60, 61–90, over 90 days
    usual_days: float | None
    expected: tuple[Decimal, Decimal, Decimal]


@dataclass(frozen=True)
class Collections:
    """Expected collections from each customer's own paying history (core.insights.checks.receivables)."""

    as_of: date
    outstanding: Decimal
    expected: tuple[Decimal, Decimal, Decimal]  # within 30, 31–60, 61–90 days
    customers: tuple[CustomerCollections, ...]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "outstanding": str(self.outstanding),
                "expected": [str(v) for v in self.expected],
                "customers": [{"customer": c.customer, "outstanding": str(c.outstanding),
                               "ageing": [str(v) for v in c.ageing], "usual_days": c.usual_days,
                               "expected": [str(v) for v in c.expected]} for c in self.customers]}


# What each figure a check reports is called, in English and Arabic (the detail pane and the report show these,
# never the snake-case key). tests/insights/test_recall_all.py keeps every figure any rule raises named here.
FIGURES: dict[str, tuple[str, str]] = {
    "amount": ("Amount", "المبلغ"),
    "band": ("Conformity (Nigrini)", "درجة المطابقة (نيغريني)"),
    "buyer_country": ("Buyer's country", "بلد المشتري"),
    "category": ("VAT category", "فئة الضريبة"),
    "change_points": ("Change (share points)", "التغيّر (نقاط النسبة)"),
    "company_share": ("Company's share", "نسبة المنشأة"),
    "count": ("Amounts tested", "عدد المبالغ المختبرة"),
    "counter": ("Counter (ICV)", "عداد الفواتير (ICV)"),
    "credited": ("Credited", "المبلغ المُشعَر به دائنًا"),
    "currency": ("Currency", "العملة"),
    "days": ("Days", "الأيام"),
    "days_apart": ("Days apart", "الفارق بالأيام"),
    "debit_notes": ("Debit notes", "إشعارات المدين"),
    "documents": ("Documents", "المستندات"),
    "excess": ("Excess", "الزيادة"),
    "first_beyond": ("First note beyond the total", "أول إشعار تجاوز الإجمالي"),
    "from": ("From", "من"),
    "history": ("Earlier documents", "المستندات السابقة"),
    "holidays": ("Holidays", "العطل"),
    "hours": ("Hours", "الساعات"),
    "hours_back": ("Hours back", "الساعات إلى الوراء"),
    "invoice_share": ("Share of invoices", "النسبة من الفواتير"),
    "invoice_total": ("Invoice total", "إجمالي الفاتورة"),
    "invoices": ("Invoices", "الفواتير"),
    "issued": ("Issue date", "تاريخ الإصدار"),
    "kind": ("Kind", "النوع"),
    "limit_days": ("Limit (days)", "الحد (بالأيام)"),
    "lines": ("Lines", "البنود"),
    "lines_other": ("Lines in the other category", "البنود في الفئة الأخرى"),
    "lines_usual": ("Lines in the usual category", "البنود في الفئة المعتادة"),
    "mad": ("Mean absolute deviation", "متوسط الانحراف المطلق"),
    "matching": ("Matching documents", "المستندات المطابقة"),
    "median": ("Median", "الوسيط"),
    "median_first_invoice": ("Median first invoice", "وسيط أول فاتورة"),
    "missing": ("Missing", "المفقود"),
    "month": ("Month", "الشهر"),
    "name_similarity": ("Name similarity", "تشابه الاسم"),
    "net_sales": ("Net sales", "صافي المبيعات"),
    "note_share": ("Share of credit notes", "النسبة من إشعارات الدائن"),
    "notes": ("Credit notes", "إشعارات الدائن"),
    "oldest_days": ("Oldest (days)", "الأقدم (بالأيام)"),
    "open_drafts": ("Numbers held by open drafts", "أرقام محجوزة لمسودات مفتوحة"),
    "outstanding": ("Outstanding", "المستحق"),
    "over_represented": ("Over-represented first digits", "الخانات الأولى الزائدة"),
    "p_value": ("Probability by chance", "احتمال الصدفة"),
    "period_end": ("Period end", "نهاية الفترة"),
    "previous_counter": ("Previous counter", "العداد السابق"),
    "product": ("Product", "المنتج"),
    "ratio": ("Ratio to usual", "النسبة إلى المعتاد"),
    "recorded": ("Recorded by the audit chain", "وقت التسجيل في سجل التدقيق"),
    "robust_deviations": ("Robust deviations", "الانحرافات المتينة"),
    "same_lines": ("Same lines", "البنود نفسها"),
    "saudi_vat_number": ("Saudi VAT number", "رقم ضريبي سعودي"),
    "share": ("Share", "النسبة"),
    "times": ("Times", "الأوقات"),
    "to": ("To", "إلى"),
    "total": ("Total", "الإجمالي"),
    "total_first": ("First total", "الإجمالي الأول"),
    "total_second": ("Second total", "الإجمالي الثاني"),
    "usual_category": ("Usual category", "الفئة المعتادة"),
    "usual_days": ("Usual days to pay", "أيام السداد المعتادة"),
    "usual_share": ("Usual share", "النسبة المعتادة"),
    "vat": ("VAT", "ضريبة القيمة المضافة"),
}


def figure_label(key: str, language: str) -> str:
    """A figure's name for a person: Arabic when "ar"; a key not listed reads as its words."""
    names = FIGURES.get(key)
    if names is None:
        return key.replace("_", " ")
    return names[1] if language == "ar" else names[0]
