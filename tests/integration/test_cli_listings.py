"""Issue 13 points 2 and 5 through the real `qayd`: listings say when they show a page of a larger set, amounts are
right-aligned with thousands separators (JSON keeps exact decimal strings), `report vat` prints its boxes, and
`config check` calls a missing keyring a problem."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from keyring.backends import chainer, fail, null

from tests.integration.conftest import Result

BIG = {"kind": "simplified", "type": "invoice", "number": "BIG-1", "issue_datetime": "2025-11-02T10:00:00+03:00",
       "currency": "SAR", "payment_means": "10",
       "lines": [{"name": "Plant", "quantity": "1", "unit_price": "1234567.89", "vat_category": "S", "vat_rate": "15"}]}
# 1,234,567.89 + 15 % VAT (185,185.1835, rounded half up to 185,185.18) = 1,419,753.07, worked out by hand


def small(n: int) -> dict[str, object]:
    return {**BIG, "number": f"S-{n}", "issue_datetime": f"2025-11-{n + 2:02d}T09:00:00+03:00",
            "lines": [{"name": "Pen", "quantity": "2", "unit_price": "2.5", "vat_category": "S", "vat_rate": "15"}]}


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def company(run: Callable[..., Result], tmp_path: Path) -> Callable[..., Result]:
    """The demo company without drafts (13 customers, 11 products) and eight documents of our own."""
    ok(run("init", "--demo", "--drafts", "0"))
    batch = tmp_path / "docs.json"
    batch.write_text(json.dumps([BIG, *(small(n) for n in range(1, 8))]), "utf-8")
    ok(run("invoice", "import", str(batch)))
    return run


def test_a_page_of_invoices_says_so_and_how_to_see_the_rest(company: Callable[..., Result]) -> None:
    first = ok(company("invoice", "list", "--limit", "3"))
    assert first.stderr.strip() == "3 of 8 shown (rows 1-3); use --limit/--offset to see the others."
    assert first.stdout.count("\n") == 2 + 3  # heading, rule and three rows: the note is not in the table
    last = ok(company("invoice", "list", "--limit", "3", "--offset", "6"))
    assert last.stderr.strip() == "2 of 8 shown (rows 7-8); use --limit/--offset to see the others."
    past = ok(company("invoice", "list", "--offset", "8"))
    assert "past the end" in past.stderr
    assert ok(company("invoice", "list")).stderr == ""  # all eight fit the default 50: nothing to say
    assert ok(company("invoice", "list", "--search", "S-", "--limit", "2")).stderr.startswith("2 of 7 shown")


def test_json_stays_a_list_and_the_page_form_carries_its_place(company: Callable[..., Result]) -> None:
    listed = ok(company("invoice", "list", "--limit", "3", "--offset", "2", "--json"))
    rows = json.loads(listed.output)  # stdout and stderr together: still just the JSON list, as scripts had it
    assert isinstance(rows, list) and len(rows) == 3
    assert set(rows[0]) == {"id", "number", "status", "kind", "type", "issue_datetime", "buyer_name", "currency",
                            "tax_total", "payable", "paid_status"}  # paid_status: issue 15
    paged = json.loads(ok(company("invoice", "list", "--limit", "3", "--offset", "2", "--json-page")).output)
    assert {k: paged[k] for k in ("total", "limit", "offset", "shown", "more")} == \
        {"total": 8, "limit": 3, "offset": 2, "shown": 3, "more": True}
    assert paged["items"] == rows
    everything = json.loads(ok(company("invoice", "list", "--json-page")).stdout)
    assert everything["total"] == everything["shown"] == 8 and everything["more"] is False


def test_customers_and_products_are_paged_too(company: Callable[..., Result]) -> None:
    customers = ok(company("customer", "list", "--limit", "5"))
    assert customers.stderr.strip() == "5 of 13 shown (rows 1-5); use --limit/--offset to see the others."
    searched = json.loads(ok(company("customer", "list", "--search", "Al-", "--limit", "1", "--json-page")).stdout)
    assert searched["total"] == len(json.loads(ok(company("customer", "list", "--search", "Al-", "--json")).stdout))
    products = ok(company("product", "list", "--limit", "4", "--offset", "8"))
    assert products.stderr.strip() == "3 of 11 shown (rows 9-11); use --limit/--offset to see the others."
    assert json.loads(ok(company("product", "list", "--offset", "10", "--json-page")).stdout)["shown"] == 1


def access_log_entries(run: Callable[..., Result]) -> int:
    return len(json.loads(ok(run("gdpr", "access-log", "--json")).stdout))


def test_counting_the_whole_reads_no_personal_data(company: Callable[..., Result]) -> None:
    """The total is a count: only the rows shown are reads of personal data in the access log."""
    before = access_log_entries(company)
    ok(company("customer", "list", "--limit", "0"))
    ok(company("invoice", "list", "--limit", "0"))
    assert access_log_entries(company) == before


def right_edges(text: str, needle: str) -> set[int]:
    return {line.index(needle) + len(needle) for line in text.splitlines() if needle in line}


def test_amounts_are_right_aligned_with_thousands_separators(company: Callable[..., Result]) -> None:
    table = ok(company("invoice", "list")).stdout
    big = next(line for line in table.splitlines() if line.startswith("BIG-1"))
    assert "185,185.18 SAR" in big and big.endswith("1,419,753.07 SAR")
    pens = [line for line in table.splitlines() if line.startswith("S-")]
    assert len(pens) == 7 and all(line.endswith(" 5.75 SAR") for line in pens)  # 2 × 2.50 + 15 % VAT
    header = table.splitlines()[0]
    assert {len(line) for line in [header, big, *pens]} == {len(big)}  # Payable, the last column, ends together
    shown = ok(company("invoice", "show", "BIG-1")).stdout
    assert "1,234,567.89" in shown and "185,185.18" in shown
    assert len(right_edges(shown, " SAR")) == 1  # the totals' figures in one right-aligned column
    as_json = json.loads(ok(company("invoice", "list", "--json", "--search", "BIG")).stdout)[0]
    assert (as_json["tax_total"], as_json["payable"]) == ("185185.18", "1419753.07")  # exact, no separators
    products = ok(company("product", "list")).stdout.splitlines()
    end = products[0].index("Unit price") + len("Unit price")  # the heading is right-aligned over its figures
    prices = [re.split(r"\s{2,}", line)[3] for line in products[2:]]
    assert "1,200.00" in prices and "1,875.00" in prices and "89.95" in prices
    assert all(line[:end].endswith(price) for line, price in zip(products[2:], prices, strict=True))


def test_report_vat_without_out_prints_the_boxes_and_where_the_pdf_went(company: Callable[..., Result],
                                                                        tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert ok(company("invoice", "issue", "BIG-1", "S-1"))
    shown = ok(company("report", "vat", "--period", "2025-11"))
    figures = json.loads(ok(company("report", "vat", "--period", "2025-11", "--json")).stdout)
    (pdf,) = folder.glob("*.pdf")
    assert f"Wrote {pdf}" in shown.stdout and "page" in shown.stdout
    lines = shown.stdout.splitlines()
    for box in figures["boxes"]:  # every box, with the figures --json gives, formatted for reading
        line = next(ln for ln in lines if ln.startswith(f"{box['box']} "))
        for key in ("amount", "adjustment", "vat"):
            value = Decimal(box[key])
            assert f"{value:,.2f}" in line, (box, line)
    box1 = next(ln for ln in lines if ln.startswith("1 "))
    assert "1,234,572.89" in box1 and "185,185.93" in box1  # BIG-1 and S-1: 1,234,567.89 + 5.00; VAT + 0.75
    assert f"VAT due on sales: {Decimal(figures['vat_due_on_sales']):,.2f} SAR" in shown.stdout
    written = ok(company("report", "vat", "--period", "2025-11", "--out", str(tmp_path / "q.pdf")))
    assert "Box" not in written.stdout and "Wrote" in written.stdout  # with --out: only where it went, as before


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_config_check_calls_a_missing_keyring_a_problem(run: Callable[..., Result], no_keyring: None,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QAYD_MASTER_KEY_SOURCE", raising=False)
    result = run("config", "check")
    assert result.exit_code == 3
    problem = next(ln for ln in result.stderr.splitlines() if ln.startswith("PROBLEM"))
    assert 'secrets.master_key_source = "keyring" (from default)' in problem
    assert "QAYD_MASTER_KEY_SOURCE=file" in problem and "install" in problem and "keyring backend" in problem
    as_json = json.loads(run("config", "check", "--json").stdout)
    assert any("no usable OS keyring" in p for p in as_json["problems"])
    for backend in (null.Keyring(), chainer.ChainerBackend()):
        keyring.set_keyring(backend)
        assert run("config", "check").exit_code == 3
    monkeypatch.setenv("QAYD_MASTER_KEY_SOURCE", "file")
    fine = run("config", "check")
    assert fine.exit_code == 0 and "No problems." in fine.output


def test_config_check_is_quiet_when_a_keyring_is_there(run: Callable[..., Result]) -> None:
    result = run("config", "check")  # the tests' in-memory keyring stands for a real one
    assert result.exit_code == 0 and "No problems." in result.output


def test_logs_without_offset_say_there_is_more_and_to_raise_the_limit(company: Callable[..., Result]) -> None:
    ok(company("customer", "list"))  # reads of the five individual customers' names: five access-log entries
    reads = access_log_entries(company)
    assert reads >= 5
    one = ok(company("gdpr", "access-log", "--limit", "1"))
    assert one.stderr.strip() == "1 shown (rows 1-1; more exist); raise --limit to see older ones."
    assert ok(company("gdpr", "access-log", "--limit", str(reads))).stderr == ""  # exactly all: nothing more
    paged = json.loads(ok(company("gdpr", "access-log", "--limit", "2", "--json-page")).stdout)
    assert (paged["shown"], paged["more"], len(paged["items"])) == (2, True, 2)
    events = len(json.loads(ok(company("secrets", "log", "--json")).stdout))
    assert events >= 2  # the demo unit's key and certificate were stored
    assert "more exist" in ok(company("secrets", "log", "--limit", str(events - 1))).stderr
    assert ok(company("secrets", "log", "--limit", str(events))).stderr == ""


def test_log_listings_show_saudi_time(company: Callable[..., Result]) -> None:
    """Stored stamps are UTC; the tables show them on Saudi time, and say so (JSON keeps the stored value)."""
    from datetime import datetime, timedelta

    ok(company("customer", "list"))
    newest = json.loads(ok(company("gdpr", "access-log", "--limit", "1", "--json")).stdout)[0]
    utc = datetime.fromisoformat(newest["at"])
    assert utc.utcoffset() == timedelta(0)
    table = ok(company("gdpr", "access-log", "--limit", "1")).stdout.splitlines()
    assert "At (Saudi time)" in table[0]
    assert f"{(utc + timedelta(hours=3)).replace(tzinfo=None):%Y-%m-%d %H:%M:%S}" in table[2]
    event = json.loads(ok(company("secrets", "log", "--limit", "1", "--json")).stdout)[0]
    shown = ok(company("secrets", "log", "--limit", "1")).stdout.splitlines()
    stored = datetime.fromisoformat(event["at"])
    assert "AT (SAUDI TIME)" in shown[0]
    assert f"{(stored - stored.utcoffset() + timedelta(hours=3)).replace(tzinfo=None):%Y-%m-%d %H:%M}" in shown[2]
