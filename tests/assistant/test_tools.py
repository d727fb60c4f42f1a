"""The assistant's tools (issue 18 point 2) against the demo company: every figure checked by an independent Decimal
recomputation over the stored documents, names read through the access log with purpose "assistant", at most the
rows asked for, and wrong arguments answered as an error result the model can read, never a traceback."""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from core.assistant import TOOLS, ToolCall, run_tool, tool_specs
from core.assistant.tools_args import MAX_LIMIT, schema_problems
from core.bootstrap import open_company
from core.config import load_settings
from core.insights import list_findings, run
from core.invoicing.demo import create_demo
from core.privacy import access_log
from core.privacy.roles import RESTRICTED
from core.store import models as m
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.queue import submission_row
from tests.conftest import StepClock

RIYADH = timezone(timedelta(hours=3))
TODAY = date(2026, 11, 25)  # StepClock's day in Riyadh
REJECTION = {"type": "ERROR", "code": "BR-KSA-37", "message": "The seller's address is incomplete."}


def make_books(folder: Path) -> Context:
    """The demo company: 60 drafts, 20 issued and queued for ZATCA (one done, two rejected), a full, a partial and an
    unmatched payment, and one insights run."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {"QAYD_DATA_DIR": str(folder / "data"), "QAYD_COMPANY": "tools", "QAYD_MASTER_KEY_SOURCE": "env",
           "QAYD_MASTER_KEY": base64.b64encode(b"t" * 32).decode()}
    (folder / "empty.toml").write_text("", "utf-8")
    ctx = open_company(load_settings(environ=env, config_file=folder / "empty.toml"), create=True, environ=env,
                       clock=StepClock(), username="tester")
    create_demo(ctx, drafts=60)
    add_demo_egs(ctx, issue=20)
    with ctx.uow() as uow:
        unit = uow.session.scalars(select(m.EgsUnit.id)).one()
        issued = uow.session.execute(select(m.Invoice.id, m.Invoice.issue_datetime, m.Invoice.kind, m.Invoice.type,
                                            m.Invoice.payable).where(m.Invoice.status == "issued")
                                     .order_by(m.Invoice.number)).all()
        uow.session.execute(insert(m.ZatcaSubmission), [
            submission_row(invoice_id=i, egs_unit_id=unit, kind="clearance" if kind == "standard" else "reporting",
                           issued_at=at, now=uow.now(), device_id=ctx.device_id) for i, at, kind, _, _ in issued])
        invoices = [r for r in issued if r.type == "invoice"]
        for invoice, amount, state in ((invoices[0].id, invoices[0].payable, "matched"),
                                       (invoices[1].id, Decimal("100.00"), "matched"),
                                       (None, Decimal("42.50"), "unmatched")):
            now = uow.now()
            uow.session.add(m.Payment(id=uuid.uuid4(), created_at=now, updated_at=now, device_id=ctx.device_id,
                                      provider="fake", payment_ref=f"pay_{amount}", invoice_id=invoice,
                                      amount=amount, refunded=Decimal(0), currency="SAR", state=state,
                                      problem="" if invoice else "QAYD-PAY-REFERENCE",
                                      paid_at=datetime(2026, 11, 20, 9, tzinfo=UTC)))
        uow.commit()
    with sqlite3.connect(ctx.db.path) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM zatca_submission ORDER BY created_at LIMIT 3")]
        conn.execute("UPDATE zatca_submission SET state = 'done' WHERE id = ?", (ids[0],))
        conn.execute("UPDATE zatca_submission SET state = 'rejected', messages_json = ? WHERE id IN (?, ?)",
                     (json.dumps([REJECTION]), ids[1], ids[2]))
    run(ctx)
    return ctx


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    ctx = make_books(tmp_path_factory.mktemp("tools"))
    yield ctx
    ctx.close()


def call(ctx: Context, name: str, **arguments: Any) -> dict[str, Any]:
    result = ask(ctx, name, arguments)
    assert not result[1], result[0]
    return result[0]


def ask(ctx: Context, name: str, arguments: Any) -> tuple[dict[str, Any], bool]:
    with ctx.uow(write=False) as uow:
        result = run_tool(uow, ToolCall("call-1", name, arguments))
    assert result.call_id == "call-1"
    return json.loads(result.content), result.is_error


def amount(value: dict[str, str]) -> Decimal:
    assert value["currency"] == "SAR"
    return Decimal(value["amount"])


# -- the stored documents, read plainly: the independent side of every comparison ----------------------------------


def stored(ctx: Context) -> list[Any]:
    with ctx.uow(write=False) as uow:
        return list(uow.session.execute(select(m.Invoice).where(m.Invoice.status == "issued")).scalars())


def in_days(row: Any, first: date, last: date) -> bool:
    return bool(first <= row.issue_datetime.astimezone(RIYADH).date() <= last)


def sign(row: Any) -> int:
    return -1 if row.type == "credit_note" else 1


def outstanding_by_number(ctx: Context) -> dict[str, Decimal]:
    docs = stored(ctx)
    notes: dict[str, Decimal] = defaultdict(Decimal)
    for d in docs:
        if d.type != "invoice" and d.billing_reference:
            notes[d.billing_reference] += d.payable if d.type == "debit_note" else -d.payable
    with ctx.uow(write=False) as uow:
        query = select(m.Payment.invoice_id, m.Payment.amount, m.Payment.refunded).where(m.Payment.state == "matched")
        paid = {i: a - r for i, a, r in uow.session.execute(query)}
    owed = {d.number: d.payable + notes[d.number] - paid.get(d.id, Decimal(0)) for d in docs if d.type == "invoice"}
    return {n: v for n, v in owed.items() if v > 0}


def names(ctx: Context) -> dict[str, tuple[str, str]]:
    with ctx.uow(write=False) as uow:
        return {str(c.id): (c.name, c.kind) for c in uow.session.scalars(select(m.Customer))}


# -- the specs ---------------------------------------------------------------------------------------------------


def test_there_are_about_ten_tools_each_a_well_formed_schema_the_model_can_read() -> None:
    specs = tool_specs()
    assert 10 <= len(specs) <= 13 and [s.name for s in specs] == list(TOOLS)
    for spec in specs:
        assert re.fullmatch(r"[a-z_]{1,64}", spec.name)  # both providers' rule for a tool's name, and more
        assert schema_problems(spec.parameters) == [], spec.name
        assert len(spec.description) > 60 and "exact decimal" in spec.description
        limit = spec.parameters["properties"].get("limit")
        assert limit is None or (limit["default"], limit["maximum"]) == (10, MAX_LIMIT)


class Reads(dict[str, Any]):
    """The arguments a tool function is handed, noting which it reads."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


