"""The VAT return summary: box figures from real issued documents, checked by hand and against the signed XML."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import keyring
import pikepdf
import pytest
from lxml import etree
from sqlalchemy import select

from core.bootstrap import open_company
from core.config import load_settings
from core.invoicing.demo import create_demo
from core.invoicing.model import (
    Address,
    AllowanceCharge,
    CustomerKind,
    DocumentKind,
    DocumentType,
    IdScheme,
    InvoiceDraft,
    InvoiceLine,
    Party,
    VatCategory,
)
from core.invoicing.service import import_drafts
from core.reports.errors import ReportCancelled, ReportError
from core.reports.vat_return import (
    VatReturn,
    box_of,
    build_vat_return,
    parse_period,
    vat_return,
    vat_return_documents,
)
from core.secrets import MemoryKeyring
from core.store import models as m
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_many
from tests.conftest import StepClock
from tests.support.pdf_text import loose, pdf_text, render_png, text_runs, words

KSA = timezone(timedelta(hours=3))
Q4 = (date(2026, 10, 1), date(2026, 12, 31))
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
BUSINESS = Party(name="Al Ofoq Trading", vat_number="300000000000003",
                 address=Address(street="King Fahd Road", building_number="1234", district="Al Olaya", city="Riyadh",
                                 postal_code="12211"))
CITIZEN = Party(name="Fatimah Al-Harbi", kind=CustomerKind.INDIVIDUAL, id_scheme=IdScheme.NAT, id_value="1234567890",
                address=Address(street="Tahlia Street", building_number="4321", district="Al Sulimaniyah",
                                city="Riyadh", postal_code="12245"))


def line(name: str, qty: str, price: str, category: str = "S", code: str = "", reason: str = "",
         discount: str = "0") -> InvoiceLine:
    cat = VatCategory(category)
    return InvoiceLine(name=name, quantity=Decimal(qty), unit_price=Decimal(price), vat_category=cat,
                       vat_rate=Decimal("15") if cat is VatCategory.STANDARD else Decimal("0"),
                       discount=Decimal(discount), exemption_reason_code=code,
                       exemption_reason=reason or (f"Reason {code}" if code else ""))


def doc(number: str, issued: datetime, *lines: InvoiceLine, type_: DocumentType = DocumentType.INVOICE,
        buyer: Party = BUSINESS, kind: DocumentKind = DocumentKind.STANDARD, **extra: object) -> InvoiceDraft:
    fields: dict[str, object] = {"billing_reference": "T-001", "reason": "Goods returned"} if type_.is_note else {}
    fields.update(extra)
    return InvoiceDraft(kind=kind, type=type_, number=number, issue_datetime=issued, supply_date=issued.date(),
                        lines=tuple(lines), buyer=buyer, payment_means="10", **fields)  # type: ignore[arg-type]


def own_documents() -> list[InvoiceDraft]:
    """A small set whose figures are worked out by hand in `test_box_figures_by_hand`."""
    oct5 = datetime(2026, 10, 5, 10, 0, tzinfo=KSA)
    return [
        # box 1: 2 x 1000 - 100 discount = 1900, allowance 50, charge 20 -> 1870, VAT 280.50
        doc("T-001", oct5, line("Laptop", "2", "1000", discount="100"),
            allowances=(AllowanceCharge(amount=Decimal("50"), vat_category=VatCategory.STANDARD,
                                        vat_rate=Decimal("15"), reason="Discount", reason_code="95"),
                        AllowanceCharge(amount=Decimal("20"), vat_category=VatCategory.STANDARD,
                                        vat_rate=Decimal("15"), reason="Freight", reason_code="FC", is_charge=True))),
        # box 2 (healthcare to a citizen) 500 and box 3 (medicines) 120
        doc("T-002", oct5 + timedelta(days=1), line("Clinic visit", "1", "500", "Z", "VATEX-SA-HEA"),
            buyer=CITIZEN),
        doc("T-003", oct5 + timedelta(days=1), line("Tuition", "1", "800", "Z", "VATEX-SA-EDU"), buyer=CITIZEN),
        doc("T-004", oct5 + timedelta(days=2), line("Medicines", "3", "40", "Z", "VATEX-SA-35")),
        # box 4: exports of goods 1000 and services 250.25
        doc("T-005", oct5 + timedelta(days=3), line("Export freight", "1", "1000", "Z", "VATEX-SA-32")),
        doc("T-006", oct5 + timedelta(days=3), line("Remote consulting", "1", "250.25", "Z", "VATEX-SA-33")),
        # box 5: exempt 700 (and box 1: 100, VAT 15 on the same document)
        doc("T-007", oct5 + timedelta(days=4), line("Life insurance", "1", "700", "E", "VATEX-SA-29"),
            line("Paper", "1", "100")),
        # out of scope 300
        doc("T-008", oct5 + timedelta(days=5), line("Disbursement", "1", "300", "O", "VATEX-SA-OOS")),
        # USD invoice: 100 USD at 3.75 -> 375.00 SAR, VAT 15 USD -> 56.25 SAR
        doc("T-009", oct5 + timedelta(days=6), line("Licence", "1", "100"), currency="USD",
            exchange_rate=Decimal("3.75")),
        # credit note on T-001: 1 x 1000 -> adjustment -1000, VAT -150
        doc("T-010", oct5 + timedelta(days=7), line("Laptop", "1", "1000"), type_=DocumentType.CREDIT_NOTE),
        # debit note: export goods +200 (box 4), standard +10 (VAT 1.50)
        doc("T-011", oct5 + timedelta(days=8), line("Export freight", "1", "200", "Z", "VATEX-SA-32"),
            line("Handling", "1", "10"), type_=DocumentType.DEBIT_NOTE),
        # Riyadh boundary: 2026-09-30 23:30 UTC is 2026-10-01 02:30 in Riyadh (Q4); 20:30 UTC is still September
        doc("T-012", datetime(2026, 9, 30, 23, 30, tzinfo=UTC), line("Chair", "1", "200")),
        doc("T-013", datetime(2026, 9, 30, 20, 30, tzinfo=UTC), line("Desk", "1", "999")),
        # and the end of October: 2026-10-31 21:30 UTC is 2026-11-01 00:30 in Riyadh
        doc("T-014", datetime(2026, 10, 31, 21, 30, tzinfo=UTC), line("Lamp", "1", "40")),
    ]


def add_documents(ctx: Context, drafts: list[InvoiceDraft]) -> None:
    with ctx.uow() as uow:
        import_drafts(uow, drafts)
        issue_many(uow, [d.number for d in drafts])
        uow.commit()


def make_company(tmp: Path) -> Iterator[Context]:
    """A company of its own for a module's tests (opening a new store takes about a second, so it is shared)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    config = tmp / "config.toml"
    config.write_text("", "utf-8")
    settings = load_settings(environ={"QAYD_DATA_DIR": str(tmp / "data"), "QAYD_COMPANY": "acme"}, config_file=config)
    context = open_company(settings, create=True, clock=StepClock(), username="tester")
    keyring.set_keyring(previous)  # the master key is read once, when the company opens
    yield context
    context.close()


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """A company whose only issued documents are `own_documents()` (plus one draft, which never counts)."""
    for context in make_company(tmp_path_factory.mktemp("own")):
        create_demo(context, drafts=1)
        add_demo_egs(context, issue=0)
        add_documents(context, own_documents())
        yield context


