"""Erasure on real files: after `erase`, none of the subject's personal data is in the database or its WAL (read
from disk), not even inside the invoices tax law makes us keep: those are sealed with the subject's hold key,
open (for admin and compliance only, each read logged) to exactly what was issued, and their hashes and signatures
verify; the audit chain verifies, the certificate is signed and says what was erased and kept; the purge at the
end of the hold removes the rest, destroys the hold key, and the chain still verifies."""

from __future__ import annotations

import base64
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.audit.service import verify_store
from core.audit.signing import signature_ok
from core.bootstrap import open_company
from core.config import Settings
from core.errors import AccessDeniedError, ImmutableError, SecretStoreError
from core.invoicing import service
from core.invoicing.drafts import prepare_note
from core.invoicing.model import DocumentType
from core.privacy import access_log, erasure, retention, sealing
from core.privacy.export import export_subject
from core.store import models as m
from core.uow import Context
from core.zatca.correction import prepare_correction
from core.zatca.hashing import invoice_hash
from core.zatca.issuing import issued_xml
from core.zatca.verify import verify_stamp
from tests.support.privacy import EMAIL, NAME, NID, PHONE, STREET, Person, add_person, encodings


@pytest.fixture
def person(ctx: Context) -> Person:
    return add_person(ctx)


def disk_bytes(ctx: Context) -> bytes:
    """The database file and its WAL as they are on disk."""
    wal = Path(f"{ctx.db.path}-wal")
    return ctx.db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def occurrences(blob: bytes, value: str) -> int:
    return sum(blob.count(form) for form in encodings(value))


def held_values(ctx: Context) -> list[bytes]:
    """The stored personal columns of the records a running hold keeps (buyer snapshots, signed and cleared XML)."""
    conn = sqlite3.connect(ctx.db.path)
    conn.text_factory = bytes
    try:
        rows = conn.execute(
            "SELECT i.buyer_json, d.xml, s.cleared_xml FROM invoice i JOIN issued_document d ON d.invoice_id = i.id "
            "LEFT JOIN zatca_submission s ON s.invoice_id = i.id "
            "WHERE ('invoice:' || i.id) IN "
            "(SELECT replace(record, '-', '') FROM retention_hold WHERE purged_at IS NULL)").fetchall()
    finally:
        conn.close()
    return [bytes(part) for row in rows for part in row if part is not None]


def issued_documents(ctx: Context, person: Person) -> list[tuple[str, bytes, str]]:
    """(number, signed XML, hash) of the person's issued invoices, opened through the core as a reader would."""
    with ctx.uow(write=False) as uow:
        rows = uow.session.execute(select(m.Invoice.number, m.IssuedDocument.invoice_hash)
                                   .join(m.IssuedDocument, m.IssuedDocument.invoice_id == m.Invoice.id)
                                   .where(m.Invoice.number.in_(person.issued)).order_by(m.Invoice.number))
        return [(number, issued_xml(uow, number)[0], digest) for number, digest in rows]


def test_preview_lists_what_is_erased_and_kept_with_basis_and_date(ctx: Context, person: Person) -> None:
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, person.subject)
    records = [i.record for i in plan.erase]
    assert records[0] == person.subject and "customer.email" in plan.erase[0].fields
    assert sum(r.startswith("invoice:") for r in records) == len(person.drafts)
    assert f"audit:{person.subject}" in records
    assert any(r.startswith("gdpr_request:") for r in records)
    held = [i for i in plan.keep if i.record.startswith("invoice:")]
    assert len(held) == len(person.issued)
    for item in held:  # issued in 2026: kept until the end of 2032 under the KSA VAT rules
        assert item.basis == "ksa-vat-records" and item.held_until == date(2032, 12, 31)
        assert "issued_document.xml" in item.fields and item.description_ar
    audit = next(i for i in plan.keep if i.record.startswith("audit:"))
    assert audit.basis == "audit-evidence" and audit.held_until == date(2033, 11, 25)
    with ctx.uow(write=False) as uow:  # a preview changes nothing
        assert uow.session.get(m.Customer, person.customer.id).email == person.customer.email  # type: ignore


