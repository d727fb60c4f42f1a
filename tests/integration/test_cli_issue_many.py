"""`qayd invoice issue A B C D` refused at C: it says what was issued and what was not, and queues what it issued."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from core.clock import Clock, system_clock
from core.invoicing.model import DocumentType
from core.uow import Context
from tests.integration.conftest import Result
from tests.support.issuing_world import a_draft, ready_to_issue, save, spent


@pytest.fixture
def clock() -> Clock:
    """The command line reads the system clock, so the company is prepared on it too (certificate, issue times)."""
    return system_clock


def test_refused_at_c_reports_issued_refused_and_not_attempted(run: Callable[..., Result], ctx: Context) -> None:
    ready_to_issue(ctx)
    at = ctx.clock()
    save(ctx, a_draft("INV-A", at), a_draft("INV-B", at),
         a_draft("CN-C", at, type=DocumentType.CREDIT_NOTE, reason="Returned goods"),  # no original invoice
         a_draft("INV-D", at))

    result = run("invoice", "issue", "INV-A", "INV-B", "CN-C", "INV-D", "--json")
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert [(i["number"], i["icv"], i["submission"]) for i in report["issued"]] == [
        ("INV-A", 1, "clearance"), ("INV-B", 2, "clearance")]
    refusal = report["refused"]
    assert refusal["ref"] == "CN-C" and refusal["exit_code"] == 2
    assert refusal["findings"] and all(f["rule"] and f["field"] and f["message_ar"] for f in refusal["findings"])
    assert report["not_attempted"] == ["INV-D"]
    after = spent(ctx)
    assert after.queued == ("INV-A", "INV-B") and after.icv == 2 and after.issued_documents == 2
    assert {n: s for n, s, _ in after.statuses} == {"INV-A": "issued", "INV-B": "issued", "CN-C": "draft",
                                                    "INV-D": "draft"}

    again = run("invoice", "issue", "CN-C", "INV-D")
    assert again.exit_code == 2
    assert "Summary: nothing was issued; refused CN-C; not attempted INV-D." in again.stderr
    assert "Error: Invoice CN-C" in again.stderr and again.stdout == ""

    rest = run("invoice", "issue", "INV-D")
    assert rest.exit_code == 0 and rest.stdout.startswith("Issued INV-D: ICV 3 on qayd-demo-egs")
    assert "queued for clearance" in rest.stdout and spent(ctx).queued == ("INV-A", "INV-B", "INV-D")


def test_text_output_names_the_issued_ones_when_a_later_one_is_already_issued(run: Callable[..., Result],
                                                                              ctx: Context) -> None:
    ready_to_issue(ctx)
    at = ctx.clock()
    save(ctx, a_draft("INV-A", at), a_draft("INV-B", at))
    assert run("invoice", "issue", "INV-A").exit_code == 0
    result = run("invoice", "issue", "INV-B", "INV-A", "INV-X")
    assert result.exit_code == 6  # already issued keeps its own exit code
    assert result.stdout.startswith("Issued INV-B: ICV 2")
    assert "Summary: issued INV-B; refused INV-A; not attempted INV-X." in result.stderr
    assert spent(ctx).queued == ("INV-A", "INV-B")