def valid_value(name: str, prop: dict[str, Any], ctx: Context) -> Any:
    special = {"period": "2026-Q4", "from": "2026-10-01", "to": "2026-11-30", "number": stored(ctx)[0].number,
               "rule": list_findings_rule(ctx), "customer_id": next(iter(names(ctx)))}
    if name in special:
        return special[name]
    if "enum" in prop:
        return prop["enum"][-1]
    return {"integer": prop.get("minimum", 1), "boolean": False, "string": "x"}[prop["type"]]


def list_findings_rule(ctx: Context) -> str:
    with ctx.uow(write=False) as uow:
        return list_findings(uow)[0].finding.rule


def test_every_function_reads_exactly_its_schemas_properties(books: Context) -> None:
    from core.assistant.tools_args import checked

    for tool in TOOLS.values():
        properties = tool.spec.parameters["properties"]
        required = {n: valid_value(n, properties[n], books) for n in tool.spec.parameters["required"]}
        read: set[str] = set()
        for name, prop in [(None, None), *properties.items()]:
            given = dict(required) if name is None else {**required, name: valid_value(name, prop, books)}
            if name == "from":
                given["to"] = valid_value("to", properties["to"], books)
            if name == "to":
                continue
            assert not ask(books, tool.name, given)[1], (tool.name, given)
            arguments = Reads(checked(tool.spec.parameters, given))
            with books.uow(write=False) as uow:
                tool.function(uow, arguments)
            read |= arguments.read
        assert read == set(properties), tool.name
        refused, is_error = ask(books, tool.name, {**required, "unknown": 1})
        assert is_error and refused["problems"][0]["argument"] == "unknown"


