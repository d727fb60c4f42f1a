"""The loader's oracle: a generated book written into a real store and read back by `load_book` is the same book."""

from __future__ import annotations

import time
from dataclasses import fields
from datetime import date, timedelta

from core.audit import verify_store
from core.insights import load_book
from core.uow import Context
from tests.insights import synth as gen
from tests.insights.store_writer import write_book

DOC_FIELDS = [f.name for f in fields(gen.Doc) if f.name != "lines"]


def test_load_book_gives_back_every_document_of_the_generated_book_field_by_field(ctx: Context) -> None:
    synth = gen.clean(2_000, seed=5)
    for doc in synth.docs[::97]:  # issued on another desk, its issue entry not (yet) in this chain
        doc.recorded = None
    book = synth.book()
    began = time.perf_counter()
    written = write_book(ctx, synth)
    assert time.perf_counter() - began < 10  # 2,000 documents; the 100,000 of the benchmark in about a minute
    assert written.documents == len(book.docs) > 1_900
    with ctx.uow(write=False) as uow:
        loaded = load_book(uow, book.start, book.end)

    assert [d.id for d in loaded.docs] == [d.id for d in book.docs]  # the same documents, in the same order
    for want, got in zip(book.docs, loaded.docs, strict=True):
        if want.recorded is None:  # then: when the desk stamped it, by the desk
            assert (got.recorded, got.user) == (want.issued, f"desk:{str(ctx.device_id)[:8]}"), want.number
            want.recorded, want.user = want.issued, got.user
        for name in DOC_FIELDS:
            assert getattr(got, name) == getattr(want, name), (name, want.number)
        assert got.lines == want.lines, want.number
        assert got.issued.utcoffset() == want.issued.utcoffset()  # shown in Riyadh time
    assert sorted(loaded.payments, key=lambda p: p.invoice) == sorted(book.payments, key=lambda p: p.invoice)
    assert loaded.customers == book.customers

    with ctx.uow(write=False) as uow:  # a month and three months of history: nothing before, nothing after
        june = load_book(uow, date(2026, 6, 1), date(2026, 6, 30), history_months=3)
    first = date(2026, 6, 1) - timedelta(days=round(3 * 30.44))
    assert {d.id for d in june.docs} == {d.id for d in book.docs if first <= d.day <= date(2026, 6, 30)}
    assert {d.id for d in june.period_docs()} == {d.id for d in book.docs if d.day.strftime("%Y-%m") == "2026-06"}


def test_the_issue_entries_are_each_documents_issuer_at_its_moment_and_the_chain_verifies(ctx: Context) -> None:
    synth = gen.clean(300, seed=8)
    write_book(ctx, synth)
    with ctx.uow(write=False) as uow:
        rows = uow.session.connection().exec_driver_sql(
            "SELECT subject, actor, at FROM audit_entry WHERE action = 'invoice.issued' ORDER BY seq").all()
    by_id = {d.id: d for d in synth.docs}
    assert len(rows) == len(synth.docs)
    assert {actor for _, actor, _ in rows} == set(synth.users)
    for subject, actor, _ in rows:
        assert by_id[subject.removeprefix("invoice:")].user == actor
    assert [at for *_, at in rows] == sorted(at for *_, at in rows)  # appended in the order they were recorded
    report = verify_store(ctx, documents=False)
    assert report.ok, report