@pytest.fixture(scope="module")
def bigger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """The demo company with 150 issued documents (about 100 in Q4) and `own_documents()`."""
    for context in make_company(tmp_path_factory.mktemp("bigger")):
        create_demo(context, drafts=150)
        add_demo_egs(context, issue=150)
        add_documents(context, own_documents())
        yield context


def figures(data: VatReturn) -> dict[str, tuple[str, str, str, int]]:
    return {b.box: (str(b.amount), str(b.adjustment), str(b.vat), b.documents)
            for b in (*data.boxes, data.out_of_scope)}


def test_box_figures_by_hand(own: Context) -> None:
    with own.uow(write=False) as uow:
        data = vat_return(uow, *Q4)
    assert figures(data) == {
        # T-001 1870 + T-007 100 + T-009 375 + T-012 200 + T-014 40; notes: -1000 + 10
        "1": ("2585.00", "-990.00", "239.25", 7),  # VAT 280.50 + 15 + 56.25 + 30 + 6 - 150 + 1.50
        "2": ("1300.00", "0.00", "0.00", 2),
        "3": ("120.00", "0.00", "0.00", 1),
        "4": ("1250.25", "200.00", "0.00", 3),
        "5": ("700.00", "0.00", "0.00", 1),
        "6": ("5955.25", "-790.00", "239.25", 12),
        "O": ("300.00", "0.00", "0.00", 1),
    }
    assert data.vat_due_on_sales == Decimal("239.25")
    assert (data.documents, data.invoices, data.credit_notes, data.debit_notes) == (13, 11, 1, 1)
    assert data.foreign_currency == 1 and data.rejected_by_zatca == 0
    groups = {(g.box, g.category, str(g.rate), g.exemption_reason_code): (str(g.amount), g.documents)
              for g in data.groups}
    assert groups[("4", "Z", "0", "VATEX-SA-32")] == ("1000.00", 2)
    assert groups[("4", "Z", "0", "VATEX-SA-33")] == ("250.25", 1)
    assert groups[("2", "Z", "0", "VATEX-SA-EDU")] == ("800.00", 1)