# -- figures -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("arguments", "first", "last"), [
    ({"period": "2026-Q4"}, date(2026, 10, 1), date(2026, 12, 31)),
    ({"period": "2026-11"}, date(2026, 11, 1), date(2026, 11, 30)),
    ({"period": "2026"}, date(2026, 1, 1), date(2026, 12, 31)),
    ({"from": "2026-09-15", "to": "2026-10-20"}, date(2026, 9, 15), date(2026, 10, 20)),
    ({}, date(2026, 10, 1), TODAY),  # the current quarter to date
])
def test_sales_vat_and_the_vat_return_match_the_stored_documents(books: Context, arguments: dict[str, str],
                                                                  first: date, last: date) -> None:
    docs = [d for d in stored(books) if in_days(d, first, last)]
    sales = sum((sign(d) * d.tax_exclusive for d in docs), Decimal(0))
    vat = sum((sign(d) * d.tax_total_sar for d in docs), Decimal(0))
    figures = call(books, "sales_and_vat", **arguments)
    assert figures["period"] == {"from": first.isoformat(), "to": last.isoformat()}
    assert (amount(figures["sales_excluding_vat"]), amount(figures["vat"])) == (sales, vat)
    assert figures["issued_documents"] == len(docs) and sum(figures["issued_by_type"].values()) == len(docs)
    ret = call(books, "vat_return", **arguments)
    boxes = {b["box"]: b for b in ret["boxes"]}
    assert amount(ret["vat_due_on_sales"]) == vat == amount(boxes["6"]["vat"])
    assert sum(amount(boxes[k]["net"]) for k in "12345O") == sales
    assert ret["documents"] == len(docs)
    assert {"6", "O"} <= set(boxes) and len(boxes) == 7


def test_outstanding_and_overdue_invoices_match_payable_less_notes_and_payments(books: Context) -> None:
    owed = outstanding_by_number(books)
    everything = call(books, "outstanding_invoices", limit=MAX_LIMIT)
    assert {i["number"]: amount(i["outstanding"]) for i in everything["invoices"]} == owed
    assert amount(everything["total_outstanding"][0]) == sum(owed.values())
    assert everything["matching"] == len(owed) > 10
    shown = call(books, "outstanding_invoices")["invoices"]
    assert len(shown) == 10 and [amount(i["outstanding"]) for i in shown] == sorted(owed.values(), reverse=True)[:10]
    partly = [i for i in everything["invoices"] if i["paid_state"] == "partly_paid"]
    assert len(partly) == 1 and amount(partly[0]["received"]) == Decimal("100.00")
    oldest = call(books, "outstanding_invoices", order="age", limit=3)["invoices"]
    assert [i["days_overdue"] for i in oldest] == sorted((i["days_overdue"] for i in everything["invoices"]),
                                                         reverse=True)[:3]
    late = call(books, "overdue_invoices", min_days=31, limit=MAX_LIMIT)
    expected = {i["number"] for i in everything["invoices"]
                if (TODAY - date.fromisoformat(i["issue_date"])).days >= 31}
    assert {i["number"] for i in late["invoices"]} == expected and 0 < len(expected) < len(owed)
    one = next(i for i in everything["invoices"] if i["customer"])
    mine = call(books, "outstanding_invoices", customer_id=one["customer"]["id"], limit=MAX_LIMIT)["invoices"]
    assert one in mine and {i["customer"]["id"] for i in mine} == {one["customer"]["id"]}


def test_top_debtors_sum_each_customers_outstanding_invoices(books: Context) -> None:
    customer_of = {d.number: d.customer_id for d in stored(books)}
    per: dict[str, Decimal] = defaultdict(Decimal)
    anonymous = Decimal(0)
    for number, value in outstanding_by_number(books).items():
        if customer_of[number] is None:
            anonymous += value
        else:
            per[str(customer_of[number])] += value
    found = call(books, "top_debtors", limit=3)
    assert [(c["customer"]["id"], amount(c["outstanding"])) for c in found["customers"]] == \
        sorted(per.items(), key=lambda kv: -kv[1])[:3]
    assert found["customers_owing"] == len(per) and found["shown"] == 3
    assert sum(amount(v) for v in found["owed_by_buyers_not_on_file"]) == anonymous > 0


