"""The access request report and the erasure certificate, built from a real store with a real data subject."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest

from core.errors import AccessDeniedError, NotFoundError
from core.privacy import access_log, erasure
from core.privacy import requests as dsr
from core.privacy.export import PURPOSES, RECIPIENTS, export_subject
from core.reports import service
from core.reports.audit_report import grouped
from core.reports.errors import ReportCancelled, ReportError
from core.reports.privacy_reports import (
    REPORT_PURPOSE,
    build_access_report,
    build_erasure_certificate,
    certificate_document,
    qr_value,
)
from core.uow import Context
from tests.support.pdf_text import has_run, pdf_text, render_png, text_runs, words
from tests.support.privacy import EMAIL, NAME, NAME_AR, NID, PHONE, Person, add_person


@pytest.fixture
def person(ctx: Context) -> Person:
    return add_person(ctx, demo_drafts=4)


@pytest.fixture
def access_request(ctx: Context, person: Person) -> str:
    with ctx.uow() as uow:
        info = dsr.add_request(uow, "access", subject=person.subject,
                               requester=dsr.Requester("Zubayda Q.", "zq@example.org"),
                               received_at=uow.now() - timedelta(days=3), identity_method="national ID card seen")
        uow.commit()
    return info.reference


def reads(ctx: Context, subject: str) -> list[access_log.AccessRecord]:
    with ctx.uow(write=False) as uow:
        return access_log.search(uow, subject)


def invoices_of(ctx: Context, person: Person) -> list[tuple[str, str, str]]:
    with sqlite3.connect(ctx.db.path) as conn:
        return [(str(n), str(d)[:10], str(s)) for n, d, s in conn.execute(
            "SELECT number, issue_datetime, status FROM invoice WHERE customer_id = ? ORDER BY number",
            (person.customer.id.hex,))]


def test_the_access_report_lists_what_is_held_why_and_who_read_it(ctx: Context, person: Person,
                                                                  access_request: str) -> None:
    before = len(reads(ctx, person.subject))
    built = build_access_report(ctx, request=access_request, lang="en")
    text = words(pdf_text(built.pdf))
    assert f"Reference {access_request}" in text and "Kind access, GDPR Art. 15" in text
    assert "Received 2026-11-22 10:00:00" in text and "Due by 2026-12-22" in text
    assert "Status identity verified" in text
    assert f"Subject reference {person.subject}" in text
    assert f"Name as held {NAME}" in text
    # the categories held, the purposes, recipients and retention
    for category in ("Identity: names", "Government identifier", "Address", "Contact details",
                     "Purchases: invoices issued to them", "Data-protection requests"):
        assert category in text, category
    assert "national ID or Iqama number" in text and "e-mail, phone" in text
    for purpose in PURPOSES:
        assert words(purpose["en"]) in text
    for recipient in RECIPIENTS:
        assert words(recipient["name"]) in text
    assert "6 years after the end of the tax year" in text and "7 years from the event" in text
    # the records: invoices counted and listed here straight from the file
    invoices = invoices_of(ctx, person)
    assert len(invoices) == len(person.issued) + len(person.drafts)
    assert f"Invoices and notes {len(invoices)}" in text
    for number, day, status in invoices:
        assert f"{number} invoice · simplified {day} {status}" in text
    # the access log: the read add_person made, its purpose
    assert "test: answering a call" in text
    # only the name is printed: no other personal value
    for value in (EMAIL, PHONE, NID, "zq@example.org"):
        assert value not in text
    assert built.filename == f"access-report_399999999900003_{access_request}_en.pdf"

    # the report is a read of personal data: logged like the export, refused to clerks
    logged = reads(ctx, person.subject)
    assert len(logged) == before + 1
    assert (logged[0].purpose, logged[0].channel) == (REPORT_PURPOSE, "report")
    assert "customer.name" in logged[0].fields and "invoice.buyer_json" in logged[0].fields
    ctx.actor_role = "clerk"
    with pytest.raises(AccessDeniedError):
        build_access_report(ctx, request=access_request, lang="en")
    assert len(reads(ctx, person.subject)) == before + 1  # nothing was read, nothing logged
    ctx.actor_role = "admin"
    with pytest.raises(ReportError):  # an erasure request is not answered by an access report
        build_access_report(ctx, request=person.request_ref, lang="en")
    with pytest.raises(NotFoundError):
        build_access_report(ctx, request="DSR-1999-0001", lang="en")


def test_the_export_files_are_listed_with_the_hashes_of_its_manifest(ctx: Context, person: Person,
                                                                   access_request: str, tmp_path: Path) -> None:
    export = export_subject(ctx, person.subject, tmp_path / "dsar")
    manifest = json.loads((export.folder / "manifest.json").read_text("utf-8"))
    built = build_access_report(ctx, request=access_request, lang="en", export_dir=export.folder)
    text = words(pdf_text(built.pdf))
    assert "Every file matches the manifest" in text
    digest = hashlib.sha256((export.folder / "manifest.json").read_bytes()).hexdigest()
    assert f"SHA-256 of manifest.json {grouped(digest)}" in text
    for entry in manifest["files"]:
        assert f"{entry['path']} {entry['bytes']:,} {grouped(entry['sha256'])} matches" in text, entry["path"]
        # and the manifest's hashes are those of the files
        assert hashlib.sha256((export.folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    # a changed file is found out
    (export.folder / "customer.csv").write_text("changed", "utf-8")
    changed = words(pdf_text(build_access_report(ctx, request=access_request, lang="en",
                                                 export_dir=export.folder).pdf))
    assert "1 file(s) do not match the manifest" in changed and "customer.csv 7 " in changed
    assert "DIFFERS" in changed
    with pytest.raises(ReportError):
        build_access_report(ctx, request=access_request, lang="en", export_dir=tmp_path)


def test_the_access_report_in_arabic(ctx: Context, person: Person, access_request: str, tmp_path: Path) -> None:
    export = export_subject(ctx, person.subject, tmp_path / "dsar")
    built = build_access_report(ctx, request=access_request, lang="ar", export_dir=export.folder)
    lines = text_runs(built.pdf)
    for label in ("تقرير طلب الاطلاع", "الطلب", "صاحب البيانات", "فئات البيانات الشخصية المحفوظة",
                  "أغراض المعالجة وأساسها النظامي", "الجهات المتلقية", "مدد الحفظ", "السجلات المحفوظة",
                  "من اطّلع على بيانات صاحب البيانات", "ملف التصدير ومحتوياته", "جميع الملفات مطابقة للبيان",
                  "تم التحقق من الهوية", "طلب اطلاع، المادة 15", "هيئة الزكاة والضريبة والجمارك"):
        assert has_run(lines, label), label
    assert has_run(lines, f"{NAME} — {NAME_AR}", marks=False)
    assert any(line.startswith("سُجّلت ") for line in lines)
    pages = render_png(built.pdf, "access-report-ar", last=2)
    assert len(pages) == min(2, built.pages)

    before = len(reads(ctx, person.subject))
    with pytest.raises(ReportCancelled):
        build_access_report(ctx, request=access_request, lang="en", cancelled=lambda: True)
    assert len(reads(ctx, person.subject)) == before


# --- the erasure certificate ---------------------------------------------------------------------------------------


def stored_certificate(ctx: Context, ident: object) -> tuple[bytes, str]:
    with sqlite3.connect(ctx.db.path) as conn:
        body, signature = conn.execute("SELECT body, signature FROM erasure_certificate WHERE id = ?",
                                       (getattr(ident, "hex", ident),)).fetchone()
    return body.encode("utf-8"), signature


def test_the_certificate_shows_what_was_erased_and_kept_signed_embedded_and_in_a_qr_code(
        ctx: Context, person: Person, access_request: str) -> None:
    with pytest.raises(NotFoundError, match="no erasure certificate"):
        build_erasure_certificate(ctx, request=access_request, lang="en")
    with pytest.raises(NotFoundError):
        build_erasure_certificate(ctx, request="00000000-0000-0000-0000-000000000000", lang="en")
    erased = erasure.erase(ctx, person.subject, request_ref=person.request_ref)

    built = build_erasure_certificate(ctx, request=person.request_ref, lang="en")
    text = words(pdf_text(built.pdf))
    body, signature = stored_certificate(ctx, erased.certificate_id)
    assert "Signature verified" in text and "Result verified" in text
    assert f"Certificate ID {erased.certificate_id}" in text and f"Request {person.request_ref}" in text
    assert f"Subject reference {person.subject}" in text
    assert "Erased at 2026-11-25 10:00:00 Riyadh time" in text
    assert "Customer record name, name in Arabic, VAT number, national ID or Iqama number" in text
    assert f"Draft invoices buyer details on invoices {len(person.drafts)}" in text
    for number in person.issued:  # the held invoices: numbers and the end of their hold
        assert f"Invoice {number} " in text
    assert text.count("2032-12-31") == len(person.issued)
    assert "Audit key destroyed by this erasure yes" in text
    assert "write-ahead log" in text
    digest = hashlib.sha256(body).hexdigest()
    assert f"SHA-256 of the signed content {grouped(digest)}" in text
    assert grouped(base64.b64decode(signature).hex()) in text
    for value in person.personal:
        assert value not in text
    assert built.filename == f"erasure-certificate_399999999900003_{erased.certificate_id}_en.pdf"

    # the signed JSON is embedded byte for byte, with its signature and the device's public key
    with pikepdf.open(io.BytesIO(built.pdf)) as doc:
        spec = doc.attachments[f"erasure-certificate-{erased.certificate_id}.json"]
        assert spec.get_file().read_bytes() == body
        assert str(spec.obj.get("/AFRelationship")) == "/Source"
        assert str(spec.get_file().mime_type) == "application/json"
        assert doc.attachments[f"erasure-certificate-{erased.certificate_id}.sig"].get_file().read_bytes() \
            == signature.encode()
        assert b"BEGIN PUBLIC KEY" in doc.attachments["device-public-key.pem"].get_file().read_bytes()
        assert len(doc.Root.AF) == 3

    # the QR code, read back from the printed page by another reader (zbar)
    page = render_png(built.pdf, "erasure-certificate-en", dpi=150, last=1)[0]
    zbar = shutil.which("zbarimg")
    assert zbar is not None, "zbarimg (zbar-tools) reads the printed QR code back"
    found = subprocess.run([zbar, "--quiet", "--raw", str(page)], capture_output=True, text=True, timeout=30)
    assert found.stdout.strip() == qr_value(erased.certificate_id, digest)

    # by the certificate's id too; cancelled; a language it has not
    by_id = certificate_document(ctx, request=str(erased.certificate_id), lang="en")
    assert by_id.verified and f"Certificate ID {erased.certificate_id}" in words(pdf_text(by_id.built.pdf))
    assert service.build(ctx, "gdpr-erasure", {"request": str(erased.certificate_id)}, "ar").pages >= 1
    # an access report after the erasure: the name reads "erased", the held invoices with the end of their hold
    after = words(pdf_text(build_access_report(ctx, request=access_request, lang="en").pdf))
    assert "Name as held erased (2026-11-25)" in after and NAME not in after
    assert "Processing restricted yes" in after
    for number in person.issued:
        assert f"{number} invoice · simplified" in after and "issued 2032-12-31" in after
    assert service.build(ctx, "gdpr-access", {"request": access_request}, "en").title.startswith("Access request")
    with pytest.raises(ReportCancelled):
        build_erasure_certificate(ctx, request=person.request_ref, lang="en", cancelled=lambda: True)
    with pytest.raises(ReportError):
        build_erasure_certificate(ctx, request=person.request_ref, lang="both")


def test_the_certificate_in_arabic_and_a_tampered_one(ctx: Context, person: Person) -> None:
    erased = erasure.erase(ctx, person.subject, request_ref=person.request_ref)
    built = build_erasure_certificate(ctx, request=person.request_ref, lang="ar")
    lines = text_runs(built.pdf)
    for label in ("شهادة المحو", "التوقيع صحيح ومتحقَّق منه", "بيانات الشهادة", "ما تم محوه", "ما يُحفظ وسببه ومدته",
                  "سجل العميل", "مسودات الفواتير", "محفوظة ومشفّرة ومقيّدة", "أُتلف مفتاح التدقيق بهذا المحو",
                  "التوقيع", "متحقَّق منه"):
        assert has_run(lines, label), label
    assert sum("سجلات ضريبة القيمة" in line for line in lines) >= len(person.issued)
    for number in person.issued:
        assert has_run(lines, f"فاتورة {number}")
    assert built.filename.endswith("_ar.pdf")
    render_png(built.pdf, "erasure-certificate-ar")

    ctx.db.dispose()
    with sqlite3.connect(ctx.db.path) as conn:  # past the trigger, as an attacker with the file would
        conn.execute("DROP TRIGGER erasure_certificate_immutable")
        conn.execute("UPDATE erasure_certificate SET body = replace(body, '2032-12-31', '2026-12-31')")
    document = certificate_document(ctx, request=person.request_ref, lang="en")
    text = words(pdf_text(document.built.pdf))
    assert not document.verified
    assert "Signature does NOT verify" in text and "Result does NOT verify" in text
    assert "Signature verified" not in text and "2026-12-31" in text
    body, _ = stored_certificate(ctx, erased.certificate_id)
    with pikepdf.open(io.BytesIO(document.built.pdf)) as doc:  # what is embedded is what is stored, tampered
        assert doc.attachments[f"erasure-certificate-{erased.certificate_id}.json"].get_file().read_bytes() == body
    lines = text_runs(build_erasure_certificate(ctx, request=person.request_ref, lang="ar").pdf)
    assert "التوقيع لا يتحقق" in lines and "لا يتحقق" in lines
