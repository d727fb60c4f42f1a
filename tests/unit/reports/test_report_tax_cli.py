"""`qayd report vat` and `qayd report zatca` end to end through the real entry point (`core.cli.main`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.cli import main
from core.config import load_settings
from core.invoicing.demo import create_demo
from core.reports.vat_return import vat_return
from core.zatca.demo import add_demo_egs
from tests.conftest import StepClock
from tests.support.pdf_text import pdf_text, text_runs

VAT = "399999999900003"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """A demo company (master key in a file, so every `qayd` run can open it); yields the global options."""
    tmp = tmp_path_factory.mktemp("cli")
    config = tmp / "config.toml"
    config.write_text(f'[secrets]\nmaster_key_source = "file"\nmaster_key_file = "{(tmp / "master.key").as_posix()}"\n',
                      "utf-8")
    options = ["--config", str(config), "--data-dir", str(tmp / "data"), "--company", "acme"]
    settings = load_settings(environ={"QAYD_DATA_DIR": str(tmp / "data"), "QAYD_COMPANY": "acme"}, config_file=config)
    ctx = open_company(settings, create=True, clock=StepClock(), username="tester")
    create_demo(ctx, drafts=40)
    ctx.close()
    add = open_company(settings, clock=StepClock(), username="tester")
    add_demo_egs(add, issue=40)
    with add.uow(write=False) as uow:
        expected = vat_return(uow, date(2026, 10, 1), date(2026, 12, 31))
    add.close()
    assert expected.documents > 10
    yield options


def run(capsys: pytest.CaptureFixture[str], options: list[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*options, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_vat_pdf_in_both_languages(company: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, company, "report", "vat", "--period", "2026-Q4")
    target = tmp_path / f"vat-return_{VAT}_2026-10-01_2026-12-31_en.pdf"
    assert code == 0 and target.exists() and f"Wrote {target}" in out and "pages)." in out
    assert "Standard rated sales (15%)" in pdf_text(target.read_bytes())
    chosen = tmp_path / "out" / "q4-ar.pdf"
    code, out, _ = run(capsys, company, "report", "vat", "--from", "2026-10-01", "--to", "2026-12-31", "--lang", "ar",
                       "--out", str(chosen))
    assert code == 0 and chosen.exists() and str(chosen) in out
    assert "ملخص إقرار ضريبة القيمة المضافة" in text_runs(chosen.read_bytes())
    assert sorted(p.name for p in tmp_path.rglob("*.part")) == []


def test_vat_json_is_the_figures(company: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, company, "report", "vat", "--period", "2026-Q4", "--json")
    assert code == 0 and list(tmp_path.iterdir()) == []  # figures only, no PDF
    data = json.loads(out)
    assert (data["vat_number"], data["start"], data["end"]) == (VAT, "2026-10-01", "2026-12-31")
    boxes = {b["box"]: b for b in data["boxes"]}
    assert set(boxes) == {"1", "2", "3", "4", "5", "6"} and data["purchases_covered"] is False
    total = sum(Decimal(boxes[k]["amount"]) for k in "12345")
    assert Decimal(boxes["6"]["amount"]) == total and Decimal(data["vat_due_on_sales"]) == Decimal(boxes["6"]["vat"])
    assert data["documents"] == data["invoices"] + data["credit_notes"] + data["debit_notes"] > 10
    code, out, _ = run(capsys, company, "report", "vat", "--period", "2026-11", "--json")
    november = json.loads(out)
    assert code == 0 and november["start"] == "2026-11-01" and november["documents"] < data["documents"]


def test_zatca_pdf_and_json(company: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, company, "report", "zatca", "--period", "2026-Q4", "--lang", "ar")
    target = tmp_path / f"zatca-submissions_{VAT}_2026-10-01_2026-12-31_ar.pdf"
    assert code == 0 and target.exists() and "Wrote" in out
    assert "تقرير الإرسال إلى الهيئة" in text_runs(target.read_bytes())
    code, out, _ = run(capsys, company, "report", "zatca", "--from", "2026-10-01", "--to", "2026-12-31", "--json")
    data = json.loads(out)
    states = {s["state"]: s["documents"] for s in data["states"]}
    # the demo unit never submits: everything issued is "not submitted"
    assert code == 0 and states["not_submitted"] == data["total"]["documents"] > 10
    assert data["by_egs"][0]["egs"] == "qayd-demo-egs"


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "2026-Q4", "--from", "2026-10-01"], "not both"),
    ([], "Give the period"),
    (["--from", "2026-10-01"], "Give the period"),
    (["--period", "2026-Q5"], "is not a period"),
    (["--from", "2026-12-31", "--to", "2026-10-01"], "starts (2026-12-31) after it ends (2026-10-01)"),
    (["--from", "1 Oct", "--to", "2026-10-31"], "is not a date"),
    (["--period", "2026-Q4", "--lang", "fr"], "fr"),
])
def test_bad_input_exits_2_and_writes_nothing(company: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], args: list[str],
                                              message: str) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, company, "report", "vat", *args)
    assert code == 2 and message in out + err
    assert list(tmp_path.iterdir()) == []


def test_interrupted_build_writes_nothing(company: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C while the document is built (here: at its first progress report) leaves no file behind."""
    from core.cli import report_tax_cmds

    def interrupting(_label: str) -> object:
        def report(_fraction: float, _message: str) -> None:
            raise KeyboardInterrupt

        return report

    monkeypatch.setattr(report_tax_cmds, "progress_printer", interrupting)
    monkeypatch.chdir(tmp_path)
    for kind in ("vat", "zatca"):
        code, _, err = run(capsys, company, "report", kind, "--period", "2026-Q4")
        assert code == 130 and ("Interrupted" in err or "Aborted" in err)
    assert list(tmp_path.iterdir()) == []
