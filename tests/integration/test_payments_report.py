"""`qayd report payments`: payments matched to invoices, refunds, fees and net, totals per provider against the
payouts, unmatched payments apart; the PDF read back with pdftotext, the figures checked against sums the test
makes itself from what the provider holds."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from core.bootstrap import PAYMENTS_KEY_SECRET
from core.payments import make_link, poll
from core.privacy import access_log
from core.reports import build_payments_report, gather_payments_report
from core.store import models as m
from core.uow import Context
from core.zatca.issuing import issue_many
from tests.integration.conftest import Result
from tests.support.fake_provider import FakeProvider, World
from tests.support.issuing_world import a_draft, save
from tests.support.pdf_text import poppler_text, squash

Run = Callable[..., Result]
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


def _payout(ctx: Context, amount: Decimal, when: datetime, event_id: str = "po_evt_1") -> None:
    """A payout as the poll stores a `payout.paid` event (the in-process fake provider emits none)."""
    with ctx.uow() as uow:
        uow.session.add(m.ProviderEventRow(
            id=uuid.uuid4(), provider="fake", event_id=event_id, kind="payout.paid", payment_ref="po_1",
            amount=amount, currency="SAR", occurred_at=when, outcome="ignored", received_at=when,
            device_id=ctx.device_id))
        uow.commit()


@pytest.fixture
def paid(shop: Context, provider: FakeProvider, gateway: World) -> Context:
    """INV-P-0001 paid; INV-P-0002 paid, then 100.00 refunded at the provider; a payment of the wrong amount on
    INV-P-0003 (kept unmatched); a payout of 900.00."""
    links = [make_link(shop, provider, n) for n in ("INV-P-0001", "INV-P-0002", "INV-P-0003")]
    assert all(link is not None for link in links)
    gateway.pay(links[0].link_id)  # type: ignore[union-attr]
    second = gateway.pay(links[1].link_id, fee=Decimal("2.30"))  # type: ignore[union-attr]
    gateway.refund_at_provider(second, Decimal("100.00"))
    gateway.pay(links[2].link_id, amount=Decimal("500.00"))  # type: ignore[union-attr]
    result = poll(shop, provider)
    assert (result.recorded, result.unmatched, result.refunds) == (2, 1, 1)
    _payout(shop, Decimal("900.00"), datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    return shop


def _oracle(gateway: World) -> dict[str, Decimal]:
    """The matched payments' sums, from the provider's own books (not from Qayd's store)."""
    matched = [p for p in gateway.payments.values() if p["amount"] == Decimal("575.00")]
    gross = sum((Decimal(str(p["amount"])) for p in matched), Decimal(0))
    refunds = sum((Decimal(str(p["refunded"])) for p in matched), Decimal(0))
    fees = sum((Decimal(str(p["fee"])) for p in matched), Decimal(0))
    return {"gross": gross, "refunds": refunds, "fees": fees, "net": gross - refunds - fees}


def test_the_figures_reconcile_with_the_providers_books(paid: Context, gateway: World) -> None:
    report = gather_payments_report(paid, *DECEMBER)
    oracle = _oracle(gateway)
    [total] = report.totals
    assert (total.gross, total.refunds, total.fees, total.net) == (
        oracle["gross"], oracle["refunds"], oracle["fees"], oracle["net"]) == (
        Decimal("1150.00"), Decimal("100.00"), Decimal("3.45"), Decimal("1046.55"))
    assert [(p.invoice_number, p.gross, p.refunds, p.fee, p.net) for p in report.matched] == [
        ("INV-P-0001", Decimal("575.00"), Decimal("0"), Decimal("1.15"), Decimal("573.85")),
        ("INV-P-0002", Decimal("575.00"), Decimal("100.00"), Decimal("2.30"), Decimal("472.70"))]
    [odd] = report.unmatched
    assert (odd.problem, odd.gross, odd.invoice_number) == ("QAYD-PAY-AMOUNT", Decimal("500.00"), "INV-P-0003")
    unmatched_net = Decimal("500.00") - Decimal("1.15")
    assert (total.unmatched, total.unmatched_net) == (1, unmatched_net)
    assert (total.payouts, total.payout_count) == (Decimal("900.00"), 1)
    assert total.difference == Decimal("900.00") - (oracle["net"] + unmatched_net)


def test_a_period_without_the_payments_is_empty(paid: Context) -> None:
    report = gather_payments_report(paid, date(2026, 11, 1), date(2026, 11, 30))
    assert report.matched == () and report.unmatched == () and report.totals == ()


@pytest.mark.parametrize("lang", ["ar", "en", "both"])
def test_the_pdf_is_pdfa3_and_shows_the_figures(paid: Context, lang: str) -> None:
    built = build_payments_report(paid, start=DECEMBER[0], end=DECEMBER[1], lang=lang)
    text = squash(poppler_text(built.pdf))
    for figure in ("INV-P-0001", "INV-P-0002", "573.85", "472.70", "1,150.00", "1,046.55", "900.00", "3.45",
                   "QAYD-PAY-AMOUNT", "498.85"):
        assert squash(figure) in text, (lang, figure)
    if lang != "en":
        assert squash("تقرير المدفوعات") in text and squash("المدفوعات غير المطابقة") in text
    if lang != "ar":
        assert "Payments report" in poppler_text(built.pdf)
    with pikepdf.open(io.BytesIO(built.pdf)) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "3B"
        figures = json.loads(pdf.attachments["payments.json"].get_file().read_bytes())
    assert figures["totals"][0]["net"] == "1046.55" and figures["totals"][0]["difference"] == "-645.40"


@pytest.fixture
def keyed(paid: Context, env: dict[str, str]) -> Context:
    env["QAYD_PAYMENTS_PROVIDER"] = "fake"
    with paid.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, b"fake-key", now=uow.now())
        uow.commit()
    return paid


