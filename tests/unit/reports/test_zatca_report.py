"""The ZATCA submission report: states from a real run against the local Fatoora portal, and states set directly.

Cleared, reported, rejected and pending (portal down) documents come from the fake portal under tests/fatoora over
real HTTP; "accepted with warnings" is set directly on a submission row (the fake only warns on rare documents), and
the bigger store for counts and cancelling has its queue rows written directly (no portal needed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from sqlalchemy import func, insert, select, update

from core.bootstrap import open_company
from core.config import load_settings
from core.invoicing import BrowseFilter, BrowseSort, browse
from core.invoicing.demo import create_demo
from core.invoicing.service import get_company, update_company
from core.reports.errors import ReportCancelled
from core.reports.zatca_report import build_zatca_report, submission_rows, zatca_summary
from core.secrets import MemoryKeyring
from core.store import models as m
from core.uow import Context
from core.zatca import egs as units
from core.zatca.api import FatooraClient
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_many
from core.zatca.onboarding import onboard
from core.zatca.queue import submission_row
from core.zatca.submission import submit_pending
from tests.conftest import StepClock
from tests.fatoora.server import FakeFatoora
from tests.support.pdf_text import loose, pdf_text, render_png, text_runs, words

PERIOD = (date(2026, 8, 1), date(2026, 11, 30))


def make_company(tmp: Path) -> Iterator[Context]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    config = tmp / "config.toml"
    config.write_text("", "utf-8")
    settings = load_settings(environ={"QAYD_DATA_DIR": str(tmp / "data"), "QAYD_COMPANY": "acme"}, config_file=config)
    context = open_company(settings, create=True, clock=StepClock(), username="tester")
    keyring.set_keyring(previous)  # the master key is read once, when the company opens
    yield context
    context.close()


def issue(ctx: Context, kind: str, count: int, egs: str) -> list[str]:
    with ctx.uow() as uow:
        drafts = browse.page(uow, BrowseFilter(status="draft", kind=kind, type="invoice"), BrowseSort(descending=False),
                             limit=count)
        numbers = [i.number for i in issue_many(uow, [d.number for d in drafts], egs_ref=egs)]
        uow.commit()
    return numbers


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Context, dict[str, list[str]]]]:
    """2 cleared, 2 reported, 1 rejected, 1 pending (portal down), 2 never submitted (demo unit), 1 with warnings."""
    with FakeFatoora() as fake:
        for ctx in make_company(tmp_path_factory.mktemp("portal")):
            create_demo(ctx, drafts=40)
            with ctx.uow() as uow:
                unit = units.create_egs(uow, name="branch-1-till-1", serial_number="1-Qayd|2-Desk|3-42",
                                        environment="simulation", location="Riyadh Olaya", industry="Trading")
                units.create_demo_egs(uow, get_company(uow))
                uow.commit()

            def client(_env: str) -> FatooraClient:
                return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=1)

            with client("simulation") as c:
                onboard(ctx, unit.id, "123345", c)
            made = {"cleared": issue(ctx, "standard", 2, "branch-1-till-1"),
                    "reported": issue(ctx, "simplified", 2, "branch-1-till-1"),
                    "not_submitted": issue(ctx, "standard", 2, "qayd-demo-egs")}
            summary = submit_pending(ctx, client)
            assert sorted(summary.done) == sorted(made["cleared"] + made["reported"])
            with ctx.uow() as uow:  # the profile no longer matches the certificate: the portal rejects
                original = get_company(uow)
                update_company(uow, replace(original, vat_number="310000000000003"))
                uow.commit()
            made["rejected"] = issue(ctx, "simplified", 1, "branch-1-till-1")
            assert submit_pending(ctx, client).rejected == made["rejected"]
            with ctx.uow() as uow:
                update_company(uow, replace(get_company(uow), vat_number=original.vat_number))
                uow.commit()
            made["pending"] = issue(ctx, "simplified", 1, "branch-1-till-1")
            fake.inject(status=503, times=1)
            assert submit_pending(ctx, client).postponed == made["pending"]
            with ctx.uow() as uow:  # set directly: accepted with a warning
                warned = uow.session.scalar(select(m.Invoice.id).where(m.Invoice.number == made["cleared"][0]))
                uow.session.execute(update(m.ZatcaSubmission).where(m.ZatcaSubmission.invoice_id == warned).values(
                    last_status_code=202, messages_json=json.dumps([{"level": "warning", "code": "BR-KSA-08",
                                                                    "category": "KSA",
                                                                    "message": "Seller identification warning"}])))
                uow.commit()
            made["warnings"] = made["cleared"][:1]
            assert fake.internal_errors == []
            yield ctx, made


def test_counts_per_state_kind_and_unit(portal: tuple[Context, dict[str, list[str]]]) -> None:
    ctx, made = portal
    with ctx.uow(write=False) as uow:
        data = zatca_summary(uow, *PERIOD)
        listed = {state: [r.number for r in submission_rows(uow, *PERIOD, state)] for state in made}
    counts = {s.state: s.documents for s in data.states}
    assert counts == {"cleared": 2, "reported": 2, "rejected": 1, "pending": 1, "not_submitted": 2}
    assert data.warnings.documents == 1 and data.total.documents == 8
    assert {state: sorted(numbers) for state, numbers in listed.items()} == \
        {state: sorted(numbers) for state, numbers in made.items()}
    kinds = {k.kind: k.counts for k in data.by_kind}
    assert (kinds["clearance"].cleared, kinds["clearance"].not_submitted, kinds["clearance"].total) == (2, 2, 4)
    assert (kinds["reporting"].reported, kinds["reporting"].rejected, kinds["reporting"].pending) == (2, 1, 1)
    unit = {u.egs: u.counts for u in data.by_egs}
    assert unit["branch-1-till-1"].total == 6 and unit["qayd-demo-egs"].not_submitted == 2
    with ctx.uow(write=False) as uow:  # the totals, independently: the invoices' own columns
        rows = uow.session.execute(select(m.Invoice.number, m.Invoice.tax_exclusive, m.Invoice.tax_total_sar))
        amounts = {number: (taxable, vat) for number, taxable, vat in rows}
    for state, numbers in made.items():
        figures = data.state(state)
        assert figures.taxable == sum((amounts[n][0] for n in numbers), Decimal(0)), state
        assert figures.vat == sum((amounts[n][1] for n in numbers), Decimal(0)), state
    with ctx.uow(write=False) as uow:
        [rejected] = submission_rows(uow, *PERIOD, "rejected")
        [pending] = submission_rows(uow, *PERIOD, "pending")
        later = zatca_summary(uow, date(2026, 12, 1), date(2026, 12, 31))
    assert rejected.outcome == "rejected" and rejected.last_status_code == 400 and rejected.icv is not None
    assert any(msg["level"] == "error" and msg["code"] for msg in rejected.messages)
    assert (pending.outcome, pending.attempts) == ("unavailable", 1)
    assert later.total.documents == 0  # nothing was issued in December


def test_printed_in_english_and_arabic(portal: tuple[Context, dict[str, list[str]]]) -> None:
    ctx, made = portal
    english = build_zatca_report(ctx, start=PERIOD[0], end=PERIOD[1], lang="en")
    assert english.filename == "zatca-submissions_399999999900003_2026-08-01_2026-11-30_en.pdf"
    text = words(pdf_text(english.pdf))
    for expected in ("ZATCA submission report", "By state", "Cleared", "Reported", "Rejected", "Pending",
                     "Not submitted", "Accepted with warnings", "By EGS unit", "branch-1-till-1",
                     "Messages from ZATCA", "BR-KSA-08", "portal unavailable", "demo unit: never submitted",
                     *[n for numbers in made.values() for n in numbers]):
        assert expected in text, expected
    with ctx.uow(write=False) as uow:
        doc = uow.session.execute(select(m.IssuedDocument.icv, m.IssuedDocument.document_uuid)
                                  .join(m.Invoice, m.Invoice.id == m.IssuedDocument.invoice_id)
                                  .where(m.Invoice.number == made["rejected"][0])).one()
        message = json.loads(uow.session.scalar(select(m.ZatcaSubmission.messages_json)
                                                .join(m.Invoice, m.Invoice.id == m.ZatcaSubmission.invoice_id)
                                                .where(m.Invoice.number == made["rejected"][0])) or "[]")[0]
    compact = text.replace(" ", "")
    assert str(doc.document_uuid).replace("-", "") in compact.replace("-", "")  # wrapped over two lines
    assert message["code"] in text

    arabic = build_zatca_report(ctx, start=PERIOD[0], end=PERIOD[1], lang="ar")
    logical = words("\n".join(text_runs(arabic.pdf)))
    for expected in ("تقرير الإرسال إلى الهيئة", "حسب الحالة", "معتمدة", "مُبلَّغ عنها", "مرفوضة", "قيد الإرسال",
                     "لم تُرسل", "مقبولة مع تحذيرات", "رسائل الهيئة", "وحدة تجريبية: لا تُرسل", "البوابة غير متاحة"):
        assert loose(expected) in loose(logical), expected
    assert made["rejected"][0] in pdf_text(arabic.pdf)
    pages = render_png(english.pdf, "zatca-report-en", last=1) + render_png(arabic.pdf, "zatca-report-ar", last=1)
    assert len(pages) == 2


@pytest.fixture(scope="module")
def queued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """75 documents issued on the demo unit; queue rows written directly for 20 of them."""
    for ctx in make_company(tmp_path_factory.mktemp("queued")):
        create_demo(ctx, drafts=75)
        add_demo_egs(ctx, issue=75)
        with ctx.uow() as uow:
            docs = uow.session.execute(select(m.Invoice.id, m.Invoice.kind, m.Invoice.issue_datetime,
                                              m.IssuedDocument.egs_unit_id)
                                       .join(m.IssuedDocument, m.IssuedDocument.invoice_id == m.Invoice.id)
                                       .order_by(m.IssuedDocument.icv)).all()
            rows = []
            for i, d in enumerate(docs[:20]):
                row = submission_row(invoice_id=d.id, egs_unit_id=d.egs_unit_id, issued_at=d.issue_datetime,
                                     kind="clearance" if d.kind == "standard" else "reporting", now=uow.now(),
                                     device_id=ctx.device_id)
                state = ("done", "sending", "rejected", "pending")[i % 4]
                row.update(state=state, attempts=1, last_status_code={"done": 200, "rejected": 400}.get(state))
                rows.append(row)
            uow.session.execute(insert(m.ZatcaSubmission), rows)
            uow.commit()
        yield ctx


def test_counts_match_the_queue(queued: Context) -> None:
    with queued.uow(write=False) as uow:
        data = zatca_summary(uow, date(2026, 1, 1), date(2026, 12, 31))
        states = dict(uow.session.execute(select(m.ZatcaSubmission.state, func.count())
                                          .group_by(m.ZatcaSubmission.state)).all())
        issued = int(uow.session.scalar(select(func.count()).select_from(m.Invoice)
                                        .where(m.Invoice.status == "issued")) or 0)
    counts = {s.state: s.documents for s in data.states}
    assert counts["cleared"] + counts["reported"] == states["done"]
    assert counts["pending"] == states["pending"] + states["sending"] and counts["rejected"] == states["rejected"]
    assert counts["not_submitted"] == issued - 20 > 50 and data.total.documents == issued


def test_cancel_mid_list(queued: Context) -> None:
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return True  # the first check comes after 50 rows of the first long list

    with pytest.raises(ReportCancelled):
        build_zatca_report(queued, start=date(2026, 1, 1), end=date(2026, 12, 31), lang="ar", cancelled=cancelled)
    assert calls == [1]
