"""The last gate before signing: XML that breaks the XSD or a rule is refused even when the draft rules let it pass."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import ValidationError
from core.invoicing import drafts
from core.invoicing.model import AllowanceCharge, DocumentType, VatCategory
from core.uow import Context
from core.zatca import issuing
from core.zatca.issuing import issue_invoice, issue_many
from core.zatca.ubl import UnsignedInvoice
from tests.support.issuing_world import a_draft, ready_to_issue, save, spent


@pytest.fixture
def company(ctx: Context) -> Context:
    ready_to_issue(ctx)
    return ctx


@pytest.fixture
def no_draft_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A gap in the draft rules, made total: only the gate stands between a draft and its signature.

    Saving a draft refuses some of the same text (QAYD-TEXT-CHARS), so saving runs without the rules as well: the
    draft gets into the store as a document from an older version, or another writer, would.
    """
    monkeypatch.setattr(issuing, "validate", lambda *_a, **_k: [])
    monkeypatch.setattr(drafts, "validate", lambda *_a, **_k: [])


def refused(ctx: Context, *numbers: str) -> ValidationError:
    """Issue `numbers` in one call; it must be refused with nothing spent, and the error is returned."""
    before = spent(ctx)
    with pytest.raises(ValidationError) as caught, ctx.uow() as uow:
        issue_many(uow, list(numbers))
        uow.commit()
    assert spent(ctx) == before  # no ICV, no hash, no audit entry, no queue item, no issued row, still drafts
    return caught.value


def rules_of(error: ValidationError) -> set[str]:
    return {f.rule for f in error.findings if f.is_error}


def test_a_valid_document_passes_the_gate_and_is_queued(company: Context) -> None:
    at = company.clock()
    save(company, a_draft("INV-1", at))
    with company.uow() as uow:
        info = issue_invoice(uow, "INV-1")
        uow.commit()
    assert info.icv == 1 and spent(company).queued == ("INV-1",)


def test_credit_note_without_original_is_refused_by_the_xml_rules(company: Context, no_draft_rules: None) -> None:
    save(company, a_draft("CN-1", company.clock(), type=DocumentType.CREDIT_NOTE, reason="Returned goods"))
    error = refused(company, "CN-1")
    assert {"BR-55", "BR-KSA-F-06-C22"} <= rules_of(error)
    fields = {f.field for f in error.findings if f.rule == "BR-55"}
    assert fields == {"/Invoice/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"}
    assert "CN-1" in str(error) and "before signing" in str(error)


def test_out_of_scope_charge_with_vat_is_refused(company: Context, no_draft_rules: None) -> None:
    charge = AllowanceCharge(Decimal("10"), VatCategory.OUT_OF_SCOPE, Decimal("15"), reason="Delivery",
                             is_charge=True, exemption_reason_code="VATEX-SA-OOS", exemption_reason="Out of scope")
    save(company, a_draft("INV-O", company.clock(), allowances=(charge,)))
    assert rules_of(refused(company, "INV-O")) & {"BR-O-09", "BR-O-12", "BR-O-13", "BR-O-14", "BR-O-11"}


@pytest.mark.parametrize("where", ["street", "unit_code", "name"])
def test_control_characters_are_a_finding_not_a_crash(company: Context, no_draft_rules: None, where: str) -> None:
    draft = a_draft("INV-C", company.clock())
    if where == "street":
        assert draft.buyer is not None and draft.buyer.address is not None
        draft = replace(draft, buyer=replace(draft.buyer, address=replace(draft.buyer.address, street="King\x01Fahd")))
    else:
        draft = replace(draft, lines=(replace(draft.lines[0], **{where: "P\x02CE"}),))
    save(company, draft)
    error = refused(company, "INV-C")
    [finding] = error.findings
    expected = {"street": "cbc:StreetName", "unit_code": "cbc:InvoicedQuantity", "name": "cbc:Name"}[where]
    assert finding.rule == "QAYD-XML-SYNTAX" and finding.field.startswith(expected + " (line ")
    assert finding.message_ar and finding.fix_ar


def test_the_gate_reads_the_text_that_is_signed_not_the_draft(company: Context,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A builder bug the draft rules cannot see: the text to be signed carries an impossible IssueDate."""
    real = issuing.build_invoice_text

    def broken(*args: object, **kwargs: object) -> UnsignedInvoice:
        unsigned = real(*args, **kwargs)  # type: ignore[arg-type]
        start = unsigned.text.index("<cbc:IssueDate>") + len("<cbc:IssueDate>")
        return replace(unsigned, text=unsigned.text[:start] + "2026-13-45" + unsigned.text[start + 10:])

    save(company, a_draft("INV-1", company.clock()), a_draft("INV-2", company.clock()))
    monkeypatch.setattr(issuing, "build_invoice_text", broken)
    error = refused(company, "INV-1", "INV-2")
    assert "QAYD-XSD" in rules_of(error) and any("IssueDate" in f.field for f in error.findings)


def test_an_element_out_of_place_is_an_xsd_refusal(company: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    real = issuing.build_invoice_text

    def misplaced(*args: object, **kwargs: object) -> UnsignedInvoice:
        unsigned = real(*args, **kwargs)  # type: ignore[arg-type]
        return replace(unsigned, text=unsigned.text.replace("<cbc:ProfileID>", "<cbc:Note>x</cbc:Note><cbc:ProfileID>"))

    save(company, a_draft("INV-1", company.clock()))
    monkeypatch.setattr(issuing, "build_invoice_text", misplaced)
    assert rules_of(refused(company, "INV-1")) == {"QAYD-XSD"}


def test_a_refusal_mid_batch_spends_nothing_for_the_drafts_before_it(company: Context,
                                                                      no_draft_rules: None) -> None:
    at = company.clock()
    save(company, a_draft("INV-1", at), a_draft("CN-1", at, type=DocumentType.CREDIT_NOTE, reason="x"),
         a_draft("INV-3", at))
    refused(company, "INV-1", "CN-1", "INV-3")  # issue_many is all or nothing


def test_the_gate_uses_the_issuing_clock(company: Context, no_draft_rules: None) -> None:
    """BR-KSA-04: an issue date after today (in Riyadh) is refused by the XML rules too."""
    at = company.clock()
    save(company, a_draft("INV-F", at + timedelta(days=3)))
    assert "BR-KSA-04" in rules_of(refused(company, "INV-F"))


@pytest.mark.parametrize("text", ["\ufffe", "\uffff"])
def test_text_that_xml_cannot_carry_is_refused_not_crashed(company: Context, no_draft_rules: None,
                                                                   text: str) -> None:
    draft = a_draft("INV-U", company.clock())
    save(company, replace(draft, lines=(replace(draft.lines[0], name=f"Item {text}"),)))
    [finding] = refused(company, "INV-U").findings
    assert finding.rule == "QAYD-XML-SYNTAX" and finding.field.startswith("cbc:Name (line "), finding