def test_erasure_leaves_no_personal_bytes_and_keeps_what_the_law_holds(ctx: Context, person: Person) -> None:
    before = disk_bytes(ctx)
    for value in person.personal:
        assert occurrences(before, value) > 0, value  # the test looks for something that is there
    documents = issued_documents(ctx, person)
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, person.subject)
        buyers = {n: service.get_invoice(uow, n).draft.buyer for n in person.issued}

    result = erasure.erase(ctx, person.subject, request_ref=person.request_ref)

    assert result.wal_cleared and (result.erased, result.kept) == (len(plan.erase), len(plan.keep))
    after = disk_bytes(ctx)
    for value in person.personal:  # name, e-mail, both phones, national id, street: in neither file, in any encoding
        assert occurrences(after, value) == 0, value
    held = held_values(ctx)
    assert len(held) == 2 * len(person.issued) and all(sealing.is_held(v) for v in held)  # buyer and XML, sealed
    report = verify_store(ctx)
    assert report.ok, report.broken
    assert issued_documents(ctx, person) == documents  # held invoices open to exactly what was issued
    for _number, xml, digest in documents:
        assert invoice_hash(xml) == digest and verify_stamp(xml) == []
        assert NAME.encode() in xml and NID.encode() in xml
    with ctx.uow(write=False) as uow:
        assert {n: service.get_invoice(uow, n).draft.buyer for n in person.issued} == buyers
    with ctx.uow(write=False) as uow:
        row = uow.session.get(m.Customer, person.customer.id)
        assert row is not None and row.erased_at is not None and row.restricted_at is not None
        assert (row.name, row.email, row.phone, row.id_value, row.address_json) == ("[erased]", "", "", "", None)
        key = uow.session.scalars(select(m.SubjectKey).where(m.SubjectKey.subject == person.subject)).one()
        assert key.wrapped_key is None and key.destroyed_at is not None
        drafts = [service.get_invoice(uow, n).draft for n in person.drafts]
        assert all(d.buyer is not None and d.buyer.name == "[erased]" and not d.buyer.id_value for d in drafts)
        holds = retention.holds_of(uow, person.subject)
        assert len(holds) == len(person.issued) and all(h.held_until == date(2032, 12, 31) for h in holds)


def test_the_certificate_is_signed_and_lists_what_was_erased_and_kept(ctx: Context, person: Person) -> None:
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, person.subject)
    result = erasure.erase(ctx, person.subject, request_ref=person.request_ref)
    with ctx.uow(write=False) as uow:
        cert = erasure.get_certificate(uow, result.certificate_id)
        row = uow.session.get(m.ErasureCertificate, result.certificate_id)
        request = uow.session.scalars(select(m.GdprRequest).where(m.GdprRequest.reference == person.request_ref)).one()
    assert cert.valid and row is not None and row.request_id == request.id
    # What staff typed about the request may quote the person: it goes too; the outcome stays as evidence.
    assert (request.requester_json, request.identity_method, request.notes) == (
        '{"erased":true}', "[erased]", "[erased]")
    assert signature_ok(ctx.device_key.public_bytes(), base64.b64decode(row.signature), row.body.encode())
    body = cert.body
    assert body["subject"] == person.subject and body["request"] == person.request_ref
    assert [r["record"] for r in body["erased"]["records"]] == [i.record for i in plan.erase]
    assert [(r["record"], r["basis"], r["held_until"]) for r in body["kept"]["records"]] == [
        (i.record, i.basis, i.held_until.isoformat() if i.held_until else None) for i in plan.keep]
    assert body["erased"]["tables"]["customer"]["records"] == 1
    assert body["kept"]["tables"]["issued_document"]["records"] == len(person.issued)
    for value in (*person.on_invoices, *person.nowhere_after_erasure):
        assert value not in row.body  # the certificate itself holds no personal data
    forged = json.loads(row.body)
    forged["kept"]["records"] = []
    assert not signature_ok(ctx.device_key.public_bytes(), base64.b64decode(row.signature),
                            json.dumps(forged).encode())
    with sqlite3.connect(ctx.db.path) as conn, pytest.raises(sqlite3.IntegrityError, match="immutable"):
        conn.execute("UPDATE erasure_certificate SET body = '{}'")


