"""The pseudonymiser: stable tokens, names in every written form, the longest name first, the mapping restored on the
way back, business names only when an admin lets them go, and every read of the catalogue in the access log."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.assistant import PSEUDONYM, Pseudonymiser, business_names_sent, set_business_names_sent
from core.errors import AccessDeniedError
from core.invoicing import service
from core.invoicing.model import Address, Customer, CustomerKind, IdScheme
from core.privacy import access_log
from core.privacy.identifiers import ascii_digits, normalise_phone
from core.store import models as m
from core.uow import Context

_ADDRESS = Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211")
IND = CustomerKind.INDIVIDUAL

# The planted customers: individuals (always masked) and businesses (masked unless an admin lets their names go).
PEOPLE = (
    Customer("Ahmed bin Saad Al-Harbi", IND, "أحمد بن سعد الحربي", id_scheme=IdScheme.NAT, id_value="1047362510",
             email="ahmed.harbi@example.sa", phone="+966501234567", vat_number="310122393500003"),
    Customer("Fatimah Al-Qahtani", IND, "فاطمة القحطاني", id_scheme=IdScheme.IQA, id_value="2074619384",
             email="f.qahtani@mail.example.com", phone="0551112233"),
    Customer("Yousef Ibrahim Al-Otaibi", IND, "يوسف إبراهيم العتيبي", id_scheme=IdScheme.NAT,
             id_value="1092837465", email="yousef@otaibi.example", phone="+966 54 987 6543"),
    Customer("Noura Al-Shehri", IND, "نورة الشهري", id_scheme=IdScheme.IQA, id_value="2384756108",
             email="NOURA.S@example.org", phone="0569998877"),
    Customer("Khalid Al-Zahrani", IND, "خالد الزهراني", id_scheme=IdScheme.NAT, id_value="1122334459",
             email="khalid.z@example.net", phone="0533334444"),
    Customer("Maryam Haddad", IND, "مريم حداد", email="maryam.haddad@example.com", phone="+966 58-765-4321"),
)
BUSINESSES = (
    Customer("Al Noor Trading Company", CustomerKind.BUSINESS, "شركة النور للتجارة", vat_number="300000000000003",
             address=_ADDRESS, email="accounts@alnoor.example"),
    Customer("Najd Steel Works", CustomerKind.BUSINESS, "مصنع نجد للحديد", vat_number="311111111111113",
             address=_ADDRESS),
)
IBANS = ("SA0380000000608010167519", "SA8510000012345678901234", "SA7745000000987654321000")


def plant(ctx: Context) -> None:
    with ctx.uow() as uow:
        for customer in PEOPLE + BUSINESSES:
            service.add_customer(uow, customer)
        uow.commit()


def pseudonymiser(ctx: Context, *, send_business_names: bool = False) -> Pseudonymiser:
    with ctx.uow() as uow:
        made = Pseudonymiser.from_store(uow, send_business_names=send_business_names)
        uow.commit()
    return made


def phone_forms(phone: str) -> set[str]:
    national = (normalise_phone(phone) or "")[-9:]
    return {f"+966{national}", f"966{national}", f"0{national}", national}


@pytest.fixture
def planted(ctx: Context) -> Context:
    plant(ctx)
    return ctx


def test_a_name_in_every_written_form_is_one_person(planted: Context) -> None:
    p = pseudonymiser(planted)
    forms = ["Ahmed bin Saad Al-Harbi", "AHMED BIN SAAD AL-HARBI", "ahmed  al harbi", "أحمد بن سعد الحربي",
             "احمد بن سعد الحربى", "أَحْمَد الحـــربي", "إحمد الحربي", "Ahmed", "أحمد", "الحربي", "Harbi"]
    tokens = [p.mask_text(form) for form in forms]
    assert all(re.fullmatch(r"PERSON_1[b-z]*", t) for t in tokens), tokens
    assert p.mask_text("Ahmed bin Saad Al-Harbi") == "PERSON_1"  # the same form again: the same token
    assert [p.unmask(t) for t in tokens] == forms  # each written form comes back as it was written


def test_the_longest_name_is_replaced_first_and_arabic_letters_around_it_stay(planted: Context) -> None:
    p = pseudonymiser(planted)
    masked = p.mask_text("هل دفع لأحمد بن سعد الحربي وفاطمة القحطاني؟")
    assert masked == "هل دفع لPERSON_1 وPERSON_2؟"
    masked = p.mask_text("Fatimah Al-Qahtani and Fatimah")
    assert masked.count("PERSON_2") == 2 and "Fatimah" not in masked


def test_phones_ids_emails_ibans_and_vat_numbers_are_masked_in_every_form(planted: Context) -> None:
    p = pseudonymiser(planted)
    text = ("call +966 50 123 4567, 0501234567, ٠٥٠١٢٣٤٥٦٧ or 501234567; id 1047362510 / 1047 362 510; "
            "mail Ahmed.Harbi@Example.SA; vat 310122393500003; iban sa03 8000 0000 6080 1016 7519")
    masked = p.mask_text(text)
    assert re.sub(PSEUDONYM, "", masked) == "call , ,  or ; id  / ; mail ; vat ; iban "
    assert len({t for t in PSEUDONYM.findall(masked)}) == 5  # phone, id, email, vat, iban: one token kind each
    assert masked.startswith("call PHONE_1, PHONE_1b")
    assert p.unmask(masked) == text


def test_a_value_typed_that_the_store_does_not_know_is_still_masked(planted: Context) -> None:
    p = pseudonymiser(planted)
    masked = p.mask_text("is 0599990000 or x@y.example or 2074619384 or SA8510000012345678901234 someone's?")
    assert masked == "is PHONE_1 or EMAIL_1 or ID_1 or IBAN_1 someone's?"


def test_tool_results_are_masked_value_by_value_and_the_answer_restored(planted: Context) -> None:
    p = pseudonymiser(planted)
    result = {"top_customers": [{"name": "Noura Al-Shehri", "name_ar": "نورة الشهري", "owed": "1200.00"},
                                {"name": "Al Noor Trading Company", "owed": "800.00"}], "count": 2}
    masked = p.mask_json(result)
    assert masked == {"top_customers": [{"name": "PERSON_1", "name_ar": "PERSON_1b", "owed": "1200.00"},
                                        {"name": "BUSINESS_1", "owed": "800.00"}], "count": 2}
    text = p.mask_json_text(json.dumps(result, ensure_ascii=True))  # escaped Arabic cannot slip past
    assert "Noura" not in text and "نورة" not in text and "\\u" not in text
    answer = "PERSON_1 owes the most (1200.00), then BUSINESS_1."
    assert p.unmask(answer) == "Noura Al-Shehri owes the most (1200.00), then Al Noor Trading Company."
    assert p.unmask_json({"customer": "PERSON_1b"}) == {"customer": "نورة الشهري"}
    assert p.unmask("PERSON_9 is not one of ours") == "PERSON_9 is not one of ours"
    assert p.mask_json({"phone": 966569998877, "id": 2384756108, "count": 2, "ok": True}) == {
        "phone": "PHONE_1", "id": "ID_1", "count": 2, "ok": True}


def test_business_names_pass_only_when_the_company_lets_them(planted: Context) -> None:
    question = "How much do Al Noor Trading Company and Maryam Haddad owe? VAT 300000000000003"
    masked = pseudonymiser(planted).mask_text(question)
    assert "Noor" not in masked and "300000000000003" not in masked and "Maryam" not in masked
    with planted.uow() as uow:
        assert business_names_sent(uow) is False
        set_business_names_sent(uow, True)
        uow.commit()
    with planted.uow() as uow:
        on = business_names_sent(uow)
        changed = uow.session.scalars(select(m.AuditEntry.subject)
                                      .where(m.AuditEntry.action == "setting.changed")).all()
    assert on is True and "setting:assistant.send_business_names" in changed
    masked = pseudonymiser(planted, send_business_names=on).mask_text(question)
    assert masked == "How much do Al Noor Trading Company and PERSON_1 owe? VAT 300000000000003"


def test_a_clerk_cannot_let_business_names_go(planted: Context) -> None:
    planted.actor_role = "clerk"
    with planted.uow() as uow, pytest.raises(AccessDeniedError):
        set_business_names_sent(uow, True)
    with planted.uow() as uow:
        assert business_names_sent(uow) is False


def test_every_read_of_an_individual_is_in_the_access_log_with_purpose_assistant(planted: Context) -> None:
    pseudonymiser(planted)
    with planted.uow(write=False) as uow:
        for person in PEOPLE:
            reads = access_log.search(uow, f"customer:{person.id}")
            assert [r.purpose for r in reads] == ["assistant"]
            assert "customer.name" in reads[0].fields and "customer.phone" in reads[0].fields
        for business in BUSINESSES:  # a legal person's record is not personal data
            assert access_log.search(uow, f"customer:{business.id}") == []


def test_a_restricted_customer_is_masked_for_a_clerk_and_the_read_logged(planted: Context) -> None:
    khalid = PEOPLE[4]
    with planted.uow() as uow:
        uow.session.get(m.Customer, khalid.id).restricted_at = uow.now()
        uow.commit()
    planted.actor_role = "clerk"
    p = pseudonymiser(planted)
    assert p.mask_text("Khalid Al-Zahrani, 0533334444") == "PERSON_1, PHONE_1"
    with planted.uow(write=False) as uow:
        reads = access_log.search(uow, f"customer:{khalid.id}")
    assert [(r.purpose, r.restricted) for r in reads] == [("assistant (masking only)", True)]


def test_the_mapping_is_per_conversation(planted: Context) -> None:
    first, second = pseudonymiser(planted), pseudonymiser(planted)
    assert first.mask_text("Maryam Haddad") == "PERSON_1"
    assert second.mask_text("Noura Al-Shehri") == "PERSON_1"
    assert second.unmask("PERSON_1") == "Noura Al-Shehri" and first.unmask("PERSON_1") == "Maryam Haddad"
    assert first.tokens == 1


_WORDS = st.text(alphabet=st.sampled_from("abcdefxyz ABCDEF ابتثجحخدذرزسشص؟?,.:!ءآأإىةـ\u064e"), min_size=1,
                 max_size=12)


def test_unmask_undoes_mask_and_nothing_planted_survives(planted: Context) -> None:
    """Property: any text made of filler and planted values (any case, any written form) masks to text that holds
    none of the values, and unmasks back to itself."""
    p = pseudonymiser(planted)
    surfaces = [v for c in PEOPLE for v in (c.name, c.name_ar, c.email, c.phone, c.id_value, *phone_forms(c.phone))
                if v] + list(IBANS) + [" ".join(i[k:k + 4] for k in range(0, 24, 4)) for i in IBANS]
    value = st.sampled_from(surfaces).flatmap(lambda v: st.sampled_from([v, v.upper(), v.lower(), ascii_digits(v),
                                                                         v.replace(" ", "  ")]))

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.one_of(_WORDS, value), min_size=1, max_size=6))
    def round_trip(pieces: list[str]) -> None:
        text = " ".join(pieces)
        masked = p.mask_text(text)
        assert p.unmask(masked) == text
        for piece in pieces:
            if piece in surfaces or piece.casefold() in {s.casefold() for s in surfaces}:
                assert piece not in masked and piece.casefold() not in masked.casefold()

    round_trip()


def test_a_buyer_written_on_an_invoice_under_another_name_is_masked_too(planted: Context) -> None:
    from dataclasses import replace
    from datetime import timedelta
    from decimal import Decimal

    from core.invoicing.demo import DEMO_COMPANY
    from core.invoicing.model import DocumentKind, DocumentType, InvoiceDraft, InvoiceLine, VatCategory

    ahmed = PEOPLE[0]
    line = InvoiceLine(name="Consulting hours", quantity=Decimal("2"), unit_price=Decimal("250.00"),
                       vat_category=VatCategory.STANDARD, vat_rate=Decimal("15"), unit_code="HUR")
    now = planted.clock()
    draft = InvoiceDraft(kind=DocumentKind.SIMPLIFIED, type=DocumentType.INVOICE, number="ZQ-001",
                         issue_datetime=now - timedelta(days=1), supply_date=(now - timedelta(days=1)).date(),
                         lines=(line,), buyer=replace(ahmed.as_party(), name="Ahmad Saad Alharbi"),
                         customer_id=ahmed.id, payment_means="10")
    with planted.uow() as uow:
        service.create_company(uow, DEMO_COMPANY)
        service.import_drafts(uow, [draft])
        uow.commit()
    p = pseudonymiser(planted)
    assert p.mask_text("who is Ahmad Saad Alharbi? and Ahmed bin Saad Al-Harbi?") == "who is PERSON_1? and PERSON_1b?"
    with planted.uow(write=False) as uow:
        reads = access_log.search(uow, f"customer:{ahmed.id}")
    assert {f for r in reads for f in r.fields} >= {"customer.name", "invoice.buyer_json"}


def test_ten_thousand_customers_are_read_and_masked_quickly() -> None:
    """A large company's catalogue: built and used in well under a second (no pattern per customer)."""
    import time

    from core.assistant.pseudonyms import _entry

    entries = [_entry(f"customer:{n}", True, {"name": f"Person{n} bin Saad Family{n % 3000}",
                                              "name_ar": f"شخص{n} العائلة{n}", "phone": f"05{n:08d}"})
               for n in range(10_000)]
    started = time.perf_counter()
    p = Pseudonymiser(entries)
    masked = p.mask_text("How much does PERSON9999 BIN SAAD FAMILY999 owe? ما رصيد شخص5 العائله5؟ 0500001234")
    assert masked == "How much does PERSON_1 owe? ما رصيد PERSON_2؟ PHONE_1"
    assert time.perf_counter() - started < 3


