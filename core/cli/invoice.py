"""`qayd invoice …`: import, list, show and validate drafts; issue, correct, export, print and decode documents.

`invoice list` must answer fast (issue 14: <= 0.5 s), so this module imports only what listing needs; a command
that needs the XML, signing or PDF stack (lxml, reportlab) imports it in its own body, when it runs."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from core.cli.common import (
    ROWS,
    end_progress,
    json_option,
    print_findings,
    print_json,
    print_table,
    progress_printer,
    state,
)
from core.cli.dates import check_order, day_bounds, range_options
from core.cli.mail import invoice_send
from core.cli.tables import Amount, Page, page_footer, page_json_option
from core.clock import saudi_time
from core.errors import TamperedDocumentError, ValidationError
from core.files import write_private
from core.findings import Finding, cap_findings, errors_in
from core.invoicing import BrowseFilter, BrowseSort, browse

if TYPE_CHECKING:
    from core.uow import UnitOfWork
    from core.zatca import IssueRun

EXIT_REFUSED = 2
EXIT_CHECK_FAILED = 1


def _report_findings(findings: list[Finding], as_json: bool, extra: dict[str, object]) -> None:
    if as_json:
        print_json({**extra, "findings": [f.as_dict() for f in cap_findings(findings)]})
    else:
        print_findings(findings)


def _listed(row: browse.InvoiceRow, paid: dict[uuid.UUID, str] | None = None) -> dict[str, object]:
    """A listed document as `invoice list --json` has always printed it (docs/JSON.md), and its paid status
    (issue 15: outstanding, partly_paid, paid, overpaid; null for drafts and notes)."""
    return {"id": row.id, "number": row.number, "status": row.status, "kind": row.kind, "type": row.type,
            "issue_datetime": row.issue_datetime, "buyer_name": row.customer_name, "currency": row.currency,
            "tax_total": row.tax_total, "payable": row.payable, "paid_status": (paid or {}).get(row.id)}


def _paid_page(uow: UnitOfWork, selection: BrowseFilter, sort: BrowseSort, paid: str, offset: int,
               limit: int) -> tuple[list[browse.InvoiceRow], int]:
    """The --paid filter (issue 15): the selection's keys in order, kept when the paid status is `paid`."""
    from core.payments import keep_paid

    kept = keep_paid(uow, browse.keys(uow, selection, sort), paid)
    return browse.rows(uow, kept[offset:offset + limit], purpose="invoice list (qayd invoice list)"), len(kept)


def _paid_states(uow: UnitOfWork, rows: list[browse.InvoiceRow]) -> dict[uuid.UUID, str]:
    from core.payments import paid_states

    return dict(paid_states(uow, [r.id for r in rows]))


def _customer_id(uow: UnitOfWork, customer: str | None) -> uuid.UUID | None:
    """The --customer filter's customer (its lookup is logged like any read of a customer)."""
    if not customer:
        return None
    from core import invoicing as service

    return service.get_customer(uow, customer, purpose="invoice list filter").id


@click.group()
def invoice() -> None:
    """Invoices, credit notes and debit notes."""


invoice.add_command(invoice_send)  # `invoice send` lives with the other mail commands (core.cli.mail)


@invoice.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--issue", is_flag=True, help="Issue the imported drafts at once (signed, queued for ZATCA).")
@json_option
def invoice_import(file: Path, issue: bool, as_json: bool) -> None:
    """Import drafts from a JSON file (one document or a list); all or nothing."""
    from core.zatca import BatchRefused, import_and_issue  # one use case, shared with the desktop

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
# browse's own names for kinds and types (the model's enums, which a test keeps equal): the list loads no model
@click.option("--kind", type=click.Choice(browse.KINDS))
@click.option("--type", "type_", type=click.Choice(browse.TYPES))
@click.option("--customer", help="Customer id, VAT number or exact name.")
@range_options("Issued on or after this day", "Issued on or before this day")
@click.option("--search", default="", help="Part of the number or the customer's name.")
@click.option("--paid", type=click.Choice(["outstanding", "partly_paid", "paid", "overpaid"]),
              help="Only issued invoices with this paid status.")
