"""Where Qayd's bundled data files (the official XSDs, fonts, translations) live: installed, source tree, frozen."""

from __future__ import annotations

import importlib.resources
import sys
from pathlib import Path

from core.errors import QaydError

# The repository's resources/ folder installs as this package (pyproject maps it), so `pip install .` carries it.
PACKAGE = "qayd_resources"
# A checkout (editable install or PYTHONPATH): pyproject.toml and resources/ beside the folder of core/.
CHECKOUT = Path(__file__).resolve().parents[1]


class ResourceMissingError(QaydError):
    """A bundled data file is not where the installation should have put it."""


def resources_root() -> Path:
    """The bundled resources folder: the frozen bundle's, a checkout's, else the installed package's."""
    if getattr(sys, "frozen", False):
        # PyInstaller unpacks (one-file) or places (one-folder) the bundled data under sys._MEIPASS.
        base = getattr(sys, "_MEIPASS", None)
        if base is not None:
            return Path(base) / "resources"
        return Path(sys.executable).resolve().parent / "resources"
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "resources").is_dir():
        # The resources beside this very code, even where an editable install maps the package to another checkout.
        return CHECKOUT / "resources"
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        raise ResourceMissingError(
            f"Qayd's resources (the package {PACKAGE}) are not installed beside its code ({CHECKOUT}).",
            fix="Reinstall Qayd with pip; the installation is incomplete.",
        ) from None
    if not isinstance(root, Path):
        # Fonts and XSDs are opened by path (reportlab, lxml's includes), so a zipped install cannot serve them.
        raise ResourceMissingError(
            f"Qayd's resources are inside an archive ({root}), not in a folder.",
            fix="Install Qayd with pip (it unpacks the wheel), not as a zip file.",
        )
    return root


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("zatca", "xsd", "maindoc", "UBL-Invoice-2.1.xsd")``."""
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise ResourceMissingError(
            f"A file Qayd needs is missing: {path}.",
            fix="Reinstall Qayd; the installation is incomplete.",
        )
    return path
