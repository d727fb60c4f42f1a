"""Smoke test of the frozen one-folder app: build it with PyInstaller, then run its two programs headless.

Not in the default run (it takes minutes):  pytest -m packaging tests/packaging
To test an existing build instead of building again, set QAYD_FROZEN_APP to its folder (e.g. /tmp/qayd-build/dist/qayd).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import __version__

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
EXE = ".exe" if sys.platform == "win32" else ""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BUILD_TIMEOUT = 1200
RUN_TIMEOUT = 300


@pytest.fixture(scope="module")
def app_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The frozen app folder, built into a temporary dist/work path (never inside the repository)."""
    existing = os.environ.get("QAYD_FROZEN_APP")
    if existing:
        return Path(existing)
    out = tmp_path_factory.mktemp("pyinstaller")
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", str(REPO / "packaging" / "qayd.spec"), "--noconfirm",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False,
    )
    assert done.returncode == 0, f"PyInstaller failed:\n{done.stderr[-6000:]}"
    folder = out / "dist" / "qayd"
    size = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nfrozen app: {folder} ({size / 1e6:.0f} MB)")
    return folder


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A clean environment: temporary data, config and home folders, the master key in a file, no display."""
    root = tmp_path_factory.mktemp("frozen-run")
    config = root / "config.toml"
    config.write_text("", "utf-8")
    base = {k: v for k, v in os.environ.items() if not k.startswith("QAYD_")}
    base.update({
        "QAYD_DATA_DIR": str(root / "data"),
        "QAYD_CONFIG": str(config),
        "QAYD_MASTER_KEY_SOURCE": "file",
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "home" / ".config"),
        "XDG_STATE_HOME": str(root / "home" / ".local" / "state"),
        "XDG_DATA_HOME": str(root / "home" / ".local" / "share"),
        "XDG_CACHE_HOME": str(root / "home" / ".cache"),
    })
    return base


def run(app_dir: Path, env: dict[str, str], program: str, *args: str, expect: int = 0) -> str:
    done = subprocess.run([str(app_dir / (program + EXE)), *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=RUN_TIMEOUT, check=False)
    assert done.returncode == expect, (
        f"{program} {' '.join(args)} exited {done.returncode}, expected {expect}:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


@pytest.fixture(scope="module")
def demo(app_dir: Path, env: dict[str, str]) -> Iterator[Path]:
    out = run(app_dir, env, "qayd", "init", "--demo", "--drafts", "40")
    assert "Created the demo company 'default'" in out
    assert "20 documents issued" in out  # signing (coincurve, cryptography, lxml) works frozen
    yield Path(env["QAYD_DATA_DIR"])


def test_both_programs_report_the_version(app_dir: Path, env: dict[str, str]) -> None:
    assert run(app_dir, env, "qayd", "--version").strip() == f"qayd, version {__version__}"
    out = run(app_dir, env, "qayd-desktop", "--version")
    if sys.platform != "win32":  # a windowed Windows program has no stdout; there only the exit code tells
        assert out.strip() == f"qayd-desktop {__version__}"


def test_bundle_holds_resources_and_leaves_out_test_packages(app_dir: Path) -> None:
    internal = app_dir / "_internal"
    sources = REPO / "resources" / "i18n"
    for ts in sources.glob("*.ts"):
        qm = ts.with_suffix(".qm").name
        assert (sources / qm).is_file(), f"{ts.name} is not compiled: run `python -m desktop.i18n compile`"
        assert (internal / "resources" / "i18n" / qm).read_bytes() == (sources / qm).read_bytes(), qm
    assert not list((internal / "resources").rglob("*.ts"))  # sources stay out of the bundle
    assert (internal / "resources" / "zatca" / "xsd" / "maindoc" / "UBL-Invoice-2.1.xsd").is_file()
    revisions = sorted(p.name for p in (REPO / "core" / "store" / "migrations" / "versions").glob("0*.py"))
    assert revisions and all((internal / "core" / "store" / "migrations" / "versions" / n).is_file()
                             for n in revisions)
    verify = internal / "core" / "audit" / "VERIFY.txt"
    assert verify.read_bytes() == (REPO / "core" / "audit" / "VERIFY.txt").read_bytes()
    assert list(internal.glob("PySide6/Qt/plugins/platforms/*offscreen*"))
    names = {p.name for p in internal.iterdir()}
    assert not names & {"saxonche", "pytest", "_pytest", "hypothesis", "mypy", "pytestqt", "PyInstaller"}


def test_cli_journey(app_dir: Path, env: dict[str, str], demo: Path, tmp_path: Path) -> None:
    listing = run(app_dir, env, "qayd", "invoice", "list")
    drafts = [line.split()[0] for line in listing.splitlines() if " draft " in line]
    assert drafts, listing
    issued = run(app_dir, env, "qayd", "invoice", "issue", drafts[0])
    assert issued.startswith(f"Issued {drafts[0]}: ICV ")
    assert "qayd-demo-egs" in run(app_dir, env, "qayd", "zatca", "status")

    # The bundled XSDs are found: the exported XML passes, a schema violation is caught by the XSD check.
    xml = tmp_path / "invoice.xml"
    run(app_dir, env, "qayd", "invoice", "export", drafts[0], "--xml", str(xml), "--uncleared")
    assert "0 error(s)" in run(app_dir, env, "qayd", "invoice", "validate", str(xml))
    text = xml.read_text("utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(text.replace("<cbc:IssueDate>", "<cbc:Bogus>x</cbc:Bogus><cbc:IssueDate>", 1), "utf-8")
    assert "[QAYD-XSD]" in run(app_dir, env, "qayd", "invoice", "validate", str(bad), expect=1)
    assert "Seller name" in run(app_dir, env, "qayd", "invoice", "qr", drafts[0])

    # The printed copy: bundled fonts, reportlab, zxing-cpp and pikepdf all work frozen; the XML rides inside.
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    run(app_dir, env, "qayd", "invoice", "export", drafts[0], "--pdf", str(pdf_dir), "--uncleared")
    (printed,) = pdf_dir.glob("*.pdf")
    import pikepdf

    with pikepdf.open(printed) as doc:
        (embedded,) = doc.attachments.values()
        assert embedded.get_file().read_bytes() == xml.read_bytes()
        assert {str(f.BaseFont).split("+")[1] for f in doc.pages[0].Resources.Font.values()} >= {
            "NotoSans-Regular", "NotoSansArabic-Regular"}

    # Sync's modules (psycopg and its compiled part) load frozen; no central is configured here.
    assert "Not connected" in run(app_dir, env, "qayd", "sync", "status")
    from core.central.admin import MIGRATIONS

    central = app_dir / "_internal" / "core" / "central" / "migrations"
    assert sorted(p.name for p in (central / "versions").glob("c*.py")) == sorted(
        p.name for p in (MIGRATIONS / "versions").glob("c*.py"))

    # The audit chain verifies, and the evidence bundle carries the bundled VERIFY.txt.
    assert "is intact" in run(app_dir, env, "qayd", "audit", "verify")
    bundle = tmp_path / "bundle"
    run(app_dir, env, "qayd", "audit", "export", "--out", str(bundle))
    assert (bundle / "VERIFY.txt").read_bytes() == (REPO / "core" / "audit" / "VERIFY.txt").read_bytes()
    assert "is intact" in run(app_dir, env, "qayd", "audit", "verify", "--bundle", str(bundle))


def test_desktop_screenshots_in_both_languages(app_dir: Path, env: dict[str, str], demo: Path,
                                               tmp_path: Path) -> None:
    from desktop.views.registry import view_classes

    shots = tmp_path / "shots"
    run(app_dir, env, "qayd-desktop", "--screenshots", str(shots))
    for view in view_classes():
        for language in ("en", "ar"):
            png = shots / f"{view.key}-{language}.png"
            assert png.is_file(), f"missing {png.name}; got {sorted(p.name for p in shots.glob('*'))}"
            data = png.read_bytes()
            assert data.startswith(PNG_SIGNATURE) and len(data) > 5000, png.name
        # Arabic is laid out right to left with translated texts, so the two pictures differ.
        assert (shots / f"{view.key}-en.png").read_bytes() != (shots / f"{view.key}-ar.png").read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="a windowed Windows program has no stdout for the report")
def test_desktop_opens_the_company_and_paints_its_window(app_dir: Path, env: dict[str, str], demo: Path) -> None:
    # The real start-up path (settings, session, main window), not the screenshot one: the window paints, then quits.
    out = run(app_dir, env, "qayd-desktop", "--startup-report")
    times = json.loads(out.strip().splitlines()[-1])
    assert times["painted"] > 0
    print(f"\nfrozen qayd-desktop start-up: {times}")