@click.option("--oldest-first", is_flag=True)
@click.option("--limit", default=50, show_default=True, type=ROWS)
@click.option("--offset", default=0, type=ROWS)
@json_option
@page_json_option
def invoice_list(status: str | None, kind: str | None, type_: str | None, customer: str | None,
                 start: date | None, end: date | None, search: str, paid: str | None, oldest_first: bool,
                 limit: int, offset: int, as_json: bool, as_page: bool) -> None:
    """List documents, newest first; says when it shows a page of a larger selection."""
    low, high = day_bounds(start, end)
    with state().company().uow(write=False, channel="cli") as uow:
        customer_id = _customer_id(uow, customer)
        selection = BrowseFilter(status=status, kind=kind, type=type_, customer_id=customer_id, issued_from=low,
                                 issued_to=high, search=search)
        sort = BrowseSort("issue_datetime", descending=not oldest_first)
        if paid:
            rows, total = _paid_page(uow, selection, sort, paid, offset, limit)
        else:
            rows = browse.page(uow, selection, sort, offset=offset, limit=limit,
                               purpose="invoice list (qayd invoice list)")
            total = browse.count(uow, selection)
        states = _paid_states(uow, rows) if as_json or as_page else {}
    page = Page(shown=len(rows), limit=limit, offset=offset, total=total)
    items = [_listed(r, states) for r in rows]
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
    from core import invoicing as service
    from core.invoicing import draft_to_json

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
        who = "individual" if d.buyer.kind.value == "individual" else "business"
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
    from core.invoicing import load_json_file, parse_documents
    from core.zatca import MAX_XML_BYTES as MAX_BYTES
    from core.zatca import validate_xml

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


def _refusal(run: IssueRun) -> dict[str, object] | None:
    if run.error is None:
        return None
    findings = [f.as_dict() for f in getattr(run.error, "findings", [])]
    return {"ref": run.refused, "message": str(run.error), "exit_code": run.error.exit_code, "findings": findings}


def _issue_summary(run: IssueRun) -> str:
    """One line a clerk can act on: what was issued, what was refused, what was not attempted."""
    parts = [f"issued {', '.join(i.number for i in run.issued)}" if run.issued else "nothing was issued",
             f"refused {run.refused}"]
    if run.not_attempted:
        parts.append(f"not attempted {', '.join(run.not_attempted)}")
    return "Summary: " + "; ".join(parts) + "."


@invoice.command("issue")
@click.argument("refs", nargs=-1, required=True)
@click.option("--egs", "egs_name", default=None, help="Issue with this EGS unit.")
@json_option
def invoice_issue(refs: tuple[str, ...], egs_name: str | None, as_json: bool) -> None:
    """Issue drafts in order (counter, hash chain, signature, QR; queued for clearance or reporting).

    Each is committed as it is issued; the first one refused stops the run and the rest are not attempted.
    """
    from core.zatca import issue_in_order

    run = issue_in_order(state().company(), refs, egs_ref=egs_name)
    if as_json:
        print_json({"issued": run.issued, "refused": _refusal(run), "not_attempted": run.not_attempted})
    else:
        for info in run.issued:
            click.echo(f"Issued {info.number}: ICV {info.icv} on {info.egs}, hash {info.invoice_hash}"
                       + (f", queued for {info.submission}" if info.submission else ""))
    if run.error is not None:
        if not as_json:
            click.echo(f"Error: {run.error}", err=True)
            click.echo(_issue_summary(run), err=True)
        raise click.exceptions.Exit(run.error.exit_code)


@invoice.command("correct")
@click.argument("ref")
@click.option("--reason", default="Correction of an invoice in error", show_default=True)
def invoice_correct(ref: str, reason: str) -> None:
    """Prepare the correction of an issued invoice: a credit note cancelling it, and a new draft to fix."""
    from core.zatca import prepare_correction

    with state().company().uow() as uow:
        made = prepare_correction(uow, ref, reason=reason)
        uow.commit()
    click.echo(f"Drafted credit note {made.credit_note} and corrected invoice {made.corrected_draft}. "
               f"Fix {made.corrected_draft}, then issue both: `qayd invoice issue {made.credit_note} "
               f"{made.corrected_draft}`.")


