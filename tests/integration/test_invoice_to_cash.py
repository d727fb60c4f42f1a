"""From invoice to cash, as a clerk runs it (issue 15, "Done when"): a standard invoice issued and CLEARED through
the Fatoora test portal, a payment link made through the real adapter against the local Stripe and the local
Moyasar, the customer pays, `qayd payments poll` shows it paid, `qayd report payments` reconciles it (figures
checked against sums the test makes from the provider's own price list), and a refund goes through a credit note.

The invoice goes out first: `qayd invoice send --pay-link` e-mails its PDF/A-3 (the cleared XML embedded) with the
link in the text, through a real SMTP server (aiosmtpd, STARTTLS and AUTH), and the customer pays through that link.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from core.bootstrap import PAYMENTS_KEY_SECRET
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.issuing import issue_invoice, issued_xml
from core.zatca.onboarding import onboard
from core.zatca.submission import submit_pending
from tests.conftest import StepClock
from tests.fatoora.server import FakeFatoora
from tests.integration.conftest import Result
from tests.support.issuing_world import a_draft, save
from tests.support.moyasar_server import MoyasarServer
from tests.support.pdf_text import poppler_text, squash
from tests.support.smtp_server import PASSWORD, SmtpWorld
from tests.support.stripe_server import FakeStripe

Run = Callable[..., Result]
NUMBER = "INV-CASH-0001"
PAYABLE = Decimal("575.00")  # 2 × 250.00 + 15 % VAT
REFUND = Decimal("75.00")
CENT = Decimal("0.01")


@dataclass
class Gateway:
    """A local provider as the test drives it: the server, the key the desk stores, and the fee it charges."""

    name: str
    server: Any
    key: str
    fee: Callable[[Decimal], Decimal]
    settle: Callable[[], None]  # let the provider's clock pass what the adapter waits for before trusting a change


def _stripe_fee(amount: Decimal) -> Decimal:
    """Stripe's card price the local Stripe charges (2.9 % + 1.00), rounded to the halala."""
    return (amount * Decimal("0.029")).quantize(CENT, ROUND_HALF_UP) + Decimal("1.00")


class WallClock(StepClock):
    """The desk's clock is the wall clock here: the commands a clerk runs (`run`) read it, and the ZATCA rules
    (an issue time never in the future) and the queue compare the two."""

    def __call__(self) -> datetime:
        return datetime.now(UTC)


def _mada_fee(amount: Decimal) -> Decimal:
    """Moyasar's mada price the local Moyasar charges (1 %), rounded to the halala."""
    return (amount * Decimal("0.01")).quantize(CENT, ROUND_HALF_UP)


@pytest.fixture
def clock() -> StepClock:
    return WallClock()


@pytest.fixture(params=["stripe", "moyasar"])
def gateway(request: pytest.FixtureRequest) -> Iterator[Gateway]:
    if request.param == "stripe":
        with FakeStripe() as stripe:
            yield Gateway("stripe", stripe, stripe.api_key, _stripe_fee, lambda: None)
            assert stripe.internal_errors == []
    else:
        with MoyasarServer(api_key="sk_test_QaydInvoiceToCash") as moyasar:
            yield Gateway("moyasar", moyasar, moyasar.api_key, _mada_fee, lambda: moyasar.advance(10))
        assert moyasar.internal_errors == []


@pytest.fixture
def fatoora() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server
        assert server.internal_errors == []


def _client(fatoora: FakeFatoora) -> FatooraClient:
    return FatooraClient(fatoora.base_url, sleep=lambda _s: None, max_attempts=3)


def _clear(ctx: Context, fatoora: FakeFatoora, number: str) -> None:
    submit_pending(ctx, lambda _env: _client(fatoora))
    with ctx.uow(write=False) as uow:
        xml, which, shareable = issued_xml(uow, number)
    assert which == "cleared" and shareable and b"Cleared by FakeFatoora" in xml, number


@pytest.fixture
def smtp(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpWorld]:
    with SmtpWorld(tmp_path / "smtp") as world:
        env.update(world.env())
        monkeypatch.setenv("SSL_CERT_FILE", str(world.ca_file))
        yield world


@pytest.fixture
def desk(ctx: Context, fatoora: FakeFatoora, gateway: Gateway, env: dict[str, str], smtp: SmtpWorld) -> Context:
    """A company onboarded with the Fatoora portal, one standard invoice issued and cleared, the provider set."""
    from core.invoicing.demo import create_demo

    create_demo(ctx, drafts=0)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="cash-desk", serial_number="1-Qayd|2-Desk|3-15",
                                environment="simulation", location="Riyadh Olaya", industry="Trading")
        uow.commit()
    with _client(fatoora) as client:
        assert onboard(ctx, unit.id, "123345", client).can_submit
    save(ctx, a_draft(NUMBER, datetime.now(UTC) - timedelta(hours=1)))
    with ctx.uow() as uow:
        issue_invoice(uow, NUMBER)
        uow.commit()
    _clear(ctx, fatoora, NUMBER)
    env["QAYD_PAYMENTS_PROVIDER"] = gateway.name
    env["QAYD_PAYMENTS_BASE_URL"] = gateway.server.base_url
    with ctx.uow() as uow:
        uow.secrets.set(PAYMENTS_KEY_SECRET, gateway.key.encode(), now=uow.now())
        uow.secrets.set("mail.password", PASSWORD.encode(), now=uow.now())
        uow.commit()
    return ctx


