"""Issue 12 point 5: no input crashes Qayd. Every command that takes input gets what an attacker would type, through
the real `qayd` entry point, on a real store: never exit 70, never a traceback, always a message, nothing half-written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.conftest import Result

INTERNAL = 70
DATA = Path(__file__).parents[1] / "data"
# What a paste, a script or an attacker can put in a field. "\udcff" is what a command line holding the invalid
# UTF-8 byte 0xff becomes in Python (surrogateescape).
HOSTILE = ["A\x01B", "\udcff", "A\ud800B", "A\x85B", "A\ufffeB", "A\U0010ffffB", "\x00", "x" * 20_000,
           "ب" * 2_000, "'; DROP TABLE customer;--", "<x>&amp;]]>", "   ", "٣٠٠٠٠٠٠٠٠٠٠٠٠٠٣"]
UNSAFE = ["A\x01B", "\udcff", "A\ud800B", "A\x85B", "A\ufffeB", "A\U0010ffffB", "\x00"]


def sound(result: Result, *args: str) -> Result:
    """The bar for every run: no internal error, no traceback, and a message whenever it refused."""
    assert result.exit_code != INTERNAL, (args, result.output)
    assert "Traceback" not in result.output and "internal error" not in result.output, (args, result.output)
    if result.exit_code != 0:
        assert result.output.strip(), args
    return result


def refused_for_its_characters(result: Result) -> bool:
    """Exit 2 naming the problem: the field rule, or (bytes that are not UTF-8) the command-line argument."""
    return result.exit_code == 2 and ("QAYD-TEXT-CHARS" in result.output or "not valid UTF-8" in result.output)


@pytest.fixture
def attack(run: Callable[..., Result]) -> Callable[..., Result]:
    def go(*args: str) -> Result:
        return sound(run(*args), *args)

    return go


@pytest.fixture
def store(run: Callable[..., Result], env: dict[str, str]) -> Path:
    assert run("init", "--demo", "--drafts", "3").exit_code == 0
    return Path(env["QAYD_DATA_DIR"]) / "companies" / "acme.sqlite"


def rows(store: Path, table: str) -> int:
    with sqlite3.connect(store) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


COMPANY = {"--name-ar": "شركة الاختبار", "--name-en": "Test Co", "--vat": "300000000000003", "--crn": "1010101010",
           "--street": "Olaya St", "--building": "1234", "--district": "Al Olaya", "--city": "Riyadh",
           "--postal-code": "12211"}


def test_init_with_hostile_fields_never_crashes_and_creates_nothing(attack: Callable[..., Result],
                                                                    env: dict[str, str]) -> None:
    for option in COMPANY:
        for value in HOSTILE:
            args = [a for k, v in {**COMPANY, option: value}.items() for a in (k, v)]
            result = attack("--company", "hostile", "init", *args)
            if value in UNSAFE:
                assert refused_for_its_characters(result), (option, value)
                assert not (Path(env["QAYD_DATA_DIR"]) / "companies" / "hostile.sqlite").exists()
            if result.exit_code == 0:  # a value Qayd took: start again from nothing
                assert attack("--company", "hostile", "company", "show").exit_code == 0
                (Path(env["QAYD_DATA_DIR"]) / "companies" / "hostile.sqlite").unlink()
                (Path(env["QAYD_DATA_DIR"]) / "companies" / "hostile.audit-head.json").unlink(missing_ok=True)
    for value in [*UNSAFE, "../../etc", "x" * 300]:
        attack("--company", value, "init", "--demo")


def test_profile_customer_and_product_fields(attack: Callable[..., Result], store: Path) -> None:
    entries = rows(store, "audit_entry")
    for value in UNSAFE:
        for option in ("--name-ar", "--name-en", "--street", "--building", "--district", "--city", "--crn"):
            result = attack("company", "edit", option, value)
            assert refused_for_its_characters(result), (option, value)
        for option in ("--name", "--name-ar", "--vat", "--email", "--phone", "--street", "--city", "--id-value"):
            extra = ["--id-scheme", "CRN"] if option == "--id-value" else []
            base = [] if option == "--name" else ["--name", "Hostile Co"]
            result = attack("customer", "add", *base, option, value, *extra)
            assert refused_for_its_characters(result), (option, value, result.output)
        for option in ("--name", "--name-ar", "--sku", "--unit", "--exemption-reason"):
            base = [] if option == "--name" else ["--name", "Hostile item"]
            assert refused_for_its_characters(attack("product", "add", *base, "--price", "10", option, value))
    assert rows(store, "audit_entry") == entries  # every refusal wrote nothing
    for value in HOSTILE:
        attack("company", "edit", "--city", value)
        attack("customer", "add", "--name", value, "--kind", "individual")
        attack("product", "add", "--name", "Item", "--price", value)
        attack("customer", "list", "--search", value)
        attack("customer", "show", value)
        attack("invoice", "show", value)
        attack("invoice", "list", "--search", value)
        attack("gdpr", "subjects", value)
        attack("report", "vat", "--period", value)


def test_the_seller_name_must_fit_the_qr_code(attack: Callable[..., Result], store: Path) -> None:
    result = attack("company", "edit", "--name-ar", "ب" * 128)  # 256 bytes: one more than a QR tag holds
    assert result.exit_code == 2 and "QAYD-QR-LENGTH" in result.output and "255" in result.output
    assert attack("company", "edit", "--name-ar", "ب" * 127).exit_code == 0


def test_gdpr_requests_with_hostile_text(attack: Callable[..., Result], store: Path) -> None:
    for value in HOSTILE:
        attack("gdpr", "request", "add", "--kind", "access", "--subject", value, "--requester-name", "N",
               "--contact", "n@example.com")
        attack("gdpr", "request", "add", "--kind", "access", "--subject", "0501112222", "--requester-name", value,
               "--contact", value, "--notes", value)
        attack("gdpr", "access", value, "--out", str(store.parent.parent / "dsar"))
        attack("gdpr", "erase", value, "--preview")


def hostile_files(folder: Path) -> dict[str, bytes]:
    good = json.loads((DATA / "invoice_example.json").read_text("utf-8"))
    flood = dict(good, lines=[dict(good["lines"][0], quantity="-1", vat_category="X")] * 100_000)
    many = [dict(good, number=f"N-{i}", lines=[dict(good["lines"][0], vat_category="X")] * 50) for i in range(200)]
    texts = {
        "dup-key.json": '{"kind": "standard", "kind": "simplified"}',
        "dup-deep.json": json.dumps([good]).replace('"name": "Consulting hours"',
                                                   '"name": "a", "name": "Consulting hours"'),
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "huge-int.json": '{"number": 1' + "0" * 100_000 + "}",
        "lone-surrogate.json": json.dumps(dict(good, note="\ud800")),
        "controls.json": json.dumps(dict(good, note="a\x01b", number="N\x00")),
        "nan.json": json.dumps(dict(good, lines=[dict(good["lines"][0], quantity=float("nan"))])),
        "flood.json": json.dumps(flood),
        "many-bad.json": json.dumps(many),
        "empty.json": "",
        "null.json": "null",
        "xml-garbage.xml": "<Invoice><unclosed>",
        "billion-laughs.xml": '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;'
                              '&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><Invoice>&c;</Invoice>',
        "xxe.xml": f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{folder}/secret.txt">]>'
                   "<Invoice>&e;</Invoice>",
        "not-an-invoice.xml": "<root/>",
    }
    files = {name: text.encode("utf-8", "surrogatepass") for name, text in texts.items()}
    files["binary.json"] = bytes(range(256)) * 10
    files["utf16.json"] = json.dumps(good).encode("utf-16")
    files["control-in-xml.xml"] = b"<Invoice>\x01</Invoice>"
    return files


def test_hostile_files_to_import_and_validate(attack: Callable[..., Result], store: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("TOP-SECRET-VALUE", "utf-8")
    invoices = rows(store, "invoice")
    for name, content in hostile_files(tmp_path).items():
        path = tmp_path / name
        path.write_bytes(content)
        checked = attack("invoice", "validate", str(path))
        assert checked.exit_code in (1, 2), (name, checked.output)
        assert "TOP-SECRET-VALUE" not in checked.output  # no external entity is ever read
        assert len(checked.output.splitlines()) < 1000, name  # a flood of findings is summarised
        if name.endswith(".json"):
            imported = attack("invoice", "import", str(path), "--issue")
            assert imported.exit_code == 2, (name, imported.output)
            assert "Nothing was imported" in imported.output or "refused" in imported.output, name
            as_json = attack("invoice", "validate", str(path), "--json")
            assert as_json.exit_code in (1, 2)
    assert rows(store, "invoice") == invoices


def test_a_flood_is_capped_and_summarised(attack: Callable[..., Result], tmp_path: Path) -> None:
    good = json.loads((DATA / "invoice_example.json").read_text("utf-8"))
    many = [dict(good, number=f"N-{i}", lines=[dict(good["lines"][0], vat_category="X")] * 50) for i in range(200)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(many), "utf-8")
    result = attack("invoice", "validate", str(path), "--json")
    findings = json.loads(result.stdout)["findings"]
    assert 200 < len(findings) <= 210  # 200 findings, then one summary per rule left out
    summary = next(f for f in findings if f["message"].startswith("…"))
    assert "9,800 more" in summary["message"] and summary["rule"] == "QAYD-JSON-ENUM"
    assert summary["message_ar"] and summary["severity"] == "error"


def test_numbers_and_paths_on_the_command_line(attack: Callable[..., Result], store: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an empty --out means the current folder: keep it inside the test's own
    for command in (("customer", "list"), ("product", "list"), ("invoice", "list"), ("gdpr", "subjects", "x")):
        for option in ("--limit", "--offset"):
            if option == "--offset" and command[0] in ("product", "gdpr"):
                continue
            result = attack(*command, option, "9" * 40)
            assert result.exit_code == 2 and option in result.output, (command, option)
    too_long = str(tmp_path / ("x" * 300))
    for args in (("report", "audit", "--out", too_long + ".pdf"), ("audit", "export", "--out", too_long),
                 ("invoice", "print", "--from", "2000-01-01", "--to", "2100-12-31", "--dir", too_long)):
        result = attack(*args)
        assert result.exit_code == 2 and "File name too long" in result.output, args
    folder = attack("report", "audit", "--out", "")
    assert folder.exit_code in (0, 1) and list(tmp_path.glob("audit-evidence_*.pdf"))  # into the folder, named