def test_period_is_by_issue_date_in_riyadh_time(own: Context) -> None:
    with own.uow(write=False) as uow:
        october = [d.number for d in vat_return_documents(uow, date(2026, 10, 1), date(2026, 10, 31), "1")]
        november = [d.number for d in vat_return_documents(uow, *parse_period("2026-11"), "1")]
        september = vat_return(uow, *parse_period("2026-09"))
    assert october[0] == "T-012" and "T-013" not in october and "T-014" not in october
    assert november == ["T-014"]
    assert (september.documents, september.box("1").amount, september.box("1").vat) == (1, Decimal("999.00"),
                                                                                       Decimal("149.85"))
    assert parse_period("2026-Q4") == Q4 and parse_period("2026") == (date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ReportError):
        parse_period("2026-13")
    with own.uow(write=False) as uow, pytest.raises(ReportError):
        vat_return(uow, date(2026, 12, 31), date(2026, 10, 1))


def test_box_lists_hold_the_documents_behind_each_box(own: Context) -> None:
    with own.uow(write=False) as uow:
        box1 = list(vat_return_documents(uow, *Q4, "1"))
        box4 = list(vat_return_documents(uow, *Q4, "4"))
        box2 = list(vat_return_documents(uow, *Q4, "2"))
    by_number = {d.number: d for d in box1}
    assert by_number["T-010"].type == "credit_note" and by_number["T-010"].taxable == Decimal("-1000.00")
    assert by_number["T-009"].currency == "USD" and by_number["T-009"].vat == Decimal("56.25")
    assert [d.number for d in box4] == ["T-005", "T-006", "T-011"]
    assert box2[0].buyer == "Fatimah Al-Harbi"  # the buyer's name as stored, an individual's read logged
    assert sum(d.taxable for d in box1) == Decimal("1595.00")


def test_restricted_buyer_is_masked_for_a_clerk(own: Context) -> None:
    def restrict(when: datetime | None) -> None:
        with own.uow() as uow:
            customer = uow.session.scalars(select(m.Customer).where(m.Customer.id_value == "1234567890")).one()
            customer.restricted_at = when
            uow.commit()

    restrict(own.clock())
    try:
        own.actor_role = "clerk"
        with own.uow(write=False) as uow:
            as_clerk = {d.buyer for d in vat_return_documents(uow, *Q4, "2")}
        own.actor_role = "compliance"
        with own.uow(write=False) as uow:
            as_officer = {d.buyer for d in vat_return_documents(uow, *Q4, "2")}
    finally:
        own.actor_role = "admin"
        restrict(None)
    assert as_clerk == {"(restricted)"} and as_officer == {"Fatimah Al-Harbi"}


def test_box_of_follows_the_exemption_codes() -> None:
    assert [box_of(c, code) for c, code in (("S", ""), ("Z", "VATEX-SA-HEA"), ("Z", "VATEX-SA-EDU"),
                                            ("Z", "VATEX-SA-34-1"), ("Z", "VATEX-SA-32"), ("Z", "VATEX-SA-33"),
                                            ("E", "VATEX-SA-29"), ("O", "VATEX-SA-OOS"))] == \
        ["1", "2", "2", "3", "4", "4", "5", "O"]


