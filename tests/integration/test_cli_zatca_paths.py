"""The ZATCA commands a clerk reaches for after issuing: the status in words, a QR code read back, a correction."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.conftest import Result


@pytest.fixture
def demo(run: Callable[..., Result]) -> Callable[..., Result]:
    assert run("init", "--demo", "--drafts", "23").exit_code == 0
    return run


def _numbers(run: Callable[..., Result], status: str, kind: str = "invoice") -> list[str]:
    listed = run("invoice", "list", "--status", status, "--type", kind, "--json")
    assert listed.exit_code == 0, listed.output
    return [row["number"] for row in json.loads(listed.stdout)]


def test_status_in_words_names_the_unit_and_its_counter(demo: Callable[..., Result]) -> None:
    as_json = json.loads(demo("zatca", "status", "--json").stdout)
    [unit] = as_json["egs_units"]
    text = demo("zatca", "status")
    assert text.exit_code == 0, text.output
    assert "EGS unit" in text.stdout and "Time left" in text.stdout
    row = next(line for line in text.stdout.splitlines() if unit["name"] in line)
    assert "demo" in row and str(unit["icv"]) in row.split()


def test_qr_of_a_draft_says_it_has_none_until_issued(demo: Callable[..., Result]) -> None:
    draft = _numbers(demo, "draft")[0]
    result = demo("invoice", "qr", draft)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{draft} is a draft; it has no QR code until it is issued." in result.stderr


def test_qr_of_a_file_without_one_names_the_file(demo: Callable[..., Result], tmp_path: Path) -> None:
    issued = _numbers(demo, "issued")[0]
    exported = tmp_path / "doc.xml"
    assert demo("invoice", "export", issued, "--xml", str(exported)).exit_code == 0
    # The same invoice with its QR reference renamed: nothing else a reader could take for a QR code.
    stripped = tmp_path / "no-qr.xml"
    stripped.write_bytes(exported.read_bytes().replace(b"<cbc:ID>QR</cbc:ID>", b"<cbc:ID>XQ</cbc:ID>"))
    result = demo("invoice", "qr", str(stripped))
    assert result.exit_code != 0 and "no-qr.xml has no QR code." in result.stderr


def test_qr_of_a_file_that_is_not_xml_gives_findings_not_a_traceback(
    demo: Callable[..., Result], tmp_path: Path
) -> None:
    garbage = tmp_path / "torn.xml"
    garbage.write_bytes(b"<Invoice><cbc:ID>half a document")
    result = demo("invoice", "qr", str(garbage))
    assert result.exit_code not in (0, 70) and "Traceback" not in result.output
    assert "torn.xml" in result.output


def test_correct_drafts_a_credit_note_for_the_whole_invoice_and_a_copy_to_fix(demo: Callable[..., Result]) -> None:
    issued = _numbers(demo, "issued")[0]
    result = demo("invoice", "correct", issued, "--reason", "Wrong buyer")
    assert result.exit_code == 0, result.output
    credit, corrected = f"{issued}-CN", f"{issued}-R"
    assert f"Drafted credit note {credit} and corrected invoice {corrected}" in result.stdout
    assert f"`qayd invoice issue {credit} {corrected}`" in result.stdout
    assert credit in _numbers(demo, "draft", "credit_note")
    assert corrected in _numbers(demo, "draft", "invoice")
    original = json.loads(demo("invoice", "show", issued, "--json").stdout)
    note = json.loads(demo("invoice", "show", credit, "--json").stdout)
    assert f"Refers   {issued}: Wrong buyer" in demo("invoice", "show", credit).stdout
    assert note["status"] == "draft" and note["document"]["lines"] == original["document"]["lines"]
    assert note["totals"] == original["totals"]  # it cancels all of it
    assert json.loads(demo("invoice", "show", issued, "--json").stdout) == original  # the original is untouched


def test_correcting_twice_never_reuses_a_number(demo: Callable[..., Result]) -> None:
    issued = _numbers(demo, "issued")[0]
    assert demo("invoice", "correct", issued).exit_code == 0
    again = demo("invoice", "correct", issued)
    assert again.exit_code == 0, again.output
    notes = [n for n in _numbers(demo, "draft", "credit_note") if n.startswith(f"{issued}-CN")]
    assert len(notes) == 2 and len(set(notes)) == 2


def test_a_second_correction_is_numbered_like_other_notes(demo: Callable[..., Result]) -> None:
    issued = _numbers(demo, "issued")[0]
    assert demo("invoice", "correct", issued).exit_code == 0
    again = demo("invoice", "correct", issued)
    assert f"{issued}-CN2" in again.stdout and f"{issued}-R2" in again.stdout


def test_correct_refuses_a_draft_and_a_note_saying_what_to_do(demo: Callable[..., Result]) -> None:
    draft = _numbers(demo, "draft")[0]
    refused = demo("invoice", "correct", draft)
    assert refused.exit_code not in (0, 70) and "still a draft: edit it instead" in refused.stderr
    issued = _numbers(demo, "issued")[0]
    assert demo("invoice", "correct", issued).exit_code == 0
    assert demo("invoice", "issue", f"{issued}-CN").exit_code == 0
    note = demo("invoice", "correct", f"{issued}-CN")
    assert note.exit_code not in (0, 70) and "is a note; correct the invoice it refers to instead" in note.stderr
    assert f"{issued}-CN-CN" not in _numbers(demo, "draft", "credit_note")  # nothing half-written
