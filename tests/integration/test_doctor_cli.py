"""`qayd doctor`, `qayd status` and the Prometheus textfile, run through the real entry point on a demo company."""

from __future__ import annotations

import json
import sqlite3
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.health import CheckResult, Report, Status, write_textfile
from tests.fatoora.server import FakeFatoora


@pytest.fixture
def portal(env: dict[str, str]) -> Iterator[FakeFatoora]:
    with FakeFatoora() as fake:
        env["QAYD_ZATCA_BASE_URL"] = fake.base_url  # the clock check reads this local portal's Date header
        yield fake


def metrics(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the textfile, read back by prometheus_client's own parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(path.read_text("utf-8")) for s in family.samples}


def test_doctor_status_and_the_textfile_on_the_demo_company(run, env, portal, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo").exit_code == 0

    started = time.perf_counter()
    doctor = run("doctor")
    assert time.perf_counter() - started < 5.0  # issue 16: under 5 s on the demo company without --deep
    assert doctor.exit_code == 0, doctor.output
    assert "audit.chain" in doctor.stdout and "0 failure(s)" in doctor.stdout

    report = json.loads(run("doctor", "--json").stdout)
    assert report["worst"] in ("ok", "warn") and {c["status"] for c in report["checks"]} <= {"ok", "warn"}
    assert {"store.integrity", "audit.chain", "clock.skew", "zatca.certificates"} <= {c["id"] for c in report["checks"]}
    assert run("status").stdout.strip() == "All clear."
    deep = run("doctor", "--deep", "--offline")  # every entry and every issued document's stamp
    assert deep.exit_code == 0 and "(deep)" in deep.stdout and "clock.skew" not in deep.stdout

    textfile = tmp_path / "node" / "qayd.prom"
    run("zatca", "submit", "--metrics-file", str(textfile))
    samples = metrics(textfile)
    assert samples[("qayd_check_status", (("check", "audit.chain"),))] == 0
    assert samples[("qayd_check_figure", (("check", "zatca.certificates"), ("figure", "units")))] == 1
    assert abs(samples[("qayd_check_timestamp_seconds", ())] - time.time()) < 60

    db = Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite"
    with sqlite3.connect(db) as conn:  # cut the chain's tail, as someone with the sqlite3 tool would
        conn.execute("DROP TRIGGER audit_entry_append_only_d")
        conn.execute("DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
    broken = run("doctor")
    assert broken.exit_code == 1
    assert any(line.startswith("audit.chain") and "FAIL" in line for line in broken.stdout.splitlines())
    status = run("status")
    assert status.exit_code == 0  # status reports; doctor is the one that fails
    assert "FAIL audit.chain: " in status.stdout
    assert "audit-chain-broken.md)" in status.stdout and "(runbook: " in status.stdout
    assert json.loads(run("status", "--json").stdout)["alerts"][0]["id"] == "audit.chain"


def test_the_textfile_is_written_whole_readable_by_the_collector_and_escaped(tmp_path: Path) -> None:
    report = Report((CheckResult("store.wal", "WAL", Status.WARN, "big", figures={"wal_mb": 300.5}),
                     CheckResult('odd"check\\', "x", Status.FAIL, "x")), datetime(2026, 12, 8, tzinfo=UTC))
    path = write_textfile(report, tmp_path / "qayd.prom")
    samples = metrics(path)
    assert samples[("qayd_check_status", (("check", "store.wal"),))] == 1
    assert samples[("qayd_check_status", (("check", 'odd"check\\'),))] == 2
    assert samples[("qayd_check_figure", (("check", "store.wal"), ("figure", "wal_mb")))] == 300.5
    assert samples[("qayd_check_timestamp_seconds", ())] == report.started_at.timestamp()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["qayd.prom"]  # no temporary file left beside it


def test_sync_watch_writes_the_textfile_after_each_cycle_even_when_central_is_down(run, env, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env["QAYD_CENTRAL_DATABASE_URL"] = f"postgresql://127.0.0.1:{port}/qayd"  # nothing listens there
    textfile = tmp_path / "qayd.prom"
    watch = run("sync", "watch", "--interval", "0.2", "--for", "0.5", "--metrics-file", str(textfile))
    assert "cannot be reached" in watch.stderr
    samples = metrics(textfile)
    assert samples[("qayd_check_status", (("check", "sync.last_sync"),))] == 1  # never synced: a warning
    assert samples[("qayd_check_status", (("check", "store.schema"),))] == 0
    assert ("qayd_check_status", (("check", "store.integrity"),)) not in samples  # no whole-store scan every cycle


def test_a_master_key_gone_from_the_keyring_is_a_failed_check_not_an_error(run, ctx, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    ctx.close()
    memory_keyring._items.clear()  # the OS keyring lost Qayd's entry
    doctor = run("doctor", "--json")
    assert doctor.exit_code == 1
    (only,) = json.loads(doctor.stdout)["checks"]
    assert only["id"] == "secrets.master_key" and only["status"] == "fail" and "no master key" in only["found"]
    status = run("status")
    assert status.exit_code == 0 and "FAIL secrets.master_key: The company cannot be opened" in status.stdout
