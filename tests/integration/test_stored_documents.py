"""Stored documents are checked, not trusted: an issued document changed in the store file (as an attacker with the
sqlite3 tool would) is named by `qayd audit verify`, and export, print and QR read-back refuse it without writing."""

from __future__ import annotations

import base64
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from core.audit.service import verify_store
from core.company_settings import set_setting
from core.errors import Cancelled, TamperedDocumentError
from core.invoicing.demo import create_demo
from core.invoicing.service import get_company
from core.privacy import erasure
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.egs import demo_certificate
from core.zatca.hashing import parse_document, stamp_nodes
from core.zatca.issuing import issued_xml
from core.zatca.qr import is_simplified
from core.zatca.signing import SigningIdentity, stamp
from tests.integration.conftest import Result
from tests.support.privacy import Person, add_person

ISSUED = 8
Doc = tuple[str, int, bytes, str]  # number, ICV, XML, hash


@pytest.fixture
def books(ctx: Context) -> Context:
    create_demo(ctx, drafts=12)
    add_demo_egs(ctx, issue=ISSUED)
    return ctx


def documents(ctx: Context) -> list[Doc]:
    with sqlite3.connect(ctx.db.path) as conn:
        rows = conn.execute("SELECT i.number, d.icv, d.xml, d.invoice_hash FROM issued_document d JOIN invoice i "
                            "ON i.id = d.invoice_id ORDER BY d.icv").fetchall()
    return [(n, icv, bytes(xml), h) for n, icv, xml, h in rows]


