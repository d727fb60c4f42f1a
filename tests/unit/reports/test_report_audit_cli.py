"""`qayd report audit` and `qayd report gdpr access|erasure` through the real entry point."""

from __future__ import annotations

import getpass
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.cli import main
from core.config import Settings
from core.invoicing.demo import create_demo
from core.privacy import erasure
from core.privacy import requests as dsr
from core.privacy.export import export_subject
from core.reports.errors import ReportError
from core.reports.vat_return import parse_period
from core.uow import Context
from tests.support.pdf_text import pdf_text, words
from tests.support.privacy import Person, add_person


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def compliance_officer(ctx: Context, settings: Settings) -> None:
    """The CLI runs as the OS user: registered as a clerk, made a compliance officer here."""
    user = getpass.getuser()
    open_company(settings, username=user).close()
    with sqlite3.connect(ctx.db.path) as conn:
        conn.execute("UPDATE staff_user SET role = 'compliance' WHERE username = ?", (user,))


def test_periods() -> None:
    assert parse_period("2026-Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert parse_period("2026-q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))
    assert parse_period("2026") == (date(2026, 1, 1), date(2026, 12, 31))
    for bad in ("2026-13", "2026-Q5", "Q4", ""):
        with pytest.raises(ReportError):
            parse_period(bad)


def test_report_audit_writes_the_pdf_and_exits_1_when_the_chain_is_broken(
        run: Callable[..., Result], ctx: Context, tmp_path: Path) -> None:
    create_demo(ctx, drafts=5)
    done = run("report", "audit", "--period", "2026-11")
    assert done.exit_code == 0, done.stderr
    written = tmp_path / "work" / "audit-evidence_399999999900003_2026-11-01_2026-11-30_en.pdf"
    assert f"Wrote {written} (" in done.stdout and written.is_file()
    assert "Verdict: INTACT" in words(pdf_text(written.read_bytes()))

    out = tmp_path / "reports" / "audit-ar.pdf"
    as_json = run("report", "audit", "--from", "2026-11-01", "--to", "2026-11-30", "--lang", "ar", "--out", str(out),
                  "--json")
    assert as_json.exit_code == 0, as_json.stderr
    shown = json.loads(as_json.stdout)
    assert shown["intact"] is True and shown["pages"] >= 1 and Path(shown["file"]) == out and out.is_file()

    assert run("report", "audit", "--period", "2026-11", "--from", "2026-11-01").exit_code == 2
    assert run("report", "audit", "--period", "November").exit_code == 2
    assert run("report", "audit", "--from", "2026-11-30", "--to", "2026-11-01").exit_code == 2
    assert run("report", "audit", "--from", "30/11/2026").exit_code == 2

    ctx.db.dispose()
    with sqlite3.connect(ctx.db.path) as conn:  # an attacker edits entry 5 past the append-only trigger
        conn.execute("DROP TRIGGER audit_entry_append_only_u")
        conn.execute("UPDATE audit_entry SET body = replace(body, '\"at\"', '\"at\" ') WHERE seq = 5")
    broken_out = tmp_path / "broken.pdf"
    broken = run("report", "audit", "--out", str(broken_out))
    assert broken.exit_code == 1
    assert "BROKEN at entry 5" in broken.stderr and broken_out.is_file()  # the report is still written
    assert "Verdict: BROKEN at entry 5 (changed)" in words(pdf_text(broken_out.read_bytes()))
    assert not list(tmp_path.rglob("*.part"))


@pytest.fixture
def person(ctx: Context, settings: Settings) -> Person:
    found = add_person(ctx, demo_drafts=3)
    compliance_officer(ctx, settings)
    return found


def test_report_gdpr_access_and_erasure(run: Callable[..., Result], ctx: Context, person: Person,
                                        tmp_path: Path) -> None:
    with ctx.uow() as uow:
        reference = dsr.add_request(uow, "access", subject=person.subject, requester=dsr.Requester("Z", "z@x.org"),
                                    received_at=uow.now() - timedelta(days=1), identity_method="passport").reference
        uow.commit()
    export = export_subject(ctx, person.subject, tmp_path / "dsar")
    out = tmp_path / "access.pdf"
    done = run("report", "gdpr", "access", reference, "--export-dir", str(export.folder), "--out", str(out))
    assert done.exit_code == 0, done.stderr
    text = words(pdf_text(out.read_bytes()))
    assert "Every file matches the manifest" in text and reference in text
    arabic = run("report", "gdpr", "access", reference, "--lang", "ar")
    assert arabic.exit_code == 0 and (tmp_path / "work" / f"access-report_399999999900003_{reference}_ar.pdf").is_file()
    assert run("report", "gdpr", "access", "DSR-1999-0009").exit_code == 5

    erasure.erase(ctx, person.subject, request_ref=person.request_ref)
    cert = run("report", "gdpr", "erasure", person.request_ref, "--json")
    assert cert.exit_code == 0, cert.stderr
    shown = json.loads(cert.stdout)
    assert shown["verified"] is True and Path(shown["file"]).is_file()
    assert "Signature verified" in words(pdf_text(Path(shown["file"]).read_bytes()))

    ctx.db.dispose()
    with sqlite3.connect(ctx.db.path) as conn:
        conn.execute("DROP TRIGGER erasure_certificate_immutable")
        conn.execute("UPDATE erasure_certificate SET body = replace(body, 'ksa-vat-records', 'none')")
    tampered = run("report", "gdpr", "erasure", person.request_ref, "--out", str(tmp_path / "tampered.pdf"))
    assert tampered.exit_code == 1 and "does NOT verify" in tampered.stderr
    assert "Signature does NOT verify" in words(pdf_text((tmp_path / "tampered.pdf").read_bytes()))

    with sqlite3.connect(ctx.db.path) as conn:  # a clerk may not print what is held about a person
        conn.execute("UPDATE staff_user SET role = 'clerk' WHERE username = ?", (getpass.getuser(),))
    refused = run("report", "gdpr", "access", reference, "--out", str(tmp_path / "refused.pdf"))
    assert refused.exit_code == 11 and "compliance" in refused.stderr
    assert not (tmp_path / "refused.pdf").exists()
