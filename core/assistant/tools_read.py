"""What each assistant tool reads, through core's own read functions: `(uow, arguments) -> dict` of JSON values.

The arguments arrive checked against the tool's schema (core.assistant.tools_args), with defaults filled in. Every
customer name goes through `core.insights.shown_names` with purpose "assistant": an individual's read is in the
access log, a restricted one reads "(restricted)" to a clerk, an erased one its pseudonym. Only the names of the rows
returned are read. Money is exact decimal text with its currency, dates ISO in Riyadh time.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.assistant.tools_args import bad_arguments, day_after, money, period
from core.clock import saudi_date, saudi_midnight, saudi_time
from core.store import models as m

if TYPE_CHECKING:
    from core.uow import UnitOfWork

PURPOSE = "assistant"
Args = Mapping[str, Any]


def customers(uow: UnitOfWork, ids: Iterable[str | None]) -> dict[str, dict[str, str]]:
    """{id: {"id", "name"}} of these customers, each name read through the privacy gate (access log)."""
    from core.insights import shown_names

    shown = shown_names(uow, {i for i in ids if i}, purpose=PURPOSE)
    return {i: {"id": i, "name": s.name} for i, s in shown.items()}


def _customer(names: Mapping[str, dict[str, str]], customer_id: str | None) -> dict[str, str] | None:
    return None if customer_id is None else names.get(customer_id, {"id": customer_id, "name": ""})


# -- sales and VAT ----------------------------------------------------------------------------------------------


def sales_and_vat(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.invoicing import PeriodKind, sales_figures
    from core.invoicing.figures import Period

    days = period(args, uow.now())
    figures = sales_figures(uow, Period(PeriodKind.QUARTER, saudi_midnight(days.start),
                                        saudi_midnight(day_after(days.end))))
    return {"period": days.to_json(), "sales_excluding_vat": money(figures.sales, "SAR"),
            "vat": money(figures.vat, "SAR"), "issued_documents": figures.issued,
            "issued_by_type": dict(sorted(figures.by_type.items())), "drafts": figures.drafts,
            "zatca_states": dict(sorted(figures.by_submission.items())),
            "basis": "issued documents by issue date in Riyadh time; credit notes subtract; foreign currency "
                     "converted at each document's exchange rate"}


def vat_return(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.reports import vat_return_figures

    days = period(args, uow.now())
    figures = vat_return_figures(uow, days.start, days.end)
    boxes = [{"box": b.box, "name": b.name, "amount": money(b.amount, "SAR"),
              "adjustment": money(b.adjustment, "SAR"), "net": money(b.net, "SAR"), "vat": money(b.vat, "SAR"),
              "documents": b.documents} for b in (*figures.boxes, figures.out_of_scope)]
    return {"period": days.to_json(), "boxes": boxes, "vat_due_on_sales": money(figures.vat_due_on_sales, "SAR"),
            "documents": figures.documents, "invoices": figures.invoices, "credit_notes": figures.credit_notes,
            "debit_notes": figures.debit_notes, "foreign_currency_documents": figures.foreign_currency,
            "rejected_by_zatca": figures.rejected_by_zatca,
            "note": "sales side only: purchases (input VAT) are not recorded in Qayd"}


# -- receivables ------------------------------------------------------------------------------------------------


def _open_invoices(uow: UnitOfWork, customer_id: str | None) -> list[tuple[Any, str | None, datetime, int]]:
    """(paid status, customer id, issued at, days overdue) of every invoice that still asks for money."""
    from core.payments import paid_statuses

    open_ = [s for s in paid_statuses(uow).values() if s.outstanding > 0]
    facts: dict[uuid.UUID, tuple[str | None, datetime]] = {}
    ids = [s.invoice_id for s in open_]
    for first in range(0, len(ids), 500):
        query = select(m.Invoice.id, m.Invoice.customer_id, m.Invoice.issue_datetime).where(
            m.Invoice.id.in_(ids[first:first + 500]))
        facts.update((i, (None if c is None else str(c), at)) for i, c, at in uow.session.execute(query))
    today = saudi_date(uow.now())
    found = []
    for status in open_:
        customer, issued = facts[status.invoice_id]
        if customer_id is None or customer == customer_id:
            found.append((status, customer, issued, (today - saudi_date(issued)).days))
    return found


def _invoice_list(uow: UnitOfWork, args: Args, *, min_days: int, order: str) -> dict[str, Any]:
    customer_id = args.get("customer_id")
    if customer_id is not None:
        try:
            customer_id = str(uuid.UUID(customer_id))
        except ValueError:
            raise bad_arguments(("customer_id", f"{customer_id!r} is not a customer's id.")) from None
    rows = [r for r in _open_invoices(uow, customer_id) if r[3] >= min_days]
    if order == "age":
        rows.sort(key=lambda r: (-r[3], -r[0].outstanding, r[0].number))
    else:
        rows.sort(key=lambda r: (-r[0].outstanding, -r[3], r[0].number))
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for status, *_ in rows:
        totals[status.currency] += status.outstanding
    shown = rows[:args["limit"]]
    names = customers(uow, (r[1] for r in shown))
    return {"as_of": saudi_date(uow.now()).isoformat(), "matching": len(rows), "shown": len(shown),
            "total_outstanding": [money(totals[c], c) for c in sorted(totals, key=lambda c: (c != "SAR", c))],
            "invoices": [{"number": s.number, "id": str(s.invoice_id), "issue_date": saudi_date(at).isoformat(),
                          "days_overdue": days, "customer": _customer(names, customer),
                          "due": money(s.due, s.currency), "received": money(s.received, s.currency),
                          "outstanding": money(s.outstanding, s.currency), "paid_state": s.state}
                         for s, customer, at, days in shown],
            "basis": "an invoice falls due on its issue date (Riyadh); outstanding = payable less credit notes "
                     "plus debit notes less matched payments net of refunds"}


def outstanding_invoices(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    return _invoice_list(uow, args, min_days=0, order=args["order"])


def overdue_invoices(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    return _invoice_list(uow, args, min_days=args["min_days"], order="age")


def top_debtors(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    owed: dict[tuple[str, str], list[Any]] = {}
    anonymous: dict[str, Decimal] = defaultdict(Decimal)  # simplified invoices to no customer of the company
    for status, customer, _, days in _open_invoices(uow, None):
        if customer is None:
            anonymous[status.currency] += status.outstanding
            continue
        entry = owed.setdefault((customer, status.currency), [Decimal(0), 0, 0])
        entry[0] += status.outstanding
        entry[1] += 1
        entry[2] = max(entry[2], days)
    ranked = sorted(owed.items(), key=lambda item: (item[0][1] != "SAR", -item[1][0], item[0][0]))
    shown = ranked[:args["limit"]]
    names = customers(uow, (key[0] for key, _ in shown))
    return {"as_of": saudi_date(uow.now()).isoformat(), "customers_owing": len({k[0] for k in owed}),
            "shown": len(shown),
            "customers": [{"customer": _customer(names, customer), "outstanding": money(total, currency),
                           "invoices": count, "oldest_days_overdue": oldest}
                          for (customer, currency), (total, count, oldest) in shown],
            "owed_by_buyers_not_on_file": [money(v, c) for c, v in sorted(anonymous.items())]}


def receivables_ageing(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.payments import AGEING_BUCKETS, receivables

    owed = receivables(uow, uow.now())
    return {"as_of": owed.as_of.isoformat(), "buckets": list(AGEING_BUCKETS),
            "by_currency": [{"currency": a.currency, "total": money(a.total, a.currency), "invoices": a.invoices,
                             "buckets": {b: {"amount": money(a.amount(b), a.currency), "invoices": n}
                                         for b, n in zip(AGEING_BUCKETS, a.counts, strict=True)}}
                            for a in owed.by_currency]}


def top_customers(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.insights import load_book

    days = period(args, uow.now())
    book = load_book(uow, days.start, days.end, history_months=0)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for doc in book.period_docs():
        if doc.customer is None:
            continue
        sign = -1 if doc.is_credit else 1
        entry = totals[(doc.customer, doc.currency)]
        entry[0] += sign * abs(doc.total)
        entry[1] += sign * abs(doc.tax)
        entry[2] += 1
    ranked = sorted(totals.items(), key=lambda item: (item[0][1] != "SAR", -item[1][0], item[0][0]))
    shown = ranked[:args["limit"]]
    names = customers(uow, (key[0] for key, _ in shown))
    return {"period": days.to_json(), "customers_with_sales": len({k[0] for k in totals}), "shown": len(shown),
            "customers": [{"customer": _customer(names, customer), "documents": n,
                           "total_including_vat": from_money(total, currency),
                           "vat": from_money(tax, "SAR")}
                          for (customer, currency), (total, tax, n) in shown],
            "basis": "issued documents of the period to the company's customers; credit notes subtract; ranked "
                     "by total including VAT, SAR first"}


def from_money(halalas: int, currency: str) -> dict[str, str]:
    from core.insights.book import money as from_halalas

    return money(from_halalas(halalas), currency)


def expected_collections(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.insights import default_period, load_book
    from core.insights.checks.receivables import collections

    start, end = default_period(uow.now())
    owed = collections(load_book(uow, start, end))
    if owed is None:
        return {"note": "No payment is recorded yet, so there is no paying history to expect collections from."}
    shown = owed.customers[:args["limit"]]
    names = customers(uow, (c.customer for c in shown))
    windows = ("within_30_days", "in_31_to_60_days", "in_61_to_90_days")
    return {"as_of": owed.as_of.isoformat(), "outstanding": money(owed.outstanding, "SAR"),
            "expected": {w: money(v, "SAR") for w, v in zip(windows, owed.expected, strict=True)},
            "customers_owing": len(owed.customers), "shown": len(shown),
            "customers": [{"customer": _customer(names, c.customer), "outstanding": money(c.outstanding, "SAR"),
                           "usual_days_to_pay": c.usual_days,
                           "expected": {w: money(v, "SAR") for w, v in zip(windows, c.expected, strict=True)}}
                          for c in shown],
            "basis": "each customer's own paying history (median days to pay) over the last twelve months"}


# -- one invoice, the ZATCA queue, payments, insights ---------------------------------------------------------------


def invoice_status(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.invoicing import browse, find_invoice_row
    from core.payments import paid_status
    from core.zatca import list_queue

    row = find_invoice_row(uow, args["number"].strip())
    [shown] = browse.rows(uow, [row.id.hex], purpose=PURPOSE)
    customer = None if row.customer_id is None else {"id": str(row.customer_id), "name": shown.customer_name}
    result: dict[str, Any] = {
        "number": shown.number, "id": str(shown.id), "type": shown.type, "kind": shown.kind, "status": shown.status,
        "issued_at": shown.issue_datetime.isoformat(), "customer": customer,
        "payable": money(shown.payable, shown.currency), "vat": money(shown.tax_total, shown.currency),
        "zatca_state": shown.zatca_state}
    paid = paid_status(uow, shown.id)
    if paid is not None:
        result["paid"] = {"state": paid.state, "due": money(paid.due, paid.currency),
                          "received": money(paid.received, paid.currency),
                          "outstanding": money(paid.outstanding, paid.currency)}
    item = next((q for q in list_queue(uow, states=("pending", "sending", "rejected")) if q.invoice_id == shown.id),
                None)
    if item is not None:
        result["zatca"] = {"kind": item.kind, "state": item.state, "attempts": item.attempts,
                           "deadline": None if item.deadline is None else saudi_time(item.deadline).isoformat(),
                           "messages": [dict(x) for x in item.messages][:10]}
    return result


def zatca_queue(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.zatca import list_queue, queue_summary

    summary = queue_summary(uow, nearest=args["limit"])
    now = uow.now()
    rejected = list_queue(uow, states=("rejected",))
    return {"by_state": dict(sorted(summary.by_state.items())), "open": summary.open,
            "nearest_deadlines": [{"number": d.number, "kind": d.kind, "state": d.state,
                                   "deadline": saudi_time(d.deadline).isoformat(), "overdue": d.overdue(now)}
                                  for d in summary.nearest],
            "rejected": len(rejected),
            "rejected_shown": [{"number": q.number, "kind": q.kind, "attempts": q.attempts,
                                "messages": [dict(x) for x in q.messages][:5]} for q in rejected[:args["limit"]]],
            "basis": "reporting (simplified) is due within 24 hours of issue; clearance (standard) before sharing"}


def payments(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.payments import list_payments

    rows = list_payments(uow, state=args.get("state"), limit=args["limit"])
    return {"shown": len(rows), "payments": [
        {"reference": p.payment_ref, "provider": p.provider, "invoice_number": p.invoice_number,
         "amount": money(p.amount, p.currency), "fee": money(p.fee, p.currency),
         "refunded": money(p.refunded, p.currency), "state": p.state, "problem": p.problem,
         "paid_at": p.paid_at.isoformat()} for p in rows], "order": "newest first"}


def insight_findings(uow: UnitOfWork, args: Args) -> dict[str, Any]:
    from core.insights import list_findings

    stored = list_findings(uow, rule=args.get("rule"), include_marked=args["include_marked"])
    shown = stored[:args["limit"]]
    names = customers(uow, (c for s in shown for c in s.finding.customers))
    language = args["language"]
    findings = []
    for s in shown:
        title, summary, action = s.finding.text(language)
        findings.append({"key": s.finding.key[:12], "rule": s.finding.rule, "severity": s.finding.severity,
                         "score": round(s.finding.score, 4), "title": title, "summary": summary, "action": action,
                         "documents": [d.number for d in s.finding.documents][:20],
                         "documents_total": len(s.finding.documents),
                         "customers": [_customer(names, c) for c in s.finding.customers][:20],
                         "figures": dict(s.finding.figures), "mark": None if s.mark is None else s.mark.value,
                         "first_seen": saudi_time(s.first_seen).isoformat()})
    run_at = saudi_time(stored[0].run_at).isoformat() if stored else None
    return {"last_run": run_at, "matching": len(stored), "shown": len(shown), "findings": findings}