def test_a_new_access_export_returns_only_what_is_kept(ctx: Context, person: Person, tmp_path: Path) -> None:
    erasure.erase(ctx, person.subject)
    result = export_subject(ctx, person.subject, tmp_path / "out")
    blob = b"".join(p.read_bytes() for p in result.files)
    for value in person.nowhere_after_erasure:
        assert occurrences(blob, value) == 0, value
    doc = json.loads((result.folder / "export.json").read_text("utf-8"))
    assert doc["subject"]["erased_at"] and doc["data"]["customer"][0]["email"] == ""
    assert {r["number"] for r in doc["data"]["invoice"]} == set(person.issued) | set(person.drafts)
    held = [r for r in doc["data"]["invoice"] if r["number"] in person.issued]
    assert all(r["buyer"]["id_value"] == NID and r["held_until"] == "2032-12-31" for r in held)
    assert len(doc["documents"]) == len(person.issued)
    sealed = [e for e in doc["audit"] if e["personal_state"] != "none"]
    assert sealed and all(e["personal_state"] == "shredded" and e["personal"] is None for e in sealed)
    with ctx.uow(write=False) as uow:  # reading the held, restricted records is logged as such
        logged = access_log.search(uow, person.subject)[0]
    assert logged.channel == "export" and logged.restricted


def test_a_second_erasure_is_refused_and_clerks_may_not_erase(ctx: Context, person: Person) -> None:
    ctx.actor_role = "clerk"
    with pytest.raises(AccessDeniedError):
        erasure.erase(ctx, person.subject)
    ctx.actor_role = "compliance"
    erasure.erase(ctx, person.subject)
    with pytest.raises(ImmutableError, match="already erased"):
        erasure.erase(ctx, person.subject)
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, person.subject)
    assert plan.erased_at is not None and plan.erase == []
    assert len(plan.keep) == len(person.issued) + 1  # what the erasure keeps, still listed with its dates
    assert all(i.held_until == date(2032, 12, 31) for i in plan.keep if i.record.startswith("invoice:"))


def test_purge_after_the_hold_removes_the_held_data_and_the_chain_verifies(ctx: Context, person: Person) -> None:
    erasure.erase(ctx, person.subject)
    assert retention.purge_expired(ctx, today=date(2032, 12, 31)) == 0  # the hold's last day: still held
    assert retention.purge_expired(ctx, today=date(2100, 1, 1)) == len(person.issued)
    assert retention.purge_expired(ctx, today=date(2100, 1, 1)) == 0
    after = disk_bytes(ctx)
    for value in (*person.on_invoices, *person.nowhere_after_erasure):
        assert occurrences(after, value) == 0, value
    assert verify_store(ctx).ok
    with ctx.uow(write=False) as uow:
        for number in person.issued:
            stored = service.get_invoice(uow, number)
            assert stored.status == "issued" and stored.draft.buyer is not None
            assert stored.draft.buyer.name == "[purged]"
        docs = list(uow.session.execute(select(m.IssuedDocument.xml, m.IssuedDocument.invoice_hash)
                                        .join(m.Invoice, m.Invoice.id == m.IssuedDocument.invoice_id)
                                        .where(m.Invoice.number.in_(person.issued))))
        assert all(bytes(xml).startswith(b"<qayd-purged ") and digest.encode() in bytes(xml) for xml, digest in docs)
        assert all(h.purged for h in retention.holds_of(uow, person.subject))
        key = uow.session.scalars(select(m.SubjectKey).where(
            m.SubjectKey.subject == sealing.hold_key_subject(person.subject))).one()
        assert key.wrapped_key is None and key.destroyed_at is not None  # nothing sealed could be opened again
        purged = [e for e in uow.session.scalars(select(m.AuditEntry).where(m.AuditEntry.subject == person.subject,
                                                                             m.AuditEntry.action == "privacy.purged"))]
        assert len(purged) == 1 and json.loads(purged[0].body)["payload"]["data"]["hold_key_destroyed"] is True


