"""An auditor's check of issue 12 point 3: documents issued near a month, quarter or year end with any UTC offset.

Through the real `qayd` command line over a real store: the signed XML (checked by the official XSD and
schematrons), the QR code, the signing time, the printed PDF and its file name, the VAT and ZATCA reports, the
list and the batch print all put each document on its Saudi date. Oracle: the expected Saudi times are written out
by hand below, and XML times are read back as Saudi time (UTC+3) independently of Qayd's code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from core.bootstrap import open_company
from core.clock import saudi_midnight
from core.config import Settings
from core.invoicing import browse
from core.invoicing.browse import BrowseFilter
from core.invoicing.figures import PeriodKind, period_of, sales_figures
from tests.integration.conftest import Result
from tests.support.pdf_text import pdf_text
from tests.support.schematron import official_xsd, run_schematron

NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "xades": "http://uri.etsi.org/01903/v1.3.2#"}

# number: (issue_datetime as given, its Saudi date and time, unit price). Prices are powers of two, so a box's
# amount names exactly which documents it holds.
CASES = {
    "T-UTC": ("2024-03-31T23:30:00Z", "2024-04-01T02:30:00", 1),  # month and quarter end
    "T-PLUS4": ("2024-04-01T01:30:00+04:00", "2024-04-01T00:30:00", 2),  # its UTC day is 31 March
    "T-MINUS5": ("2024-03-31T18:30:00-05:00", "2024-04-01T02:30:00", 4),  # its own day is 31 March
    "T-YEAR": ("2023-12-31T21:00:00Z", "2024-01-01T00:00:00", 8),  # year end, Riyadh midnight exactly
    "T-MARCH": ("2024-03-31T20:59:59Z", "2024-03-31T23:59:59", 16),  # one second earlier: still March
}
APRIL = {"T-UTC", "T-PLUS4", "T-MINUS5"}
# The command line reads the system clock: the cases lie well in the past, so no machine sees them in the future.


def document(number: str, issued: str, price: int) -> dict[str, object]:
    return {"kind": "simplified", "type": "invoice", "number": number, "issue_datetime": issued, "currency": "SAR",
            "lines": [{"name": "Item", "quantity": "1", "unit_price": str(price), "vat_category": "S",
                       "vat_rate": "15"}], "payment_means": "10"}


def saudi_wall_clock(text: str) -> str:
    """Independent of Qayd: the instant's UTC wall clock plus three hours."""
    utc = datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)
    return (utc + timedelta(hours=3)).isoformat()


@pytest.fixture
def issued(run: Callable[..., Result], tmp_path: Path) -> Callable[..., Result]:
    assert run("init", "--demo", "--drafts", "0").exit_code == 0
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([document(n, case[0], case[2]) for n, case in CASES.items()]), "utf-8")
    before = datetime.now(UTC)
    result = run("invoice", "import", str(batch), "--issue")
    assert result.exit_code == 0, result.output
    run.signed_between = (before, datetime.now(UTC))  # type: ignore[attr-defined]
    return run


def test_the_cases_are_what_they_claim() -> None:
    for given, saudi, _price in CASES.values():
        assert saudi_wall_clock(given) == saudi


def test_xml_qr_and_signing_time_are_in_saudi_time(issued: Callable[..., Result], tmp_path: Path) -> None:
    low, high = (saudi_wall_clock(t.isoformat()) for t in issued.signed_between)  # type: ignore[attr-defined]
    for number, (_given, saudi, _price) in CASES.items():
        out = tmp_path / f"{number}.xml"
        assert issued("invoice", "export", number, "--xml", str(out)).exit_code == 0
        xml = out.read_bytes()
        root = etree.fromstring(xml)
        assert f"{root.findtext('cbc:IssueDate', namespaces=NS)}T{root.findtext('cbc:IssueTime', namespaces=NS)}" \
            == saudi, number
        assert official_xsd().validate(root)
        assert [a for a in run_schematron(xml) if a.is_error] == [], number
        qr = json.loads(issued("invoice", "qr", number, "--json").stdout)
        assert qr["Timestamp"] == saudi, number
        signing = root.findtext(".//xades:SigningTime", namespaces=NS)
        assert signing is not None and low[:19] <= signing <= high[:19], (number, signing, low, high)


