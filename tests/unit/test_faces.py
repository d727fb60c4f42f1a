"""Each capability's face: what `__all__` promises resolves to the real object, mypy sees the same names, and
importing a face loads none of the heavy libraries behind it (start-up time, issue 14 points 2 and 5)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# The spine's packages (below the unit of work: docs/DECISIONS.md, "Layers") are not capabilities: the faces above
# them use them, the desktop and the CLI never do (the face check in test_architecture holds that).
SPINE = {"ledger", "vault", "personal"}
CAPABILITIES = sorted(p.parent.name for p in (ROOT / "core").glob("*/__init__.py")
                      if p.parent.name != "cli" and p.parent.name not in SPINE)
HEAVY = ("lxml", "reportlab", "psycopg", "sqlalchemy", "cryptography", "httpx", "keyring", "saxonche", "PySide6",
         "jinja2", "smtplib")


def type_checking_names(package: str) -> set[str]:
    """The names a face imports under `if TYPE_CHECKING:` (what mypy and editors see)."""
    tree = ast.parse((ROOT / "core" / package / "__init__.py").read_text("utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    return {alias.asname or alias.name for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}


def test_the_faces_are_the_capabilities() -> None:
    assert CAPABILITIES == ["assistant", "audit", "central", "health", "incident", "insights", "invoicing", "mail",
                            "payments", "privacy", "reports", "secrets", "store", "support", "sync", "zatca"]


@pytest.mark.parametrize("package", CAPABILITIES)
def test_all_the_lazy_map_and_the_typed_imports_agree(package: str) -> None:
    face = importlib.import_module(f"core.{package}")
    assert face.__doc__ and len(face.__doc__.strip()) > 40
    assert set(face.__all__) == set(face._FACE) == type_checking_names(package)
    assert len(face.__all__) == len(set(face.__all__))


@pytest.mark.parametrize("package", CAPABILITIES)
def test_every_name_resolves_to_the_object_its_module_defines(package: str) -> None:
    face = importlib.import_module(f"core.{package}")
    for name in face.__all__:
        module, _, attr = face._FACE[name].partition(":")
        real = importlib.import_module(module)
        expected = real if module == f"core.{package}.{name}" and not attr else getattr(real, attr or name)
        assert getattr(face, name) is expected, name
    assert set(face.__all__) <= set(dir(face))
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        face.no_such_name  # noqa: B018


@pytest.mark.parametrize("package", CAPABILITIES)
def test_no_exported_function_is_shadowed_by_a_submodule_of_its_name(package: str) -> None:
    # Importing core.x.y sets attribute y on core.x: a function exported as "y" would turn into the module.
    face = importlib.import_module(f"core.{package}")
    submodules = {p.stem for p in (ROOT / "core" / package).glob("*.py")} | {
        p.parent.name for p in (ROOT / "core" / package).glob("*/__init__.py")}
    clashes = {name for name in set(face.__all__) & submodules if face._FACE[name] != f"core.{package}.{name}"}
    assert clashes == set()


def test_importing_every_face_loads_no_heavy_library() -> None:
    code = ("import sys\n" + "".join(f"import core.{p}\n" for p in CAPABILITIES)
            + f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_using_a_name_loads_only_its_own_module() -> None:
    # The domain model is plain dataclasses: reaching it through the face pulls in no storage, XML or PDF library.
    code = ("import sys\nfrom core.invoicing import InvoiceDraft, VatCategory\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
