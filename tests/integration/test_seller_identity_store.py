"""Issue 12 point 4 end to end: a seller without a commercial registration, on a real store, through `qayd`,
into the signed XML (checked by the official schematron) and onto the printed invoice; old stores keep their CRN."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from alembic import command
from lxml import etree

from core.invoicing import service
from core.invoicing.model import (
    Address,
    CompanyProfile,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    VatCategory,
)
from core.reports.invoice_pdf import build_invoice_pdf
from core.store import database
from core.uow import Context
from core.zatca.egs import create_demo_egs
from core.zatca.issuing import issue_invoice, issued_xml
from tests.integration.conftest import Result
from tests.support.pdf_text import pdf_text, render_png, text_runs
from tests.support.schematron import official_xsd, run_schematron

BASE = ["--name-ar", "شركة الاستثمار", "--name-en", "Invest Co", "--vat", "300000000000003", "--street", "Olaya St",
        "--building", "1234", "--district", "Al Olaya", "--city", "Riyadh", "--postal-code", "12211"]
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}


def shown(run: Callable[..., Result]) -> tuple[str, str]:
    profile = json.loads(run("company", "show", "--json").stdout)
    return profile["id_scheme"], profile["id_value"]


def stored(env: dict[str, str]) -> tuple[str, str]:
    path = Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite"
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT id_scheme, id_value FROM company").fetchone()
    return row[0], row[1]


def test_a_company_without_a_cr_number_is_created_and_edited(run: Callable[..., Result],
                                                             env: dict[str, str]) -> None:
    created = run("init", *BASE, "--id-scheme", "sag", "--id-value", "102030405060")
    assert created.exit_code == 0, created.output
    assert shown(run) == ("SAG", "102030405060") == stored(env)
    assert "Seller id (SAG)  102030405060" in run("company", "show").stdout

    assert run("company", "edit", "--id-scheme", "700", "--id-value", "7001234565").exit_code == 0
    assert stored(env) == ("700", "7001234565")
    assert run("company", "edit", "--id-value", "7009876543").exit_code == 0  # the scheme stays
    assert stored(env) == ("700", "7009876543")
    assert run("company", "edit", "--crn", "1010101010").exit_code == 0  # --crn: the CRN shortcut
    assert stored(env) == ("CRN", "1010101010")


def test_bad_schemes_are_refused_with_the_rule_and_nothing_changes(run: Callable[..., Result],
                                                                   env: dict[str, str]) -> None:
    assert run("init", *BASE, "--id-scheme", "MOM", "--id-value", "40031234").exit_code == 0
    for args in (("--id-scheme", "XYZ"), ("--id-scheme", "NAT", "--id-value", "1012345678"),
                 ("--id-scheme", "OTH", "--id-value", "12-34 56"), ("--id-value", "")):
        refused = run("company", "edit", *args)
        assert refused.exit_code == 2, (args, refused.output)
        assert "BR-KSA-08" in refused.output and "Traceback" not in refused.output, args
        assert stored(env) == ("MOM", "40031234"), args
    unknown = run("company", "edit", "--id-scheme", "XYZ").output
    assert "id_scheme" in unknown and "CRN, MOM, MLS, 700, SAG, OTH" in unknown and "OTH" in unknown
    both = run("company", "edit", "--crn", "1010101010", "--id-scheme", "MOM")
    assert both.exit_code == 2 and "--crn" in both.output and stored(env) == ("MOM", "40031234")


def test_init_refuses_a_missing_seller_id_before_writing_anything(run: Callable[..., Result],
                                                                  env: dict[str, str]) -> None:
    refused = run("init", *BASE, "--id-scheme", "MLS")
    assert refused.exit_code == 2 and "BR-KSA-08" in refused.output and "id_value" in refused.output
    assert not (Path(env["QAYD_DATA_DIR"]) / "companies" / "acme.sqlite").exists()


def test_the_signed_invoice_and_its_printed_copy_carry_the_scheme(ctx: Context) -> None:
    profile = CompanyProfile("شركة الموارد", "Resources Co", "399999999900003", "MLS2026A17",
                             Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211"), IdScheme.MLS)
    draft = InvoiceDraft(kind=DocumentKind.SIMPLIFIED, type=DocumentType.INVOICE, number="MLS-1",
                         issue_datetime=datetime.fromisoformat("2026-11-24T10:00:00+03:00"), payment_means="10",
                         lines=(InvoiceLine("Item", Decimal("1"), Decimal("100"), VatCategory.STANDARD,
                                            Decimal("15")),))
    with ctx.uow() as uow:
        service.create_company(uow, profile)
        create_demo_egs(uow, profile)
        service.import_drafts(uow, [draft])
        issue_invoice(uow, "MLS-1")
        uow.commit()
    with ctx.uow(write=False) as uow:
        xml, _which, _shareable = issued_xml(uow, "MLS-1")
    root = etree.fromstring(xml)
    (ident,) = root.findall("cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID", NS)
    assert (ident.get("schemeID"), ident.text) == ("MLS", "MLS2026A17")
    assert official_xsd().validate(root)
    found = run_schematron(xml)
    assert [a for a in found if a.is_error] == [] and not {a.rule for a in found} & {"BR-KSA-08", "BR-KSA-F-12"}

    built = build_invoice_pdf(ctx, ref="MLS-1")
    render_png(built.pdf, "invoice-seller-mls", last=1)  # kept for a look
    text = " ".join(pdf_text(built.pdf).split())
    assert "Seller MHRSD licence (MLS)" in text and "MLS2026A17" in text
    assert "MHRSD licence MLS2026A17" in text  # the page header names the scheme too (was "CR …")
    arabic = " ".join(text_runs(built.pdf))
    assert "ترخيص الموارد البشرية للبائع" in arabic and "السجل التجاري" not in arabic


def test_an_old_store_keeps_its_cr_number_as_a_crn(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = database.make_engine(path)
    cfg = database._alembic_config()
    with engine.begin() as conn:  # a store as release 0007 left it
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.exec_driver_sql(
            "INSERT INTO company (id, version, created_at, updated_at, device_id, legal_name_ar, legal_name_en, "
            "vat_number, commercial_registration, street, building_number, district, city, postal_code, country, "
            "additional_number, province) VALUES ('00000000000000000000000000000001', 1, '2026-01-01T00:00:00+00:00', "
            "'2026-01-01T00:00:00+00:00', 'd', 'ش', 'Co', '300000000000003', '1010101010', 'St', '1234', 'D', "
            "'Riyadh', '12211', 'SA', '', '')")
    engine.dispose()
    db = database.open_database(path)
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT id_scheme, id_value FROM company").one()
    db.engine.dispose()
    assert tuple(row) == ("CRN", "1010101010")
