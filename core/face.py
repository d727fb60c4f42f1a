"""Lazy faces: a capability's `__init__` names what it offers and loads each module only when a name is first used.

Start-up time matters (`qayd --version`, the desktop's first paint), and several capabilities sit on heavy libraries
(lxml, reportlab, psycopg, SQLAlchemy, cryptography). A face therefore maps each public name to the module defining
it and resolves it on first access (PEP 562 module `__getattr__`), so `import core.zatca` costs nothing until, say,
`core.zatca.issue_many` is used. Each face also imports the same names under `TYPE_CHECKING`, so mypy and editors
see the real types; tests/unit/test_faces.py checks the two lists agree.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_face(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a face's `__getattr__` and `__dir__`: `names` maps each public name to the module defining it.

    `"module:attr"` exports `attr` under another name, where the module's own name is too generic for the face
    (`core.sync.resolve_conflict` is `core.sync.conflicts:resolve`).

    A name whose module is the package plus the name itself (`"requests": "core.privacy.requests"`) is a sub-capability
    exported as a namespace, for functions that read best qualified (`requests.close`, `browse.page`).
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            # AttributeError (not ImportError) lets `from package import submodule` fall back to the import system.
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _, attr = module.partition(":")
        loaded = importlib.import_module(module)
        # Not cached on the package: a look-up is a sys.modules hit, and tests that put a fake module in sys.modules
        # see it through the face.
        return loaded if module == f"{package}.{name}" else getattr(loaded, attr or name)

    def __dir__() -> list[str]:
        return sorted(set(names) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
