"""Each exit code means one thing: every QaydError subclass in core is in core/errors.py's tree, with its real
exit code and parent, and every code it can end with is one documented meaning (the CLI docstring and README too).

The subclasses are found by reading the source (any `class X(SomeQaydError)` in core), so a new error class anywhere
fails here until it is placed in the tree.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import core.cli
import core.errors
from core.errors import EXIT_CODES, QaydError

ROOT = Path(__file__).resolve().parents[3]
TREE_LINE = re.compile(r"^(?P<indent>[│ ]*)(?:[├└]── )?(?P<name>[A-Z]\w+)\s+.*\(exit (?P<code>\d+)\)")


def error_classes() -> dict[str, type[QaydError]]:
    """Every QaydError subclass defined in core's source, imported from its own module."""
    bases: dict[str, tuple[str, list[str]]] = {}
    for path in (ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                bases[node.name] = (module, names)
    found: dict[str, type[QaydError]] = {"QaydError": QaydError}
    grew = True
    while grew:
        grew = False
        for name, (module, parents) in bases.items():
            if name not in found and any(p in found for p in parents):
                cls = getattr(importlib.import_module(module), name)
                assert issubclass(cls, QaydError), name
                found[name] = cls
                grew = True
    return found


def documented_tree() -> dict[str, tuple[int, str | None]]:
    """The tree in core/errors.py's docstring: each name's exit code and the name it hangs under."""
    assert core.errors.__doc__ is not None
    tree: dict[str, tuple[int, str | None]] = {}
    stack: list[str] = []
    for line in core.errors.__doc__.splitlines():
        match = TREE_LINE.match(line)
        if match is None:
            continue
        depth = len(match["indent"]) // 4 + (1 if "──" in line else 0)
        del stack[depth:]
        tree[match["name"]] = (int(match["code"]), stack[-1] if stack else None)
        stack.append(match["name"])
    return tree


def test_the_source_scan_finds_the_known_errors() -> None:
    classes = error_classes()
    assert {"ConfigError", "ZatcaError", "SyncError", "DeviceOwnerError", "TamperedDocumentError"} <= set(classes)
    # the scan and Python agree: no subclass hides behind an alias or a dynamic definition
    seen, todo = set(), [QaydError]
    while todo:
        cls = todo.pop()
        seen.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    assert seen <= set(classes), "subclasses defined outside core, or not found by the source scan"


@pytest.mark.parametrize(("name", "cls"), sorted(error_classes().items()))
def test_every_error_is_in_the_tree_with_its_code_and_parent(name: str, cls: type[QaydError]) -> None:
    tree = documented_tree()
    assert name in tree, f"{name} ({cls.__module__}) is missing from the tree in core/errors.py's docstring"
    code, parent = tree[name]
    assert code == cls.exit_code, f"{name} exits {cls.exit_code}, the tree says {code}"
    expected_parent = None if cls is QaydError else cls.__mro__[1].__name__
    assert parent == expected_parent, f"{name} hangs under {parent} in the tree but subclasses {expected_parent}"
    assert cls.exit_code in EXIT_CODES, f"{name} exits {cls.exit_code}, a code with no documented meaning"


def test_the_tree_names_only_real_errors() -> None:
    assert set(documented_tree()) == set(error_classes())


def test_each_code_has_one_meaning() -> None:
    meanings = list(EXIT_CODES.values())
    assert len(set(meanings)) == len(meanings)
    assert all(meaning.strip() for meaning in meanings)


def test_the_cli_constants_are_documented_codes() -> None:
    from core.cli import audit, invoice

    assert core.cli.EXIT_INTERNAL == 70 and core.cli.EXIT_INTERRUPTED == 130
    for code in (core.cli.EXIT_BAD_PATH, invoice.EXIT_REFUSED, invoice.EXIT_CHECK_FAILED, audit.EXIT_BROKEN):
        assert code in EXIT_CODES
    assert invoice.EXIT_CHECK_FAILED == audit.EXIT_BROKEN == 1  # "a check ran and found problems"
    assert invoice.EXIT_REFUSED == core.cli.EXIT_BAD_PATH == 2  # bad input


@pytest.mark.parametrize("code", sorted(EXIT_CODES))
def test_the_cli_help_and_the_readme_list_every_code(code: int) -> None:
    assert core.cli.__doc__ is not None
    listed = re.search(rf"(^|[ ;]){code} ", core.cli.__doc__, re.MULTILINE)
    assert listed, f"exit {code} is missing from core/cli's docstring"
    assert f"`{code}`" in (ROOT / "README.md").read_text("utf-8"), f"exit {code} is missing from the README"