def test_the_command_writes_the_pdf_and_prints_json(keyed: Context, run: Run, tmp_path: Path) -> None:
    body = json.loads(run("report", "payments", "--period", "2026-12", "--json").stdout)
    assert [p["invoice_number"] for p in body["payments"]] == ["INV-P-0001", "INV-P-0002"]
    assert [(t["provider"], t["gross"], t["refunds"], t["fees"], t["net"], t["payouts"]) for t in body["totals"]] \
        == [("fake", "1150.00", "100.00", "3.45", "1046.55", "900.00")]
    assert body["unmatched"][0]["problem"] == "QAYD-PAY-AMOUNT"
    out = tmp_path / "pay.pdf"
    done = run("report", "payments", "--from", "2026-12-01", "--to", "2026-12-31", "--out", str(out))
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF") and "1,046.55" in poppler_text(out.read_bytes())


def test_bad_input_is_a_clear_error(keyed: Context, run: Run) -> None:
    missing = run("report", "payments")
    assert missing.exit_code == 2 and "--period" in missing.output and "Traceback" not in missing.output
    wrong = run("report", "payments", "--period", "2026-13")
    assert wrong.exit_code not in (0, 70) and "period" in wrong.output.lower()
    lang = run("report", "payments", "--period", "2026-12", "--lang", "fr")
    assert lang.exit_code == 2 and "--lang" in lang.output


def _person(ctx: Context, *, restricted: bool) -> uuid.UUID:
    with ctx.uow() as uow:
        now = uow.now()
        person = m.Customer(id=uuid.uuid4(), kind="individual", name="Fatimah Al-Harbi", name_ar="فاطمة الحربي",
                            restricted_at=now if restricted else None, created_at=now, updated_at=now,
                            device_id=ctx.device_id)
        uow.session.add(person)
        uow.commit()
    return person.id


def test_the_buyer_is_read_through_the_privacy_gate(shop: Context, provider: FakeProvider, gateway: World) -> None:
    """An individual's name is shown and its read logged under the report's purpose; a restricted one reads
    "(restricted)" to a clerk, in the figures and in the printed PDF, and nothing of it is logged as read."""
    shown, hidden = _person(shop, restricted=False), _person(shop, restricted=True)
    at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    save(shop, a_draft("INV-R-1", at, customer_id=shown), a_draft("INV-R-2", at, customer_id=hidden))
    with shop.uow() as uow:
        issue_many(uow, ["INV-R-1", "INV-R-2"])
        uow.commit()
    for number in ("INV-R-1", "INV-R-2"):
        link = make_link(shop, provider, number)
        assert link is not None
        gateway.pay(link.link_id)
    assert poll(shop, provider).recorded == 2
    shop.actor_role = "clerk"
    try:
        report = gather_payments_report(shop, *DECEMBER)
        pdf = build_payments_report(shop, start=DECEMBER[0], end=DECEMBER[1], lang="en").pdf
    finally:
        shop.actor_role = "admin"
    assert [(p.invoice_number, p.buyer, p.buyer_ar) for p in report.matched] == [
        ("INV-R-1", "Fatimah Al-Harbi", "فاطمة الحربي"), ("INV-R-2", "(restricted)", "(restricted)")]
    assert "(restricted)" in poppler_text(pdf) and "Fatimah Al-Harbi" in poppler_text(pdf)
    with shop.uow(write=False) as uow:
        assert {r.purpose for r in access_log.search(uow, f"customer:{shown}")} == {"payments report"}
        assert not [r for r in access_log.search(uow, f"customer:{hidden}") if "payments" in r.purpose]


def test_a_payment_belongs_to_the_riyadh_day_it_was_made(shop: Context, provider: FakeProvider,
                                                         gateway: World) -> None:
    """Paid at 21:00 UTC on 30 November, which is 00:00 on 1 December in Riyadh: December's, not November's."""
    gateway.start = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    link = make_link(shop, provider, "INV-P-0001")
    assert link is not None
    gateway.pay(link.link_id)
    assert poll(shop, provider).recorded == 1
    november = gather_payments_report(shop, date(2026, 11, 1), date(2026, 11, 30))
    december = gather_payments_report(shop, *DECEMBER)
    assert november.matched == () and [p.invoice_number for p in december.matched] == ["INV-P-0001"]
    assert december.matched[0].paid_at.isoformat().startswith("2026-12-01T00:00")


def test_the_report_service_builds_it_as_the_desktop_asks(paid: Context) -> None:
    """The desktop's Reports view lists `REPORT_KINDS` and builds through `build_report`, one language at a time."""
    from core.reports import REPORT_KINDS, build_report

    assert REPORT_KINDS["payments"].params == ("start", "end")
    built = build_report(paid, "payments", {"start": DECEMBER[0], "end": DECEMBER[1]}, "ar")
    assert built.filename.endswith("_2026-12-01_2026-12-31_ar.pdf") and built.pages == 1
    assert squash("1,046.55") in squash(poppler_text(built.pdf))
