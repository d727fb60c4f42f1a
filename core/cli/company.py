"""`qayd init` and `qayd company show|edit`."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

import click

from core import invoicing as service  # the invoicing face, named as the module it replaces
from core.bootstrap import company_paths
from core.cli.common import json_option, print_json, state
from core.errors import ValidationError
from core.findings import errors_in
from core.invoicing import Address, CompanyProfile, IdScheme, create_demo, unknown_seller_scheme, validate_company
from core.uow import Context
from core.zatca import add_demo_egs

COMPANY_OPTIONS = (
    ("name_ar", "--name-ar", "Legal name in Arabic."),
    ("name_en", "--name-en", "Legal name in English."),
    ("vat", "--vat", "VAT registration number (15 digits, starting and ending with 3)."),
    ("crn", "--crn", "Commercial registration number (10 digits): short for --id-scheme CRN --id-value NUMBER."),
    ("id_scheme", "--id-scheme", "Seller id scheme without a commercial registration (BR-KSA-08): CRN, MOM (MOMRAH "
                                 "licence), MLS (MHRSD licence), 700 (700 number), SAG (MISA licence) or OTH."),
    ("id_value", "--id-value", "Seller id under --id-scheme (letters and digits)."),
    ("street", "--street", "Street of the national address."),
    ("building", "--building", "Building number (4 digits)."),
    ("district", "--district", "District."),
    ("city", "--city", "City."),
    ("postal_code", "--postal-code", "Postal code (5 digits)."),
    ("additional_number", "--additional-number", "Additional number of the national address (4 digits)."),
)


def company_options(func: Any) -> Any:
    for name, flag, help_text in reversed(COMPANY_OPTIONS):
        func = click.option(flag, name, help=help_text)(func)
    return func


ADDRESS_OPTIONS = {"street": "street", "building_number": "building", "district": "district", "city": "city",
                   "postal_code": "postal_code", "additional_number": "additional_number"}
PROFILE_OPTIONS = {"legal_name_ar": "name_ar", "legal_name_en": "name_en", "vat_number": "vat",
                   "id_value": "id_value"}


def _seller_id(given: dict[str, Any]) -> None:
    """--crn N is --id-scheme CRN --id-value N; the scheme's code is read as ZATCA writes it (BR-KSA-08)."""
    crn = given.pop("crn", None)
    if crn is not None:
        if given.get("id_scheme", "CRN").strip().upper() != "CRN" or "id_value" in given:
            raise click.UsageError("Give either --crn, or --id-scheme with --id-value, not both.")
        given.update(id_scheme="CRN", id_value=crn)
    if "id_scheme" in given:
        code = given["id_scheme"].strip().upper()
        if code not in {s.value for s in IdScheme}:
            raise ValidationError("The company profile", [unknown_seller_scheme(given["id_scheme"])])
        given["id_scheme"] = IdScheme(code)


def profile_from(values: dict[str, str | None], base: CompanyProfile | None = None) -> CompanyProfile:
    """`base` (or an empty profile) with the options that were given."""
    b = base or CompanyProfile("", "", "", "", Address("", "", "", "", ""))
    given: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
    _seller_id(given)
    address = replace(b.address, **{f: given[o] for f, o in ADDRESS_OPTIONS.items() if o in given})
    fields = {f: given[o] for f, o in PROFILE_OPTIONS.items() if o in given}
    if "id_scheme" in given:
        fields["id_scheme"] = given["id_scheme"]
    return replace(b, address=address, **fields)


def _prompt_missing(values: dict[str, str | None]) -> None:
    if not sys.stdin.isatty():
        return
    skipped = {"additional_number", "crn"} | ({"id_scheme", "id_value"} if values.get("crn") is not None else set())
    for name, _flag, help_text in COMPANY_OPTIONS:
        if values.get(name) is None and name not in skipped:
            default = "CRN" if name == "id_scheme" else ""
            values[name] = click.prompt(help_text.rstrip("."), default=default, show_default=bool(default))


@click.command()
@click.option("--demo", is_flag=True, help="Create a demo company with customers, products and drafts.")
@click.option("--drafts", default=300, show_default=True, help="How many drafts the demo company gets.")
@click.option("--exist-ok", is_flag=True, help="Succeed without changes when the company already exists.")
@company_options
def init(demo: bool, drafts: int, exist_ok: bool, **values: str | None) -> None:
    """Create a company: its store, device key and first audit entries."""
    st = state()
    if exist_ok and company_paths(st.settings.data_dir, st.settings.company).db.exists():
        click.echo(f"Company '{st.settings.company}' already exists; nothing to do.")
        return
    if demo:
        # One step: a failure while filling or issuing removes the new store (nothing half-made stays behind).
        ctx, summary = st.new_company(lambda c: f"{create_demo(c, drafts=drafts)}, "
                                                f"{add_demo_egs(c, issue=min(20, drafts))}")
        click.echo(f"Created the demo company '{st.settings.company}' in {ctx.db.path}: {summary}.")
        return
    _prompt_missing(values)
    profile = profile_from(values)
    findings = validate_company(profile)
    if errors_in(findings):  # checked before anything is written: a refused init leaves no file behind
        raise ValidationError("The company profile", findings)
    ctx, _ = st.new_company(lambda c: _create_profile(c, profile))
    click.echo(f"Created company '{st.settings.company}' ({profile.legal_name_en}) in {ctx.db.path}.")


def _create_profile(ctx: Context, profile: CompanyProfile) -> None:
    with ctx.uow() as uow:
        service.create_company(uow, profile)
        uow.commit()


@click.group()
def company() -> None:
    """The seller's company profile."""


@company.command("show")
@json_option
def company_show(as_json: bool) -> None:
    """Show the company profile."""
    with state().company().uow(write=False) as uow:
        profile = service.get_company(uow)
    if as_json:
        print_json(profile)
        return
    a = profile.address
    for label, value in (("Legal name (ar)", profile.legal_name_ar), ("Legal name (en)", profile.legal_name_en),
                         ("VAT number", profile.vat_number),
                         (f"Seller id ({profile.id_scheme.value})", profile.id_value),
                         ("Address", f"{a.building_number} {a.street}, {a.district}, {a.city} {a.postal_code}, "
                                     f"{a.country}")):
        click.echo(f"{label:16} {value}")


@company.command("edit")
@company_options
def company_edit(**values: str | None) -> None:
    """Change fields of the company profile (only the options given)."""
    with state().company().uow() as uow:
        current = service.get_company(uow)
        updated = service.update_company(uow, profile_from(values, current))
        uow.commit()
    click.echo(f"Company profile saved ({updated.legal_name_en}).")

