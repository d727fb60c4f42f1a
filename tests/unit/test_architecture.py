"""House rules that keep the core headless and the layers apart."""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CONTRACTS = {c["id"]: c["name"] for c in
             tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]["contracts"]}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_the_ui() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path)
                                            if m.split(".")[0] in {"PySide6", "desktop"})
        for path in (ROOT / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_desktop_uses_no_storage_internals() -> None:
    forbidden = ("sqlalchemy", "core.store")
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.startswith(forbidden))
        for path in (ROOT / "desktop").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_migration_imports_live_code() -> None:
    """Both stores' migrations carry their own SQL (the contract sees the store's; central's folder is no package)."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[0] == "core")
        for folder in ("core/store/migrations/versions", "core/central/migrations/versions")
        for path in (ROOT / folder).glob("*.py")
    }
    assert len(offenders) >= 12
    assert {k: v for k, v in offenders.items() if v} == {}


def lint_imports(root: Path) -> dict[str, str]:
    """Run import-linter on the tree at `root` with its pyproject's contracts: {contract name: KEPT | BROKEN}."""
    # `lint-imports` as this interpreter runs it (whatever folder its scripts went to).
    command = [sys.executable, "-c",
               "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]
    # The tree under `root` first on the path (a copy in a test), ahead of the installed editable package.
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "1000", "NO_COLOR": "1"}
    run = subprocess.run([*command, "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    verdicts = dict(re.findall(r"^(.+) (KEPT|BROKEN)$", run.stdout, flags=re.MULTILINE))
    assert verdicts, run.stdout + run.stderr
    assert (run.returncode == 0) == (set(verdicts.values()) == {"KEPT"}), run.stdout + run.stderr
    return verdicts


def test_the_import_contracts_hold() -> None:
    """pyproject's [tool.importlinter] contracts: the headless core, the layers, no package cycle, frozen migrations."""
    verdicts = lint_imports(ROOT)
    assert len(verdicts) == len(CONTRACTS)
    assert {name: verdict for name, verdict in verdicts.items() if verdict != "KEPT"} == {}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sources and the contracts, for a test to break."""
    root = tmp_path_factory.mktemp("tree")
    for package in ("core", "desktop"):
        shutil.copytree(ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


# One bad import each, as a hurried change would add it, and the contracts it must break (and only those).
BAD_IMPORTS = [
    ("core/invoicing/model.py", "from PySide6.QtCore import QObject", {"headless"}),
    ("core/zatca/qr.py", "import desktop.app", {"headless", "layers"}),
    ("core/clock.py", "from core.central import admin", {"layers"}),  # the ground floor reaching up, no cycle
    ("core/uow.py", "from core.audit.service import verify_store", {"layers", "acyclic"}),  # the spine on a use case
    ("core/invoicing/text.py", "from core.zatca import qr", {"acyclic"}),  # two capabilities on each other
    # A name for a type only is an arrow too (the gate below the invoicing core naming the invoicing Customer).
    ("core/personal/roles.py", "if TYPE_CHECKING:\n    from core.invoicing.model import Customer",
     {"layers", "acyclic"}),
    ("core/store/migrations/versions/0007_sync.py", "from core.store.models import Base", {"frozen-migrations"}),
    ("core/store/migrations/versions/0010_sync_profile_series.py", "from core.sync.tables import trigger_sql",
     {"frozen-migrations", "layers", "acyclic"}),
    ("desktop/app.py", "from core.cli import main", {"layers"}),  # the faces stay apart
]


@pytest.mark.parametrize(("path", "line", "broken"), BAD_IMPORTS,
                         ids=[f"{p}:{'+'.join(sorted(b))}" for p, _, b in BAD_IMPORTS])
def test_a_bad_import_breaks_its_contract(tree: Path, path: str, line: str, broken: set[str]) -> None:
    source = tree / path
    original = source.read_text("utf-8")
    source.write_text(original + "\n" + line + "  # noqa\n", "utf-8")
    try:
        verdicts = lint_imports(tree)
    finally:
        source.write_text(original, "utf-8")
    assert {name for name, verdict in verdicts.items() if verdict == "BROKEN"} == {CONTRACTS[c] for c in broken}


# The modules issue 14 moved below the unit of work (or below the invoicing core), by their old path.
MOVED = {
    "core.audit.anchor": "core.ledger.anchor",
    "core.audit.chain": "core.ledger.chain",
    "core.audit.log": "core.ledger.log",
    "core.audit.personal": "core.ledger.subject_keys",
    "core.audit.signing": "core.ledger.signing",
    "core.audit.verify": "core.ledger.verify",
    "core.secrets.crypto": "core.vault.crypto",
    "core.secrets.store": "core.vault.store",
    "core.privacy.catalogue": "core.personal.catalogue",
    "core.privacy.roles": "core.personal.roles",
    "core.privacy.sealing": "core.personal.sealing",
}


@pytest.mark.parametrize(("old", "new"), MOVED.items())
def test_an_old_path_offers_the_very_objects_that_moved(old: str, new: str) -> None:
    """Callers above keep their imports; they get the moved objects themselves, not copies (one state, one class)."""
    before, after = importlib.import_module(old), importlib.import_module(new)
    assert before.__all__
    assert [name for name in before.__all__ if getattr(before, name) is not getattr(after, name)] == []


# --- faces (issue 14 point 2): the desktop and the CLI use what each capability's face offers, nothing deeper ------

GROUND_FLOOR = {"errors", "clock", "findings", "config", "config_file", "resources", "files", "uow", "bootstrap",
                "progress", "startup"}


def face_names(package: Path) -> set[str]:
    """The `__all__` a face declares (read from its source: nothing is imported)."""
    for node in ast.parse((package / "__init__.py").read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def faces() -> dict[str, set[str]]:
    spine = {"ledger", "vault", "personal"}  # below the unit of work: no face, and no consumer above may import them
    packages = (p.parent for p in (ROOT / "core").glob("*/__init__.py") if p.parent.name not in {"cli", *spine})
    return {f"core.{p.name}": face_names(p) for p in packages}


def face_violations(path: Path, known: dict[str, set[str]], own: str | None) -> list[str]:
    """What `path` imports from core that no face offers (`own` is the importer's own package, free inside)."""
    top = {f"core.{name}" for name in GROUND_FLOOR} | set(known)
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            modules = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [(node.module, alias.name) for alias in node.names]
        else:
            continue
        for module, name in modules:
            if module.split(".")[0] != "core" or (own and (module == own or module.startswith(own + "."))):
                continue
            if module == "core":
                ok = name in {"__version__"} | {m.split(".")[1] for m in top}
            elif module in known:
                ok = name is None or name in known[module]
            else:
                ok = module in top and (name is None or not name.startswith("_"))
            if not ok:
                found.append(f"{module}{'' if name is None else ' ' + name} (line {node.lineno})")
    return found


def consumer_violations() -> dict[str, list[str]]:
    known = faces()
    found = {}
    for path in [*(ROOT / "desktop").rglob("*.py"), *(ROOT / "core" / "cli").rglob("*.py")]:
        own = "core.cli" if "cli" in path.relative_to(ROOT).parts[:2] else None
        if bad := face_violations(path, known, own):
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_every_capability_has_a_face() -> None:
    assert {name: names for name, names in faces().items() if not names} == {}


def test_desktop_and_cli_import_only_face_names() -> None:
    assert consumer_violations() == {}


def test_the_face_check_catches_a_submodule_and_a_name_outside_all(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from core.zatca.issuing import issue_many\nfrom core.zatca import _Batch\nimport core.sync.engine\n"
                   "from core import face\nfrom core.zatca import issue_many as fine\n", "utf-8")
    assert face_violations(bad, faces(), None) == [
        "core.zatca.issuing issue_many (line 1)", "core.zatca _Batch (line 2)", "core.sync.engine (line 3)",
        "core face (line 4)"]


def test_desktop_imports_neither_psycopg_nor_sqlite3() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path)
                                            if m.split(".")[0] in {"psycopg", "psycopg_pool", "sqlite3"})
        for path in (ROOT / "desktop").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def called_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)}


def test_transports_and_batch_import_are_built_in_core_only() -> None:
    # Portal transports come from the composition root (core.bootstrap.zatca_client); the import of a batch, and
    # whether it is issued, is core.zatca.import_and_issue's decision, not flags wired in a command or a view.
    forbidden = {"FatooraClient", "import_drafts", "issue_imported"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(called_names(path) & forbidden)
        for path in [*(ROOT / "desktop").rglob("*.py"), *(ROOT / "core" / "cli").rglob("*.py")]
    }
    assert {k: v for k, v in offenders.items() if v} == {}
