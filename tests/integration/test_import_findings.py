"""`qayd invoice import`: each finding printed once, under the path the JSON file uses, with or without --issue."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.conftest import Result
from tests.integration.test_out_of_scope_mix import OOS, SIMPLIFIED

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
