"""`qayd invoice send` and `qayd mail outbox|flush|preview|resolve` through the real entry point, against aiosmtpd;
and the clearance rule: a standard invoice leaves only once ZATCA cleared it, then with the cleared XML."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pikepdf
import pytest

from core.config import MailSettings
from core.invoicing import BrowseFilter, browse
from core.mail import flush, send_invoice
from core.reports.invoice_pdf import NotShareableError
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.issuing import issue_invoice, issued_xml
from core.zatca.onboarding import onboard
from core.zatca.submission import submit_pending
from tests.fatoora.server import FakeFatoora
from tests.integration.conftest import Result
from tests.support.smtp_server import PASSWORD, USERNAME, SmtpWorld


@pytest.fixture
def smtp(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpWorld]:
    with SmtpWorld(tmp_path / "smtp") as world:
        env.update(world.env())
        monkeypatch.setenv("SSL_CERT_FILE", str(world.ca_file))
        yield world


def test_send_preview_outbox_and_flush_from_the_command_line(run: Callable[..., Result], smtp: SmtpWorld,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("init", "--demo", "--drafts", "20").exit_code == 0
    listed = json.loads(run("invoice", "list", "--status", "issued", "--kind", "standard", "--json").stdout)
    number = listed["invoices"][0]["number"] if isinstance(listed, dict) else listed[0]["number"]

    bad = run("invoice", "send", number, "--to", "not an address")
    assert bad.exit_code == 2 and "--to" in bad.output and "Traceback" not in bad.output

    preview = run("mail", "preview", number, "--lang", "en", "--xml", "--out", str(tmp_path / "preview"))
    assert preview.exit_code == 0, preview.output
    eml = next((tmp_path / "preview").glob("*.eml"))
    shown = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert shown["Subject"].startswith("Tax Invoice") and len(list(shown.iter_attachments())) == 2
    assert json.loads(run("mail", "outbox", "--json").stdout) == []  # a preview queues nothing

    sent = run("invoice", "send", number, "--lang", "en")
    assert sent.exit_code == 0 and "Queued" in sent.stdout
    (item,) = json.loads(run("mail", "outbox", "--json").stdout)
    assert (item["number"], item["status"], item["lang"]) == (number, "queued", "en")

    refused = run("mail", "flush")  # a username but no password in the secret store
    assert refused.exit_code == 13 and "mail.password" in refused.output

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    assert run("secrets", "set", "mail.password", "--stdin").exit_code == 0
    done = run("mail", "flush")
    assert done.exit_code == 0 and "Sent 1" in done.stdout, done.output
    (msg,) = smtp.received
    assert msg["From"] == f"ACME Billing <{USERNAME}>" and msg["Subject"].startswith("Tax Invoice")
    table = run("mail", "outbox")
    assert number in table.stdout and "sent" in table.stdout and "@" not in table.stdout
    assert run("mail", "resolve", item["id"][:8], "--was-sent").exit_code == 2  # it is not waiting for anyone
    # nothing on disk holds the password, the recipient's address in the clear outside the store, or the body
    import platformdirs

    for folder in (tmp_path, platformdirs.user_log_path("qayd")):
        for path in folder.rglob("*"):
            if path.is_file() and "smtp" not in path.parts:
                data = path.read_bytes()
                assert PASSWORD.encode() not in data, path
                if ".sqlite" not in path.name and "preview" not in path.parts:  # the store holds the outbox
                    assert b"Please find attached" not in data and msg["To"].encode() not in data, path
    nobody = run("mail", "prefer", "No Such Customer", "--xml")
    assert nobody.exit_code == 5 and "customer list" in nobody.output


@pytest.fixture
def fake() -> Iterator[FakeFatoora]:
    with FakeFatoora() as server:
        yield server


def test_a_standard_invoice_leaves_only_once_cleared_with_the_cleared_xml(ctx: Context, fake: FakeFatoora,
                                                                         smtp: SmtpWorld) -> None:
    from core.invoicing.demo import create_demo

    create_demo(ctx, drafts=12)
    with ctx.uow() as uow:
        unit = units.create_egs(uow, name="branch-1", serial_number="1-Qayd|2-Desk|3-42", environment="simulation",
                                location="Riyadh Olaya", industry="Trading")
        uow.commit()
    client = lambda *_: FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=3)  # noqa: E731
    with client() as onboarding:
        onboard(ctx, unit.id, "123345", onboarding)
    with ctx.uow() as uow:
        (draft,) = browse.page(uow, BrowseFilter(status="draft", kind="standard", type="invoice"), limit=1)
        number = issue_invoice(uow, draft.number).number
        uow.commit()
    mail = MailSettings(host="127.0.0.1", port=smtp.port, from_address=USERNAME)
    with pytest.raises(NotShareableError) as waiting:
        send_invoice(ctx, number, mail, to="buyer@example.sa")
    assert waiting.value.exit_code == 9 and "zatca submit" in waiting.value.fix

    submit_pending(ctx, client)
    send_invoice(ctx, number, mail, to="buyer@example.sa")
    from core.secrets.manager import set_secret

    with ctx.uow() as uow:
        set_secret(uow, "mail.password", PASSWORD.encode())
        uow.commit()
    mail = MailSettings(host="127.0.0.1", port=smtp.port, username=USERNAME, from_address=USERNAME)
    assert flush(ctx, mail).sent == 1
    (msg,) = smtp.received
    (pdf_part,) = list(msg.iter_attachments())
    with ctx.uow(write=False) as uow:
        cleared, which, _ = issued_xml(uow, number)
    assert which == "cleared"
    with pikepdf.open(io.BytesIO(pdf_part.get_content())) as pdf:
        ((_name, spec),) = pdf.attachments.items()
        assert spec.get_file().read_bytes() == cleared
