"""`qayd invoice import`: each finding printed once, under the path the JSON file uses, with or without --issue."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.conftest import Result
from tests.integration.test_out_of_scope_mix import CREDIT, OOS, SIMPLIFIED, json_line

# A simplified invoice with an O line, and a charge that draws a warning (no reason code, BR-KSA-19): the charge is
# charges[0] in the file although the draft keeps it with the allowances.
DOCUMENT = {**SIMPLIFIED, "number": "WARN-1",
            "allowances": [{"amount": "1.00", "reason": "Loyalty discount", "vat_category": "S", "vat_rate": "15"}],
            "charges": [{"amount": "5.00", "reason": "Courier", **OOS}]}


@pytest.mark.parametrize("issue", [False, True], ids=["import", "import --issue"])
def test_each_warning_once_with_its_json_path(run: Callable[..., Result], tmp_path: Path, issue: bool) -> None:
    assert run("init", "--demo", "--drafts", "0").exit_code == 0  # its demo unit signs offline
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(DOCUMENT), "utf-8")
    result = run("invoice", "import", str(path), *(["--issue"] if issue else []), "--json")
    assert result.exit_code == 0, result.output
    findings = [(f["rule"], f["field"]) for f in json.loads(result.stdout)["findings"]]
    assert findings.count(("BR-KSA-19", "charges[0].reason_code")) == 1, findings
    assert len(findings) == len(set(findings)), findings
    assert all(not field.startswith(("[0]", "allowances[1]")) for _rule, field in findings), findings


def test_what_the_law_requires_is_refused_under_the_official_id(run: Callable[..., Result], tmp_path: Path,
                                                                env: dict[str, str]) -> None:
    """ZATCA's SDK only warns about these; Qayd refuses them, names the official rule and writes nothing."""
    assert run("init", "--demo", "--drafts", "0").exit_code == 0
    note = {**CREDIT, "billing_reference": "",
            "lines": [json_line("Medicine", "50.00", vat_category="Z", exemption_reason="Medicines"),
                      json_line("Visa fee", "10.00", vat_category="O", vat_rate="15",
                                exemption_reason_code="VATEX-SA-32", exemption_reason="Outside")]}
    path = tmp_path / "note.json"
    path.write_text(json.dumps(note), "utf-8")
    result = run("invoice", "import", str(path), "--issue", "--json")
    assert result.exit_code == 2, result.output
    errors = [(f["rule"], f["field"]) for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert sorted(errors) == [("BR-KSA-11", "lines[1].vat_rate"), ("BR-KSA-56", "billing_reference"),
                              ("BR-KSA-69", "lines[0].exemption_reason_code"),
                              ("BR-KSA-CL-04", "lines[1].exemption_reason_code")]
    with sqlite3.connect(Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite") as db:
        assert db.execute("SELECT count(*) FROM invoice").fetchone() == (0,)