@invoice.command("export")
@click.argument("ref")
@click.option("--xml", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the XML to share (the cleared copy for a cleared standard invoice).")


@click.option("--pdf", "pdf_out", type=click.Path(path_type=Path),
              help="Where to write the printed copy: a PDF/A-3 with the same XML embedded. A folder takes "
                   "ZATCA's file name (VAT_YYYYMMDDTHHMMSS_IRN.pdf).")


@click.option("--uncleared", is_flag=True, help="Also write a standard invoice that is not cleared yet "
              "(for inspection only: it may not be given to the buyer; the PDF says so).")


def invoice_export(ref: str, out: Path | None, pdf_out: Path | None, uncleared: bool) -> None:
    """Write an issued document's XML (--xml) and/or its bilingual PDF (--pdf)."""
    from core.zatca import issued_xml

    if out is None and pdf_out is None:
        raise click.UsageError("Give --xml FILE, --pdf FILE (or folder), or both.")
    ctx = state().company()
    with ctx.uow(write=False) as uow:
        data, which, shareable = issued_xml(uow, ref)
        if not shareable and not uncleared:
            raise click.ClickException(f"{ref} is a standard invoice that is not cleared yet; ZATCA must clear "
                                       "it before it is shared. Run `qayd zatca submit`, or pass --uncleared to "
                                       "inspect it.")
        built = None
        if pdf_out is not None:
            from core.reports import printed_invoice as invoice_pdf

            built = invoice_pdf(uow, ref, now=ctx.clock(), uncleared=uncleared)
    if out is not None:
        write_private(out, data)
        click.echo(f"Wrote the {which} XML of {ref} to {out}.")
    if built is not None and pdf_out is not None:
        from core.cli.report import write_pdf

        target = write_pdf(built, pdf_out / built.filename if pdf_out.is_dir() else pdf_out)
        click.echo(f"Wrote the printed copy of {ref} ({built.pages} page(s), PDF/A-3 with the {which} XML "
                   f"attached) to {target}.")


@invoice.command("print")
@click.argument("refs", nargs=-1)
@range_options("First issue date", "Last issue date")
@click.option("--dir", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the PDFs (created), named as ZATCA's convention gives.")


@json_option
def invoice_print(refs: tuple[str, ...], start: date | None, end: date | None, out_dir: Path,
                  as_json: bool) -> None:
    """Print many issued documents to PDF/A-3 files: the REFS given, or all whose issue date (the invoice's, in
    Saudi time, not the moment it was signed) is from --from to --to, both days included.

    Each file is written whole, so Ctrl+C leaves only complete PDFs; standard invoices waiting for clearance
    are skipped and listed."""
    from core.reports import export_pdfs, issued_in

    ctx = state().company()
    wanted = list(refs)
    if not wanted:
        if start is None or end is None:
            raise click.UsageError("Give document numbers, or --from and --to.")
        check_order(start, end)
        with ctx.uow(write=False) as uow:
            wanted = issued_in(uow, start, end)
    printer = progress_printer("Printing")
    try:
        result = export_pdfs(ctx, wanted, out_dir, progress=printer)
    finally:
        end_progress(printer)
    if as_json:
        print_json({"written": [str(p) for p in result.written],
                    "skipped": [{"number": n, "why": why} for n, why in result.skipped]})
        return
    click.echo(f"Wrote {len(result.written)} PDF(s) to {out_dir}.")
    for number, why in result.skipped:
        click.echo(f"Skipped {number}: {why}.")
    for number, why in result.refused:
        click.echo(f"REFUSED {number}: {why}", err=True)
    if result.refused:  # the others were printed; the refused ones are evidence of tampering
        raise TamperedDocumentError(f"{len(result.refused)} document(s) were not printed: their stored XML "
                                    "does not verify.", fix="Run `qayd audit verify` for the full report.")


@invoice.command("qr")
@click.argument("ref")
@json_option
def invoice_qr(ref: str, as_json: bool) -> None:
    """Decode the QR code (TLV) of an issued document or of a UBL file."""
    from core.zatca import decode_tlv
    from core.zatca import describe_qr as describe

    value = _qr_value(ref)
    fields = describe(decode_tlv(value))
    if as_json:
        print_json(fields)
        return
    for name, text in fields.items():
        click.echo(f"{name:28} {text}")


def _qr_value(ref: str) -> str:
    path = Path(ref)
    if path.suffix.lower() == ".xml" and path.exists():
        from core.zatca import parse_untrusted

        root, findings = parse_untrusted(path.read_bytes())
        if root is None:
            raise ValidationError(f"The file {path.name}", findings)
        ns = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
              "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
        found = root.xpath("cac:AdditionalDocumentReference[cbc:ID='QR']/cac:Attachment/"
                           "cbc:EmbeddedDocumentBinaryObject/text()", namespaces=ns)
        if not found:
            raise click.ClickException(f"{path.name} has no QR code.")
        return str(found[0]).strip()
    with state().company().uow(write=False) as uow:
        from core.invoicing import find_invoice_row
        from core.store import IssuedDocument
        from core.zatca import verified_qr

        row = find_invoice_row(uow, ref)
        doc = uow.session.get(IssuedDocument, row.id)
        if doc is None:
            raise click.ClickException(f"{ref} is a draft; it has no QR code until it is issued.")
        return verified_qr(uow, doc, row.number)
