"""`qayd product add|list`: what the company sells, with its price and VAT category."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from core import invoicing as service
from core.cli.common import ROWS, json_option, print_json, print_table, state
from core.cli.tables import Amount, Page, page_footer, page_json_option
from core.errors import ValidationError
from core.findings import Finding
from core.invoicing import Product, VatCategory

CATEGORIES = [c.value for c in VatCategory]


def _decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationError(f"The value of {field}", [Finding(
            "QAYD-CLI-DECIMAL", field, f"{text!r} is not a number.", "Write it like 250 or 250.00.",
            message_ar=f"القيمة {text!r} ليست رقماً.", fix_ar="اكتبها مثل 250 أو 250.00")])
    return value


@click.group()
def product() -> None:
    """Products and services."""


@product.command("add")
@click.option("--name", required=True)
@click.option("--name-ar", default="")
@click.option("--price", required=True, help="Unit price before VAT, e.g. 250.00.")
@click.option("--vat-category", type=click.Choice(CATEGORIES), default="S", show_default=True)
@click.option("--vat-rate", default=None, help="VAT rate in percent (default 15 for S, 0 otherwise).")
@click.option("--sku", default="")
@click.option("--unit", "unit_code", default="PCE", show_default=True, help="UN/ECE rec. 20 unit code.")
@click.option("--exemption-code", default="", help="VATEX-SA-* code, required for Z, E and O.")
@click.option("--exemption-reason", default="")
@json_option
def product_add(name: str, name_ar: str, price: str, vat_category: str, vat_rate: str | None, sku: str,
                unit_code: str, exemption_code: str, exemption_reason: str, as_json: bool) -> None:
    """Add a product."""
    category = VatCategory(vat_category)
    rate = vat_rate if vat_rate is not None else ("15" if category is VatCategory.STANDARD else "0")
    new = Product(name=name, name_ar=name_ar, unit_price=_decimal(price, "price"), vat_category=category,
                  vat_rate=_decimal(rate, "vat_rate"), sku=sku, unit_code=unit_code,
                  exemption_reason_code=exemption_code, exemption_reason=exemption_reason)
    with state().company().uow() as uow:
        service.add_product(uow, new)
        uow.commit()
    print_json(new) if as_json else click.echo(f"Added product {new.name} ({new.id}).")


@product.command("list")
@click.option("--search", default="")
@click.option("--limit", default=100, show_default=True, type=ROWS)
@click.option("--offset", default=0, type=ROWS)
@json_option
@page_json_option
def product_list(search: str, limit: int, offset: int, as_json: bool, as_page: bool) -> None:
    """List products by name; says when it shows a page of a larger selection."""
    with state().company().uow(write=False) as uow:
        products = service.list_products(uow, search=search, limit=limit, offset=offset)
        page = Page(len(products), limit, offset, service.count_products(uow, search=search))
    if as_json or as_page:
        print_json(page.as_json(products) if as_page else products)
    else:
        print_table(("ID", "Name", "SKU", "Unit price", "VAT"),
                    ((p.id, p.name, p.sku, Amount(p.unit_price), f"{p.vat_category.value} {p.vat_rate}%")
                     for p in products))
    page_footer(page, as_json=as_json or as_page)