def tamper(ctx: Context, *steps: str | Callable[[sqlite3.Connection], None]) -> None:
    """Edit the file as an attacker would: drop the triggers that refuse it, then write with sqlite3."""
    ctx.db.dispose()
    conn = sqlite3.connect(ctx.db.path)
    for trigger in ("issued_document_immutable", "issued_document_no_delete", "egs_counter_never_goes_back"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for step in steps:
        step(conn) if callable(step) else conn.execute(step)
    conn.commit()
    conn.close()


def set_xml(number: str, xml: bytes, **columns: str) -> Callable[[sqlite3.Connection], None]:
    sets = ", ".join(["xml = ?", *(f"{c} = ?" for c in columns)])

    def step(conn: sqlite3.Connection) -> None:
        conn.execute(f"UPDATE issued_document SET {sets} WHERE invoice_id = (SELECT id FROM invoice WHERE number = ?)",
                     (xml, *columns.values(), number))
    return step


def broken(ctx: Context) -> dict[str, str]:
    report = verify_store(ctx)
    assert report.documents is not None and not report.ok
    assert report.chain_ok  # the audit chain itself was not touched: only the documents
    return {d.number: "; ".join(d.problems) for d in report.documents.broken}


def one_character_changed(xml: bytes) -> bytes:
    """The payable amount's first digit changed, in place: one character of the signed document."""
    start = xml.index(b"<cbc:PayableAmount")
    at = xml.index(b">", start) + 1
    digit = xml[at:at + 1]
    return xml[:at] + (b"9" if digit != b"9" else b"8") + xml[at + 1:]


def refused_everywhere(run: Callable[..., Result], number: str, tmp_path: Path) -> None:
    """Export (XML and PDF), batch print and QR read-back refuse the document and write nothing."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    for args in (["invoice", "export", number, "--xml", str(out / "x.xml"), "--uncleared"],
                 ["invoice", "export", number, "--pdf", str(out / "x.pdf"), "--uncleared"],
                 ["invoice", "qr", number]):
        result = run(*args)
        assert result.exit_code == TamperedDocumentError.exit_code == 8, (args, result.output)
        assert number in result.output and "does not verify" in result.output and "Traceback" not in result.output
    printed = run("invoice", "print", number, "--dir", str(out / "batch"))
    assert printed.exit_code == 8 and f"REFUSED {number}" in printed.output
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == []


def test_intact_documents_verify_and_are_counted(books: Context, run: Callable[..., Result]) -> None:
    report = verify_store(books)
    assert report.ok and report.documents is not None
    assert (report.documents.documents, report.documents.units, report.documents.broken) == (ISSUED, 1, ())
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"Issued documents: {ISSUED} in 1 EGS unit(s)" in result.output and "all intact" in result.output


def test_one_character_in_an_amount_is_named_and_refused(books: Context, run: Callable[..., Result],
                                                        tmp_path: Path) -> None:
    number, icv, xml, _h = documents(books)[3]
    tamper(books, set_xml(number, one_character_changed(xml)))
    problems = broken(books)
    assert list(problems) == [number]
    assert "the XML was changed" in problems[number] and "invoice was changed after it was signed" in problems[number]
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN {number} (unit" in result.output and f"ICV {icv})" in result.output
    refused_everywhere(run, number, tmp_path)


def test_an_edit_with_sqls_replace_which_stores_text_is_named_not_a_crash(books: Context, run: Callable[..., Result],
                                                                          tmp_path: Path) -> None:
    """SQLite's replace() on a BLOB returns TEXT: the column then holds text where the XML's bytes were."""
    number, icv, _xml, _h = documents(books)[4]
    tamper(books, "UPDATE issued_document SET xml = replace(xml, CAST('<cbc:PayableAmount currencyID=\"SAR\">' AS "
                  "BLOB), CAST('<cbc:PayableAmount currencyID=\"SAR\">1' AS BLOB)), icv = 'five' WHERE invoice_id = "
                  f"(SELECT id FROM invoice WHERE number = '{number}')")
    with sqlite3.connect(books.db.path) as conn:
        assert conn.execute("SELECT count(*) FROM issued_document WHERE typeof(xml) = 'text'").fetchone()[0] == 1
    assert "the XML was changed" in broken(books)[number]
    result = run("audit", "verify")
    assert result.exit_code == 1 and f"BROKEN {number}" in result.output and "NOT INTACT" in result.output
    refused_everywhere(run, number, tmp_path)
    assert icv == 5


def forged(xml: bytes, company_now: datetime, books: Context) -> tuple[bytes, str, str]:
    """The document with a changed amount, re-signed by a forger's own key and certificate: self-consistent."""
    root = parse_document(xml)
    for node in stamp_nodes(root):  # remove the stamp, keeping the whitespace after it (ALGORITHM.md §1)
        previous, parent = node.getprevious(), node.getparent()
        assert parent is not None
        if previous is not None:
            previous.tail = (previous.tail or "") + (node.tail or "")
        else:
            parent.text = (parent.text or "") + (node.tail or "")
        parent.remove(node)
    payable = root.find(".//{*}LegalMonetaryTotal/{*}PayableAmount")
    assert payable is not None
    payable.text = "1.00"
    secret = os.urandom(32)
    with books.uow(write=False) as uow:
        cert = demo_certificate(secret, get_company(uow), company_now)
    from cryptography.hazmat.primitives.serialization import Encoding

    identity = SigningIdentity(private_key=secret, certificate_b64=base64.b64encode(cert.public_bytes(Encoding.DER))
                               .decode())
    stamped = stamp(root, identity, signing_time=company_now, simplified=bool(is_simplified(root)))
    return stamped.xml, stamped.invoice_hash, stamped.qr


def test_a_document_re_signed_with_another_key_is_named(books: Context, run: Callable[..., Result],
                                                       tmp_path: Path) -> None:
    docs = documents(books)
    number, icv, xml, _h = docs[2]
    xml2, digest, qr = forged(xml, datetime(2026, 11, 25, 10, tzinfo=UTC), books)
    from core.zatca.verify import verify_stamp

    assert verify_stamp(xml2) == []  # on its own, the forgery is a perfectly stamped document
    tamper(books, set_xml(number, xml2, invoice_hash=digest, qr=qr))
    problems = broken(books)
    assert "the audit chain recorded" in problems[number] and "certificate" in problems[number]
    assert "PIH" in problems[docs[3][0]]  # the next document is no longer chained to it
    result = run("audit", "verify")
    assert result.exit_code == 1 and f"BROKEN {number} (unit" in result.output and f"ICV {icv})" in result.output
    with books.uow(write=False) as uow:  # row and XML agree, so only the chain and the audit record can tell
        assert issued_xml(uow, number)[0] == xml2


def test_two_documents_swapped_are_both_named(books: Context, run: Callable[..., Result], tmp_path: Path) -> None:
    docs = documents(books)
    (a, _, xa, _), (b, _, xb, _) = docs[1], docs[5]
    tamper(books, set_xml(a, xb), set_xml(b, xa))
    problems = broken(books)
    assert set(problems) == {a, b}
    assert all("ICV" in p and "UUID" in p for p in problems.values())
    refused_everywhere(run, a, tmp_path)


@pytest.mark.parametrize("which", [3, -1], ids=["middle", "last"])
def test_a_deleted_document_is_named(books: Context, run: Callable[..., Result], which: int) -> None:
    docs = documents(books)
    number = docs[which][0]
    tamper(books, f"DELETE FROM issued_document WHERE invoice_id = (SELECT id FROM invoice WHERE number = '{number}')")
    problems = broken(books)
    assert any("signed XML is gone" in p for n, p in problems.items() if n == number)
    if which == -1:
        assert "documents were deleted" in problems["(unit)"]
    else:
        assert f"ICV {docs[which][1]} is missing" in problems[docs[which + 1][0]]
    assert run("audit", "verify").exit_code == 1


def test_a_changed_pih_is_named(books: Context) -> None:
    docs = documents(books)
    number = docs[4][0]
    tamper(books, f"UPDATE issued_document SET pih = '{docs[2][3]}' WHERE invoice_id = "
                  f"(SELECT id FROM invoice WHERE number = '{number}')")
    problems = broken(books)
    assert list(problems) == [number]
    assert "PIH" in problems[number] and "not the hash of the unit's previous document" in problems[number]


def test_phase_1_documents_are_checked_too(ctx: Context) -> None:
    create_demo(ctx, drafts=6)
    with ctx.uow() as uow:
        set_setting(uow, "zatca.phase", 1)
        uow.commit()
    add_demo_egs(ctx, issue=4)
    assert verify_store(ctx).ok
    number, _icv, xml, _h = documents(ctx)[1]
    tamper(ctx, set_xml(number, one_character_changed(xml)))
    assert "the XML was changed" in broken(ctx)[number]


def test_sealed_documents_are_checked_as_far_as_the_role_allows(ctx: Context) -> None:
    person: Person = add_person(ctx)
    erasure.erase(ctx, person.subject)
    report = verify_store(ctx)  # the admin opens the sealed XML (each read logged) and verifies it
    assert report.ok and report.documents is not None and report.documents.notes == ()
    ctx.actor_role = "clerk"
    clerk = verify_store(ctx)
    assert clerk.ok and clerk.documents is not None
    assert any("sealed" in n and "cannot be opened by your role" in n for n in clerk.documents.notes)
    ctx.actor_role = "admin"
    # a sealed document cut out of its unit's chain is still seen by a clerk: the chain needs no XML
    tamper(ctx, f"DELETE FROM issued_document WHERE invoice_id = (SELECT id FROM invoice WHERE number = "
                f"'{person.issued[0]}')")
    ctx.actor_role = "clerk"
    assert not verify_store(ctx).ok


def test_a_changed_row_qr_is_refused_by_qr_read_back(books: Context, run: Callable[..., Result]) -> None:
    number = documents(books)[0][0]
    other = etree.fromstring(documents(books)[1][2])
    qr = other.findtext(".//{*}AdditionalDocumentReference[{*}ID='QR']//{*}EmbeddedDocumentBinaryObject")
    assert qr
    tamper(books, f"UPDATE issued_document SET qr = '{qr}' WHERE invoice_id = (SELECT id FROM invoice WHERE number = "
                  f"'{number}')")
    assert "QR" in broken(books)[number]
    result = run("invoice", "qr", number)
    assert result.exit_code == 8 and "does not verify" in result.output


def test_document_verification_reports_progress_and_can_be_cancelled(books: Context,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from core.zatca import stored

    monkeypatch.setattr(stored, "PROGRESS_EVERY", 2)
    seen: list[float] = []
    done = stored.verify_documents(books, progress=lambda f, _m: seen.append(f))
    # reports at a bounded rate (core.progress), growing, the last one 1.0
    assert done.ok and seen == sorted(seen) and 0 < seen[0] < 1 and seen[-1] == 1.0 and len(seen) <= ISSUED // 2 + 1
    asked = iter([False, True])
    with pytest.raises(Cancelled) as stopped:  # the one cancellation: no report that could pass for a verdict
        stored.verify_documents(books, cancelled=lambda: next(asked))
    assert stopped.value.what == f"2 of {ISSUED} issued documents verified"  # checked before the 1st and the 3rd
    calls = iter([False, True])  # a cancel while the documents are checked stops the whole verification
    with pytest.raises(Cancelled):
        verify_store(books, cancelled=lambda: next(calls, True))


def test_every_problem_found_has_its_arabic(books: Context) -> None:
    """The Arabic audit report says what failed in Arabic: each kind of problem these attacks produce has its text."""
    from core.zatca.stored import OTHER_PROBLEM_AR, problem_ar

    docs = documents(books)
    xml2, digest, qr = forged(docs[2][2], datetime(2026, 11, 25, 10, tzinfo=UTC), books)
    tamper(books, set_xml(docs[2][0], xml2, invoice_hash=digest, qr=qr),  # re-signed with another key
           set_xml(docs[1][0], docs[5][2]), set_xml(docs[5][0], docs[1][2]),  # swapped
           set_xml(docs[3][0], one_character_changed(docs[3][2])),  # an amount changed
           f"DELETE FROM issued_document WHERE invoice_id = (SELECT id FROM invoice WHERE number = '{docs[-1][0]}')")
    report = verify_store(books)
    assert report.documents is not None
    problems = [p for d in report.documents.broken for p in d.problems]
    assert len(problems) >= 8
    untranslated = [p for p in problems if problem_ar(p) == OTHER_PROBLEM_AR]
    assert untranslated == []
