"""`qayd gdpr request …` and `qayd gdpr subjects` end to end, in-process, on a real company file."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from core.privacy.requests import KSA, add_months

COMPANY = ["--name-ar", "شركة الاختبار", "--name-en", "Test Co", "--vat", "300000000000003",
           "--crn", "1010101010", "--street", "Olaya St", "--building", "1234", "--district", "Al Olaya",
           "--city", "Riyadh", "--postal-code", "12211"]


def company_with_a_person(run) -> str:  # type: ignore[no-untyped-def]
    assert run("init", *COMPANY).exit_code == 0
    added = run("customer", "add", "--name", "Noura Al-Qahtani", "--kind", "individual", "--email",
                "noura@example.sa", "--phone", "+966501112222", "--json")
    assert added.exit_code == 0, added.output
    return f"customer:{json.loads(added.stdout)['id']}"


def test_request_lifecycle(run) -> None:  # type: ignore[no-untyped-def]
    subject = company_with_a_person(run)
    found = run("gdpr", "subjects", "noura@example", "--json")
    assert found.exit_code == 0 and [s["subject"] for s in json.loads(found.stdout)] == [subject]

    added = run("gdpr", "request", "add", "--kind", "access", "--subject", "0501112222", "--requester-name",
                "Noura Al-Qahtani", "--contact", "noura@example.sa", "--json")
    assert added.exit_code == 0, added.output
    info = json.loads(added.stdout)
    today = datetime.now(KSA).date()
    assert info["subject"] == subject and info["status"] == "received" and info["reference"].startswith("DSR-")
    assert info["due_date"] == add_months(today, 1).isoformat()
    ref = info["reference"]

    listing = run("gdpr", "request", "list", "--open")
    assert listing.exit_code == 0 and ref in listing.stdout and "d left" in listing.stdout
    assert "Noura" not in listing.stdout  # the queue shows no personal data
    shown = run("gdpr", "request", "show", ref.lower())
    assert shown.exit_code == 0 and "noura@example.sa" in shown.stdout and "not verified yet" in shown.stdout

    assert run("gdpr", "request", "verify", ref, "--method", "national id seen").exit_code == 0
    extended = run("gdpr", "request", "extend", ref, "--reason", "archives to search", "--json")
    assert extended.exit_code == 0 and json.loads(extended.stdout)["due_date"] == add_months(today, 3).isoformat()
    again = run("gdpr", "request", "extend", ref, "--reason", "more")
    assert again.exit_code == 2 and "QAYD-DSR-EXTEND-TWICE" in again.stderr
    assert run("gdpr", "request", "start", ref).exit_code == 0
    closed = run("gdpr", "request", "close", ref, "--outcome", "export handed over", "--json")
    assert closed.exit_code == 0 and json.loads(closed.stdout)["status"] == "completed"
    assert ref not in run("gdpr", "request", "list", "--open").stdout
    assert ref in run("gdpr", "request", "list").stdout
    assert run("audit", "verify").exit_code == 0


def test_overdue_requests_are_warned_about(run) -> None:  # type: ignore[no-untyped-def]
    subject = company_with_a_person(run)
    received = (date.today() - timedelta(days=70)).isoformat()
    added = run("gdpr", "request", "add", "--kind", "erasure", "--subject", subject, "--requester-name", "N",
                "--contact", "+966501112222", "--received", received, "--identity", "Iqama by video call")
    assert added.exit_code == 0, added.output
    listing = run("gdpr", "request", "list", "--json")
    assert listing.exit_code == 0
    rows = json.loads(listing.stdout)
    assert rows[0]["overdue"] is True and rows[0]["status"] == "identity_verified"
    assert "WARNING" in listing.stderr and "overdue" in listing.stderr
    late = run("gdpr", "request", "extend", rows[0]["reference"], "--reason", "late")
    assert late.exit_code == 2 and "QAYD-DSR-EXTEND-LATE" in late.stderr


def test_bad_input_names_the_field_rule_and_fix(run) -> None:  # type: ignore[no-untyped-def]
    subject = company_with_a_person(run)
    future = run("gdpr", "request", "add", "--kind", "access", "--subject", subject, "--requester-name", "N",
                 "--contact", " ", "--received", "2999-01-01")
    assert future.exit_code == 2
    for part in ("received_at", "QAYD-DSR-RECEIVED-FUTURE", "requester_contact", "Fix:"):
        assert part in future.stderr
    unreadable = run("gdpr", "request", "add", "--kind", "access", "--subject", subject, "--requester-name", "N",
                     "--contact", "x", "--received", "last tuesday")
    assert unreadable.exit_code == 2 and "QAYD-DSR-RECEIVED" in unreadable.stderr
    nobody = run("gdpr", "request", "add", "--kind", "access", "--subject", "nobody@nowhere", "--requester-name",
                 "N", "--contact", "x")
    assert nobody.exit_code == 2 and "QAYD-DSR-SUBJECT" in nobody.stderr
    bad_kind = run("gdpr", "request", "add", "--kind", "forget", "--subject", subject, "--requester-name", "N",
                   "--contact", "x")
    assert bad_kind.exit_code == 2
    missing = run("gdpr", "request", "show", "DSR-2026-0404")
    assert missing.exit_code == 5 and "gdpr request list" in missing.stderr
    unverified = run("gdpr", "request", "add", "--kind", "access", "--subject", subject, "--requester-name", "N",
                     "--contact", "x", "--json")
    ref = json.loads(unverified.stdout)["reference"]
    early = run("gdpr", "request", "close", ref, "--outcome", "done")
    assert early.exit_code == 2 and "QAYD-DSR-IDENTITY-FIRST" in early.stderr
    refused = run("gdpr", "request", "close", ref, "--outcome", "identity could not be confirmed", "--status",
                  "refused")
    assert refused.exit_code == 0 and "refused" in refused.stdout
