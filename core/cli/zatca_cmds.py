"""`qayd zatca onboard|status|submit|renew`, and issuing: `qayd invoice issue|export|print|qr`."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from core.bootstrap import zatca_client
from core.cli.common import ROWS, end_progress, json_option, print_json, print_table, progress_printer, state
from core.cli.dates import check_order, range_options
from core.errors import NotFoundError, TamperedDocumentError, ValidationError
from core.files import write_private
from core.zatca import (
    FatooraClient,
    IssueRun,
    decode_tlv,
    issue_in_order,
    issued_xml,
    list_queue,
    onboarding,
    prepare_correction,
    submit_pending,
)
from core.zatca import describe_qr as describe
from core.zatca import egs as units

ENVIRONMENTS = ["sandbox", "simulation", "production"]


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


def client_for(environment: str) -> FatooraClient:
    return zatca_client(state().settings, environment)  # the transport is built in the composition root


def register(cli: click.Group, invoice: click.Group) -> None:
    @cli.group()
    def zatca() -> None:
        """ZATCA: EGS units, onboarding, and the submission queue."""

    @zatca.command("onboard")
    @click.option("--name", required=True, help="Unique name of this EGS unit (the certificate's common name).")
    @click.option("--serial", required=True, help="1-<maker>|2-<model>|3-<serial number>.")
    @click.option("--environment", type=click.Choice(ENVIRONMENTS), default=None,
                  help="Portal environment (default: the zatca.environment setting).")
    @click.option("--otp", required=True, help="The one-time password from the Fatoora portal.")
    @click.option("--invoice-types", default="1100", show_default=True,
                  help="Four digits TSCZ: standard, simplified, (future), (future).")
    @click.option("--branch", default="")
    @click.option("--location", default="")
    @click.option("--industry", default="")
    @json_option
    def zatca_onboard(name: str, serial: str, environment: str | None, otp: str, invoice_types: str, branch: str,
                      location: str, industry: str, as_json: bool) -> None:
        """Create (or resume) an EGS unit and onboard it: CSR, compliance CSID, checks, production CSID."""
        st = state()
        ctx, env = st.company(), environment or st.settings.zatca.environment
        with ctx.uow() as uow:
            try:  # an unfinished onboarding resumes with the same unit and key
                unit_id = units.get_egs(uow, name).id
            except NotFoundError:
                unit_id = units.create_egs(uow, name=name, serial_number=serial, environment=env,
                                           invoice_types=invoice_types, branch=branch, location=location,
                                           industry=industry).id
            uow.commit()
        printer = progress_printer("Onboarding")
        with client_for(env) as client:
            info = onboarding.onboard(ctx, unit_id, otp, client, progress=printer)
        end_progress(printer)
        print_json(info) if as_json else click.echo(f"EGS unit {info.name} is {info.status} in {info.environment}.")

    @zatca.command("status")
    @json_option
    def zatca_status(as_json: bool) -> None:
        """EGS units (with certificate expiry warnings) and the submission queue with its deadlines."""
        ctx = state().company()
        with ctx.uow(write=False) as uow:
            egs_list, queue, now = units.list_egs(uow), list_queue(uow), uow.now()
        if as_json:
            print_json({"egs_units": egs_list, "queue": queue,
                        "warnings": [w for w in (q.warning(now) for q in queue) if w]})
            return
        print_table(("EGS unit", "Environment", "Status", "Types", "ICV", "Certificate until"),
                    ((u.name, u.environment, u.status, u.invoice_types, u.icv,
                      f"{u.certificate_expires_at:%Y-%m-%d}" if u.certificate_expires_at else "") for u in egs_list))
        for u in egs_list:
            for w in u.warnings:
                click.echo(f"WARNING {u.name}: {w}")
        click.echo("")
        print_table(("Document", "Kind", "State", "Tries", "Time left", "Last error"),
                    ((q.number, q.kind, q.state, q.attempts, _left(q.time_left(now)), q.last_error[:50])
                     for q in queue))
        for q in queue:
            if q.warning(now):
                click.echo(f"WARNING {q.warning(now)}")
            if q.state == "rejected":
                for m in q.messages:
                    click.echo(f"  {q.number}: {m.get('level', '')} {m.get('code', '')}: {m.get('message', '')}")
                click.echo(f"  Fix: issue a credit note for {q.number}, then a corrected invoice "
                           f"(`qayd invoice correct {q.number}` prepares both drafts).")

    @zatca.command("submit")
    @click.option("--limit", type=ROWS, default=None, help="At most this many documents.")
    @json_option
    def zatca_submit(limit: int | None, as_json: bool) -> None:
        """Clear or report every due document; exit 1 when some were rejected or the portal was unreachable."""
        summary = submit_pending(state().company(), client_for, limit=limit)
        if as_json:
            print_json(summary)
        else:
            click.echo(f"Done: {len(summary.done)}, rejected: {len(summary.rejected)}, "
                       f"postponed: {len(summary.postponed)}.")
            if summary.stopped:
                click.echo(f"Stopped: {summary.stopped}", err=True)
        if summary.rejected or summary.stopped:
            raise click.exceptions.Exit(1)

    @zatca.command("renew")
    @click.option("--egs", "egs_name", default=None, help="The unit to renew (default: this device's unit).")
    @click.option("--otp", required=True)
    def zatca_renew(egs_name: str | None, otp: str) -> None:
        """Renew the unit's production certificate (new key and CSR)."""
        ctx = state().company()
        with ctx.uow(write=False) as uow:
            unit = units.get_egs(uow, egs_name)
            unit_id, env = unit.id, unit.environment
        with client_for(env) as client:
            info = onboarding.renew(ctx, unit_id, otp, client)
        click.echo(f"Renewed {info.name}; the certificate is valid until {info.certificate_expires_at:%Y-%m-%d}.")

    @invoice.command("issue")
    @click.argument("refs", nargs=-1, required=True)
    @click.option("--egs", "egs_name", default=None, help="Issue with this EGS unit.")
    @json_option
    def invoice_issue(refs: tuple[str, ...], egs_name: str | None, as_json: bool) -> None:
        """Issue drafts in order (counter, hash chain, signature, QR; queued for clearance or reporting).

        Each is committed as it is issued; the first one refused stops the run and the rest are not attempted.
        """
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
            from core.cli.report_cmds import write_pdf

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


def _left(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    seconds = int(delta.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600} h {seconds % 3600 // 60:02d} min"

