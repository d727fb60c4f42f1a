"""The outbox in the personal-data rights: an access export lists the customer's e-mails; an erasure cancels what is
not sent yet (address and text overwritten) and keeps a sent message's metadata with the invoice (the tax hold)."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from core.config import MailSettings
from core.invoicing import BrowseFilter, browse
from core.invoicing.demo import DEMO_COMPANY, create_demo
from core.mail import flush, send_invoice
from core.personal.sealing import is_held, open_held_text
from core.privacy import erasure, retention
from core.privacy.export import export_subject
from core.secrets.manager import set_secret
from core.store import models as m
from core.uow import Context
from core.zatca.egs import create_demo_egs
from core.zatca.issuing import issue_invoice
from tests.support.smtp_server import PASSWORD, USERNAME, SmtpWorld


def test_export_lists_the_mails_and_erasure_cancels_unsent_and_keeps_sent(ctx: Context, tmp_path: Path,
                                                                          ) -> None:
    create_demo(ctx, drafts=30)
    with ctx.uow() as uow:
        create_demo_egs(uow, DEMO_COMPANY)
        drafts = browse.page(uow, BrowseFilter(status="draft", kind="standard", type="invoice"), limit=30)
        customer_id = uow.session.scalar(select(m.Invoice.customer_id).where(m.Invoice.number == drafts[0].number))
        mine = [d.number for d in drafts
                if uow.session.scalar(select(m.Invoice.customer_id).where(m.Invoice.number == d.number))
                == customer_id][:2]
        for number in mine:
            issue_invoice(uow, number)
        set_secret(uow, "mail.password", PASSWORD.encode())
        email = uow.session.get(m.Customer, customer_id).email  # type: ignore[union-attr]
        uow.commit()
    assert len(mine) == 2
    with SmtpWorld(tmp_path / "smtp", tls=False, auth=False) as smtp:  # loopback, no TLS: no login either
        plain = MailSettings(host="127.0.0.1", port=smtp.port, security="none", from_address=USERNAME)
        send_invoice(ctx, mine[0], plain)
        assert flush(ctx, plain).sent == 1
        send_invoice(ctx, mine[1], plain)  # still queued when the customer is erased

    exported = export_subject(ctx, f"customer:{customer_id}", tmp_path / "export")
    doc = json.loads((exported.folder / "export.json").read_text("utf-8"))
    rows = doc["data"]["mail_outbox"]
    assert [(r["invoice"], r["status"], r["recipient"]) for r in rows] == [(mine[0], "sent", email),
                                                                            (mine[1], "queued", email)]
    assert (exported.folder / "mail_outbox.csv").exists()

    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, f"customer:{customer_id}")
    assert any("not yet sent are cancelled" in item.description_en for item in plan.erase)
    assert any(item.basis == "ksa-vat-records" and item.fields == ("mail_outbox.recipient",) for item in plan.keep)
    erasure.erase(ctx, f"customer:{customer_id}")
    with sqlite3.connect(ctx.db.path) as conn:
        after = list(conn.execute("SELECT status, recipient, body_text FROM mail_outbox ORDER BY requested_at"))
        certificate = conn.execute("SELECT body FROM erasure_certificate").fetchone()[0]
    # The proof it reached the buyer is kept with the invoice, its address sealed like the held invoice's buyer:
    # not in the clear in the store, opened only by a privileged user, and that read is logged.
    (status, sealed, body), = after[:1]
    assert (status, body) == ("sent", None) and is_held(sealed) and email not in sealed
    with ctx.uow() as uow:
        (ident,) = uow.session.scalars(select(m.MailOutbox.id).where(m.MailOutbox.status == "sent"))
        opened = open_held_text(uow, sealed, record=f"mail:{ident}", column="mail_outbox.recipient",
                                purpose="auditor's question")
        uow.commit()
    assert opened == email
    assert after[1] == ("cancelled", "", None)
    assert "mail_outbox.recipient" in certificate and "ksa-vat-records" in certificate
    with ctx.uow(write=False) as uow:
        held_until = max(h.held_until for h in retention.holds_of(uow, f"customer:{customer_id}"))
    assert retention.purge_expired(ctx, today=held_until + timedelta(days=1)) >= 1
    with sqlite3.connect(ctx.db.path) as conn:
        assert [r for (r,) in conn.execute("SELECT recipient FROM mail_outbox")] == ["", ""]  # the hold ended
