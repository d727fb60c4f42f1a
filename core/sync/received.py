"""Issued documents a pull brought from other desks, attested in this desk's own audit chain.

`qayd audit verify` holds every stored document to the hash the chain recorded (core.zatca.stored): at issue for a
document issued here (`invoice.issued`), and for one another desk issued, when the pull that brought it was applied
(`sync.documents_received`, in the same transaction). A document edited here after it arrived then fails verify.
"""

from __future__ import annotations

import uuid

from core.sync import outbox
from core.sync.outbox import raw
from core.uow import UnitOfWork

RECEIVED_ACTION = "sync.documents_received"  # the hashes of issued documents pulled from other desks
RECEIVED_PER_ENTRY = 500


def attest_received(uow: UnitOfWork, changes: list[outbox.Remote]) -> None:
    """Record in this desk's chain the hash of each issued document another desk's pull brought and this store took,
    as `invoice.issued` records a document issued here: `qayd audit verify` then holds the stored copy to it (a
    document edited here after it arrived fails). The issuing desk's own chain, held centrally, attests its origin."""
    sent = {c.row_id: str((c.payload or {}).get("invoice_hash")) for c in changes
            if c.entity == "issued_document" and c.op == "upsert" and c.payload}
    keys = list(sent)
    if not keys:
        return
    db = raw(uow)
    received: dict[str, dict[str, str]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        rows = db.execute(f"SELECT invoice_id, invoice_hash, device_id FROM issued_document WHERE invoice_id IN "  # nosec B608 # only '?' marks are joined in; the ids are parameters
                          f"({', '.join('?' * len(chunk))})", chunk).fetchall()
        for invoice_id, digest, device in rows:
            if sent.get(str(invoice_id)) != str(digest):
                continue  # this store kept another version (a conflict): not what was received
            received[str(uuid.UUID(str(invoice_id)))] = {"invoice_hash": str(digest),
                                                         "device": str(uuid.UUID(str(device)))}
    items = list(received.items())
    for start in range(0, len(items), RECEIVED_PER_ENTRY):  # entries of a bounded size, whatever the batch
        uow.audit.append(RECEIVED_ACTION, f"device:{uow.ctx.device_id}",
                         {"documents": dict(items[start:start + RECEIVED_PER_ENTRY])})