# -- against the signed XML of a bigger store ------------------------------------------------------------------


def xml_figures(ctx: Context, start: date, end: date) -> dict[str, list[Decimal]]:
    """Each box's [amount, adjustment, VAT] summed from the tax subtotals of the XML documents themselves."""
    low = datetime.combine(start, datetime.min.time(), KSA)
    high = datetime.combine(end + timedelta(days=1), datetime.min.time(), KSA)
    result: dict[str, list[Decimal]] = {}
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(m.IssuedDocument.xml, m.Invoice.exchange_rate)
                                   .join(m.Invoice, m.Invoice.id == m.IssuedDocument.invoice_id))
        for xml, rate in rows:
            root = etree.fromstring(xml)
            issued = datetime.fromisoformat(f"{root.findtext('cbc:IssueDate', namespaces=NS)}T"
                                            f"{root.findtext('cbc:IssueTime', namespaces=NS)}")
            issued = issued if issued.tzinfo else issued.replace(tzinfo=KSA)  # the XML holds Saudi time
            if not low <= issued < high:
                continue
            code = root.findtext("cbc:InvoiceTypeCode", namespaces=NS)
            sign = Decimal(-1) if code == "381" else Decimal(1)
            column = 0 if code == "388" else 1
            for sub in root.iterfind("cac:TaxTotal/cac:TaxSubtotal", NS):
                category = sub.findtext("cac:TaxCategory/cbc:ID", namespaces=NS)
                reason = sub.findtext("cac:TaxCategory/cbc:TaxExemptionReasonCode", namespaces=NS) or ""
                taxable = Decimal(sub.findtext("cbc:TaxableAmount", namespaces=NS))
                vat = Decimal(sub.findtext("cbc:TaxAmount", namespaces=NS))
                if rate is not None:
                    taxable, vat = (taxable * rate).quantize(Decimal("0.01")), (vat * rate).quantize(Decimal("0.01"))
                box = {"S": "1", "E": "5", "O": "O"}.get(category or "") or (
                    "2" if reason in ("VATEX-SA-HEA", "VATEX-SA-EDU") else
                    "4" if reason in ("VATEX-SA-32", "VATEX-SA-33") else "3")
                sums = result.setdefault(box, [Decimal(0)] * 3)
                sums[column] += sign * taxable
                sums[2] += sign * vat
    return result


def test_figures_match_the_signed_xml(bigger: Context) -> None:
    with bigger.uow(write=False) as uow:
        data = vat_return(uow, *Q4)
    expected = xml_figures(bigger, *Q4)
    for key in ("1", "2", "3", "4", "5", "O"):
        box = data.box(key)
        assert [box.amount, box.adjustment, box.vat] == expected.get(key, [Decimal(0)] * 3), key
    assert data.box("6").vat == sum((expected[k][2] for k in expected if k != "O"), Decimal(0))
    assert data.credit_notes >= 2  # the demo's credit notes and T-010


# -- the printed document ---------------------------------------------------------------------------------------


def test_printed_in_english_and_arabic(own: Context) -> None:
    progress: list[float] = []
    english = build_vat_return(own, start=Q4[0], end=Q4[1], lang="en", progress=lambda f, _m: progress.append(f))
    assert english.filename == "vat-return_399999999900003_2026-10-01_2026-12-31_en.pdf"
    assert english.pdf.startswith(b"%PDF") and english.pages >= 2 and progress[-1] == 1.0
    text = words(pdf_text(english.pdf))
    for expected in ("VAT return summary", "Standard rated sales (15%)", "Exports", "Total sales", "2,585.00",
                     "-990.00", "239.25", "5,955.25", "VAT due on sales", "239.25 SAR", "not covered",
                     "Out-of-scope supplies", "VATEX-SA-HEA", "T-012", "Credit note", "Fatimah Al-Harbi",
                     "Box 4, Exports: documents"):
        assert expected in text, expected
    assert "T-013" not in text and "T-014" in text

    arabic = build_vat_return(own, start=Q4[0], end=Q4[1], lang="ar")
    assert arabic.filename.endswith("_ar.pdf")
    logical = "\n".join(text_runs(arabic.pdf))
    for expected in ("ملخص إقرار ضريبة القيمة المضافة", "المبيعات الخاضعة للنسبة الأساسية 15%", "الصادرات",
                     "المبيعات المعفاة", "إجمالي المبيعات", "غير مشمول", "ضريبة القيمة المضافة المستحقة على المبيعات",
                     "إشعار دائن", "إشعار مدين", "البند 4، الصادرات: المستندات"):
        assert loose(expected) in loose(logical), expected
    arabic_text = pdf_text(arabic.pdf)
    assert "2,585.00" in arabic_text and "239.25" in arabic_text
    with pikepdf.open(__import__("io").BytesIO(arabic.pdf)) as pdf:  # the figures travel inside, as JSON
        attached = pdf.attachments["vat-return.json"].get_file().read_bytes()
    assert json.loads(attached)["boxes"][0]["amount"] == "2585.00"
    pages = render_png(english.pdf, "vat-return-en", last=1) + render_png(arabic.pdf, "vat-return-ar", last=2)
    assert len(pages) == 3 and all(p.stat().st_size > 10_000 for p in pages)


