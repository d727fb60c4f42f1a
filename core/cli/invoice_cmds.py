"""`qayd invoice import|list|show|validate`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from core import invoicing as service  # the invoicing face, named as the module it replaces
from core.cli.common import ROWS, json_option, print_findings, print_json, print_table, state
from core.cli.dates import day_bounds, range_options
from core.cli.tables import Amount, Page, page_footer, page_json_option
from core.clock import saudi_time
from core.findings import Finding, cap_findings, errors_in
from core.invoicing import (
    BrowseFilter,
    BrowseSort,
    CustomerKind,
    DocumentKind,
    DocumentType,
    browse,
    draft_to_json,
    load_json_file,
    parse_documents,
)
from core.zatca import MAX_XML_BYTES as MAX_BYTES
from core.zatca import BatchRefused, import_and_issue, validate_xml

EXIT_REFUSED = 2
EXIT_CHECK_FAILED = 1


def _report_findings(findings: list[Finding], as_json: bool, extra: dict[str, object]) -> None:
    if as_json:
        print_json({**extra, "findings": [f.as_dict() for f in cap_findings(findings)]})
    else:
        print_findings(findings)


def _listed(row: browse.InvoiceRow) -> dict[str, object]:
    """A listed document as `invoice list --json` has always printed it (docs/JSON.md)."""
    return {"id": row.id, "number": row.number, "status": row.status, "kind": row.kind, "type": row.type,
            "issue_datetime": row.issue_datetime, "buyer_name": row.customer_name, "currency": row.currency,
            "tax_total": row.tax_total, "payable": row.payable}


def register(cli: click.Group) -> click.Group:
    @cli.group()
    def invoice() -> None:
        """Invoices, credit notes and debit notes."""

    @invoice.command("import")
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
    @click.option("--issue", is_flag=True, help="Issue the imported drafts at once (signed, queued for ZATCA).")
    @json_option
    def invoice_import(file: Path, issue: bool, as_json: bool) -> None:
        """Import drafts from a JSON file (one document or a list); all or nothing."""
        try:
            run = import_and_issue(state().company(), file, issue=issue)
        except BatchRefused as exc:
            _report_findings(exc.findings, as_json, {"imported": 0})
            click.echo(f"Nothing was imported: {len(errors_in(exc.findings))} error(s) in {file.name}.", err=True)
            raise click.exceptions.Exit(EXIT_REFUSED) from None
        result, issued, warnings = run, run.issued, list(run.warnings)
        if as_json:
            print_json({"imported": len(result.numbers), "numbers": result.numbers, "issued": issued,
                        "customers_created": result.customers_created, "findings": [f.as_dict() for f in warnings]})
            return
        print_findings(warnings)
        click.echo(f"Imported {len(result.numbers)} draft(s); {result.customers_created} new customer(s)"
                   + (f"; issued {len(issued)}." if issue else "."))

    @invoice.command("list")
    @click.option("--status", help="draft, issued, …")
    @click.option("--kind", type=click.Choice([k.value for k in DocumentKind]))
    @click.option("--type", "type_", type=click.Choice([t.value for t in DocumentType]))
    @click.option("--customer", help="Customer id, VAT number or exact name.")
    @range_options("Issued on or after this day", "Issued on or before this day")
    @click.option("--search", default="", help="Part of the number or the customer's name.")
    @click.option("--oldest-first", is_flag=True)
    @click.option("--limit", default=50, show_default=True, type=ROWS)
    @click.option("--offset", default=0, type=ROWS)
    @json_option
    @page_json_option
    def invoice_list(status: str | None, kind: str | None, type_: str | None, customer: str | None,
                     start: date | None, end: date | None, search: str, oldest_first: bool, limit: int, offset: int,
                     as_json: bool, as_page: bool) -> None:
        """List documents, newest first; says when it shows a page of a larger selection."""
        low, high = day_bounds(start, end)
        with state().company().uow(write=False, channel="cli") as uow:
            customer_id = service.get_customer(uow, customer, purpose="invoice list filter").id if customer else None
            selection = BrowseFilter(status=status, kind=kind, type=type_, customer_id=customer_id, issued_from=low,
                                     issued_to=high, search=search)
            rows = browse.page(uow, selection, BrowseSort("issue_datetime", descending=not oldest_first),
                               offset=offset, limit=limit, purpose="invoice list (qayd invoice list)")
            total = browse.count(uow, selection)
        page = Page(shown=len(rows), limit=limit, offset=offset, total=total)
        items = [_listed(r) for r in rows]
        if as_json or as_page:
            print_json(page.as_json(items) if as_page else items)
        else:
            print_table(("Number", "Status", "Kind", "Type", "Issued", "Customer", "VAT", "Payable"),
                        ((r.number, r.status, r.kind, r.type, r.issue_datetime.strftime("%Y-%m-%d %H:%M"),
                          r.customer_name[:30], Amount(r.tax_total, r.currency), Amount(r.payable, r.currency))
                         for r in rows))
        page_footer(page, as_json=as_json or as_page)

    @invoice.command("show")
    @click.argument("ref")
    @click.option("--purpose", default="invoice record (qayd invoice show)", show_default=True,
                  help="Why you read this document: kept in the access log when its buyer is an individual.")
    @json_option
    def invoice_show(ref: str, purpose: str, as_json: bool) -> None:
        """Show one document with its lines and totals."""
        with state().company().uow(write=False, channel="cli") as uow:
            stored = service.get_invoice(uow, ref, purpose=purpose)
        d, t = stored.draft, stored.totals
        if as_json:
            print_json({"status": stored.status, "version": stored.version, "document": draft_to_json(d),
                        "totals": t})
            return
        click.echo(f"{d.type.value.replace('_', ' ').title()} {d.number} ({d.kind.value}, {stored.status})")
        click.echo(f"Issued   {saudi_time(d.issue_datetime).isoformat()}")
        if d.buyer:
            who = "business" if d.buyer.kind is CustomerKind.BUSINESS else "individual"
            click.echo(f"Buyer    {d.buyer.name} ({who}) {d.buyer.vat_number}")
        if d.billing_reference:
            click.echo(f"Refers   {d.billing_reference}: {d.reason}")
        print_table(("#", "Item", "Qty", "Price", "Disc.", "VAT", "Net", "VAT amount"),
                    ((i, ln.name[:40], ln.quantity, Amount(ln.unit_price), Amount(ln.discount),
                      f"{ln.vat_category.value} {ln.vat_rate}%", Amount(lt.net), Amount(lt.vat))
                     for i, (ln, lt) in enumerate(zip(d.lines, t.lines, strict=True), 1)))
        totals = [("Net total", Amount(t.tax_exclusive, d.currency)), ("VAT", Amount(t.tax_total, d.currency)),
                  ("Total", Amount(t.tax_inclusive, d.currency)), ("Payable", Amount(t.payable, d.currency))]
        if d.currency != "SAR":
            totals.append(("VAT in SAR", Amount(t.tax_total_sar, "SAR")))
        width = max(len(str(a)) for _, a in totals)
        for label, value in totals:  # the figures right-aligned in one column, as on paper
            click.echo(f"{label:>60} {value!s:>{width}}")

    @invoice.command("validate")
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
    @click.option("--arabic", is_flag=True, help="Print the findings in Arabic.")
    @json_option
    def invoice_validate(file: Path, arabic: bool, as_json: bool) -> None:
        """Check a UBL XML invoice (any maker's) or a JSON draft file against every rule; exit 0 only without errors."""
        with file.open("rb") as fh:  # never more than the limit into memory: an oversized file is a finding
            head = fh.read(MAX_BYTES + 1)
        if file.suffix.lower() == ".xml" or head.lstrip()[:1] == b"<":
            documents, findings = 1, validate_xml(head)
        else:
            drafts, findings = parse_documents(load_json_file(file))
            documents = len(drafts)
        errors = errors_in(findings)
        if as_json:
            print_json({"file": str(file), "documents": documents, "errors": len(errors),
                        "findings": [f.as_dict() for f in findings]})
        else:
            print_findings(findings, arabic=arabic)
            click.echo(f"{file.name}: {len(errors)} error(s), {len(findings) - len(errors)} warning(s).")
        if errors:
            raise click.exceptions.Exit(EXIT_CHECK_FAILED)

    return invoice
