"""`qayd incident start | status | end` through the real entry point: exit codes (2 without a reason, 6 for a second
one, 11 for a clerk, 14 for a held channel), the status in JSON, and the audit entries."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

from core.errors import IncidentHold
from tests.integration.conftest import Result


def db_file(env: dict[str, str]) -> Path:
    return Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite"


def test_incident_mode_from_the_command_line(run: Callable[..., Result], env: dict[str, str]) -> None:
    assert run("init", "--demo", "--drafts", "3").exit_code == 0
    assert "No incident" in run("incident", "status").stdout

    missing = run("incident", "start")
    assert missing.exit_code == 2 and "--reason" in missing.output
    blank = run("incident", "start", "--reason", "   ")
    assert blank.exit_code == 2 and "reason is required" in blank.output and "Traceback" not in blank.output

    started = run("incident", "start", "--reason", "SMTP password leaked", "--hold-sync-push")
    assert started.exit_code == 0, started.output
    assert "Held:" in started.stdout and "pushing changes to central" in started.stdout
    assert run("incident", "start", "--reason", "again").exit_code == 6

    shown = json.loads(run("incident", "status", "--json").stdout)
    assert shown["active"] and shown["incident"]["reason"] == "SMTP password leaked"
    assert shown["incident"]["holds"] == ["mail", "payments", "assistant", "sync_push"]
    assert "SMTP password leaked" in run("incident", "status").stdout

    held = run("mail", "flush")
    assert held.exit_code == IncidentHold.exit_code == 14 and "qayd incident end" in held.output

    with sqlite3.connect(db_file(env)) as conn:
        (body,) = conn.execute("SELECT body FROM audit_entry WHERE body LIKE '%incident.started%'").fetchone()
        conn.execute("UPDATE staff_user SET role = 'clerk'")
    assert '"chain"' in body and '"ok": true' in body.replace('":true', '": true')
    bundles = sorted(db_file(env).parent.glob("incident-*.zip"))  # the support bundle, beside the store
    assert len(bundles) == 1 and f'"bundle":"{bundles[0].name}"' in body.replace('": "', '":"'), body
    with zipfile.ZipFile(bundles[0]) as zf:
        assert "doctor.json" in zf.namelist() and not any(n.endswith(".db") for n in zf.namelist())
    assert run("incident", "end", "--reason", "a clerk tries").exit_code == 11
    with sqlite3.connect(db_file(env)) as conn:
        conn.execute("UPDATE staff_user SET role = 'admin'")

    ended = run("incident", "end", "--reason", "password changed, mail logs checked")
    assert ended.exit_code == 0 and "ended" in ended.stdout
    assert json.loads(run("incident", "status", "--json").stdout) == {"active": False, "incident": None}
    assert run("incident", "end", "--reason", "twice").exit_code == 5


def test_a_broken_chain_locks_issuing_until_an_admin_ends_the_incident(run: Callable[..., Result],
                                                                        env: dict[str, str]) -> None:
    assert run("init", "--demo", "--drafts", "22").exit_code == 0  # the demo issues 20 of them
    listed = json.loads(run("invoice", "list", "--status", "draft", "--json").stdout)
    draft = (listed["invoices"] if isinstance(listed, dict) else listed)[0]["number"]
    with sqlite3.connect(db_file(env)) as conn:
        conn.execute("DROP TRIGGER audit_entry_append_only_u")
        conn.execute("UPDATE audit_entry SET body = replace(body, '\"', '\"') || ' ' WHERE seq = 5")
    verified = run("audit", "verify")
    assert verified.exit_code == 1 and "Incident mode is on" in verified.stderr
    assert json.loads(run("incident", "status", "--json").stdout)["incident"]["automatic"] is True
    locked = run("invoice", "issue", draft)
    assert locked.exit_code == 14 and "issuing" in locked.output and "Traceback" not in locked.output
    assert run("incident", "end", "--reason", "restored from last night's backup").exit_code == 0
    assert run("invoice", "issue", draft).exit_code == 0
