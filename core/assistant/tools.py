"""The assistant's tools (issue 18 point 2): typed, read-only questions the model may ask of the books.

Each `Tool` is a `ToolSpec` (name, a description the model reads, a JSON schema of its arguments) and a function
`(uow, arguments) -> dict` over core's own read functions (core.assistant.tools_read), so reads of personal data are
in the access log with purpose "assistant". `run_tool` checks the arguments against the schema, runs the tool and
returns its result as JSON text; a wrong argument, an unknown invoice or a refused record is an `is_error` result the
model can read, never a traceback. Lists return at most what was asked (default 10, at most 50). Nothing here writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.assistant import tools_read as read
from core.assistant.model import ToolCall, ToolResult, ToolSpec
from core.assistant.tools_args import FIX, LIMIT, PERIOD_PROPERTIES, bad_arguments, checked, schema
from core.errors import QaydError, ValidationError

if TYPE_CHECKING:
    from core.uow import UnitOfWork

ToolFunction = Callable[["UnitOfWork", Mapping[str, Any]], dict[str, Any]]
_MONEY = ('Money is {"amount": exact decimal text, "currency": code}; dates are ISO, Riyadh time; a customer is '
          '{"id", "name"}.')
_CUSTOMER = {"type": "string", "description": "Only this customer's invoices: the customer's id as other tools "
                                              "return it."}


@dataclass(frozen=True)
class Tool:
    spec: ToolSpec
    function: ToolFunction

    @property
    def name(self) -> str:
        return self.spec.name


def _tool(name: str, description: str, function: ToolFunction, properties: Mapping[str, Any] | None = None,
          required: tuple[str, ...] = ()) -> Tool:
    return Tool(ToolSpec(name, f"{description} {_MONEY}", schema(properties or {}, required)), function)


_SPECS = (
    _tool("sales_and_vat", "Sales (excluding VAT) and VAT of the issued documents in a period, in SAR, with the "
          "document counts by type, open drafts and ZATCA states. Credit notes subtract. Without a period: the "
          "current quarter to date.", read.sales_and_vat, PERIOD_PROPERTIES),
    _tool("vat_return", "The VAT return summary (sales side) of a period: boxes 1-6 of the ZATCA VAT return "
          "(amount, adjustment from credit/debit notes, net, VAT) and out-of-scope supplies, VAT due on sales, and "
          "document counts. Without a period: the current quarter to date.", read.vat_return, PERIOD_PROPERTIES),
    _tool("outstanding_invoices", "Issued invoices that still ask for money (unpaid or partly paid), largest "
          "outstanding first or oldest first, with each one's customer, days overdue and amounts, and the total "
          "outstanding per currency of all that match.", read.outstanding_invoices,
          {"limit": LIMIT, "order": {"type": "string", "enum": ["amount", "age"], "default": "amount",
                                     "description": '"amount": largest outstanding first; "age": oldest first.'},
           "customer_id": _CUSTOMER}),
    _tool("overdue_invoices", "Outstanding invoices at least min_days past due (an invoice falls due on its issue "
          "date), oldest first, with the total overdue per currency.", read.overdue_invoices,
          {"limit": LIMIT, "min_days": {"type": "integer", "minimum": 1, "maximum": 3660, "default": 1,
                                        "description": "At least this many days past due (default 1)."},
           "customer_id": _CUSTOMER}),
    _tool("top_debtors", "The customers who owe the most: each customer's outstanding amount over all its "
          "issued invoices, how many invoices and the oldest one's days overdue, largest first; plus what buyers "
          "that are not customers on file (simplified invoices) owe.", read.top_debtors, {"limit": LIMIT}),
    _tool("receivables_ageing", "What customers owe in total, per currency, by age: not yet due, 1-30, 31-60, "
          "61-90 and over 90 days past due, with invoice counts.", read.receivables_ageing),
    _tool("top_customers", "The customers with the largest sales in a period (total including VAT of their "
          "issued documents, credit notes subtracted), largest first. Without a period: the current quarter to "
          "date.", read.top_customers, {**PERIOD_PROPERTIES, "limit": LIMIT}),
    _tool("invoice_status", "One document by its number: type, status, customer, amounts, ZATCA state (and the "
          "portal's messages when rejected or pending) and paid state.", read.invoice_status,
          {"number": {"type": "string", "pattern": r"^\s*\S.{0,99}$",
                      "description": 'The document number as printed, e.g. "INV-2026-00042".'}}, ("number",)),
    _tool("zatca_queue", "The ZATCA submission queue: documents by state (pending, sending, done, rejected), the "
          "nearest reporting deadlines and the rejected documents with the portal's messages.", read.zatca_queue,
          {"limit": LIMIT}),
    _tool("payments", "Payments received through the payment providers, newest first: amount, fee, refunds, the "
          "invoice each was matched to, or why it is unmatched.", read.payments,
          {"limit": LIMIT, "state": {"type": "string", "enum": ["matched", "unmatched"],
                                     "description": "Only matched or only unmatched payments."}}),
    _tool("insight_findings", "Findings of the last insights run (explainable checks of the books: duplicates, "
          "numbering gaps, VAT anomalies, unusual amounts, late payers...), highest score first, each with its "
          "summary, suggested action, documents, customers and figures.", read.insight_findings,
          {"limit": LIMIT, "rule": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,60}$",
                                    "description": "Only findings of this rule id."},
           "include_marked": {"type": "boolean", "default": True,
                              "description": "Include findings a person already marked (default true)."},
           "language": {"type": "string", "enum": ["en", "ar"], "default": "en",
                        "description": "The language of titles, summaries and actions."}}),
    _tool("expected_collections", "Expected collections within 30, 31-60 and 61-90 days from each customer's own "
          "paying history, with what each customer owes and usually takes to pay, largest first. Amounts in SAR.",
          read.expected_collections, {"limit": LIMIT}),
)
TOOLS: dict[str, Tool] = {t.name: t for t in _SPECS}


def tool_specs() -> tuple[ToolSpec, ...]:
    """What a provider is told the model may call."""
    return tuple(t.spec for t in TOOLS.values())


def run_tool(uow: UnitOfWork, call: ToolCall) -> ToolResult:
    """Run one call of the model in `uow` (read-only); its result, or why it could not run, as JSON text."""
    tool = TOOLS.get(call.name)
    try:
        if tool is None:
            raise bad_arguments(("name", f"There is no tool {call.name!r}; the tools are {', '.join(TOOLS)}."))
        data = tool.function(uow, checked(tool.spec.parameters, call.arguments))
    except QaydError as error:  # bad arguments, an unknown invoice, a refused record: the model reads why
        return ToolResult(call.id, _json(_error(error)), is_error=True)
    return ToolResult(call.id, _json(data))


def _error(error: QaydError) -> dict[str, Any]:
    if isinstance(error, ValidationError):
        return {"error": "bad_arguments", "problems": [{"argument": f.field, "message": f.message}
                                                        for f in error.findings], "fix": FIX}
    return {"error": type(error).__name__, "message": error.message, "fix": error.fix}


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
