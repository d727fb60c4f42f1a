"""The demo company issues signed documents offline: ICV without gaps, the PIH chain, valid stamps and QR codes."""

from __future__ import annotations

import itertools
import sqlite3

from lxml import etree

from core.invoicing.demo import create_demo
from core.uow import Context
from core.zatca.demo import add_demo_egs
from core.zatca.hashing import FIRST_PIH, invoice_hash
from core.zatca.qr import decode_tlv
from core.zatca.verify import verify_stamp
from tests.support.schematron import official_xsd, run_schematron

CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


def test_demo_issues_a_valid_unbroken_chain(ctx: Context) -> None:
    create_demo(ctx, drafts=30)
    add_demo_egs(ctx, issue=12)
    with sqlite3.connect(ctx.db.path) as conn:
        docs = conn.execute("SELECT d.icv, d.pih, d.invoice_hash, d.xml, d.qr, i.kind FROM issued_document d "
                            "JOIN invoice i ON i.id = d.invoice_id ORDER BY d.icv").fetchall()
        queued = conn.execute("SELECT count(*) FROM zatca_submission").fetchone()[0]
    assert [d[0] for d in docs] == list(range(1, 13))
    assert docs[0][1] == FIRST_PIH
    for before, doc in itertools.pairwise(docs):
        assert doc[1] == before[2]  # each PIH is the previous document's hash
    for icv, _pih, digest, xml, qr, kind in docs:
        data = bytes(xml)
        assert invoice_hash(data) == digest
        assert verify_stamp(data) == [], icv
        assert official_xsd().validate(etree.fromstring(data)), icv
        errors = [a for a in run_schematron(data) if a.is_error]
        assert errors == [], (icv, errors)
        tags = decode_tlv(qr)
        assert sorted(tags) == (list(range(1, 10)) if kind == "simplified" else list(range(1, 9)))
        assert tags[6].decode() == digest
    assert queued == 0  # a demo unit's documents are never submitted
