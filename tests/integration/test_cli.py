"""The `qayd` command line end to end, in-process, on real SQLite files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from core.cli import main

DATA = Path(__file__).parents[1] / "data"
COMPANY = ["--name-ar", "شركة الاختبار", "--name-en", "Test Co", "--vat", "300000000000003",
           "--crn", "1010101010", "--street", "Olaya St", "--building", "1234", "--district", "Al Olaya",
           "--city", "Riyadh", "--postal-code", "12211"]


def db_file(env: dict[str, str]) -> Path:
    return Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite"


def count(env: dict[str, str], table: str) -> int:
    with sqlite3.connect(db_file(env)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_demo_company_verifies(run, env) -> None:  # type: ignore[no-untyped-def]
    result = run("init", "--demo", "--drafts", "120")
    assert result.exit_code == 0, result.output
    assert count(env, "invoice") == 120
    verify = run("audit", "verify")
    assert verify.exit_code == 0, verify.output
    assert "intact" in verify.output
    listing = json.loads(run("invoice", "list", "--json", "--limit", "5").output)
    # the demo's issued documents reach today (issue 13), so the newest page mixes drafts and issued documents
    assert len(listing) == 5 and {r["status"] for r in listing} <= {"draft", "issued"}
    assert [r["issue_datetime"] for r in listing] == sorted((r["issue_datetime"] for r in listing), reverse=True)
    assert json.loads(run("company", "show", "--json").output)["vat_number"] == "399999999900003"
    assert len(json.loads(run("customer", "list", "--json").output)) >= 8
    assert run("product", "list").exit_code == 0


def test_a_demo_that_fails_while_issuing_leaves_nothing_and_can_be_run_again(run, env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The demo's drafts are stored, then its documents issued: a failure at the fifth document (a full disk, a bug)
    used to leave a company of drafts that `init --demo` then refused as "already exists"."""
    import core.zatca.demo as demo

    issued = 0
    real = demo.issue_invoice

    def fails_at_the_fifth(uow, ref):  # type: ignore[no-untyped-def]
        nonlocal issued
        issued += 1
        if issued == 5:
            raise OSError(28, "No space left on device")
        return real(uow, ref)

    monkeypatch.setattr(demo, "issue_invoice", fails_at_the_fifth)
    failed = run("init", "--demo", "--drafts", "30")
    assert failed.exit_code != 0 and issued == 5
    company = db_file(env)
    assert not company.exists() and not list(company.parent.glob(f"{company.stem}*")), "a half-made company"
    monkeypatch.setattr(demo, "issue_invoice", real)
    again = run("init", "--demo", "--drafts", "30")
    assert again.exit_code == 0, again.output
    assert count(env, "invoice") == 30
    assert run("audit", "verify").exit_code == 0


def test_a_second_init_is_refused_and_leaves_the_company_as_it_was(run, env) -> None:  # type: ignore[no-untyped-def]
    """`new_company` removes what it made when a step fails; refusing an existing company is not such a step."""
    assert run("init", "--demo", "--drafts", "10").exit_code == 0
    before = db_file(env).read_bytes()
    again = run("init", "--demo", "--drafts", "10")
    assert again.exit_code == 6 and "already exists" in again.output
    assert db_file(env).read_bytes() == before and count(env, "invoice") == 10
    assert run("audit", "verify").exit_code == 0


def test_init_reports_every_missing_field_and_writes_nothing(run, env) -> None:  # type: ignore[no-untyped-def]
    result = run("init", "--name-en", "Half Co", "--vat", "12345")
    assert result.exit_code == 2
    for field in ("vat_number", "legal_name_ar", "id_value", "postal_code"):
        assert field in result.output
    assert not db_file(env).exists()


def test_import_example_then_refuse_duplicate_whole(run, env) -> None:  # type: ignore[no-untyped-def]
    assert run("init", *COMPANY).exit_code == 0
    first = run("invoice", "import", str(DATA / "invoice_example.json"))
    assert first.exit_code == 0, first.output
    shown = json.loads(run("invoice", "show", "INV-2026-0001", "--json").output)
    assert shown["totals"]["payable"] == "3817.50"  # 2500 + 1000 − 50 net, VAT 15% of 2450
    entries = count(env, "audit_entry")
    again = run("invoice", "import", str(DATA / "invoice_example.json"))
    assert again.exit_code == 2 and "QAYD-DUPLICATE-NUMBER" in again.output
    assert count(env, "invoice") == 1 and count(env, "audit_entry") == entries


