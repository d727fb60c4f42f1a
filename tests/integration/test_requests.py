"""Data-subject requests: intake → identity check → extension → closure, each step audited with the requester's
details sealed for the subject; due dates at month ends; overdue requests; bad input refused with findings;
finding subjects."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core.audit.personal import SubjectKeys
from core.errors import NotFoundError, ValidationError
from core.invoicing import service
from core.invoicing.model import Customer, CustomerKind, IdScheme
from core.privacy import access_log, roles
from core.privacy import requests as dsr
from core.privacy.subjects import SEARCH_PURPOSE, find_subjects, parse_subject, require_subject, resolve_subject
from core.store import models as m
from core.uow import Context
from tests.conftest import StepClock

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
FATIMA = Customer(name="Fatima Al-Harbi", name_ar="فاطمة الحربي", kind=CustomerKind.INDIVIDUAL,
                  id_scheme=IdScheme.NAT, id_value="1012345678", email="fatima@example.sa", phone="+966551234567")


@pytest.fixture
def fatima(ctx: Context) -> str:
    with ctx.uow() as uow:
        service.add_customer(uow, FATIMA)
        uow.commit()
    return f"customer:{FATIMA.id}"


def add(ctx: Context, subject: str, *, kind: str = "access", received: datetime = NOW - timedelta(hours=1),
        identity: str = "") -> dsr.RequestInfo:
    with ctx.uow() as uow:
        info = dsr.add_request(uow, kind, subject=subject, requester=dsr.Requester("Fatima Al-Harbi",
                                                                                   "fatima@example.sa"),
                               received_at=received, identity_method=identity, notes="by e-mail")
        uow.commit()
    return info


def entries(ctx: Context, action_prefix: str = "gdpr_request.") -> list[dict]:  # type: ignore[type-arg]
    with ctx.uow(write=False) as uow:
        rows = uow.session.scalars(select(m.AuditEntry.body).where(m.AuditEntry.action.like(action_prefix + "%"))
                                   .order_by(m.AuditEntry.seq))
        return [json.loads(body) for body in rows]


def rules(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {f.rule for f in exc.value.findings}


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year end
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 2, 28), 1, date(2026, 3, 28)),  # the same date, not the month end
])
def test_one_calendar_month_at_month_ends(day: date, months: int, expected: date) -> None:
    assert dsr.add_months(day, months) == expected


def test_the_due_date_counts_from_the_saudi_day_of_receipt() -> None:
    late_evening_utc = datetime(2026, 1, 31, 22, 0, tzinfo=UTC)  # 1 February, 01:00 in Riyadh
    assert dsr.due_date_for(late_evening_utc) == date(2026, 3, 1)
    assert dsr.due_date_for(datetime(2026, 1, 31, 12, 0, tzinfo=UTC)) == date(2026, 2, 28)
    assert dsr.due_date_for(datetime(2026, 1, 31, 12, 0, tzinfo=UTC), extended=True) == date(2026, 4, 30)


def test_intake_verify_extend_close_each_step_audited(ctx: Context, fatima: str) -> None:
    info = add(ctx, fatima, received=datetime(2026, 10, 31, 9, 0, tzinfo=UTC))
    assert info.reference == "DSR-2026-0001" and info.status == "received" and info.kind == "access"
    assert info.due_date == date(2026, 11, 30) and info.days_left == 5 and not info.overdue
    assert info.due_at == datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=dsr.KSA)
    assert not info.identity_verified and info.requester is None  # lists carry no personal data

    with ctx.uow() as uow:
        verified = dsr.verify_identity(uow, "dsr-2026-0001", "national id card seen at the counter")
        uow.commit()
    assert verified.status == "identity_verified" and verified.identity_checked_by == ctx.actor
    assert verified.identity_checked_at is not None and verified.identity_method.startswith("national id")

    with ctx.uow() as uow:
        extended = dsr.extend(uow, info.reference, "the subject's records span several systems")
        uow.commit()
    assert extended.status == "extended" and extended.due_date == date(2027, 1, 31) and extended.extended

    with ctx.uow() as uow:
        closed = dsr.close(uow, info.reference, "export sent by e-mail")
        uow.commit()
    assert closed.status == "completed" and closed.closed_at is not None and closed.days_left is None
    assert not closed.is_open and not closed.overdue

    trail = entries(ctx)
    assert [e["action"] for e in trail] == ["gdpr_request.received", "gdpr_request.identity_verified",
                                            "gdpr_request.extended", "gdpr_request.closed"]
    assert {e["subject"] for e in trail} == {fatima}
    assert all(e["payload"]["data"]["reference"] == "DSR-2026-0001" for e in trail)
    assert [e["payload"]["data"]["status"] for e in trail] == ["received", "identity_verified", "extended",
                                                                "completed"]
    text = json.dumps(trail, ensure_ascii=False)
    for secret in ("Fatima", "fatima@example.sa", "national id card", "several systems", "by e-mail"):
        assert secret not in text  # only sealed
    with ctx.uow(write=False) as uow:
        keys = SubjectKeys(uow.session, ctx.master_key, ctx.device_id)
        opened = [keys.open(e["payload"]["personal"]) for e in trail]
    assert opened[0] == {"requester": {"name": "Fatima Al-Harbi", "contact": "fatima@example.sa"},
                         "notes": "by e-mail"}
    assert opened[3] == {"outcome": "export sent by e-mail"}
    assert all(e["payload"]["personal"]["subject"] == fatima for e in trail)

    with ctx.uow(write=False) as uow:
        shown = dsr.get_request(uow, "DSR-2026-0001")
    assert shown.requester == dsr.Requester("Fatima Al-Harbi", "fatima@example.sa")


def test_references_are_numbered_per_year_of_receipt(ctx: Context, fatima: str) -> None:
    assert add(ctx, fatima).reference == "DSR-2026-0001"
    assert add(ctx, fatima, kind="erasure").reference == "DSR-2026-0002"
    assert add(ctx, fatima, received=datetime(2025, 12, 31, 22, 30, tzinfo=UTC)).reference == "DSR-2026-0003"
    assert add(ctx, fatima, received=datetime(2025, 12, 31, 20, 0, tzinfo=UTC)).reference == "DSR-2025-0001"


def test_identity_at_intake_is_recorded_in_the_same_transaction(ctx: Context, fatima: str) -> None:
    info = add(ctx, fatima, identity="Iqama checked by video call")
    assert info.status == "identity_verified" and info.identity_verified
    assert [e["action"] for e in entries(ctx)] == ["gdpr_request.received", "gdpr_request.identity_verified"]


def test_overdue_requests_and_days_left(ctx: Context, fatima: str, clock: StepClock) -> None:
    late = add(ctx, fatima, received=datetime(2026, 10, 1, 6, 0, tzinfo=UTC))  # due 1 November
    soon = add(ctx, fatima, received=datetime(2026, 11, 20, 6, 0, tzinfo=UTC))  # due 20 December
    assert late.overdue and late.days_left == -24
    assert not soon.overdue and soon.days_left == 25
    with ctx.uow(write=False) as uow:
        assert [i.reference for i in dsr.overdue_requests(uow)] == [late.reference]
        assert [i.reference for i in dsr.list_requests(uow)] == [late.reference, soon.reference]  # soonest due
    with ctx.uow() as uow:
        with pytest.raises(ValidationError) as refused:
            dsr.extend(uow, late.reference, "too late to ask")
        assert rules(refused) == {"QAYD-DSR-EXTEND-LATE"}
    # the last instant of the due day is still on time, the next one is late
    clock.now = datetime(2026, 12, 20, 20, 59, 59, tzinfo=UTC)
    with ctx.uow(write=False) as uow:
        assert not dsr.get_request(uow, soon.reference).overdue
    clock.now = datetime(2026, 12, 20, 21, 0, 0, tzinfo=UTC)
    with ctx.uow(write=False) as uow:
        assert dsr.get_request(uow, soon.reference).overdue
    with ctx.uow() as uow:
        dsr.close(uow, late.reference, "nothing held about the requester", status="refused")
        uow.commit()
    assert entries(ctx)[-1]["payload"]["data"]["late"] is True
    with ctx.uow(write=False) as uow:
        assert [i.reference for i in dsr.list_requests(uow, open_only=True)] == [soon.reference]


def test_bad_intake_reports_every_problem_and_writes_nothing(ctx: Context, fatima: str) -> None:
    with ctx.uow(write=False) as uow:
        before = uow.session.query(m.AuditEntry).count()
    with ctx.uow() as uow, pytest.raises(ValidationError) as refused:
        dsr.add_request(uow, "forget-me", subject="customer:00000000-0000-0000-0000-000000000001",
                        requester={"name": " ", "contact": ""}, received_at=NOW + timedelta(days=2))
    assert rules(refused) == {"QAYD-DSR-KIND", "QAYD-DSR-SUBJECT", "QAYD-DSR-REQUESTER-NAME",
                              "QAYD-DSR-REQUESTER-CONTACT", "QAYD-DSR-RECEIVED-FUTURE"}
    assert {f.field for f in refused.value.findings} == {"kind", "subject", "requester_name", "requester_contact",
                                                         "received_at"}
    assert all(f.fix and f.message_ar and f.fix_ar for f in refused.value.findings)
    with ctx.uow() as uow, pytest.raises(ValidationError) as naive:
        dsr.add_request(uow, "access", subject=fatima, requester=dsr.Requester("A", "a@b.c"),
                        received_at=datetime(2026, 11, 1, 9, 0))
    assert rules(naive) == {"QAYD-DSR-RECEIVED-TZ"}
    with ctx.uow(write=False) as uow:
        assert uow.session.query(m.AuditEntry).count() == before
        assert uow.session.query(m.GdprRequest).count() == 0


def test_step_rules(ctx: Context, fatima: str) -> None:
    info = add(ctx, fatima, kind="erasure")
    with ctx.uow() as uow:
        with pytest.raises(ValidationError) as unverified:
            dsr.close(uow, info.reference, "erased")
        assert rules(unverified) == {"QAYD-DSR-IDENTITY-FIRST"}
        with pytest.raises(ValidationError) as not_started:
            dsr.start(uow, info.reference)
        assert rules(not_started) == {"QAYD-DSR-IDENTITY-FIRST"}
        with pytest.raises(ValidationError) as bad:
            dsr.close(uow, info.reference, "", status="done")
        assert rules(bad) == {"QAYD-DSR-STATUS", "QAYD-DSR-OUTCOME"}  # identity matters for "completed" only
        with pytest.raises(ValidationError) as no_method:
            dsr.verify_identity(uow, info.reference, "  ")
        assert rules(no_method) == {"QAYD-DSR-IDENTITY-METHOD"}
        with pytest.raises(ValidationError) as no_reason:
            dsr.extend(uow, info.reference, "")
        assert rules(no_reason) == {"QAYD-DSR-REASON"}
        dsr.extend(uow, info.reference, "backups must be checked")
        with pytest.raises(ValidationError) as twice:
            dsr.extend(uow, info.reference, "still checking")
        assert rules(twice) == {"QAYD-DSR-EXTEND-TWICE"}
        assert [f.rule for f in dsr.action_findings(dsr.get_request(uow, info.reference), "erase")] == [
            "QAYD-DSR-IDENTITY-FIRST"]
        dsr.verify_identity(uow, info.reference, "passport")
        shown = dsr.get_request(uow, info.reference)
        assert shown.status == "identity_verified" and shown.extended  # the extension stays recorded
        assert dsr.action_findings(shown, "erase") == []
        assert [f.rule for f in dsr.action_findings(shown, "export")] == ["QAYD-DSR-ACTION-KIND"]
        assert dsr.start(uow, info.reference).status == "in_progress"
        dsr.close(uow, info.reference, "withdrawn by phone", status="withdrawn")
        for step in (lambda: dsr.verify_identity(uow, info.reference, "again"),
                     lambda: dsr.extend(uow, info.reference, "why"),
                     lambda: dsr.close(uow, info.reference, "again")):
            with pytest.raises(ValidationError) as closed:
                step()
            assert "QAYD-DSR-CLOSED" in rules(closed)
        with pytest.raises(NotFoundError):
            dsr.get_request(uow, "DSR-2026-9999")
        uow.commit()


def test_whether_a_request_may_be_extended_is_the_same_answer_extending_gives(ctx: Context, fatima: str) -> None:
    """The desktop greys out Extend… from `action_findings(info, "extend")`; `extend` refuses the same cases."""
    def may_extend(ref: str) -> list[str]:
        with ctx.uow(write=False) as uow:
            return [f.rule for f in dsr.action_findings(dsr.get_request(uow, ref), "extend")]

    fresh = add(ctx, fatima)
    late = add(ctx, fatima, received=datetime(2026, 9, 1, 9, 0, tzinfo=UTC))  # due 1 October: overdue
    assert may_extend(fresh.reference) == [] and may_extend(late.reference) == ["QAYD-DSR-EXTEND-LATE"]
    with ctx.uow() as uow, pytest.raises(ValidationError) as refused:
        dsr.extend(uow, late.reference, "too late now")
    assert rules(refused) == {"QAYD-DSR-EXTEND-LATE"}
    with ctx.uow() as uow:
        dsr.extend(uow, fresh.reference, "records in several systems")
        uow.commit()
    assert may_extend(fresh.reference) == ["QAYD-DSR-EXTEND-TWICE"]
    with ctx.uow() as uow:
        dsr.close(uow, fresh.reference, "withdrawn by phone", status="withdrawn")
        uow.commit()
    assert may_extend(fresh.reference) == ["QAYD-DSR-CLOSED", "QAYD-DSR-EXTEND-TWICE"]


def test_reading_the_requester_is_logged(ctx: Context, fatima: str) -> None:
    info = add(ctx, fatima)
    with ctx.uow(write=False) as uow:
        before = access_log.search(uow, fatima)
    with ctx.uow(write=False) as uow:
        dsr.list_requests(uow)  # a list shows no personal data
    with ctx.uow(write=False) as uow:
        assert access_log.search(uow, fatima) == before
        dsr.get_request(uow, info.reference)
    with ctx.uow(write=False) as uow:
        newest = access_log.search(uow, fatima)[0]
    assert newest.fields == ("gdpr_request.requester_json",) and newest.purpose == dsr.READ_PURPOSE
    assert newest.actor == ctx.actor and len(access_log.search(uow, fatima)) == len(before) + 1


def test_a_request_for_an_erased_subject_seals_with_its_own_key(ctx: Context, fatima: str) -> None:
    add(ctx, fatima)  # makes the subject's key
    with ctx.uow() as uow:  # what erasure does to the key: crypto-shredding
        uow.session.execute(update(m.SubjectKey).where(m.SubjectKey.subject == fatima).values(wrapped_key=None))
        uow.commit()
    info = add(ctx, fatima)
    last = entries(ctx)[-1]
    assert last["subject"] == fatima and last["payload"]["personal"]["subject"] == f"gdpr_request:{info.id}"
    with ctx.uow() as uow:
        dsr.verify_identity(uow, info.reference, "national id")
        dsr.close(uow, info.reference, "only the held invoices remain")
        uow.commit()


def test_find_subjects_by_every_identifier(ctx: Context, fatima: str) -> None:
    with ctx.uow() as uow:
        service.add_customer(uow, Customer(name="Harbi Trading", kind=CustomerKind.BUSINESS,
                                           vat_number="310000000000003"))
        uow.commit()
    with ctx.uow(write=False) as uow:
        def found(text: str) -> list[str]:
            return [s.display for s in find_subjects(uow, text)]

        assert found("fatima@EXAMPLE") == ["Fatima Al-Harbi — فاطمة الحربي"]
        assert found("الحربي") == ["Fatima Al-Harbi — فاطمة الحربي"]
        assert found("٠٥٥١٢٣٤٥٦٧") == ["Fatima Al-Harbi — فاطمة الحربي"]  # Arabic digits, leading 0
        assert found("055 123 4567") == ["Fatima Al-Harbi — فاطمة الحربي"]
        assert found("1012345678") == ["Fatima Al-Harbi — فاطمة الحربي"]
        assert found("310000000000003") == ["Harbi Trading"]
        assert found("harbi") == ["Fatima Al-Harbi — فاطمة الحربي", "Harbi Trading"]
        assert found(fatima) == ["Fatima Al-Harbi — فاطمة الحربي"]
        assert found("tester") == ["tester"]  # the staff user who opened the company
        assert found("100%") == [] and found("  ") == []
        match = find_subjects(uow, "tester")[0]
        assert match.kind == "user" and match.subject.startswith("user:")
        assert resolve_subject(uow, "fatima@example.sa") == fatima
        with pytest.raises(ValidationError):
            resolve_subject(uow, "harbi")  # two match
        with pytest.raises(ValidationError):
            resolve_subject(uow, "customer:00000000-0000-0000-0000-000000000009")
    with ctx.uow(write=False) as uow:
        logged = access_log.search(uow, fatima)
        assert logged and logged[0].purpose == SEARCH_PURPOSE and "customer.name" in logged[0].fields
        business = find_subjects(uow, "Harbi Trading")[0].subject
    with ctx.uow(write=False) as uow:
        assert access_log.search(uow, business) == []  # a company's name is not personal data


def test_restricted_customers_are_named_only_to_compliance(ctx: Context, fatima: str) -> None:
    with ctx.uow() as uow:
        uow.session.execute(update(m.Customer).where(m.Customer.id == FATIMA.id).values(restricted_at=NOW))
        uow.commit()
    with ctx.uow(write=False) as uow:
        shown = find_subjects(uow, "fatima")
    assert shown[0].restricted and shown[0].display.startswith("Fatima")  # the company's first user is admin
    with ctx.uow(write=False) as uow:
        assert access_log.search(uow, fatima)[0].restricted  # the read of a restricted record is marked
    ctx.actor_role = "clerk"
    with ctx.uow(write=False) as uow:
        assert find_subjects(uow, "fatima") == []  # a clerk's search does not reveal who is restricted
        by_reference = find_subjects(uow, fatima)
    assert by_reference[0].restricted and by_reference[0].display == roles.RESTRICTED


def test_subject_references_are_parsed_in_one_place() -> None:
    ident = "3f2c1a4e-0b6d-4c1e-9a57-1d2e3f405162"
    assert parse_subject(f" user:{ident} ") == ("user", uuid.UUID(ident))
    assert parse_subject(ident) is None  # a bare id is a search text here (customer or user)
    assert parse_subject(ident, bare_is_customer=True) == ("customer", uuid.UUID(ident))
    assert require_subject(ident) == ("customer", uuid.UUID(ident))  # as the access log reads it
    for text in ("someone", f"admin:{ident}", "customer:not-an-id", ""):
        assert parse_subject(text, bare_is_customer=True) is None
        with pytest.raises(NotFoundError, match="customer:<id>"):
            require_subject(text)