def _embedded_xml(pdf: bytes) -> bytes:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        (attached,) = doc.attachments.values()
        return bytes(attached.get_file().read_bytes())


def _cleared_xml(ctx: Context) -> bytes:
    with ctx.uow(write=False) as uow:
        xml, which, _shareable = issued_xml(uow, NUMBER)
    assert which == "cleared"
    return xml


def _json(run: Run, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _paid_status(run: Run) -> str:
    [row] = [d for d in _json(run, "invoice", "list") if d["number"] == NUMBER]
    return str(row["paid_status"])


def test_a_cleared_invoice_is_paid_through_a_link_reconciled_and_refunded_through_a_credit_note(
        desk: Context, gateway: Gateway, fatoora: FakeFatoora, smtp: SmtpWorld, run: Run, tmp_path: Path) -> None:
    assert _paid_status(run) == "outstanding"
    # The invoice goes out by e-mail with a payment link for what it asks; the customer pays through that link.
    sent = run("invoice", "send", NUMBER, "--to", "buyer@example.sa", "--pay-link")
    assert sent.exit_code == 0 and "with a payment link" in sent.stdout, sent.output
    flushed = run("mail", "flush")
    assert flushed.exit_code == 0, flushed.output
    (message,) = smtp.received
    (pdf,) = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert _embedded_xml(pdf.get_content()) == _cleared_xml(desk)  # the PDF/A-3 carries the cleared document
    link = _json(run, "pay", "link", NUMBER)["link"]  # asked again: the open link the e-mail carries
    assert (Decimal(link["amount"]), link["currency"], link["provider"]) == (PAYABLE, "SAR", gateway.name)
    body = message.get_body(("plain",))
    assert body is not None and link["url"] in body.get_content()
    payment = gateway.server.pay(link["link_id"])
    gateway.settle()
    polled = _json(run, "payments", "poll")
    assert (polled["recorded"], polled["unmatched"], polled["findings"]) == (1, 0, [])
    assert _paid_status(run) == "paid"
    [row] = _json(run, "payments", "list")
    assert (row["payment_ref"], row["invoice_number"], Decimal(row["amount"])) == (payment, NUMBER, PAYABLE)
    period = row["paid_at"][:7]  # the month of the payment, in Riyadh time

    # a refund asks for an issued credit note: one is drafted, a person issues it (and it is cleared), then it goes
    drafted = _json(run, "pay", "refund", NUMBER, "--amount", str(REFUND))
    assert drafted["refunded"] is False and drafted["credit_note"]
    note = drafted["credit_note"]
    issued = run("invoice", "issue", note)
    assert issued.exit_code == 0, issued.output
    _clear(desk, fatoora, note)
    made = _json(run, "pay", "refund", NUMBER, "--amount", str(REFUND))
    assert made["refunded"] is True and len(made["refunds"]) == 1
    gateway.settle()
    again = _json(run, "payments", "poll")  # the refund's own event: confirmed, never a second credit note
    assert (again["refunds"], again["credit_notes"]) == (0, [])
    assert _paid_status(run) == "paid"  # it asks 75.00 less and received 75.00 less
    if gateway.name == "stripe":  # Stripe pays the balance out: the payment less its fee and the refund
        gateway.server.payout()
        assert _json(run, "payments", "poll")["events"] >= 1

    fee = gateway.fee(PAYABLE)
    net = PAYABLE - REFUND - fee
    report = _json(run, "report", "payments", "--period", period)
    [line] = report["payments"]
    assert (line["invoice_number"], line["payment_ref"]) == (NUMBER, payment)
    assert [Decimal(line[k]) for k in ("gross", "refunds", "fee", "net")] == [PAYABLE, REFUND, fee, net]
    [total] = report["totals"]
    assert (total["provider"], Decimal(total["net"]), report["unmatched"]) == (gateway.name, net, [])
    if gateway.name == "stripe":  # the payout settles exactly the net: reconciled to the halala
        assert (Decimal(total["payouts"]), Decimal(total["difference"])) == (net, Decimal("0"))
    else:  # Moyasar reports no payouts through its API: the whole net is shown as not yet paid out
        assert (Decimal(total["payouts"]), Decimal(total["difference"])) == (Decimal("0"), -net)

    out = tmp_path / "payments.pdf"
    printed = run("report", "payments", "--period", period, "--out", str(out))
    assert printed.exit_code == 0, printed.output
    text = squash(poppler_text(out.read_bytes()))
    # a long provider id may wrap in its cell (other cells' lines come between): its start is checked here
    for figure in (NUMBER, payment[:12], f"{PAYABLE:,.2f}", f"{REFUND:,.2f}", f"{net:,.2f}"):
        assert squash(figure) in text, figure
    assert squash("تقرير المدفوعات") in text  # both languages by default, Arabic first
