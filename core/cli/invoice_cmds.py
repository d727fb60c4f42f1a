"""`qayd invoice import|list|show|validate`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from core.cli.common import ROWS, json_option, print_findings, print_json, print_table, state
from core.clock import SAUDI_TIME, saudi_time
from core.errors import ValidationError
from core.findings import Finding, cap_findings, errors_in
from core.invoicing import service
from core.invoicing.interchange import draft_to_json, load_json_file, parse_documents
from core.invoicing.model import CustomerKind, DocumentKind, DocumentType
from core.invoicing.service import InvoiceQuery
from core.zatca.issuing import issue_imported
from core.zatca.validation import MAX_BYTES, validate_xml

EXIT_REFUSED = 2
EXIT_CHECK_FAILED = 1


def _report_findings(findings: list[Finding], as_json: bool, extra: dict[str, object]) -> None:
    if as_json:
        print_json({**extra, "findings": [f.as_dict() for f in cap_findings(findings)]})
    else:
        print_findings(findings)


def _when(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date or date-time (e.g. 2026-11-01)",
                                 param_hint=name) from None
    # A date or time without an offset is Saudi time, as every list, report and document reads dates.
    return saudi_time(value) if value.tzinfo else value.replace(tzinfo=SAUDI_TIME)


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
        ctx = state().company()
        with ctx.uow(write=False) as uow:
            seller = service.get_company(uow)
        # Every rule runs here, once, with the file's own field paths; the import and the issue rely on it.
        drafts, findings = parse_documents(load_json_file(file), seller=seller)
        if errors_in(findings):
            _report_findings(findings, as_json, {"imported": 0})
            click.echo(f"Nothing was imported: {len(errors_in(findings))} error(s) in {file.name}.", err=True)
            raise click.exceptions.Exit(EXIT_REFUSED)
        try:
            with ctx.uow() as uow:
                result = service.import_drafts(uow, drafts, rules_checked=True)
                issued = issue_imported(uow, result.drafts) if issue else []
                uow.commit()
        except ValidationError as exc:
            _report_findings(exc.findings, as_json, {"imported": 0})
            click.echo(f"Nothing was imported: {len(errors_in(exc.findings))} error(s) in {file.name}.", err=True)
            raise click.exceptions.Exit(EXIT_REFUSED) from None
        warnings = list(result.warnings) + [f for f in findings if not f.is_error]
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
    @click.option("--from", "from_", help="Issued on or after (ISO date or date-time; Saudi time without an offset).")
    @click.option("--to", help="Issued before (ISO date or date-time; Saudi time without an offset).")
    @click.option("--search", default="", help="Part of the number or the customer's name.")
    @click.option("--oldest-first", is_flag=True)
    @click.option("--limit", default=50, show_default=True, type=ROWS)
    @click.option("--offset", default=0, type=ROWS)
    @json_option
    def invoice_list(status: str | None, kind: str | None, type_: str | None, customer: str | None,
                     from_: str | None, to: str | None, search: str, oldest_first: bool, limit: int, offset: int,
                     as_json: bool) -> None:
        """List documents, newest first."""
        with state().company().uow(write=False, channel="cli") as uow:
            customer_id = service.get_customer(uow, customer, purpose="invoice list filter").id if customer else None
            query = InvoiceQuery(status=status, kind=kind, type=type_, customer_id=customer_id,
                                 issued_from=_when(from_, "--from"), issued_to=_when(to, "--to"), search=search,
                                 newest_first=not oldest_first, limit=limit, offset=offset)
            rows = service.list_invoices(uow, query, purpose="invoice list (qayd invoice list)")
        if as_json:
            print_json(rows)
            return
        print_table(("Number", "Status", "Kind", "Type", "Issued", "Customer", "VAT", "Payable"),
                    ((r.number, r.status, r.kind, r.type, r.issue_datetime.strftime("%Y-%m-%d %H:%M"),
                      r.buyer_name[:30], f"{r.tax_total} {r.currency}", f"{r.payable} {r.currency}") for r in rows))

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
                    ((i, ln.name[:40], ln.quantity, ln.unit_price, ln.discount,
                      f"{ln.vat_category.value} {ln.vat_rate}%", lt.net, lt.vat)
                     for i, (ln, lt) in enumerate(zip(d.lines, t.lines, strict=True), 1)))
        for label, value in (("Net total", t.tax_exclusive), ("VAT", t.tax_total), ("Total", t.tax_inclusive),
                             ("Payable", t.payable)):
            click.echo(f"{label:>60} {value} {d.currency}")
        if d.currency != "SAR":
            click.echo(f"{'VAT in SAR':>60} {t.tax_total_sar} SAR")

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
