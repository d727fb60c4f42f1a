"""The VAT return's figures on the terminal: the boxes as the PDF holds them, read back from the JSON it embeds."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import click
import pikepdf

from core.cli.tables import Amount, amount_text, print_table


def attached_json(pdf: bytes, name: str) -> Any:
    """The JSON file `name` embedded in a PDF/A-3 that Qayd just built: what is printed is then exactly what the
    document carries, never a second sum that a document issued meanwhile could make differ."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return json.loads(doc.attachments[name].get_file().read_bytes())


def print_vat_figures(figures: dict[str, Any]) -> None:
    """Boxes 1 to 6 with the out-of-scope line, each with its amount, adjustment, VAT and document count (SAR)."""
    click.echo(f"VAT return summary {figures['start']} to {figures['end']} (both days included; issue dates in "
               f"Saudi time), VAT number {figures['vat_number']}, amounts in {figures['currency']}:")
    rows = [*figures["boxes"], figures["out_of_scope"]]
    print_table(("Box", "Sales", "Amount", "Adjustment", "VAT", "Documents"),
                ((b["box"], b["name"], Amount(Decimal(b["amount"])), Amount(Decimal(b["adjustment"])),
                  Amount(Decimal(b["vat"])), b["documents"]) for b in rows))
    click.echo(f"VAT due on sales: {amount_text(Decimal(figures['vat_due_on_sales']))} {figures['currency']} "
               f"({figures['documents']} documents: {figures['invoices']} invoices, {figures['credit_notes']} credit "
               f"notes, {figures['debit_notes']} debit notes).")
    if not figures.get("purchases_covered", False):
        click.echo("Boxes 7 to 12 (purchases) are not covered: Qayd records no purchases.")
    if figures.get("rejected_by_zatca"):
        click.echo(f"{figures['rejected_by_zatca']} document(s) of the period were rejected by ZATCA and are still "
                   "counted; the PDF lists them.")
