"""Insights and personal data: names reach a person only through `shown_names` (the access log, the role gate, the
erased customer's pseudonym), and nothing an insights run stores or audits holds a personal value."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

import core.insights.checks as checks
from core.insights import list_findings, load_book, mark, pseudonym, run, shown_names
from core.privacy import access_log, erase_subject
from core.store import models as m
from core.uow import Context
from tests.insights import synth as gen
from tests.insights.store_writer import Personal, write_book
from tests.insights.test_service import PERIOD, planted_duplicates, probe

PURPOSE = "insights"


@pytest.fixture
def world(ctx: Context) -> Iterator[tuple[Context, gen.Synth, dict[str, Personal]]]:
    synth, _ = planted_duplicates(count=6)
    for person in [c for c in synth.customers if c.kind == "individual"][::3]:
        person.vat = gen._vat(synth.rng)  # an individual registered for VAT: the number is personal too
    yield ctx, synth, write_book(ctx, synth).personal


def _reads(ctx: Context, customer: str) -> list[access_log.AccessRecord]:
    with ctx.uow(write=False) as uow:
        return access_log.search(uow, f"customer:{customer}")


def _kind(synth: gen.Synth, kind: str) -> gen.Customer:
    return next(c for c in synth.customers if c.kind == kind)


def test_names_shown_for_insights_are_in_the_access_log_for_individuals_only(world) -> None:  # type: ignore[no-untyped-def]
    ctx, synth, _ = world
    person, company = _kind(synth, "individual"), _kind(synth, "business")
    with ctx.uow(write=False) as uow:
        shown = shown_names(uow, [person.id, company.id])
    assert shown[person.id].name == person.name and shown[company.id].name == company.name
    [read] = _reads(ctx, person.id)
    assert read.purpose == PURPOSE and read.actor == ctx.actor and "customer.name" in read.fields
    assert _reads(ctx, company.id) == []  # a business's name is not a person's data


def test_an_erased_customer_is_shown_by_its_pseudonym_never_its_old_name(world) -> None:  # type: ignore[no-untyped-def]
    ctx, synth, _ = world
    person = _kind(synth, "individual")
    erase_subject(ctx, f"customer:{person.id}")
    with ctx.uow(write=False) as uow:
        english = shown_names(uow, [person.id])[person.id]
        arabic = shown_names(uow, [person.id], language="ar")[person.id]
        book = load_book(uow, synth.start, synth.end)
    assert english.erased and english.name == pseudonym(person.id) and person.name not in english.name
    assert arabic.name == pseudonym(person.id, "ar") and person.name not in arabic.name
    assert book.customers[person.id].erased
    assert all(person.name not in d.buyer_name for d in book.docs)  # the held invoices' buyer is sealed
    assert not [r for r in _reads(ctx, person.id) if r.purpose == PURPOSE]


def test_a_restricted_customer_reads_as_restricted_to_a_clerk(world) -> None:  # type: ignore[no-untyped-def]
    ctx, synth, _ = world
    person = _kind(synth, "individual")
    with ctx.uow() as uow:
        uow.session.execute(update(m.Customer).where(m.Customer.id == uuid.UUID(person.id))
                            .values(restricted_at=datetime(2026, 11, 1, tzinfo=UTC)))
        uow.commit()
    ctx.actor_role = "clerk"
    with ctx.uow(write=False) as uow:
        shown = shown_names(uow, [person.id])[person.id]
    assert shown.restricted and shown.name == "(restricted)"
    assert _reads(ctx, person.id) == []  # nothing was read
    ctx.actor_role = "compliance"
    with ctx.uow(write=False) as uow:
        assert shown_names(uow, [person.id])[person.id].name == person.name
    [read] = _reads(ctx, person.id)
    assert read.restricted and read.purpose.startswith(PURPOSE)


def test_no_stored_finding_nor_audit_entry_of_insights_holds_a_personal_value(  # type: ignore[no-untyped-def]
        world, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, _, personal = world
    real = checks.check_of
    monkeypatch.setattr(checks, "CHECKS", {**checks.CHECKS, "probe": ("INS-DUP-AMOUNT",)})
    monkeypatch.setattr(checks, "check_of", lambda name: probe if name == "probe" else real(name))
    result = run(ctx, *PERIOD)
    named = {c for f in result.findings for c in f.customers}
    assert named <= set(personal) and named  # findings are about customers, by id
    mark(ctx, result.findings[0].key, "acknowledged", note="checked with the sales team")

    with ctx.uow(write=False) as uow:
        conn = uow.session.connection()
        stored = conn.exec_driver_sql("SELECT body FROM insight_finding").scalars().all()
        audited = conn.exec_driver_sql("SELECT body FROM audit_entry WHERE action IN ('insights.run', "
                                       "'insight.marked')").scalars().all()
        assert len(list_findings(uow)) == len(stored) == len(result.findings)
    assert len(audited) == 2
    values = {v for p in personal.values() for v in p.values()}
    values |= {p.phone.removeprefix("+") for p in personal.values()}
    assert any(p.vat for p in personal.values())
    text = "\n".join(stored + audited)
    assert any(json.loads(body)["customers"] for body in stored)  # the evidence names customers by id
    leaked = sorted(v for v in values if v in text)
    assert leaked == []
