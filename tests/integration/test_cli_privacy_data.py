"""`qayd gdpr access|erase|purge|certificate` end to end through the real entry point."""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.config import Settings
from core.uow import Context
from tests.integration.conftest import Result
from tests.support.privacy import EMAIL, Person, add_person


@pytest.fixture
def person(ctx: Context, settings: Settings) -> Person:
    found = add_person(ctx)
    cli_user = getpass.getuser()
    open_company(settings, username=cli_user).close()  # registered as a clerk; made a compliance officer here
    with sqlite3.connect(ctx.db.path) as conn:
        conn.execute("UPDATE staff_user SET role = 'compliance' WHERE username = ?", (cli_user,))
    return found


def test_preview_then_erase_then_certificate(run: Callable[..., Result], person: Person) -> None:
    shown = run("gdpr", "erase", person.subject, "--preview")
    assert shown.exit_code == 0, shown.output
    assert "ERASED" in shown.stdout and "KEPT" in shown.stdout and "ksa-vat-records" in shown.stdout
    assert "2032-12-31" in shown.stdout and EMAIL not in shown.stdout
    plan = json.loads(run("gdpr", "erase", person.subject, "--preview", "--json").stdout)
    assert len(plan["keep"]) == len(person.issued) + 1

    refused = run("gdpr", "erase", person.subject)  # no terminal, no --yes: nothing happens
    assert refused.exit_code == 2 and "--yes" in refused.output

    done = run("gdpr", "erase", person.subject, "--yes", "--request", person.request_ref, "--json")
    assert done.exit_code == 0, done.output
    certificate = json.loads(done.stdout)["certificate_id"]
    shown_cert = run("gdpr", "certificate", "show", certificate)
    assert shown_cert.exit_code == 0 and "signature: VALID" in shown_cert.stdout
    assert person.request_ref in shown_cert.stdout
    by_subject = json.loads(run("gdpr", "certificate", "show", person.subject, "--json").stdout)
    assert by_subject["id"] == certificate and by_subject["valid"] is True

    again = run("gdpr", "erase", person.subject, "--yes")
    assert again.exit_code == 6 and "already erased" in again.output
    assert run("audit", "verify").exit_code == 0


def test_a_tampered_certificate_fails_verification(run: Callable[..., Result], person: Person, ctx: Context) -> None:
    done = json.loads(run("gdpr", "erase", person.subject, "--yes", "--json").stdout)
    with sqlite3.connect(ctx.db.path) as conn:  # past the trigger, as an attacker with the file would
        conn.execute("DROP TRIGGER erasure_certificate_immutable")
        conn.execute("UPDATE erasure_certificate SET body = replace(body, 'ksa-vat-records', 'none')")
    shown = run("gdpr", "certificate", "show", done["certificate_id"])
    assert shown.exit_code == 1 and "INVALID" in shown.stdout


def test_access_export_and_purge(run: Callable[..., Result], person: Person, tmp_path: Path) -> None:
    exported = run("gdpr", "access", person.subject, "--out", str(tmp_path / "dsar"), "--json")
    assert exported.exit_code == 0, exported.output
    result = json.loads(exported.stdout)
    assert "manifest.json" in result["files"] and "customer.csv" in result["files"]
    assert EMAIL in (Path(result["folder"]) / "customer.csv").read_text("utf-8")
    reads = json.loads(run("gdpr", "access-log", person.subject, "--json").stdout)
    assert (reads[0]["channel"], reads[0]["purpose"]) == ("export", "data subject access request")
    assert run("gdpr", "erase", person.subject, "--yes").exit_code == 0
    early = run("gdpr", "purge", "--today", "2032-12-31", "--json")
    assert json.loads(early.stdout)["purged"] == 0
    late = run("gdpr", "purge", "--today", "2033-01-01")
    assert late.exit_code == 0 and f"Purged {len(person.issued)} held record(s)" in late.stdout
    assert run("gdpr", "purge", "--today", "someday").exit_code == 2
    assert run("audit", "verify").exit_code == 0


def test_unknown_subject_and_clerk(run: Callable[..., Result], person: Person, ctx: Context) -> None:
    missing = run("gdpr", "erase", "customer:00000000-0000-0000-0000-000000000009", "--preview")
    assert missing.exit_code == 5
    with sqlite3.connect(ctx.db.path) as conn:
        conn.execute("UPDATE staff_user SET role = 'clerk' WHERE username = ?", (getpass.getuser(),))
    refused = run("gdpr", "erase", person.subject, "--yes")
    assert refused.exit_code == 11 and "compliance" in refused.output