def test_receivables_ageing_adds_up_to_what_is_outstanding(books: Context) -> None:
    [sar] = call(books, "receivables_ageing")["by_currency"]
    owed = outstanding_by_number(books)
    assert amount(sar["total"]) == sum(owed.values()) and sar["invoices"] == len(owed)
    assert sum(amount(b["amount"]) for b in sar["buckets"].values()) == amount(sar["total"])


def test_top_customers_rank_sales_including_vat_and_name_each_customer(books: Context) -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for d in stored(books):
        if d.customer_id is not None and in_days(d, date(2026, 9, 1), date(2026, 11, 30)):
            totals[str(d.customer_id)] += sign(d) * d.tax_inclusive
    top = call(books, "top_customers", **{"from": "2026-09-01", "to": "2026-11-30"}, limit=3)
    assert [(c["customer"]["id"], amount(c["total_including_vat"])) for c in top["customers"]] == \
        sorted(totals.items(), key=lambda kv: -kv[1])[:3]
    known = names(books)
    assert all(c["customer"]["name"] == known[c["customer"]["id"]][0] for c in top["customers"])
    assert top["customers_with_sales"] == len(totals)


def test_expected_collections_cover_what_customers_owe(books: Context) -> None:
    docs = stored(books)
    customer_of = {d.number: d.customer_id for d in docs}
    owed = sum((v for n, v in outstanding_by_number(books).items() if customer_of[n] is not None), Decimal(0))
    found = call(books, "expected_collections", limit=2)
    assert amount(found["outstanding"]) == owed and found["shown"] == 2 == len(found["customers"])
    assert found["customers_owing"] >= 2 and all(c["customer"]["name"] for c in found["customers"])


# -- one invoice, the queue, payments, findings ---------------------------------------------------------------------


def test_one_invoices_status_with_its_queue_and_payment(books: Context) -> None:
    with books.uow(write=False) as uow:
        rejected = uow.session.execute(select(m.Invoice.number).join(
            m.ZatcaSubmission, m.ZatcaSubmission.invoice_id == m.Invoice.id)
            .where(m.ZatcaSubmission.state == "rejected")).scalars().first()
        paid_id = uow.session.scalar(select(m.Payment.invoice_id).where(m.Payment.amount != Decimal("100.00"),
                                                                        m.Payment.state == "matched"))
        paid = uow.session.get(m.Invoice, paid_id)
        assert paid is not None
    status = call(books, "invoice_status", number=f"  {rejected} ")
    assert status["zatca_state"] == "rejected" and status["zatca"]["messages"] == [REJECTION]
    assert status["status"] == "issued"
    settled = call(books, "invoice_status", number=paid.number)
    assert settled["paid"]["state"] == "paid" and amount(settled["paid"]["outstanding"]) == 0
    assert amount(settled["payable"]) == paid.payable
    missing, is_error = ask(books, "invoice_status", {"number": "NO-SUCH-1"})
    assert is_error and missing["error"] == "NotFoundError" and "NO-SUCH-1" in missing["message"]


def test_the_zatca_queue_counts_what_is_stored(books: Context) -> None:
    with books.uow(write=False) as uow:
        counts = dict(uow.session.execute(select(m.ZatcaSubmission.state, func.count())
                                          .group_by(m.ZatcaSubmission.state)).all())
    queue = call(books, "zatca_queue", limit=3)
    assert queue["by_state"] == counts and queue["rejected"] == counts["rejected"] == 2
    assert len(queue["nearest_deadlines"]) == 3 and queue["rejected_shown"][0]["messages"] == [REJECTION]
    assert queue["nearest_deadlines"][0]["overdue"] is True  # the demo's documents were never reported


