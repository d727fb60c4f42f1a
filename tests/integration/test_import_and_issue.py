"""The one import-and-issue use case (core.zatca.import_and_issue) over a real company: all or nothing, every finding
named, issuing in the same transaction, progress reported, and a file that is not JSON refused as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.audit import entry_count, verify_store
from core.errors import ValidationError
from core.invoicing import count_invoices, create_demo, find_invoice_row
from core.uow import Context
from core.zatca import BatchRefused, add_demo_egs, import_and_issue

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def company(ctx: Context) -> Context:
    create_demo(ctx, drafts=0)
    add_demo_egs(ctx, issue=0)
    return ctx


def example() -> dict[str, Any]:
    return dict(json.loads((DATA / "invoice_example.json").read_text("utf-8")))


def stored(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return count_invoices(uow)


def test_import_and_issue_stores_signs_and_reports_progress(company: Context, tmp_path: Path) -> None:
    file = tmp_path / "two.json"
    file.write_text(json.dumps([example(), dict(example(), number="INV-2026-0002")]), "utf-8")
    steps: list[tuple[float, str]] = []
    run = import_and_issue(company, file, issue=True, progress=lambda f, m: steps.append((f, m)))
    assert run.numbers == ("INV-2026-0001", "INV-2026-0002")
    assert run.customers_created == 1
    assert len(run.issued) == 2 and all(info.number for info in run.issued)
    with company.uow(write=False) as uow:
        assert find_invoice_row(uow, "INV-2026-0001").status == "issued"
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert verify_store(company).ok


def test_import_without_issue_leaves_drafts(company: Context, tmp_path: Path) -> None:
    file = tmp_path / "one.json"
    file.write_text(json.dumps(example()), "utf-8")
    run = import_and_issue(company, file)
    assert run.issued == [] and run.numbers == ("INV-2026-0001",)
    with company.uow(write=False) as uow:
        assert find_invoice_row(uow, "INV-2026-0001").status == "draft"


def test_one_bad_document_refuses_the_whole_batch_and_writes_nothing(company: Context, tmp_path: Path) -> None:
    good = example()
    bad = dict(good, number="INV-2", lines=[dict(good["lines"][0], quantity="-3", vat_category="X")])
    file = tmp_path / "batch.json"
    file.write_text(json.dumps([good, bad]), "utf-8")
    invoices, entries = stored(company), entry_count(company)
    with pytest.raises(BatchRefused) as refused:
        import_and_issue(company, file, issue=True)
    fields = {f.field for f in refused.value.findings if f.is_error}
    assert any(f.startswith("[1].lines[0]") for f in fields)
    assert all(f.message and f.fix and f.message_ar for f in refused.value.findings if f.is_error)
    assert refused.value.exit_code == 2
    assert stored(company) == invoices and entry_count(company) == entries


def test_a_number_already_taken_refuses_the_batch_in_the_store(company: Context, tmp_path: Path) -> None:
    file = tmp_path / "one.json"
    file.write_text(json.dumps(example()), "utf-8")
    import_and_issue(company, file, issue=True)
    invoices, entries = stored(company), entry_count(company)
    with pytest.raises(BatchRefused) as refused:
        import_and_issue(company, file, issue=True)
    assert refused.value.findings
    assert stored(company) == invoices and entry_count(company) == entries


def test_a_file_that_is_not_json_is_a_plain_validation_error(company: Context, tmp_path: Path) -> None:
    file = tmp_path / "broken.json"
    file.write_text('{"kind": ', "utf-8")
    with pytest.raises(ValidationError) as raised:
        import_and_issue(company, file)
    assert not isinstance(raised.value, BatchRefused)
    assert "Line 1" in str(raised.value) or any("Line 1" in f.message for f in raised.value.findings)
