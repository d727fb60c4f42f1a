"""`pip install .` works anywhere: the wheel, installed in a fresh venv outside the repository, issues and prints.

The wheel is built from a copy of the source (a stale build/ folder in the checkout cannot leak files into it) and
installed with --no-deps into a venv that borrows this test environment's dependencies through a .pth file, so
nothing is downloaded. The installed `qayd` then runs from a folder outside the repository with PYTHONPATH cleared:
anything it reads from the repository instead of from its own package would be missing there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = "Scripts" if sys.platform == "win32" else "bin"
EXE = ".exe" if sys.platform == "win32" else ""
# Not part of what `pip install .` reads; skipping them keeps the copy small (tests/ and docs/ hold PNGs and PDFs).
NOT_SOURCE = {".git", "build", "dist", "tests", "docs", "demo-data"}
CACHES = ("__pycache__", "*.egg-info", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "*.pyc")
ARABIC = re.compile(r"[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
NUMBER = "WHEEL-0001"


@dataclass(frozen=True)
class Install:
    python: Path
    site: Path  # the new venv's site-packages: where core, desktop and qayd_resources must come from
    work: Path  # the current folder of every command: outside the repository
    env: dict[str, str]

    def qayd(self, *args: str, program: str = "qayd") -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.python.parent / f"{program}{EXE}"), *args], cwd=self.work, env=self.env,
                              capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    top = {n for n in names if n in NOT_SOURCE or n.startswith(".venv")} if Path(folder) == REPO else set()
    return top | set(shutil.ignore_patterns(*CACHES)(folder, names))


def _run(*cmd: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{cmd} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _build_wheel(root: Path) -> Path:
    source = root / "source"
    shutil.copytree(REPO, source, ignore=_copy_ignore, symlinks=True)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
         "-q", "-w", root / "dist", source, cwd=root)
    (wheel,) = (root / "dist").glob("qayd-*.whl")
    return wheel


def _fresh_venv(folder: Path) -> tuple[Path, Path]:
    """A venv without pip whose site-packages ends with this environment's (the dependencies, not Qayd)."""
    _run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = folder / BIN / f"python{EXE}"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder).strip())
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    # Plain path lines: the outer folder's own .pth files (Qayd's editable install among them) are NOT processed.
    (site / "zz-test-dependencies.pth").write_text("\n".join(ours) + "\n", "utf-8")
    return python, site


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    root = tmp_path_factory.mktemp("wheel-install")
    assert REPO not in root.parents, "the test must run outside the repository"
    wheel = _build_wheel(root)
    python, site = _fresh_venv(root / "venv")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel, cwd=root)
    work = root / "work"
    (work / "home").mkdir(parents=True)
    (work / "config.toml").write_text("", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QAYD_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(work / "home"), QAYD_DATA_DIR=str(work / "data"), QAYD_CONFIG=str(work / "config.toml"),
               QAYD_MASTER_KEY_SOURCE="file", QT_QPA_PLATFORM="offscreen",
               PATH=os.pathsep.join([str(python.parent), env.get("PATH", "")]))
    return Install(python, site, work, env)


def _draft(folder: Path) -> Path:
    now = datetime.now(timezone(timedelta(hours=3))).replace(microsecond=0)
    draft = {
        "kind": "standard", "type": "invoice", "number": NUMBER, "currency": "SAR",
        "issue_datetime": now.isoformat(), "supply_date": now.date().isoformat(), "payment_means": "10",
        "buyer": {"name": "شركة الأفق للتجارة", "vat_number": "311111111111113",
                  "address": {"street": "King Fahd Road", "building_number": "1234", "district": "Al Olaya",
                              "city": "Riyadh", "postal_code": "12211", "country": "SA"}},
        "lines": [{"name": "Consulting hours", "quantity": "10", "unit_price": "250.00", "vat_category": "S",
                   "vat_rate": "15"}],
    }
    path = folder / "draft.json"
    path.write_text(json.dumps(draft, ensure_ascii=False), "utf-8")
    return path


