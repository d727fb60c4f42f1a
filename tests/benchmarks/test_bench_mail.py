"""1 000 queued invoice e-mails delivered to a local SMTP server (aiosmtpd, loopback): mails per second, and the
ratio to a floor measured in the same run: building the same 1 000 PDF/A-3 attachments alone (the dominant cost)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.config import MailSettings
from core.mail import flush, outbox_items, send_invoice
from core.reports import printed_invoice
from tests.benchmarks.test_bench_pdf import N, issued_store
from tests.support.smtp_server import USERNAME, SmtpWorld

pytestmark = pytest.mark.benchmark


def test_deliver_1000_queued_invoice_mails(tmp_path: Path) -> None:
    ctx, numbers = issued_store(tmp_path / "store")
    assert len(numbers) == N
    with SmtpWorld(tmp_path / "smtp", tls=False, auth=False) as smtp:
        mail = MailSettings(host="127.0.0.1", port=smtp.port, security="none", from_address=USERNAME)
        start = time.perf_counter()
        for number in numbers:
            send_invoice(ctx, number, mail, to="accounts@buyer.example", lang="ar")
        queued = time.perf_counter() - start

        with ctx.uow(write=False) as uow:  # the floor: only the attachments, the same function and the same count
            start = time.perf_counter()
            for number in numbers:
                printed_invoice(uow, number, now=ctx.clock())
            floor = time.perf_counter() - start

        start = time.perf_counter()
        result = flush(ctx, mail)
        sent = time.perf_counter() - start
        assert result.sent == N and len(smtp.raw) == N
    assert {item.status for item in outbox_items(ctx, limit=N)} == {"sent"}
    print(f"\nqueued {N} invoice mails in {queued:.1f} s ({N / queued:.0f}/s); delivered in {sent:.1f} s "
          f"({N / sent:.1f} mails/s); the PDFs alone {floor:.1f} s ({N / floor:.1f}/s): "
          f"delivery takes {sent / floor:.2f}x the attachments' floor")