def test_payments_newest_first_within_the_limit(books: Context) -> None:
    found = call(books, "payments")
    assert sorted(amount(p["amount"]) for p in found["payments"])[-1] > Decimal("100")
    assert {p["state"] for p in found["payments"]} == {"matched", "unmatched"} and found["shown"] == 3
    [unmatched] = call(books, "payments", state="unmatched")["payments"]
    assert amount(unmatched["amount"]) == Decimal("42.50") and unmatched["problem"] == "QAYD-PAY-REFERENCE"
    assert call(books, "payments", limit=1)["shown"] == 1


def test_insight_findings_in_either_language(books: Context) -> None:
    with books.uow(write=False) as uow:
        kept = list_findings(uow)
    found = call(books, "insight_findings", limit=4)
    assert found["matching"] == len(kept) > 4 and len(found["findings"]) == 4
    assert [f["rule"] for f in found["findings"]] == [s.finding.rule for s in kept[:4]]
    arabic = call(books, "insight_findings", limit=1, language="ar")["findings"][0]
    assert arabic["title"] == kept[0].finding.title_ar
    only = call(books, "insight_findings", rule=kept[0].finding.rule, limit=MAX_LIMIT)
    assert {f["rule"] for f in only["findings"]} == {kept[0].finding.rule}


# -- personal data, rows, arguments, read-only ---------------------------------------------------------------------


def test_individuals_names_are_read_through_the_access_log_as_assistant(tmp_path: Path) -> None:
    ctx = make_books(tmp_path)
    try:
        individual = next(d for d in stored(ctx) if d.customer_id is not None
                          and names(ctx)[str(d.customer_id)][1] == "individual")
        with ctx.uow(write=False) as uow:
            before = {r.seq for r in access_log.search(uow)}
        status = call(ctx, "invoice_status", number=individual.number)
        assert status["customer"]["name"] == names(ctx)[str(individual.customer_id)][0]
        with ctx.uow(write=False) as uow:
            [read] = [r for r in access_log.search(uow) if r.seq not in before]
        assert (read.subject, read.purpose) == (f"customer:{individual.customer_id}", "assistant")
        assert "customer.name" in read.fields and read.actor == ctx.actor
        with ctx.uow(write=False) as uow:
            before = {r.seq for r in access_log.search(uow)}
        top = call(ctx, "top_customers", period="2026", limit=MAX_LIMIT)
        with ctx.uow(write=False) as uow:
            reads = [r for r in access_log.search(uow) if r.seq not in before]
        known = names(ctx)
        individuals = {c["customer"]["id"] for c in top["customers"] if known[c["customer"]["id"]][1] == "individual"}
        assert individuals and {r.subject for r in reads} == {f"customer:{i}" for i in individuals}
        assert {r.purpose for r in reads} == {"assistant"}
        assert all(set(r.fields) <= {"customer.name", "customer.name_ar", "customer.email", "customer.phone",
                                     "customer.id_value", "customer.address_json"} for r in reads)
        one = call(ctx, "top_customers", period="2026", limit=1)["customers"][0]["customer"]["id"]
        with ctx.uow(write=False) as uow:
            latest = [r for r in access_log.search(uow) if r.seq not in before][: len(reads) + 1]
        newer = [r for r in latest if r.seq > max(x.seq for x in reads)]
        assert {r.subject for r in newer} <= {f"customer:{one}"}  # only the names of the rows shown are read
    finally:
        ctx.close()


