"""A line's Arabic name in the store (migration 0011): old stores upgrade in place, keeping their lines and the
sync triggers; a row sent by a desk that has not upgraded yet takes the column's default instead of failing."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Connection

from core.store import database
from core.sync.outbox import decode_row
from core.sync.tables import TABLES

INVOICE = "00000000000000000000000000000001"
LINE = "00000000000000000000000000000002"
DEVICE = "00000000000000000000000000000003"
NOW = "2026-01-01T00:00:00+00:00"


def _insert(conn: Connection, table: str, values: dict[str, object]) -> None:
    """One row with `values`; every other required column of the table as it stands gets a plain filler."""
    for _cid, name, kind, notnull, default, _pk in conn.exec_driver_sql(f"PRAGMA table_info({table})"):
        if notnull and default is None and name not in values:
            values[name] = 0 if kind.upper() in ("INTEGER", "BOOLEAN") else "0"
    names = ", ".join(values)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(values))})",
                         tuple(values.values()))


def _old_store(path: Path) -> None:
    """A store as revision 0010 left it, with one draft of one line."""
    engine = database.make_engine(path)
    cfg = database._alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010")
        _insert(conn, "invoice", {"id": INVOICE, "version": 1, "created_at": NOW, "updated_at": NOW,
                                  "device_id": DEVICE, "number": "INV-1", "status": "draft", "kind": "standard",
                                  "type": "invoice", "issue_datetime": NOW, "currency": "SAR",
                                  "prepayments_json": "[]"})
        _insert(conn, "invoice_line", {"id": LINE, "invoice_id": INVOICE, "position": 1, "name": "Consulting",
                                       "quantity": "1", "unit_price": "100", "discount": "0", "vat_category": "S",
                                       "vat_rate": "15", "device_id": DEVICE})
    engine.dispose()


def test_an_old_store_upgrades_its_lines_in_place_and_keeps_noting_changes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _old_store(path)
    db = database.open_database(path)
    try:
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT name, name_ar FROM invoice_line").one() == ("Consulting", "")
            conn.exec_driver_sql("DELETE FROM sync_outbox")
            conn.exec_driver_sql(f"UPDATE invoice_line SET name_ar = 'استشارات' WHERE id = '{LINE}'")
            noted = conn.exec_driver_sql("SELECT entity, row_id FROM sync_outbox").all()
    finally:
        db.engine.dispose()
    assert [tuple(row) for row in noted] == [("invoice_line", LINE)]  # the triggers survived the new column


def test_a_line_sent_without_an_arabic_name_takes_the_default() -> None:
    spec = TABLES["invoice_line"]
    assert "name_ar" in spec.columns
    payload = {name: None for name in spec.columns if name != "name_ar"}
    assert decode_row(spec, payload)["name_ar"] == ""
    assert decode_row(spec, {**payload, "name_ar": "استشارات"})["name_ar"] == "استشارات"
