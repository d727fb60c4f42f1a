"""ZATCA through the command line: the demo unit offline, and onboarding and submission with the local portal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.fatoora.server import FakeFatoora
from tests.integration.conftest import Result

SHARED = Path(__file__).parents[3] / "shared" / "zatca" / "sdk" / "Data" / "Samples"


def test_demo_issue_export_qr_and_validate(run: Callable[..., Result], tmp_path: Path) -> None:
    assert run("init", "--demo", "--drafts", "30").exit_code == 0
    drafts = json.loads(run("invoice", "list", "--status", "draft", "--type", "invoice", "--json").stdout)
    number = drafts[-1]["number"]
    issued = run("invoice", "issue", number, "--json")
    assert issued.exit_code == 0, issued.output
    info = json.loads(issued.stdout)["issued"][0]
    assert info["icv"] == 21 and info["submission"] == ""  # 20 issued by the demo, none submitted from a demo unit
    again = run("invoice", "issue", number)
    assert again.exit_code == 6 and "already issued" in again.output
    out = tmp_path / "doc.xml"
    exported = run("invoice", "export", number, "--xml", str(out))
    assert exported.exit_code == 0, exported.output
    assert run("invoice", "validate", str(out)).exit_code == 0
    from_file = json.loads(run("invoice", "qr", str(out), "--json").stdout)
    from_store = json.loads(run("invoice", "qr", number, "--json").stdout)
    assert from_file == from_store and len(from_file) >= 8
    status = json.loads(run("zatca", "status", "--json").stdout)
    assert status["egs_units"][0]["environment"] == "demo" and status["egs_units"][0]["icv"] == 21


def test_validate_reports_findings_for_a_foreign_broken_file(run: Callable[..., Result], tmp_path: Path) -> None:
    sample = next(SHARED.rglob("Standard_Invoice.xml")).read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(sample.replace(b"<cbc:IssueDate>", b"<cbc:IssueDate>x", 1))
    result = run("invoice", "validate", str(broken), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"] >= 1
    evil = tmp_path / "evil.xml"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    refused = run("invoice", "validate", str(evil))
    assert refused.exit_code == 1 and "root:" not in refused.output and "QAYD-XML-DTD" in refused.output


def test_onboard_issue_submit_with_the_portal(run: Callable[..., Result], env: dict[str, str]) -> None:
    with FakeFatoora() as fake:
        env["QAYD_ZATCA_BASE_URL"] = fake.base_url
        assert run("init", "--demo", "--drafts", "40").exit_code == 0  # 20 issued by the demo unit, 20 left
        onboarded = run("zatca", "onboard", "--name", "till-7", "--serial", "1-Qayd|2-Desk|3-7", "--otp", "123345",
                        "--environment", "simulation", "--location", "Riyadh", "--industry", "Retail")
        assert onboarded.exit_code == 0, onboarded.output
        drafts = json.loads(run("invoice", "list", "--status", "draft", "--type", "invoice", "--json").stdout)
        numbers = [d["number"] for d in drafts[:3]]
        issue = run("invoice", "issue", *numbers, "--egs", "till-7", "--json")
        assert issue.exit_code == 0, issue.output
        issued = json.loads(issue.stdout)["issued"]
        assert [i["icv"] for i in issued] == [1, 2, 3] and all(i["submission"] for i in issued)
        submitted = run("zatca", "submit", "--json")
        assert submitted.exit_code == 0, submitted.output
        assert sorted(json.loads(submitted.stdout)["done"]) == sorted(numbers)
        assert fake.internal_errors == []


def test_import_and_issue_in_one_go(run: Callable[..., Result]) -> None:
    assert run("init", "--demo", "--drafts", "0").exit_code == 0
    example = Path(__file__).parents[1] / "data" / "invoice_example.json"
    result = run("invoice", "import", str(example), "--issue", "--json")
    assert result.exit_code == 0, result.output
    [issued] = json.loads(result.stdout)["issued"]
    assert issued["number"] == "INV-2026-0001" and issued["icv"] == 1
    assert json.loads(run("invoice", "list", "--json").stdout)[0]["status"] == "issued"
