"""House rules that keep the core headless and the layers apart."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]


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


# --- faces (issue 14 point 2): the desktop and the CLI use what each capability's face offers, nothing deeper ------

GROUND_FLOOR = {"errors", "clock", "findings", "config", "resources", "files", "uow", "bootstrap"}


def face_names(package: Path) -> set[str]:
    """The `__all__` a face declares (read from its source: nothing is imported)."""
    for node in ast.parse((package / "__init__.py").read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def faces() -> dict[str, set[str]]:
    packages = (p.parent for p in (ROOT / "core").glob("*/__init__.py") if p.parent.name != "cli")
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
