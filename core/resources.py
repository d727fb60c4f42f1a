"""Where Qayd's bundled data files (the official XSDs, ...) live, in a source tree and in a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

from core.errors import QaydError


class ResourceMissingError(QaydError):
    """A bundled data file is not where the installation should have put it."""


def resources_root() -> Path:
    """The `resources/` folder: next to the unpacked bundle when frozen, else at the repository root."""
    if getattr(sys, "frozen", False):
        # PyInstaller unpacks (one-file) or places (one-folder) the bundled data under sys._MEIPASS.
        base = getattr(sys, "_MEIPASS", None)
        if base is not None:
            return Path(base) / "resources"
        return Path(sys.executable).resolve().parent / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("zatca", "xsd", "maindoc", "UBL-Invoice-2.1.xsd")``."""
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise ResourceMissingError(
            f"A file Qayd needs is missing: {path}.",
            fix="Reinstall Qayd; the installation is incomplete.",
        )
    return path
