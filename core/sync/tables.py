"""Which local tables travel to the central database, and the triggers that note their changes in the outbox.

A change is noted, not copied: the outbox holds one pending entry per changed row (entity, row id, the version the
row had before its first unsent change, and a generation that grows with each further change). The row's state is
read when it is pushed, so ten edits offline travel as one. Triggers see every write path (the ORM, the bulk
writers on the raw driver) in the same transaction as the write itself.

The company profile and the company-wide settings synchronise like any other row (store migration 0010); a store
holds one company, so a desk whose profile was typed separately before it joined (another company id) neither sends
nor takes it (core.sync.engine).

Not synchronised, on purpose: staff users (people are central logins), secrets and key material, subject keys,
retention holds and erasure certificates (they stay on the install that did the erasure), the audit chain (it
travels on its own, entry by entry: see `core.sync.engine.push_audit`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import LargeBinary

from core.store.models import Base


@dataclass(frozen=True, slots=True)
class Synced:
    """A synchronised table: its primary key, whether rows carry a `version`, and its columns (blobs marked)."""

    name: str
    key: str
    versioned: bool
    columns: tuple[str, ...]
    blobs: frozenset[str]


# Parents before children: a fresh install applies changes in this order when it must.
NAMES = ("device", "company", "setting", "customer", "product", "egs_unit", "invoice", "invoice_line",
         "invoice_allowance_charge", "issued_document", "zatca_submission", "gdpr_request",
         # payments (store migration 0013): after the invoices they settle, refunds after their payments
         "payment_link", "payment", "payment_refund",
         # incident mode (store migration 0014): every desk that pulls holds what the incident holds
         "incident",
         # insights (store migration 0015): a person's mark on a finding counts on every desk
         "insight_mark")


def _spec(name: str) -> Synced:
    table = Base.metadata.tables[name]
    key = next(iter(table.primary_key.columns)).name
    columns = tuple(c.name for c in table.columns if not c.computed)
    blobs = frozenset(c.name for c in table.columns if isinstance(c.type, LargeBinary))
    return Synced(name, key, "version" in table.columns, columns, blobs)


TABLES: dict[str, Synced] = {name: _spec(name) for name in NAMES}


def _foreign_keys(name: str) -> dict[str, tuple[str, str]]:
    return {fk.parent.name: (fk.column.table.name, fk.column.name)
            for fk in Base.metadata.tables[name].foreign_keys}


# Each synchronised table's foreign keys: column -> (parent table, parent key).
FOREIGN_KEYS: dict[str, dict[str, tuple[str, str]]] = {name: _foreign_keys(name) for name in NAMES}


def trigger_sql(name: str, key: str, versioned: bool) -> list[str]:
    """The three triggers that note inserts, updates and deletes of table `name`'s rows (unless a pull is
    applying). Plain values, not a `Synced`: a migration passes the table list as it stood at that revision."""
    base_new = "NULL"
    base_old = "OLD.version" if versioned else "NULL"
    quiet = "(SELECT active FROM sync_apply) = 0"
    note = ("INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('{entity}', {row}, '{op}', "
            "{base}, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op")
    statements = []
    for event, row, op, base in (("INSERT", "NEW", "upsert", base_new), ("UPDATE", "NEW", "upsert", base_old),
                                 ("DELETE", "OLD", "delete", base_old)):
        body = note.format(entity=name, row=f"{row}.{key}", op=op, base=base)
        statements.append(f"CREATE TRIGGER sync_{name}_{event.lower()} AFTER {event} ON {name} "
                          f"WHEN {quiet} BEGIN {body}; END")
    return statements