def test_a_clerk_reads_restricted_as_restricted_and_nothing_is_logged(tmp_path: Path) -> None:
    ctx = make_books(tmp_path)
    try:
        first = call(ctx, "top_customers", period="2026", limit=1)["customers"][0]["customer"]
        with ctx.uow() as uow:
            uow.session.execute(update(m.Customer).where(m.Customer.id == uuid.UUID(first["id"]))
                                .values(restricted_at=datetime(2026, 11, 1, tzinfo=UTC)))
            uow.commit()
        with ctx.uow(write=False) as uow:
            before = {r.seq for r in access_log.search(uow)}
        ctx.actor_role = "clerk"
        top = call(ctx, "top_customers", period="2026", limit=1)["customers"][0]["customer"]
        assert top == {"id": first["id"], "name": RESTRICTED}
        owed = call(ctx, "outstanding_invoices", customer_id=first["id"], limit=MAX_LIMIT)["invoices"]
        assert owed and {i["customer"]["name"] for i in owed} == {RESTRICTED}
        status = call(ctx, "invoice_status", number=owed[0]["number"])
        assert status["customer"] == {"id": first["id"], "name": RESTRICTED}
        with ctx.uow(write=False) as uow:
            assert [r for r in access_log.search(uow) if r.seq not in before] == []
        ctx.actor_role = "compliance"
        assert call(ctx, "top_customers", period="2026", limit=1)["customers"][0]["customer"] == first
        with ctx.uow(write=False) as uow:
            [read] = [r for r in access_log.search(uow) if r.seq not in before]
        assert read.restricted and read.purpose.startswith("assistant") and read.subject == f"customer:{first['id']}"
    finally:
        ctx.close()


def test_tools_write_nothing_but_access_log_entries(books: Context) -> None:
    def changes() -> int:
        with sqlite3.connect(books.db.path) as conn:
            return int(conn.execute("SELECT count(*) FROM audit_entry WHERE action != 'personal_data.read'")
                       .fetchone()[0])

    before = changes()
    for name in TOOLS:
        ask(books, name, {"number": stored(books)[0].number} if name == "invoice_status" else {})
    assert changes() == before


@pytest.mark.parametrize(("name", "arguments", "argument"), [
    ("outstanding_invoices", {"limit": MAX_LIMIT + 1}, "limit"),
    ("outstanding_invoices", {"limit": 0}, "limit"),
    ("outstanding_invoices", {"limit": "5"}, "limit"),
    ("outstanding_invoices", {"limit": True}, "limit"),
    ("outstanding_invoices", {"customer_id": "Fatimah"}, "customer_id"),
    ("outstanding_invoices", {"order": "name"}, "order"),
    ("sales_and_vat", {"period": "2026-13"}, "period"),
    ("sales_and_vat", {"period": "Q4"}, "period"),
    ("sales_and_vat", {"period": "0000"}, "period"),
    ("top_customers", {"from": "0001-01-01", "to": "2026-01-01"}, "from"),
    ("top_customers", {"from": "2026-01-01", "to": "9999-12-31"}, "to"),
    ("sales_and_vat", {"period": "2026-Q4", "from": "2026-10-01", "to": "2026-12-31"}, "period"),
    ("sales_and_vat", {"from": "2026-10-01"}, "to"),
    ("sales_and_vat", {"from": "2026-10-01", "to": "2026-09-30"}, "to"),
    ("vat_return", {"from": "2026-02-30", "to": "2026-03-31"}, "from"),
    ("invoice_status", {}, "number"),
    ("invoice_status", {"number": ""}, "number"),
    ("payments", {"state": "refunded"}, "state"),
    ("no_such_tool", {}, "name"),
    ("zatca_queue", ["limit", 5], "arguments"),
])
def test_bad_arguments_are_an_error_the_model_can_read(books: Context, name: str, arguments: Any,
                                                       argument: str) -> None:
    answer, is_error = ask(books, name, arguments)
    assert is_error and answer["error"] == "bad_arguments"
    assert argument in [p["argument"] for p in answer["problems"]], answer
    assert all(p["message"] for p in answer["problems"]) and answer["fix"]


def test_the_schema_check_catches_what_a_provider_would_refuse_or_misread() -> None:
    good = {"type": "object", "additionalProperties": False, "required": ["limit"],
            "properties": {"limit": {"type": "integer", "description": "How many."}}}
    assert schema_problems(good) == []
    assert schema_problems({**good, "additionalProperties": True})
    assert schema_problems({**good, "required": ["number"]}) == ["required 'number' is not a property"]
    assert schema_problems({**good, "properties": {"limit": {"type": "number", "description": "x"}}})
    assert schema_problems({**good, "properties": {"limit": {"type": "integer"}}})  # no description
    assert schema_problems({**good, "properties": {"limit": {"type": "integer", "description": "x", "minLength": 1}}})
    assert schema_problems({**good, "properties": {"Limit": {"type": "integer", "description": "x"}}})
