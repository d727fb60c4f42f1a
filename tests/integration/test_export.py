"""Access and portability exports: a JSON document, a CSV per table, the XML documents, and a manifest of hashes;
audit payloads decrypted; the access log included; the export itself logged."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.errors import AccessDeniedError, NotFoundError
from core.privacy import access_log
from core.privacy.cancel import Cancelled
from core.privacy.export import export_subject
from core.uow import Context
from core.zatca.verify import verify_stamp
from tests.support.privacy import EMAIL, NID, OLD_PHONE, PHONE, Person, add_person


@pytest.fixture
def person(ctx: Context) -> Person:
    return add_person(ctx)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_manifest_lists_every_file_with_its_sha256(ctx: Context, person: Person, tmp_path: Path) -> None:
    result = export_subject(ctx, person.subject, tmp_path / "out")
    assert result.folder.parent == tmp_path / "out" and result.files[-1].name == "manifest.json"
    manifest = json.loads((result.folder / "manifest.json").read_text("utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(result.folder).as_posix() for p in result.folder.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    for name, entry in listed.items():
        content = (result.folder / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"] and len(content) == entry["bytes"]
    assert manifest["subject"] == person.subject and manifest["algorithm"] == "SHA-256"


def test_one_csv_per_table_agrees_with_the_json(ctx: Context, person: Person, tmp_path: Path) -> None:
    result = export_subject(ctx, person.subject, tmp_path)
    doc = json.loads((result.folder / "export.json").read_text("utf-8"))
    for table in ("customer", "invoice", "invoice_line", "gdpr_request"):
        rows = read_csv(result.folder / f"{table}.csv")
        assert len(rows) == len(doc["data"][table]) > 0, table
    customer = read_csv(result.folder / "customer.csv")[0]
    assert (customer["email"], customer["phone"], customer["id_value"]) == (EMAIL, PHONE, NID)
    invoices = read_csv(result.folder / "invoice.csv")
    assert {r["number"] for r in invoices} == set(person.issued) | set(person.drafts)
    assert all(json.loads(r["buyer"])["id_value"] == NID for r in invoices)
    assert len(read_csv(result.folder / "audit_entry.csv")) == len(doc["audit"])
    assert len(read_csv(result.folder / "access_log.csv")) == len(doc["access_log"])
    assert result.records >= len(invoices) + len(doc["audit"]) + len(doc["access_log"]) + 1


def test_audit_payloads_are_decrypted_with_the_subjects_key(ctx: Context, person: Person, tmp_path: Path) -> None:
    result = export_subject(ctx, person.subject, tmp_path)
    doc = json.loads((result.folder / "export.json").read_text("utf-8"))
    by_action: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for entry in doc["audit"]:
        by_action.setdefault(entry["action"], []).append(entry)
    created = by_action["customer.created"][0]
    assert created["personal_state"] == "decrypted" and created["personal"]["email"] == EMAIL
    updated = by_action["customer.updated"][0]
    assert (updated["personal"]["before"]["phone"], updated["personal"]["after"]["phone"]) == (OLD_PHONE, PHONE)
    drafts = by_action["invoice.draft_created"]  # entries about invoices, sealed with the customer's key
    assert len(drafts) == len(person.issued) + len(person.drafts)
    assert all(e["subject"].startswith("invoice:") and e["personal"]["buyer"]["id_value"] == NID for e in drafts)
    assert all(e["action"] != "personal_data.read" for e in doc["audit"])


def test_access_log_documents_and_context_are_included(ctx: Context, person: Person, tmp_path: Path) -> None:
    result = export_subject(ctx, person.subject, tmp_path, purpose="DSAR " + person.request_ref)
    doc = json.loads((result.folder / "export.json").read_text("utf-8"))
    assert [e["purpose"] for e in doc["access_log"]] == ["test: answering a call"]
    assert doc["access_log"][0]["fields"] == ["customer.name", "customer.email"]
    assert {r["name"].split(" ")[0] for r in doc["recipients"]} >= {"ZATCA", "Stripe", "The"}
    assert {p["key"] for p in doc["purposes"]} >= {"invoicing", "tax-compliance", "audit"}
    assert {r["basis"]: r["years"] for r in doc["retention"]} == {"ksa-vat-records": 6, "audit-evidence": 7}
    assert [d["invoice"] for d in doc["documents"]] == sorted(person.issued)
    for entry in doc["documents"]:
        xml = (result.folder / entry["file"]).read_bytes()
        assert verify_stamp(xml) == [] and NID.encode() in xml
    assert any(c["field"] == "customer.email" and c["category"] == "contact" for c in doc["categories"])
    with ctx.uow(write=False) as uow:  # the export itself is in the access log, with its purpose, never values
        logged = access_log.search(uow, person.subject)
    assert logged[0].purpose == "DSAR " + person.request_ref and logged[0].channel == "export"
    assert "customer.email" in logged[0].fields and "audit_entry.body" in logged[0].fields


def test_a_staff_user_is_exported_with_the_sealed_username(ctx: Context, tmp_path: Path) -> None:
    result = export_subject(ctx, ctx.actor, tmp_path)
    doc = json.loads((result.folder / "export.json").read_text("utf-8"))
    assert doc["data"]["staff_user"][0]["username"] == "tester"
    registered = next(e for e in doc["audit"] if e["action"] == "user.registered")
    assert registered["personal"] == {"username": "tester"}


def test_refusals_unknown_subject_clerk_and_cancel(ctx: Context, person: Person, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        export_subject(ctx, "customer:00000000-0000-0000-0000-000000000001", tmp_path / "a")
    with pytest.raises(NotFoundError):
        export_subject(ctx, "product:whatever", tmp_path / "a")
    ctx.actor_role = "clerk"
    with pytest.raises(AccessDeniedError):
        export_subject(ctx, person.subject, tmp_path / "b")
    ctx.actor_role = "compliance"
    calls: list[str] = []
    with pytest.raises(Cancelled):
        export_subject(ctx, person.subject, tmp_path / "c", progress=lambda f, msg: calls.append(msg),
                       cancelled=lambda: len(calls) >= 2)
    assert list((tmp_path / "c").iterdir()) == []  # nothing half-written is left


def test_two_exports_in_the_same_second_get_their_own_folders(ctx: Context, person: Person, tmp_path: Path) -> None:
    ctx.clock = lambda: person_time  # a clock that stands still
    first = export_subject(ctx, person.subject, tmp_path)
    second = export_subject(ctx, person.subject, tmp_path)
    assert first.folder != second.folder and first.folder.name + "-2" == second.folder.name
    assert (first.folder / "manifest.json").exists() and (second.folder / "manifest.json").exists()


person_time = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