def test_overlapping_values_are_masked_as_one_and_nothing_is_left_half_shown() -> None:
    from core.assistant.pseudonyms import _entry

    p = Pseudonymiser([_entry("customer:1", True, {"name": "Ahmed Al-Harbi"}),
                       _entry("customer:2", True, {"name": "Saad Ahmed"})])
    text = "Saad ahmed.harbi@example.sa wrote"
    assert p.mask_text(text) == "PERSON_1 wrote"  # the name ran into the address: both hidden under one token
    assert p.unmask(p.mask_text(text)) == text
    masked = p.mask_text("Ahmed Al-Harbi, Ahmed Al-Harbi, AHMED AL-HARBI, Harbi, Ahmed")
    assert masked == "PERSON_2, PERSON_2, PERSON_2b, PERSON_2c, NAME_1"  # "Ahmed" is both people's: neither


def test_a_turn_is_masked_whole_and_a_call_restored_for_core(planted: Context) -> None:
    from core.assistant import ToolCall, ToolResult, Turn

    p = pseudonymiser(planted)
    asked = p.mask_turn(Turn("user", "How much does Noura Al-Shehri owe?"))
    assert asked.text == "How much does PERSON_1 owe?"
    call = ToolCall("c1", "outstanding_invoices", {"customer": "PERSON_1"})
    assert p.unmask_call(call).arguments == {"customer": "Noura Al-Shehri"}
    answered = p.mask_turn(Turn("tool", results=(ToolResult("c1", '{"buyer": "Noura Al-Shehri", "due": "90.00"}'),
                                                 ToolResult("c2", "not JSON: Noura Al-Shehri"))))
    assert [r.content for r in answered.results] == ['{"buyer": "PERSON_1", "due": "90.00"}', "not JSON: PERSON_1"]
