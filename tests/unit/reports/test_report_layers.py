"""Reports gather their figures first, then lay them out: the layout modules never reach the store.

Read from the source (like tests/unit/test_architecture.py): a layout module imports neither the unit of work, the
store nor SQLAlchemy (not even for type checking), and none of its functions takes a unit of work, a Context or a
Session; every printable document has its layout module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.reports.service import KINDS

REPORTS = Path(__file__).parents[3] / "core" / "reports"
FORBIDDEN = ("core.uow", "core.store", "sqlalchemy")
# What the layouts build on: the writer, the typesetter, the words and the pure figures they lay out.
DRAWING = ("layout", "page", "typeset", "labels", "pdfa", "qr_draw", "audit_stamps", "evidence_parts", "privacy_labels",
           "vat_figures", "zatca_figures", "payments_figures")
STORE_NAMES = {"uow", "ctx", "session", "context"}
STORE_TYPES = ("UnitOfWork", "Context", "Session", "Connection", "Engine")


def layout_modules() -> list[Path]:
    return sorted([*REPORTS.glob("*_layout.py"), *(REPORTS / f"{name}.py" for name in DRAWING)])


def imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def store_parameters(tree: ast.AST) -> list[str]:
    """Functions with a parameter named or typed as a way into the store."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        args = node.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is None:
                continue
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            if arg.arg in STORE_NAMES or any(kind in annotation for kind in STORE_TYPES):
                found.append(f"{getattr(node, 'name', 'lambda')}({arg.arg}: {annotation})")
    return found


def test_the_layout_modules_are_found() -> None:
    names = {path.stem for path in layout_modules()}
    assert {"vat_return_layout", "zatca_report_layout", "audit_report_layout", "access_report_layout",
            "erasure_certificate_layout", "invoice_layout"} <= names
    assert all(path.is_file() for path in layout_modules())


@pytest.mark.parametrize("path", layout_modules(), ids=lambda p: p.stem)
def test_a_layout_module_never_imports_the_store(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    assert sorted(m for m in imported(tree) if m.startswith(FORBIDDEN)) == []
    assert store_parameters(tree) == []


def test_every_document_has_a_layout_module() -> None:
    """Each kind's builder module (`core.reports.x`) lays its pages out in `core.reports.x_layout`."""
    missing = []
    for kind in KINDS.values():
        module = kind.target.partition(":")[0].rpartition(".")[2]
        layout = {"invoice_pdf": "invoice_layout"}.get(module, f"{module}_layout")
        if not (REPORTS / f"{layout}.py").is_file():
            missing.append(f"{kind.key}: {layout}")
    assert missing == []


def test_the_checker_sees_a_store_read_in_a_layout() -> None:
    """The rule can fail: a layout that takes a unit of work or imports the store is caught."""
    bad = ast.parse("from core.uow import UnitOfWork\n"
                    "def rows(w, uow: UnitOfWork) -> None: ...\n"
                    "def more(w, *, data: 'Context') -> None: ...\n")
    assert imported(bad) == {"core.uow"}
    assert store_parameters(bad) == ["rows(uow: UnitOfWork)", "more(data: 'Context')"]