def test_the_printed_copy_shows_the_saudi_date(issued: Callable[..., Result], tmp_path: Path) -> None:
    for number in ("T-UTC", "T-MINUS5", "T-MARCH"):
        saudi = CASES[number][1]
        folder = tmp_path / number
        folder.mkdir()
        assert issued("invoice", "export", number, "--pdf", str(folder)).exit_code == 0, number
        (pdf,) = folder.iterdir()
        stamp = saudi.replace("-", "").replace(":", "")
        assert f"_{stamp}_" in pdf.name, pdf.name  # ZATCA's file name convention: VAT_YYYYMMDDTHHMMSS_IRN
        assert saudi.replace("T", " ") in pdf_text(pdf.read_bytes()), number


def test_reports_file_each_document_in_its_saudi_period(issued: Callable[..., Result]) -> None:
    def box1(*period: str) -> tuple[Decimal, int]:
        data = json.loads(issued("report", "vat", *period, "--json").stdout)
        return Decimal(next(b for b in data["boxes"] if b["box"] == "1")["amount"]), data["documents"]

    assert box1("--period", "2024-04") == (Decimal(1 + 2 + 4), 3)
    assert box1("--period", "2024-03") == (Decimal(16), 1)
    assert box1("--period", "2024-Q1") == (Decimal(8 + 16), 2)
    assert box1("--period", "2024-Q2") == (Decimal(1 + 2 + 4), 3)
    assert box1("--period", "2023") == (Decimal(0), 0)
    for period, taxable in (("2024-04", "7.00"), ("2024-03", "16.00"), ("2024-01", "8.00"), ("2023-12", "0.00")):
        zatca = json.loads(issued("report", "zatca", "--period", period, "--json").stdout)
        assert zatca["total"]["taxable"] == taxable, period


def test_list_and_print_select_by_the_saudi_date(issued: Callable[..., Result], tmp_path: Path) -> None:
    def listed(*bounds: str) -> set[str]:
        rows = json.loads(issued("invoice", "list", *bounds, "--json").stdout)
        return {r["number"] for r in rows}

    # --from/--to are calendar days in Saudi time, both included (issue 13; --to used to be exclusive)
    assert listed("--from", "2024-04-01", "--to", "2024-04-30") == APRIL
    assert listed("--from", "2024-03-01", "--to", "2024-03-31") == {"T-MARCH"}
    assert listed("--from", "2024-03-01", "--to", "2024-04-01") == APRIL | {"T-MARCH"}
    assert listed("--from", "2024-04-01", "--to", "2024-04-01") == APRIL
    for instant in ("2024-03-31T21:00:00Z", "2024-04-01T00:00:00+04:00"):  # a time of day is refused, not guessed
        refused = issued("invoice", "list", "--from", instant, "--json")
        assert refused.exit_code == 2 and "calendar day" in refused.stderr and "inclusive, Saudi time" in refused.stderr
    rows = json.loads(issued("invoice", "list", "--json").stdout)
    shown = {r["number"]: r["issue_datetime"] for r in rows}
    for number, (_given, saudi, _price) in CASES.items():
        assert shown[number] == saudi + "+03:00"
    printed = json.loads(issued("invoice", "print", "--from", "2024-04-01", "--to", "2024-04-01",
                                "--dir", str(tmp_path / "april"), "--json").stdout)
    assert len(printed["written"]) == 3 and all("20240401T" in Path(p).name for p in printed["written"])
    printed = json.loads(issued("invoice", "print", "--from", "2024-03-31", "--to", "2024-03-31",
                                "--dir", str(tmp_path / "march"), "--json").stdout)
    assert [Path(p).name.split("_")[1] for p in printed["written"]] == ["20240331T235959"]


def test_the_desktop_list_and_the_dashboard_count_by_the_saudi_month(issued: Callable[..., Result],
                                                                    settings: Settings) -> None:
    ctx = open_company(settings)
    try:
        with ctx.uow(write=False) as uow:
            april = BrowseFilter(issued_from=saudi_midnight(date(2024, 4, 1)),
                                 issued_to=saudi_midnight(date(2024, 5, 1)))
            listed = {r.number: r.issue_datetime for r in browse.rows(uow, browse.keys(uow, april))}
            month = sales_figures(uow, period_of(PeriodKind.THIS_MONTH, datetime(2024, 4, 15, tzinfo=UTC)))
            year = sales_figures(uow, period_of(PeriodKind.YEAR, datetime(2024, 6, 1, tzinfo=UTC)))
    finally:
        ctx.close()
    assert set(listed) == APRIL and all(t.utcoffset() == timedelta(hours=3) for t in listed.values())
    assert (month.issued, month.sales) == (3, Decimal(7))
    assert (year.issued, year.sales) == (5, Decimal(31))  # T-YEAR, issued 31 December UTC, is a 2024 document