def test_cancel_mid_list_raises_and_returns_nothing(bigger: Context) -> None:
    ctx = bigger
    with ctx.uow(write=False) as uow:
        listed = vat_return(uow, *Q4).box("1").documents
    assert listed > 60  # more rows than the table's cancel check interval (50)
    calls: list[int] = []
    seen: list[str] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= 3  # 1: adding up; 2: box 1's first chunk; 3: after 50 rows of box 1

    with pytest.raises(ReportCancelled):
        build_vat_return(ctx, start=Q4[0], end=Q4[1], lang="en", cancelled=cancelled,
                         progress=lambda _f, message: seen.append(message))
    assert len(calls) == 3


def test_drafts_never_count(own: Context) -> None:
    with own.uow(write=False) as uow:
        drafts = list(uow.session.scalars(select(m.Invoice.number).where(m.Invoice.status == "draft")))
        data = vat_return(uow, date(2026, 1, 1), date(2026, 12, 31))
    assert len(drafts) == 1 and data.documents == 14  # the 14 issued ones, all of 2026; not the draft
    built = build_vat_return(own, start=date(2027, 1, 1), end=date(2027, 3, 31), lang="ar")
    assert "لا توجد مستندات." in "\n".join(text_runs(built.pdf))


def test_built_through_the_report_service(own: Context) -> None:
    from core.reports.service import build

    built = build(own, "vat", {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}, "en")
    assert built.filename == "vat-return_399999999900003_2026-11-01_2026-11-30_en.pdf"
    assert "T-014" in pdf_text(built.pdf) and "T-012" not in pdf_text(built.pdf)
    zatca = build(own, "zatca", {"start": date(2026, 10, 1), "end": date(2026, 10, 31)}, "ar")
    assert zatca.filename == "zatca-submissions_399999999900003_2026-10-01_2026-10-31_ar.pdf" and zatca.pages >= 1


def test_the_summary_is_gathered_then_laid_out_without_the_store(own: Context,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything the pages show is read first; laying them out opens no unit of work, and prints the same."""
    from core.reports.vat_return import gather_vat_return
    from core.reports.vat_return_layout import lay_out_vat_return
    from core.reports.zatca_report import gather_zatca_report
    from core.reports.zatca_report_layout import lay_out_zatca_report

    whole = build_vat_return(own, start=Q4[0], end=Q4[1], lang="ar")
    report = gather_vat_return(own, *Q4)
    submissions = gather_zatca_report(own, *Q4)
    assert [d.number for d in report.documents("1")][:2] == ["T-012", "T-001"]  # in issue order, Riyadh time
    assert report.figures.box("1").documents == len(report.documents("1"))

    def no_store(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a layout opened a unit of work")

    monkeypatch.setattr(Context, "uow", no_store)
    alone = lay_out_vat_return(report, "ar")
    assert words(pdf_text(alone.pdf)) == words(pdf_text(whole.pdf)) and alone.filename == whole.filename
    assert submissions.summary.total.documents == sum(len(rows) for key, rows in submissions.lists
                                                      if key not in ("warnings",))
    assert lay_out_zatca_report(submissions, "en").pages >= 1
    with pytest.raises(AssertionError, match="unit of work"):
        build_vat_return(own, start=Q4[0], end=Q4[1], lang="ar")