def test_the_installed_package_is_the_one_that_runs(install: Install) -> None:
    probe = ("import json, sys, core, desktop, qayd_resources\n"
             "from core.resources import resources_root\n"
             "print(json.dumps({'modules': [core.__file__, desktop.__file__, qayd_resources.__file__],\n"
             "                  'resources': str(resources_root()), 'path': sys.path}))")
    done = subprocess.run([str(install.python), "-c", probe], cwd=install.work, env=install.env,
                          capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(done.stdout)
    for module in seen["modules"]:
        assert Path(module).is_relative_to(install.site), module
    assert Path(seen["resources"]) == install.site / "qayd_resources"
    borrowed = {Path(p).resolve() for p in sysconfig.get_paths().values()}  # the dependencies, in the outer .venv
    from_repo = [entry for entry in map(Path, seen["path"]) if (install.work / entry).resolve().is_relative_to(REPO)]
    assert not [entry for entry in from_repo if entry.resolve() not in borrowed], "the repository is on sys.path"


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def test_every_file_the_program_may_read_is_installed(install: Install) -> None:
    """The whole class, not a list: every data file beside the code (migrations, VERIFY.txt, …) and in resources/."""
    for package in ("core", "desktop"):
        missing = _files(REPO / package) - _files(install.site / package)
        assert not missing, f"{package}/ files the wheel leaves out (add them to package-data): {sorted(missing)}"
    shipped = _files(install.site / "qayd_resources")
    expected = {name for name in _files(REPO / "resources") if not name.endswith(".ts")}  # .ts: sources, not read
    assert expected - shipped == set(), "resources/ files the wheel leaves out"
    assert {"fonts/NotoSansArabic-Regular.ttf", "zatca/xsd/maindoc/UBL-Invoice-2.1.xsd", "i18n/shell_ar.qm"} <= shipped
    assert not [name for name in shipped if name.endswith(".ts")]


def test_the_installed_qayd_issues_validates_and_prints_an_arabic_invoice(install: Install) -> None:
    steps = [
        ("init", "--demo"),
        ("invoice", "validate", str(_draft(install.work))),
        ("invoice", "import", str(install.work / "draft.json"), "--issue"),
        ("invoice", "export", NUMBER, "--xml", "issued.xml"),
        ("invoice", "validate", "issued.xml"),  # the official UBL XSD, read from the installed package
        ("invoice", "print", NUMBER, "--dir", "printed"),  # the bundled Noto fonts, likewise
        ("audit", "verify"),
    ]
    for step in steps:
        done = install.qayd(*step)
        assert done.returncode == 0, f"qayd {' '.join(step)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    (pdf,) = (install.work / "printed").glob(f"*{NUMBER}*.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60,
                          check=True).stdout
    assert NUMBER in text
    assert len(ARABIC.findall(text)) > 50, "the printed copy has no Arabic text layer"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60, check=True).stdout
    arabic_fonts = [line for line in fonts.splitlines() if "NotoSansArabic" in line]
    assert arabic_fonts and all(" yes " in line for line in arabic_fonts), fonts  # embedded from the package


def test_the_installed_desktop_finds_its_translations_and_fonts(install: Install) -> None:
    probe = ("import json\n"
             "from PySide6.QtWidgets import QApplication\n"
             "app = QApplication([])\n"
             "from desktop.app import _application\n"
             "from desktop.i18n import install_language, tr\n"
             "_application()\n"
             "install_language(app, 'ar')\n"
             "print(json.dumps({'families': app.font().families(), 'dashboard': tr('Navigation', 'Dashboard')}))")
    done = subprocess.run([str(install.python), "-c", probe], cwd=install.work, env=install.env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["families"][:2] == ["Noto Sans", "Noto Sans Arabic"]
    assert ARABIC.search(seen["dashboard"]), seen["dashboard"]
    version = install.qayd("--version", program="qayd-desktop")
    assert version.returncode == 0 and "qayd-desktop" in version.stdout
