"""The gate checks a draft's XML when it is saved and, at issue, proves the text it signs is the text that passed.

Each test attacks the proof: what changes between save and issue (the seller, the builder, the clock, a forged or
stale pass) must send the document through the full check, and what the full check refuses is still refused.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from core.errors import ValidationError
from core.invoicing import service
from core.invoicing.drafts import save_draft
from core.store.models import GatePass
from core.uow import Context
from core.zatca import gate as gate_module
from core.zatca import issuing
from core.zatca.gate import template_digest
from core.zatca.hashing import FIRST_PIH
from core.zatca.issuing import issue_invoice, issue_many
from core.zatca.ubl import DocumentIds, UnsignedInvoice, build_invoice_text
from core.zatca.xml_rule_texts import text_for
from core.zatca.xml_rules import CHECKS
from tests.support.issuing_world import a_draft, ready_to_issue, save, spent


@pytest.fixture
def company(ctx: Context) -> Context:
    ready_to_issue(ctx)
    return ctx


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the full checks (XSD + XML rules) run, by what they checked."""
    seen: list[str] = []
    real = gate_module.check_unsigned

    def counted(text: str, **kwargs: object) -> object:
        seen.append(text)
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gate_module, "check_unsigned", counted)
    return seen


def passes(ctx: Context) -> dict[object, str]:
    with ctx.uow(write=False) as uow:
        return {row[0]: row[1] for row in uow.session.execute(select(GatePass.invoice_id, GatePass.digest))}


def issue(ctx: Context, *numbers: str) -> None:
    with ctx.uow() as uow:
        issue_many(uow, list(numbers))
        uow.commit()


def test_a_saved_draft_is_checked_once_and_issued_on_the_proof(company: Context, full_checks: list[str]) -> None:
    draft = a_draft("INV-1", company.clock())
    save(company, draft)
    assert list(passes(company)) == [draft.id] and len(full_checks) == 1  # checked when saved
    issue(company, "INV-1")
    assert len(full_checks) == 1, "issuing checked the XML again although it was proved"
    assert passes(company) == {}  # a pass is spent with its document
    assert spent(company).icv == 1


def test_imported_drafts_get_passes_and_import_issue_uses_them(company: Context, full_checks: list[str]) -> None:
    docs = [a_draft(f"IMP-{i}", company.clock()) for i in range(3)]
    with company.uow() as uow:
        result = service.import_drafts(uow, docs)
        assert len(passes_in(uow)) == 3
        issuing.issue_imported(uow, result.drafts)
        uow.commit()
    assert len(full_checks) == 3 and passes(company) == {}


def passes_in(uow: object) -> list[object]:
    return list(uow.session.scalars(select(GatePass.invoice_id)))  # type: ignore[attr-defined]


def test_the_digest_leaves_out_exactly_the_counter_and_the_previous_hash(company: Context) -> None:
    with company.uow(write=False) as uow:
        seller = service.get_company(uow)
    draft = a_draft("INV-1", company.clock())
    saved = build_invoice_text(draft, seller, DocumentIds(draft.id, 1, FIRST_PIH)).text
    later = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="  # another document's hash
    signed = build_invoice_text(draft, seller, DocumentIds(draft.id, 4711, later)).text
    assert saved != signed and template_digest(saved) == template_digest(signed) is not None
    # Any other byte changes the digest: one character of the buyer's name, the document's own UUID.
    assert template_digest(signed.replace("<cbc:RegistrationName>", "<cbc:RegistrationName>X", 1)) != template_digest(
        signed)
    other = build_invoice_text(draft, seller, DocumentIds(draft.id.__class__(int=1), 1, FIRST_PIH)).text
    assert template_digest(other) != template_digest(saved)


@pytest.mark.parametrize("pih", ["", "not base64!", "QUJD", "QUJDRA", "QUJDRA=="[:-1] + "x"])
def test_no_digest_for_a_previous_hash_that_is_not_canonical_base64(company: Context, pih: str) -> None:
    with company.uow(write=False) as uow:
        seller = service.get_company(uow)
    draft = a_draft("INV-1", company.clock())
    text = build_invoice_text(draft, seller, DocumentIds(draft.id, 1, FIRST_PIH)).text.replace(FIRST_PIH, pih)
    assert (template_digest(text) is None) == (pih != "QUJD")


def test_no_digest_when_the_counter_appears_twice(company: Context) -> None:
    with company.uow(write=False) as uow:
        seller = service.get_company(uow)
    draft = a_draft("INV-1", company.clock())
    text = build_invoice_text(draft, seller, DocumentIds(draft.id, 1, FIRST_PIH)).text
    block = re.search(r"<cac:AdditionalDocumentReference>\s*<cbc:ID>ICV</cbc:ID>.*?</cac:AdditionalDocumentReference>",
                      text, re.S)
    assert block is not None
    assert template_digest(text.replace(block.group(0), block.group(0) * 2)) is None


