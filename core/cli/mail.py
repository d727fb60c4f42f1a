"""`qayd mail …` (the outbox: list, flush, resolve, preview) and `qayd invoice send` (queue an invoice for e-mail).

Imports only click at load: the mail stack (smtplib, email, Jinja2) and the PDF stack load inside the commands."""

from __future__ import annotations

from pathlib import Path

import click

from core.cli.common import end_progress, json_option, print_json, progress_printer, state
from core.cli.tables import print_table
from core.clock import saudi_time

EXIT_NOT_ALL_SENT = 1  # the flush ran; some messages failed or wait for a person (a check that found problems)

_lang = click.option("--lang", type=click.Choice(["ar", "en"]), default="ar", show_default=True,
                     help="The language the e-mail opens with (both are always in it).")
_to = click.option("--to", "to", metavar="EMAIL", help="Send to this address instead of the customer's.")
_xml = click.option("--xml/--no-xml", "attach_xml", default=None,
                    help="Attach the invoice's XML beside the PDF/A-3 (which embeds it already); default: as the "
                         "customer prefers (`qayd mail prefer`), else not.")


@click.command("send")
@click.argument("number")
@_to
@_lang
@_xml
@click.option("--pay-link", is_flag=True,
              help="Put a payment link for what is still outstanding in the e-mail (made through the [payments] "
                   "provider, or the open one reused); nothing is queued if the link cannot be made.")
def invoice_send(number: str, to: str | None, lang: str, attach_xml: bool | None, pay_link: bool) -> None:
    """Queue an issued invoice for e-mail with its PDF/A-3; `qayd mail flush` (or the desktop) sends it."""
    from core.mail import send_invoice

    cli = state()
    url = _payment_url(number) if pay_link else None
    ident = send_invoice(cli.company(), number, cli.settings.mail, to=to, lang=lang, attach_xml=attach_xml,
                         payment_url=url)
    click.echo(f"Queued {number} for e-mail as message {ident.hex[:8]}"
               f"{' with a payment link' if url else ''}; `qayd mail flush` sends it.")


def _payment_url(number: str) -> str | None:
    """The link's address (the same link `qayd pay link` gives), or None when nothing is outstanding."""
    from core.cli.pay import provider_for_command
    from core.payments import make_link

    cli = state()
    with provider_for_command() as provider:
        link = make_link(cli.company(), provider, number, currency=cli.settings.payments.currency)
    if link is None:
        click.echo(f"{number} is paid: the e-mail goes without a payment link.")
    return None if link is None else link.url


@click.group()
def mail() -> None:
    """E-mailed invoices: the outbox, sending it, and decisions after an interrupted send."""


@mail.command("outbox")
@click.option("--status", type=click.Choice(["queued", "sending", "sent", "failed", "needs_person", "cancelled"]),
              help="Only messages in this state.")
@json_option
def mail_outbox(status: str | None, as_json: bool) -> None:
    """List the outbox, newest first (no addresses or bodies are shown)."""
    from core.mail import outbox_items

    items = outbox_items(state().company(), status=status)
    if as_json:
        print_json([{"id": str(i.id), "number": i.number, "status": i.status, "lang": i.lang,
                     "attach_xml": i.attach_xml, "attempts": i.attempts, "next_attempt_at": i.next_attempt_at,
                     "requested_at": i.requested_at, "sent_at": i.sent_at, "last_error": i.last_error,
                     "message_id": i.message_id} for i in items])
        return
    if not items:
        click.echo("The outbox is empty.")
        return
    print_table(["id", "invoice", "status", "attempts", "requested (Riyadh)", "next try / sent", "last error"],
                [[i.id.hex[:8], i.number, i.status, i.attempts, _when(i.requested_at),
                  _when(i.sent_at or i.next_attempt_at), i.last_error[:60]] for i in items])


def _when(value: object) -> str:
    return saudi_time(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""  # type: ignore[arg-type]


@mail.command("flush")
@click.option("--limit", type=click.IntRange(1, 100_000), help="Send at most this many messages.")
def mail_flush(limit: int | None) -> None:
    """Send every message that is due, over one connection; failures retry later with longer waits."""
    from core.mail import flush

    cli = state()
    printer = progress_printer("Sending")
    try:
        result = flush(cli.company(), cli.settings.mail, limit=limit, progress=printer)
    finally:
        end_progress(printer)
    click.echo(f"Sent {result.sent}; will retry {result.retrying}; failed {result.failed}; "
               f"waiting for a person {result.needs_person}.")
    for line in result.errors:
        click.echo(f"  {line}", err=True)
    if result.failed or result.needs_person:
        click.echo("`qayd mail outbox` shows each message's reason and what to do.", err=True)
        raise SystemExit(EXIT_NOT_ALL_SENT)


@mail.command("resolve")
@click.argument("message_id", metavar="ID")
@click.option("--was-sent", "decision", flag_value="was_sent", help="It did reach the server: record it as sent.")
@click.option("--send-again", "decision", flag_value="send_again", help="It did not: queue it again.")
def mail_resolve(message_id: str, decision: str | None) -> None:
    """Decide on a message an interruption left unsure (status needs_person): was it sent, or send it again."""
    if decision is None:
        raise click.UsageError("Give --was-sent or --send-again.")
    from core.mail import resolve

    item = resolve(state().company(), message_id, was_sent=decision == "was_sent")
    click.echo(f"Message {item.id.hex[:8]} ({item.number}) is now {item.status}.")


@mail.command("preview")
@click.argument("number")
@_to
@_lang
@_xml
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="Folder for the .eml message, its text and HTML parts and attachments.")
def mail_preview(number: str, to: str | None, lang: str, attach_xml: bool | None, out_dir: Path) -> None:
    """Write the e-mail `invoice send` would queue, without queuing or sending it."""
    from core.mail import preview_message, write_preview

    cli = state()
    message = preview_message(cli.company(), number, cli.settings.mail, to=to, lang=lang, attach_xml=attach_xml)
    written = write_preview(message, out_dir)
    click.echo(f"Wrote {len(written.files)} file(s) to {out_dir}: {', '.join(written.files)}")


@mail.command("prefer")
@click.argument("customer")
@click.option("--xml/--no-xml", "attach_xml", required=True, help="Attach the XML to this customer's invoices.")
def mail_prefer(customer: str, attach_xml: bool) -> None:
    """Whether a customer (id, VAT number or exact name) gets the invoice's XML beside the PDF/A-3."""
    from core.mail import set_xml_preference

    ident = set_xml_preference(state().company(), customer, attach_xml)
    click.echo(f"Customer {ident} now gets {'the PDF/A-3 and the XML' if attach_xml else 'the PDF/A-3 alone'}.")
