"""The timing and sequence checks over a real store: documents issued through `qayd invoice import --issue`, read
back by `load_book` (Riyadh times, the audit chain's record of each issue, the counters) and judged."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from core.bootstrap import open_company
from core.clock import saudi_time
from core.config import Settings
from core.insights.book import load_book
from core.insights.checks import sequence, timing
from core.insights.model import Finding
from core.insights.thresholds import DEFAULTS
from tests.integration.conftest import Result

RIYADH = saudi_time(datetime(2026, 1, 1, tzinfo=UTC)).tzinfo


def _document(number: str, issued: datetime) -> dict[str, object]:
    return {"kind": "simplified", "type": "invoice", "number": number, "issue_datetime": issued.isoformat(),
            "currency": "SAR", "lines": [{"name": "Item", "quantity": "1", "unit_price": "10", "vat_category": "S",
                                          "vat_rate": "15"}], "payment_means": "10"}


def test_documents_issued_at_night_on_a_friday_and_back_dated_are_found_in_the_store(
        run: Callable[..., Result], settings: Settings, tmp_path: Path) -> None:
    assert run("init", "--demo", "--drafts", "0").exit_code == 0
    today = saudi_time(datetime.now(UTC)).date()
    friday = today - timedelta(days=(today.weekday() - 4) % 7 + 7)  # a Friday 7–13 days ago
    night = datetime.combine(friday - timedelta(days=2), time(23, 30), RIYADH)  # a Wednesday, 23:30 Riyadh
    weekend = datetime.combine(friday, time(10, 0), RIYADH)
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([_document("T-NIGHT", night), _document("T-FRIDAY", weekend)]), "utf-8")
    result = run("invoice", "import", str(batch), "--issue")
    assert result.exit_code == 0, result.output
    ctx = open_company(settings)
    try:
        with ctx.uow(write=False) as uow:
            book = load_book(uow, today - timedelta(days=60), today)
    finally:
        ctx.close()
    found = [f for module in (timing, sequence) for f in module.check(book, DEFAULTS) if isinstance(f, Finding)]
    by_rule: dict[str, set[str]] = {}
    for finding in found:
        by_rule.setdefault(finding.rule, set()).update(d.number for d in finding.documents)
    assert by_rule.get("INS-TIME-HOURS") == {"T-NIGHT"}
    assert by_rule.get("INS-TIME-WEEKEND") == {"T-FRIDAY"}
    assert by_rule.get("INS-SEQ-BACKDATED") == {"T-NIGHT", "T-FRIDAY"}  # recorded today, dated days before
    assert "INS-SEQ-GAP" not in by_rule
    users = {u for f in found for u in f.users}
    assert users and all(u.startswith(("user:", "desk:")) for u in users)