def test_a_seller_changed_after_saving_takes_the_full_check(company: Context, full_checks: list[str]) -> None:
    save(company, a_draft("INV-1", company.clock()))
    with company.uow() as uow:
        seller = service.get_company(uow)
        service.update_company(uow, replace(seller, address=replace(seller.address, city="Jeddah")))
        uow.commit()
    issue(company, "INV-1")
    assert len(full_checks) == 2 and "Jeddah" in full_checks[1]


def test_a_builder_changed_after_saving_cannot_use_the_pass(company: Context, full_checks: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The text to be signed differs from the one that passed (here by an impossible date): full check, refused."""
    real = issuing.build_invoice_text

    def broken(*args: object, **kwargs: object) -> UnsignedInvoice:
        unsigned = real(*args, **kwargs)  # type: ignore[arg-type]
        start = unsigned.text.index("<cbc:IssueDate>") + len("<cbc:IssueDate>")
        return replace(unsigned, text=unsigned.text[:start] + "2026-13-45" + unsigned.text[start + 10:])

    save(company, a_draft("INV-1", company.clock()))
    monkeypatch.setattr(issuing, "build_invoice_text", broken)
    before = spent(company)
    with pytest.raises(ValidationError):
        issue(company, "INV-1")
    assert spent(company) == before and len(full_checks) == 2


def test_a_forged_pass_for_another_text_proves_nothing(company: Context, full_checks: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone writes a pass (with a digest of their choosing) for a draft whose XML the rules refuse."""
    monkeypatch.setattr(issuing, "validate", lambda *_a, **_k: [])
    monkeypatch.setattr(gate_module, "validate", lambda *_a, **_k: [])
    draft = a_draft("INV-F", company.clock() + timedelta(days=3))  # BR-KSA-04: dated after today
    save(company, draft)
    assert passes(company) == {}  # the XML check at save found the error: no pass
    with company.uow() as uow:
        uow.session.execute(insert(GatePass).values(invoice_id=draft.id, digest="0" * 64, checked_at=uow.now()))
        uow.commit()
    with pytest.raises(ValidationError) as caught:
        issue(company, "INV-F")
    assert "BR-KSA-04" in {f.rule for f in caught.value.findings}


def test_a_pass_newer_than_the_issuing_clock_is_not_used(company: Context, full_checks: list[str]) -> None:
    draft = a_draft("INV-1", company.clock())
    save(company, draft)
    with company.uow() as uow:  # as if saved by a clock that was ahead and has since been set back
        uow.session.query(GatePass).update({GatePass.checked_at: uow.now() + timedelta(hours=2)})
        uow.commit()
    issue(company, "INV-1")
    assert len(full_checks) == 2


def test_a_draft_saved_before_it_is_ready_gets_no_pass_and_a_stale_pass_is_dropped(company: Context) -> None:
    draft = a_draft("INV-1", company.clock())
    save(company, draft)
    assert draft.id in passes(company)
    with company.uow() as uow:  # edited into a draft the rules refuse: the earlier pass must not survive
        version = service.get_invoice(uow, "INV-1").version
        save_draft(uow, replace(draft, lines=()), expected_version=version)
        uow.commit()
    assert passes(company) == {}


def test_the_only_rules_that_read_the_clock_are_the_ones_the_proof_allows_for() -> None:
    """A pass is used only when not newer than the issuing clock: sound while every clock rule that can refuse only
    passes more as time goes on (BR-KSA-04). A new rule reading the clock must be weighed against that first."""
    import inspect

    readers = {check.__name__ for check in CHECKS if ".now" in inspect.getsource(check)}
    assert readers == {"issue_dates", "submitted_late"}
    assert text_for("BR-KSA-98").severity.value == "warning"  # submitted_late never refuses


def test_issue_one_uses_the_pass(company: Context, full_checks: list[str]) -> None:
    save(company, a_draft("INV-1", company.clock()))
    with company.uow() as uow:
        issue_invoice(uow, "INV-1")
        uow.commit()
    assert len(full_checks) == 1


def test_drafts_stored_without_the_check_are_checked_in_full_when_issued(company: Context,
                                                                          full_checks: list[str]) -> None:
    """The demo stores its drafts without the XML check (it issues few of them); issuing then runs the check."""
    with company.uow() as uow:
        service.import_drafts(uow, [a_draft("D-1", company.clock())], check_xml=False)
        assert passes_in(uow) == [] and full_checks == []
        issue_many(uow, ["D-1"])
        uow.commit()
    assert len(full_checks) == 1 and spent(company).icv == 1
