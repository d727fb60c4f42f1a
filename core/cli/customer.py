"""`qayd customer add|list|show`: the buyers, businesses and individuals."""

from __future__ import annotations

import click

from core import invoicing as service
from core.cli.common import ROWS, json_option, print_json, print_table, state
from core.cli.tables import Page, page_footer, page_json_option
from core.invoicing import Address, Customer, CustomerKind, IdScheme

KINDS = [k.value for k in CustomerKind]
SCHEMES = [s.value for s in IdScheme]


def _address(street: str | None, building: str | None, district: str | None, city: str | None,
             postal_code: str | None, country: str, additional_number: str | None) -> Address | None:
    parts = (street, building, district, city, postal_code, additional_number)
    if not any(parts):
        return None
    return Address(street or "", building or "", district or "", city or "", postal_code or "", country,
                   additional_number or "")


@click.group()
def customer() -> None:
    """Customers (buyers): businesses and individuals."""


@customer.command("add")
@click.option("--name", required=True, help="Name (legal name for a business).")
@click.option("--name-ar", default="", help="Name in Arabic.")
@click.option("--kind", type=click.Choice(KINDS), default="business", show_default=True)
@click.option("--vat", "vat_number", default="", help="VAT number (15 digits, starting and ending with 3).")
@click.option("--id-scheme", type=click.Choice(SCHEMES), help="Scheme of another identifier.")
@click.option("--id-value", default="", help="The identifier in that scheme.")
@click.option("--street")
@click.option("--building", help="Building number (4 digits for Saudi addresses).")
@click.option("--district")
@click.option("--city")
@click.option("--postal-code", help="Postal code (5 digits for Saudi addresses).")
@click.option("--country", default="SA", show_default=True, help="ISO 3166 alpha-2 country code.")
@click.option("--additional-number")
@click.option("--email", default="")
@click.option("--phone", default="")
@json_option
def customer_add(name: str, name_ar: str, kind: str, vat_number: str, id_scheme: str | None, id_value: str,
                 street: str | None, building: str | None, district: str | None, city: str | None,
                 postal_code: str | None, country: str, additional_number: str | None, email: str, phone: str,
                 as_json: bool) -> None:
    """Add a customer."""
    new = Customer(name=name, name_ar=name_ar, kind=CustomerKind(kind), vat_number=vat_number,
                   id_scheme=IdScheme(id_scheme) if id_scheme else None, id_value=id_value,
                   address=_address(street, building, district, city, postal_code, country, additional_number),
                   email=email, phone=phone)
    with state().company().uow() as uow:
        service.add_customer(uow, new)
        uow.commit()
    print_json(new) if as_json else click.echo(f"Added customer {new.name} ({new.id}).")


@customer.command("list")
@click.option("--search", default="", help="Part of the name or VAT number.")
@click.option("--limit", default=100, show_default=True, type=ROWS)
@click.option("--offset", default=0, type=ROWS)
@json_option
@page_json_option
def customer_list(search: str, limit: int, offset: int, as_json: bool, as_page: bool) -> None:
    """List customers by name; says when it shows a page of a larger selection."""
    with state().company().uow(write=False, channel="cli") as uow:
        customers = service.list_customers(uow, search=search, limit=limit, offset=offset,
                                           purpose="customer list (qayd customer list)")
        page = Page(len(customers), limit, offset, service.count_customers(uow, search=search))
    if as_json or as_page:
        print_json(page.as_json(customers) if as_page else customers)
    else:
        print_table(("ID", "Name", "Kind", "VAT number", "City"),
                    ((c.id, c.name, c.kind.value, c.vat_number, c.address.city if c.address else "")
                     for c in customers))
    page_footer(page, as_json=as_json or as_page)


@customer.command("show")
@click.argument("ref")
@click.option("--purpose", default="customer record (qayd customer show)", show_default=True,
              help="Why you read this record: kept in the personal-data access log of an individual.")


@json_option
def customer_show(ref: str, purpose: str, as_json: bool) -> None:
    """Show one customer, by id, VAT number or exact name."""
    with state().company().uow(write=False, channel="cli") as uow:
        found = service.get_customer(uow, ref, purpose=purpose)
    if as_json:
        print_json(found)
        return
    for label, value in (("ID", found.id), ("Name", found.name), ("Name (ar)", found.name_ar),
                         ("Kind", found.kind.value), ("VAT number", found.vat_number),
                         ("Other id", f"{found.id_scheme.value} {found.id_value}" if found.id_scheme else ""),
                         ("Email", found.email), ("Phone", found.phone)):
        click.echo(f"{label:11} {value}")
    if found.address:
        a = found.address
        click.echo(f"{'Address':11} {a.building_number} {a.street}, {a.district}, {a.city} {a.postal_code}, "
                   f"{a.country}")