def test_bad_document_in_a_batch_refuses_the_batch(run, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", *COMPANY).exit_code == 0
    good = json.loads((DATA / "invoice_example.json").read_text("utf-8"))
    bad = dict(good, number="INV-2", lines=[dict(good["lines"][0], quantity="-3", vat_category="X")])
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps([good, bad]), "utf-8")
    result = run("invoice", "import", str(batch), "--json")
    assert result.exit_code == 2
    fields = {f["field"] for f in json.loads(result.stdout)["findings"]}
    assert any(f.startswith("[1].lines[0]") for f in fields)
    assert count(env, "invoice") == 0


def test_validate_file_exit_codes(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("invoice", "validate", str(DATA / "invoice_example.json")).exit_code == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "standard", "type": "invoice", "lines": []', "utf-8")
    result = run("invoice", "validate", str(broken))
    assert result.exit_code != 0 and "line" in result.output.lower()


def test_audit_export_and_bundle_verify(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("init", "--demo", "--drafts", "20").exit_code == 0
    out = tmp_path / "evidence"
    assert run("audit", "export", "--out", str(out)).exit_code == 0
    assert {"entries.jsonl", "checkpoints.jsonl", "device-public-key.pem", "manifest.json", "VERIFY.txt"} <= {
        p.name for p in out.iterdir()}
    assert run("audit", "verify", "--bundle", str(out)).exit_code == 0
    copy = tmp_path / "tampered"
    shutil.copytree(out, copy)
    lines = (copy / "entries.jsonl").read_text("utf-8").splitlines()
    row = json.loads(lines[5])  # [seq, body, prev_hash, hash]
    row[1] = row[1].replace('"action":"', '"action":"tampered.')  # entry 6 now claims another action
    lines[5] = json.dumps(row, ensure_ascii=False)
    (copy / "entries.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = run("audit", "verify", "--bundle", str(copy))
    assert result.exit_code == 1 and "BROKEN at entry 6" in result.output


def test_config_check_lists_every_problem(run, env) -> None:  # type: ignore[no-untyped-def]
    env.update(QAYD_LANGUAGE="fr", QAYD_LOG_LEVEL="LOUD")
    result = run("config", "check")
    assert result.exit_code == 3
    assert "QAYD_LANGUAGE" in result.output and "QAYD_LOG_LEVEL" in result.output
    assert "data_dir" in result.output  # the effective configuration is still shown


def test_errors_print_a_message_not_a_traceback(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["--data-dir", str(tmp_path / "none"), "--company", "ghost", "company", "show"])
    err = capsys.readouterr().err
    assert code == 4 and "qayd init" in err and "Traceback" not in err


def test_customer_and_product_commands(run) -> None:  # type: ignore[no-untyped-def]
    assert run("init", *COMPANY).exit_code == 0
    bad = run("customer", "add", "--name", "Bad VAT Co", "--vat", "123456789012345")
    assert bad.exit_code == 2 and "vat_number" in bad.output and "BR-KSA" in bad.output
    good = run("customer", "add", "--name", "Al Ofoq", "--vat", "311111111111113", "--street", "King Fahd Rd",
               "--building", "1234", "--district", "Al Olaya", "--city", "Riyadh", "--postal-code", "12211", "--json")
    assert good.exit_code == 0, good.output
    shown = json.loads(run("customer", "show", "311111111111113", "--json").stdout)
    assert shown["name"] == "Al Ofoq" and shown["address"]["city"] == "Riyadh"
    assert run("customer", "add", "--name", "Again", "--vat", "311111111111113").exit_code == 6
    assert run("product", "add", "--name", "Widget", "--price", "12.50").exit_code == 0
    assert run("product", "add", "--name", "Bad", "--price", "twelve").exit_code == 2
    products = json.loads(run("product", "list", "--json").stdout)
    assert [(p["name"], p["unit_price"], p["vat_rate"]) for p in products] == [("Widget", "12.50", "15")]