def test_the_store_allows_the_purge_and_nothing_else_on_issued_documents(ctx: Context, person: Person) -> None:
    erasure.erase(ctx, person.subject)
    conn = sqlite3.connect(ctx.db.path)
    try:
        target = "(SELECT i.id FROM invoice i WHERE i.number = ?)"
        number = person.issued[0]
        marker = retention.purged_buyer("individual")
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # the hold is not marked purged
            conn.execute(f"UPDATE invoice SET buyer_json = ? WHERE id = {target}", (marker, number))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute(f"UPDATE issued_document SET xml = CAST('<qayd-purged x=\"1\"/>' AS BLOB) "
                         f"WHERE invoice_id = {target}", (number,))
        conn.execute("UPDATE retention_hold SET purged_at = 'now' WHERE replace(record, '-', '') = "
                     f"'invoice:' || {target}", (number,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # any other value than the purged one
            conn.execute(f"UPDATE invoice SET buyer_json = '{{\"name\":\"someone else\"}}' WHERE id = {target}",
                         (number,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # another column along with it
            conn.execute(f"UPDATE invoice SET buyer_json = ?, note = 'x' WHERE id = {target}", (marker, number))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute(f"UPDATE issued_document SET xml = CAST('<Invoice/>' AS BLOB) WHERE invoice_id = {target}",
                         (number,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute(f"UPDATE issued_document SET xml = CAST('<qayd-purged a=\"1\"/>' AS BLOB), qr = 'x' "
                         f"WHERE invoice_id = {target}", (number,))
        conn.execute(f"UPDATE invoice SET buyer_json = ? WHERE id = {target}", (marker, number))
        conn.execute(f"UPDATE issued_document SET xml = CAST('<qayd-purged a=\"1\"/>' AS BLOB) "
                     f"WHERE invoice_id = {target}", (number,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # once purged, never again
            conn.execute(f"UPDATE issued_document SET xml = CAST('<qayd-purged b=\"2\"/>' AS BLOB) "
                         f"WHERE invoice_id = {target}", (number,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # an issued invoice of someone else
            conn.execute("UPDATE invoice SET buyer_json = ? WHERE status = 'issued' AND customer_id IS NOT ? "
                         "AND buyer_json IS NOT NULL", (marker, person.customer.id.hex))
        conn.rollback()
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["0005_purge", "0006_sealed_holds"])
def test_the_migration_lists_every_invoice_column_and_the_purged_buyers(name: str) -> None:
    import importlib

    migration = importlib.import_module(f"core.store.migrations.versions.{name}")
    columns = {c.name for c in m.Base.metadata.tables["invoice"].columns} - {"buyer_json"}
    assert set(migration.INVOICE_COLUMNS) == columns
    documents = {c.name for c in m.Base.metadata.tables["issued_document"].columns} - {"xml"}
    assert set(migration.DOCUMENT_COLUMNS) == documents
    purge = importlib.import_module("core.store.migrations.versions.0005_purge")
    assert (retention.purged_buyer("individual"), retention.purged_buyer("business")) == purge.PURGED_BUYERS
    assert purge.XML_MARKER.encode() == retention.XML_MARKER
    if name == "0006_sealed_holds":
        assert (migration.HELD_PREFIX, migration.HELD_HEAD) == (sealing.PREFIX, sealing.HEAD)


def test_a_reader_on_an_old_snapshot_delays_the_wal_clearing_but_nothing_is_lost(
        ctx: Context, person: Person, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention, "CHECKPOINT_WAIT_MS", 50)
    reader = sqlite3.connect(ctx.db.path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customer").fetchone()  # holds its snapshot, as a long report would
    result = erasure.erase(ctx, person.subject)
    assert not result.wal_cleared
    reader.rollback()
    reader.close()
    assert retention.clear_wal(ctx)  # the next clearing finishes the job
    after = disk_bytes(ctx)
    for value in person.nowhere_after_erasure:
        assert occurrences(after, value) == 0, value


def test_a_staff_user_is_erased_but_not_the_one_signed_in(ctx: Context, settings: Settings) -> None:
    departed = open_company(settings, username="departed.person.xyz")
    subject = departed.actor
    departed.close()
    with pytest.raises(AccessDeniedError):
        erasure.erase(ctx, ctx.actor)
    with ctx.uow(write=False) as uow:
        plan = erasure.preview(uow, subject)
    assert [i.record for i in plan.erase] == [subject, f"audit:{subject}"]
    result = erasure.erase(ctx, subject)
    assert occurrences(disk_bytes(ctx), "departed.person.xyz") == 0
    with ctx.uow(write=False) as uow:
        assert erasure.get_certificate(uow, result.certificate_id).valid
    assert verify_store(ctx).ok


def test_a_cancelled_erasure_changes_nothing(ctx: Context, person: Person) -> None:
    from core.privacy.cancel import Cancelled

    before = erasure_state(ctx, person)
    seen: list[float] = []
    with pytest.raises(Cancelled):
        erasure.erase(ctx, person.subject, progress=lambda f, _m: seen.append(f), cancelled=lambda: len(seen) >= 3)
    assert seen == sorted(seen) and erasure_state(ctx, person) == before


def erasure_state(ctx: Context, person: Person) -> tuple[object, ...]:
    with sqlite3.connect(ctx.db.path) as conn:
        customer = (person.customer.id.hex,)
        return (conn.execute("SELECT email, erased_at FROM customer WHERE id = ?", customer).fetchone(),
                conn.execute("SELECT count(*) FROM retention_hold").fetchone(),
                conn.execute("SELECT count(*) FROM erasure_certificate").fetchone(),
                conn.execute("SELECT count(*) FROM subject_key WHERE wrapped_key IS NULL").fetchone(),
                conn.execute("SELECT max(seq) FROM audit_entry").fetchone())


# --- sealed holds ----------------------------------------------------------------------------------------------


def test_held_invoices_open_for_compliance_and_are_refused_to_clerks(ctx: Context, person: Person) -> None:
    documents = issued_documents(ctx, person)
    erasure.erase(ctx, person.subject)
    number = person.issued[0]
    ctx.actor_role = "clerk"
    with ctx.uow(write=False) as uow:
        with pytest.raises(AccessDeniedError):
            service.get_invoice(uow, number)
        with pytest.raises(AccessDeniedError, match="compliance"):
            issued_xml(uow, number)
    ctx.actor_role = "compliance"
    with ctx.uow(write=False) as uow:
        buyer = service.get_invoice(uow, number).draft.buyer
        xml, which, _shareable = issued_xml(uow, number)
    assert buyer is not None and (buyer.name, buyer.id_value) == (NAME, NID)
    assert buyer.address is not None and buyer.address.street == STREET
    assert (number, xml) == documents[0][:2] and which == "signed"
    assert invoice_hash(xml) == documents[0][2] and verify_stamp(xml) == []
    with ctx.uow(write=False) as uow:  # each opening is a logged read of a restricted record, without the values
        reads = [r for r in access_log.search(uow, person.subject) if r.restricted]
    assert {"invoice.buyer_json", "issued_document.xml"} <= {f for r in reads for f in r.fields}
    assert all(NAME not in r.purpose and NID not in r.purpose for r in reads)


def test_a_held_invoice_is_not_copied_into_a_new_document(ctx: Context, person: Person) -> None:
    erasure.erase(ctx, person.subject)
    with ctx.uow() as uow:
        with pytest.raises(ImmutableError, match="tax law"):
            prepare_note(uow, person.issued[0], DocumentType.CREDIT_NOTE, reason="refund")
        with pytest.raises(ImmutableError, match="tax law"):
            prepare_correction(uow, person.issued[0])
    assert all(occurrences(disk_bytes(ctx), value) == 0 for value in person.personal)


def test_a_sealed_value_opens_only_in_its_own_record_and_column(ctx: Context, person: Person) -> None:
    erasure.erase(ctx, person.subject)
    with ctx.uow(write=False) as uow:
        rows = list(uow.session.execute(select(m.Invoice.id, m.Invoice.buyer_json).where(
            m.Invoice.number.in_(person.issued)).order_by(m.Invoice.number)))
        (first, sealed), (second, _) = rows[0], rows[1]
        assert sealed is not None
        assert sealing.held_subject(sealed) == person.subject and sealed.startswith(f"QAYD-HELD:1:{person.subject}:")
        opened = sealing.open_held(uow, sealed, record=sealing.record_of(first), column=sealing.BUYER,
                                   purpose="test")
        assert json.loads(opened)["id_value"] == NID
        with pytest.raises(SecretStoreError):  # moved to another document
            sealing.open_held(uow, sealed, record=sealing.record_of(second), column=sealing.BUYER, purpose="test")
        with pytest.raises(SecretStoreError):  # moved to another column
            sealing.open_held(uow, sealed, record=sealing.record_of(first), column=sealing.XML, purpose="test")
        with pytest.raises(SecretStoreError):  # damaged
            sealing.open_held(uow, sealed[:-8] + "AAAAAAA=", record=sealing.record_of(first), column=sealing.BUYER,
                              purpose="test")


def test_the_store_allows_sealing_of_held_records_only(ctx: Context, person: Person) -> None:
    erasure.erase(ctx, person.subject)
    conn = sqlite3.connect(ctx.db.path)
    try:
        target = "(SELECT i.id FROM invoice i WHERE i.number = ?)"
        number = person.issued[0]
        for statement in (  # an already sealed value is never sealed again, nor replaced by another sealed one
                f"UPDATE invoice SET buyer_json = 'QAYD-HELD:1:{person.subject}:AAAA' WHERE id = {target}",
                f"UPDATE issued_document SET xml = CAST('QAYD-HELD:1:{person.subject}:AAAA' AS BLOB) "
                f"WHERE invoice_id = {target}",
                f"UPDATE invoice SET buyer_json = NULL WHERE id = {target}",  # a NULL must not slip through
                f"UPDATE issued_document SET xml = NULL WHERE invoice_id = {target}"):
            with pytest.raises(sqlite3.IntegrityError, match="immutable"):
                conn.execute(statement, (number,))
        # An issued invoice of someone else, with no hold: it may not be sealed (nor anything else).
        other = conn.execute("SELECT number FROM invoice WHERE status = 'issued' AND customer_id IS NOT ? "
                             "AND buyer_json IS NOT NULL", (person.customer.id.hex,)).fetchone()[0]
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            conn.execute(f"UPDATE invoice SET buyer_json = 'QAYD-HELD:1:{person.subject}:AAAA' WHERE id = {target}",
                         (other,))
        # A held invoice whose values were still plain (an erasure made before sealing): sealable, but only under
        # the hold's own subject, and only that column.
        conn.execute("DROP TRIGGER invoice_issued_immutable")  # to put a plain value back, as before 0006
        conn.execute(f"UPDATE invoice SET buyer_json = '{{\"name\":\"x\"}}' WHERE id = {target}", (number,))
        trigger = next(t for t in __import__("importlib").import_module(
            "core.store.migrations.versions.0006_sealed_holds").NEW_TRIGGERS if "ON invoice" in t)
        conn.execute(trigger)
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # another subject's prefix
            conn.execute(f"UPDATE invoice SET buyer_json = 'QAYD-HELD:1:customer:someone-else:AAAA' "
                         f"WHERE id = {target}", (number,))
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):  # another column along with it
            conn.execute(f"UPDATE invoice SET buyer_json = 'QAYD-HELD:1:{person.subject}:AAAA', note = 'x' "
                         f"WHERE id = {target}", (number,))
        conn.execute(f"UPDATE invoice SET buyer_json = 'QAYD-HELD:1:{person.subject}:AAAA' WHERE id = {target}",
                     (number,))
        conn.rollback()
    finally:
        conn.close()


def test_an_erased_buyers_queued_invoice_is_submitted_and_its_cleared_copy_sealed(ctx: Context) -> None:
    from core.invoicing.demo import create_demo
    from core.invoicing.model import DocumentKind
    from core.zatca import egs as units
    from core.zatca.api import FatooraClient
    from core.zatca.onboarding import onboard
    from core.zatca.submission import submit_pending
    from tests.fatoora.server import FakeFatoora

    def client_for(fake: FakeFatoora) -> FatooraClient:
        return FatooraClient(fake.base_url, sleep=lambda _s: None, max_attempts=3)

    with FakeFatoora() as fake:
        create_demo(ctx, drafts=4)
        with ctx.uow() as uow:
            unit = units.create_egs(uow, name="till-1", serial_number="1-Qayd|2-Desk|3-77", environment="simulation",
                                    location="Riyadh", industry="Trading")
            uow.commit()
        with client_for(fake) as client:
            assert onboard(ctx, unit.id, "123345", client).can_submit
        person = add_person(ctx, demo_egs=False, issued=2, drafts=0,
                            kinds=(DocumentKind.STANDARD, DocumentKind.SIMPLIFIED))
        with ctx.uow(write=False) as uow:
            documents = [issued_xml(uow, n)[0] for n in person.issued]
        erasure.erase(ctx, person.subject)  # while both documents wait in the queue
        assert all(occurrences(disk_bytes(ctx), value) == 0 for value in person.personal)
        ctx.actor_role = "clerk"  # reporting and clearing are legal duties, whoever is signed in
        summary = submit_pending(ctx, lambda _env: client_for(fake))
        assert sorted(summary.done) == sorted(person.issued) and not summary.rejected
        sent = [base64.b64decode(r.json()["invoice"]) for r in fake.requests
                if r.path.endswith(("/invoices/clearance/single", "/invoices/reporting/single"))]
        assert sorted(sent) == sorted(documents)  # the documents as issued, opened for the submission
        ctx.actor_role = "compliance"
        with ctx.uow(write=False) as uow:
            copies = {n: issued_xml(uow, n) for n in person.issued}
            reads = [r for r in access_log.search(uow, person.subject) if r.purpose.startswith("ZATCA submission")]
    cleared = [xml for xml, which, _ in copies.values() if which == "cleared"]
    assert len(cleared) == 1 and b"Cleared by FakeFatoora" in cleared[0] and NAME.encode() in cleared[0]
    assert len(reads) >= 1 and all(r.restricted for r in reads)
    assert all(sealing.is_held(v) for v in held_values(ctx)) and len(held_values(ctx)) == 2 * 2 + 1
    for value in (*person.personal, EMAIL, PHONE):
        assert occurrences(disk_bytes(ctx), value) == 0, value
    assert verify_store(ctx).ok
