"""The invoice list's query: every filter, every sort both ways with a stable tiebreak, counting and paging."""

from __future__ import annotations

import base64
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from core.bootstrap import open_company
from core.config import load_settings
from core.invoicing import browse, service
from core.invoicing.browse import BrowseFilter, BrowseSort, InvoiceRow
from core.invoicing.demo import create_demo
from core.store import models as m
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.queue import submission_row
from tests.conftest import StepClock

KSA = timezone(timedelta(hours=3))


def make_books(folder: Path) -> Context:
    """150 drafts, the 12 oldest issued and queued for ZATCA; one queue item done and two rejected."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {"QAYD_DATA_DIR": str(folder / "data"), "QAYD_COMPANY": "browse", "QAYD_MASTER_KEY_SOURCE": "env",
           "QAYD_MASTER_KEY": base64.b64encode(b"b" * 32).decode()}
    (folder / "empty.toml").write_text("", "utf-8")
    settings = load_settings(environ=env, config_file=folder / "empty.toml")
    ctx = open_company(settings, create=True, environ=env, clock=StepClock(), username="tester")
    create_demo(ctx, drafts=150)
    add_demo_egs(ctx, issue=12)  # the demo unit signs offline and queues nothing: queue them as a real unit would
    with ctx.uow() as uow:
        unit = uow.session.scalars(select(m.EgsUnit.id)).one()
        issued = uow.session.execute(select(m.Invoice.id, m.Invoice.issue_datetime, m.Invoice.kind)
                                     .where(m.Invoice.status == "issued")).all()
        uow.session.execute(insert(m.ZatcaSubmission.__table__), [
            submission_row(invoice_id=i, egs_unit_id=unit, kind="clearance" if kind == "standard" else "reporting",
                           issued_at=at, now=uow.now(), device_id=ctx.device_id) for i, at, kind in issued])
        uow.commit()
    with sqlite3.connect(ctx.db.path) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM zatca_submission ORDER BY created_at LIMIT 3")]
        conn.execute("UPDATE zatca_submission SET state = 'done' WHERE id = ?", (ids[0],))
        conn.execute("UPDATE zatca_submission SET state = 'rejected' WHERE id IN (?, ?)", (ids[1], ids[2]))
    return ctx


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """Shared by the tests that only read."""
    ctx = make_books(tmp_path_factory.mktemp("browse"))
    yield ctx
    ctx.close()


@pytest.fixture
def own_books(tmp_path: Path) -> Iterator[Context]:
    """For a test that writes."""
    ctx = make_books(tmp_path / "own")
    yield ctx
    ctx.close()


def everything(ctx: Context) -> list[InvoiceRow]:
    with ctx.uow(write=False) as uow:
        return browse.page(uow, limit=10_000)


def selected(ctx: Context, f: BrowseFilter, sort: BrowseSort | None = None) -> tuple[list[str], int]:
    sort = sort or BrowseSort()
    with ctx.uow(write=False) as uow:
        return browse.keys(uow, f, sort), browse.count(uow, f)


def test_the_rows_carry_what_the_list_shows(books: Context) -> None:
    rows = everything(books)
    assert len(rows) == 150
    assert {r.status for r in rows} == {"draft", "issued"}
    assert sum(r.status == "issued" for r in rows) == 12
    assert sorted(r.zatca_state for r in rows if r.status == "issued") == ["done"] + ["pending"] * 9 + ["rejected"] * 2
    assert all(r.zatca_state == "none" for r in rows if r.status == "draft")
    with books.uow(write=False) as uow:
        stored = service.get_invoice(uow, rows[0].number)
    assert rows[0].payable == stored.totals.payable and isinstance(rows[0].payable, Decimal)
    assert rows[0].tax_total == stored.totals.tax_total
    assert rows[0].issue_datetime.tzinfo is not None
    named = [r for r in rows if r.customer_name]
    assert named and any(r.customer_name_ar for r in named)


@pytest.mark.parametrize(("f", "keep"), [
    (BrowseFilter(status="issued"), lambda r: r.status == "issued"),
    (BrowseFilter(status="draft"), lambda r: r.status == "draft"),
    (BrowseFilter(kind="simplified"), lambda r: r.kind == "simplified"),
    (BrowseFilter(type="credit_note"), lambda r: r.type == "credit_note"),
    (BrowseFilter(zatca_state="none"), lambda r: r.zatca_state == "none"),
    (BrowseFilter(zatca_state="pending"), lambda r: r.zatca_state == "pending"),
    (BrowseFilter(zatca_state="done"), lambda r: r.zatca_state == "done"),
    (BrowseFilter(zatca_state="rejected"), lambda r: r.zatca_state == "rejected"),
    (BrowseFilter(search="-0001"), lambda r: "-0001" in r.number),
    (BrowseFilter(search="gulf tech"), lambda r: "gulf tech" in r.customer_name.lower()),
    (BrowseFilter(search="الخليج"), lambda r: "الخليج" in r.customer_name_ar),
    (BrowseFilter(status="draft", kind="standard", zatca_state="none"),
     lambda r: r.status == "draft" and r.kind == "standard"),
], ids=lambda v: repr(v)[:60] if isinstance(v, BrowseFilter) else "")
def test_each_filter_selects_exactly_its_rows(books: Context, f: BrowseFilter, keep) -> None:  # type: ignore[no-untyped-def]
    expected = {r.key for r in everything(books) if keep(r)}
    keys, count = selected(books, f)
    assert expected, "the demo data must exercise this filter"
    assert set(keys) == expected and count == len(expected) == len(keys)


def test_customer_filter(books: Context) -> None:
    rows = everything(books)
    with books.uow(write=False) as uow:
        customer = service.get_customer(uow, "Gulf Tech Co.")
    keys, count = selected(books, BrowseFilter(customer_id=customer.id))
    assert count > 0 and set(keys) == {r.key for r in rows if r.customer_name == "Gulf Tech Co."}


def test_search_treats_wildcards_as_text(books: Context) -> None:
    assert selected(books, BrowseFilter(search="%")) == ([], 0)
    assert selected(books, BrowseFilter(search="_")) == ([], 0)
    assert selected(books, BrowseFilter(search="   ")) == selected(books, BrowseFilter())


def test_period_compares_instants_whatever_the_offset(own_books: Context) -> None:
    books = own_books
    with books.uow() as uow:
        template = service.get_invoice(uow, everything(books)[0].number).draft
        edge_utc = datetime(2026, 11, 1, 21, 30, tzinfo=UTC)  # 2 Nov 00:30 in Riyadh
        service.import_drafts(uow, [
            replace(template, id=uuid.UUID(int=1), number="EDGE-UTC", issue_datetime=edge_utc),
            replace(template, id=uuid.UUID(int=2), number="EDGE-KSA",
                    issue_datetime=datetime(2026, 11, 1, 23, 59, tzinfo=KSA)),
        ])
        uow.commit()
    november_2 = BrowseFilter(issued_from=datetime(2026, 11, 2, tzinfo=KSA),
                              issued_to=datetime(2026, 11, 3, tzinfo=KSA))
    keys, _ = selected(books, november_2, BrowseSort("number"))
    with books.uow(write=False) as uow:
        numbers = [r.number for r in browse.rows(uow, keys)]
    assert "EDGE-UTC" in numbers and "EDGE-KSA" not in numbers
    assert all(datetime(2026, 11, 2, tzinfo=KSA) <= r.issue_datetime < datetime(2026, 11, 3, tzinfo=KSA)
               for r in everything(books) if r.number in numbers)
    with pytest.raises(ValueError, match="timezone-aware"):
        selected(books, BrowseFilter(issued_from=datetime(2026, 11, 2)))


def _value(row: InvoiceRow, column: str) -> object:
    if column == "customer":
        return row.customer_name
    if column == "issue_datetime":
        return row.issue_datetime.astimezone(UTC)
    return getattr(row, column)


@pytest.mark.parametrize("column", browse.SORT_COLUMNS)
def test_every_column_sorts_both_ways_with_the_number_as_tiebreak(books: Context, column: str) -> None:
    rows = everything(books)
    ascending = [r.key for r in sorted(rows, key=lambda r: (_value(r, column), r.number))]
    up, _ = selected(books, BrowseFilter(), BrowseSort(column, descending=False))
    down, _ = selected(books, BrowseFilter(), BrowseSort(column, descending=True))
    assert up == ascending
    assert down == list(reversed(ascending))


def test_unknown_sort_column_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sort by"):
        BrowseSort("buyer_json")


def test_pages_and_keys_agree(books: Context) -> None:
    f, order = BrowseFilter(status="draft"), BrowseSort("payable", descending=True)
    with books.uow(write=False) as uow:
        keys = browse.keys(uow, f, order)
        pages = [browse.page(uow, f, order, offset=offset, limit=7) for offset in range(0, len(keys) + 7, 7)]
        by_key = browse.rows(uow, keys)
        shuffled = browse.rows(uow, [keys[5], "0" * 32, keys[1]])
    flat = [r for p in pages for r in p]
    assert [r.key for r in flat] == keys == [r.key for r in by_key]
    assert [len(p) for p in pages[:-2]] == [7] * (len(pages) - 2) and pages[-1] == []
    assert [r.key for r in shuffled] == [keys[5], keys[1]]  # the order given; an unknown key is left out
    with books.uow(write=False) as uow, pytest.raises(ValueError):
        browse.page(uow, offset=-1)


def test_tombstoned_documents_are_not_listed(own_books: Context) -> None:
    books = own_books
    victim = next(r for r in everything(books) if r.status == "draft")  # issued ones cannot change (a trigger)
    with sqlite3.connect(books.db.path) as conn:
        conn.execute("UPDATE invoice SET deleted_at = '2026-11-25T08:00:00+00:00' WHERE number = ?", (victim.number,))
    keys, count = selected(books, BrowseFilter())
    assert victim.key not in keys and count == 149


def test_the_lists_names_for_kinds_and_types_are_the_models() -> None:
    """`qayd invoice list --kind/--type` offer browse's names (so the list loads no model): they are the enums'."""
    from core.invoicing import DocumentKind, DocumentType

    assert tuple(k.value for k in DocumentKind) == browse.KINDS
    assert tuple(t.value for t in DocumentType) == browse.TYPES
