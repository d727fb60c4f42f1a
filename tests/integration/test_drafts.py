"""Drafts saved by the editor: new and in place, refused once issued or when changed elsewhere, each audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.audit.service import entries_around, entry_count, verify_store
from core.errors import ConcurrentEditError, ImmutableError, ValidationError
from core.invoicing import BrowseFilter, browse, service
from core.invoicing.demo import create_demo
from core.invoicing.drafts import issued_qr, prepare_note, save_draft, suggest_number
from core.invoicing.model import DocumentKind, DocumentType, InvoiceDraft, InvoiceLine, VatCategory
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.issuing import issue_invoice

KSA = timezone(timedelta(hours=3))


@pytest.fixture
def company(ctx: Context) -> Context:
    create_demo(ctx, drafts=0)
    return ctx


def a_draft(number: str = "INV-2026-0001", *, qty: str = "2") -> InvoiceDraft:
    return InvoiceDraft(
        kind=DocumentKind.SIMPLIFIED, type=DocumentType.INVOICE, number=number,
        issue_datetime=datetime(2026, 11, 25, 9, 0, tzinfo=KSA), supply_date=datetime(2026, 11, 25).date(),
        payment_means="10",
        lines=(InvoiceLine("Office chair", Decimal(qty), Decimal("649.50"), VatCategory.STANDARD, Decimal("15")),))


def last_entry(ctx: Context) -> dict[str, object]:
    return entries_around(ctx, entry_count(ctx), before=0, after=0)[0].fields


def test_a_new_draft_is_stored_with_its_totals_and_an_audit_entry(company: Context) -> None:
    with company.uow() as uow:
        saved = save_draft(uow, a_draft())
        uow.commit()
    assert saved.created and saved.version == 1 and saved.totals.payable == Decimal("1493.85")
    entry = last_entry(company)
    assert entry["action"] == "invoice.draft_created" and entry["subject"] == f"invoice:{saved.id}"
    with company.uow(write=False) as uow:
        stored = service.get_invoice(uow, "INV-2026-0001")
        listed = browse.page(uow, BrowseFilter(search="INV-2026-0001"))
    assert stored.draft == replace(a_draft(), id=saved.id)
    assert stored.status == "draft" and stored.version == 1
    assert [s.payable for s in listed] == [Decimal("1493.85")]


def test_a_draft_with_rule_errors_is_still_saved(company: Context) -> None:
    broken = replace(a_draft(), kind=DocumentKind.STANDARD, lines=())  # no buyer, no lines: errors, not unstorable
    with company.uow() as uow:
        saved = save_draft(uow, broken)
        uow.commit()
    with company.uow(write=False) as uow:
        assert service.get_invoice(uow, str(saved.id)).draft.lines == ()


def test_an_update_replaces_the_draft_in_place_and_bumps_its_version(company: Context) -> None:
    draft = a_draft()
    with company.uow() as uow:
        first = save_draft(uow, draft)
        uow.commit()
    changed = replace(draft, number="INV-2026-0009", note="Delivered to gate 3",
                      lines=(*draft.lines, InvoiceLine("A4 paper, box", Decimal("10"), Decimal("89.95"),
                                                       VatCategory.STANDARD, Decimal("15"))))
    with company.uow() as uow:
        second = save_draft(uow, changed, expected_version=first.version)
        uow.commit()
    assert not second.created and second.version == 2
    entry = last_entry(company)
    assert entry["action"] == "invoice.draft_updated"
    with company.uow(write=False) as uow:
        stored = service.get_invoice(uow, str(draft.id))
        assert service.count_invoices(uow) == 1
    assert stored.draft == changed and stored.version == 2 and stored.totals.payable == Decimal("2528.28")
    assert verify_store(company).ok


def test_a_stale_version_is_refused_and_nothing_changes(company: Context) -> None:
    draft = a_draft()
    with company.uow() as uow:
        save_draft(uow, draft)
        uow.commit()
    with company.uow() as uow:
        save_draft(uow, replace(draft, note="first editor"), expected_version=1)
        uow.commit()
    with company.uow() as uow, pytest.raises(ConcurrentEditError):
        save_draft(uow, replace(draft, note="second editor"), expected_version=1)
    with company.uow() as uow, pytest.raises(ConcurrentEditError):  # "new" but the id is taken
        save_draft(uow, replace(draft, note="third editor"))
    with company.uow(write=False) as uow:
        assert service.get_invoice(uow, str(draft.id)).draft.note == "first editor"


def test_an_issued_document_is_refused(company: Context) -> None:
    add_demo_egs(company, issue=0)
    draft = a_draft()
    with company.uow() as uow:
        saved = save_draft(uow, draft)
        uow.commit()
    with company.uow() as uow:
        issue_invoice(uow, draft.number)
        uow.commit()
    with company.uow() as uow, pytest.raises(ImmutableError):
        save_draft(uow, replace(draft, note="too late"), expected_version=saved.version + 1)
    with company.uow(write=False) as uow:
        assert service.get_invoice(uow, draft.number).status == "issued"
        assert issued_qr(uow, draft.number)


def test_what_the_store_cannot_hold_is_refused_with_findings(company: Context) -> None:
    with company.uow() as uow:
        save_draft(uow, a_draft())
        uow.commit()
    cases = {
        "number": replace(a_draft(""), id=a_draft().id),
        "QAYD-DUPLICATE-NUMBER": a_draft("INV-2026-0001"),
        "QAYD-NUMBER": a_draft("INV-2026-0002", qty="NaN"),
    }
    for expected, draft in cases.items():
        with company.uow() as uow, pytest.raises(ValidationError) as refused:
            save_draft(uow, draft)
        found = {f.rule for f in refused.value.findings} | {f.field for f in refused.value.findings}
        assert expected in found, (expected, refused.value.findings)


@pytest.mark.parametrize("bad", ["Office \ud800chair", "Office\x01chair", "Office\x85chair", "Office\ufffe"],
                         ids=["lone surrogate", "C0 control", "C1 control", "non-character"])
def test_text_an_invoice_cannot_carry_is_refused_at_save_and_nothing_is_written(company: Context, bad: str) -> None:
    """The desktop saves drafts as they are typed: a pasted invisible character is refused there, not at issue."""
    before = entry_count(company)
    line = replace(a_draft().lines[0], name=bad)
    with company.uow() as uow, pytest.raises(ValidationError) as refused:
        save_draft(uow, replace(a_draft("INV-2026-0009"), lines=(line,)))
    assert [(f.rule, f.field) for f in refused.value.findings if f.is_error] == [("QAYD-TEXT-CHARS", "lines[0].name")]
    assert entry_count(company) == before
    with company.uow(write=False) as uow:
        assert browse.page(uow, BrowseFilter(search="INV-2026-0009")) == []


def test_the_suggested_number_is_the_next_free_one_of_the_year(company: Context) -> None:
    with company.uow(write=False) as uow:
        assert suggest_number(uow) == "INV-2026-0001"
        assert suggest_number(uow, DocumentType.CREDIT_NOTE) == "CN-2026-0001"
    with company.uow() as uow:
        save_draft(uow, a_draft("INV-2026-0007"))
        save_draft(uow, a_draft("INV-2026-0012"))
        save_draft(uow, a_draft("INV-2026-extra"))
        uow.commit()
    with company.uow(write=False) as uow:
        assert suggest_number(uow) == "INV-2026-0013"


def test_a_desk_with_a_series_numbers_its_notes_and_corrections_in_it(company: Context) -> None:
    """Two desks correcting one invoice before they sync check only their own stores: without the series in the
    note's number both would draft INV-2026-0001-CN, and central would hold two documents under one number."""
    from core.sync.join import set_series
    from core.zatca.correction import prepare_correction

    add_demo_egs(company, issue=0)
    with company.uow() as uow:
        save_draft(uow, a_draft())
        issue_invoice(uow, "INV-2026-0001")
        set_series(uow, "D7F3A")
        uow.commit()
    with company.uow() as uow:
        credit = prepare_note(uow, "INV-2026-0001", DocumentType.CREDIT_NOTE)
        debit = prepare_note(uow, "INV-2026-0001", DocumentType.DEBIT_NOTE)
        fixed = prepare_correction(uow, "INV-2026-0001")
        uow.commit()
    assert (credit.number, debit.number) == ("INV-2026-0001-D7F3A-CN", "INV-2026-0001-D7F3A-DN")
    assert (fixed.credit_note, fixed.corrected_draft) == ("INV-2026-0001-D7F3A-CN2", "INV-2026-0001-D7F3A-R")


def test_a_credit_or_debit_note_is_drafted_from_an_issued_invoice(company: Context) -> None:
    add_demo_egs(company, issue=0)
    with company.uow() as uow:
        save_draft(uow, a_draft())
        issue_invoice(uow, "INV-2026-0001")
        uow.commit()
    with company.uow() as uow:
        credit = prepare_note(uow, "INV-2026-0001", DocumentType.CREDIT_NOTE)
        debit = prepare_note(uow, "INV-2026-0001", DocumentType.DEBIT_NOTE, reason="Price correction")
        again = prepare_note(uow, "INV-2026-0001", DocumentType.CREDIT_NOTE)
        uow.commit()
    assert (credit.number, debit.number, again.number) == ("INV-2026-0001-CN", "INV-2026-0001-DN",
                                                           "INV-2026-0001-CN2")
    with company.uow(write=False) as uow:
        note = service.get_invoice(uow, credit.number)
        with pytest.raises(ImmutableError):
            prepare_note(uow, credit.number, DocumentType.CREDIT_NOTE)  # a note of a note
    assert note.status == "draft" and note.draft.type is DocumentType.CREDIT_NOTE
    assert note.draft.billing_reference == "INV-2026-0001" and note.draft.lines == a_draft().lines
    assert last_entry(company)["action"] == "invoice.note_prepared"
    with company.uow() as uow, pytest.raises(ImmutableError):
        prepare_note(uow, credit.number, DocumentType.DEBIT_NOTE)
