"""Where the bundled resources are found: a checkout's folder, the installed package, never a half-install silently."""

from __future__ import annotations

import importlib.resources
import zipfile
from pathlib import Path

import pytest

from core import resources
from core.resources import ResourceMissingError, resource_path, resources_root

REPO = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_its_own_resources_folder() -> None:
    assert resources_root() == REPO / "resources"
    assert resource_path("fonts", "NotoSansArabic-Regular.ttf").is_file()


def test_an_install_reads_the_package_qayd_resources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "CHECKOUT", tmp_path)  # site-packages: no pyproject.toml beside core/
    root = resources_root()
    assert root == Path(str(importlib.resources.files("qayd_resources")))
    assert (root / "zatca" / "xsd" / "maindoc" / "UBL-Invoice-2.1.xsd").is_file()


def test_an_install_without_its_resources_says_to_reinstall(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "CHECKOUT", tmp_path)
    monkeypatch.setattr(resources, "PACKAGE", "qayd_resources_not_installed")
    with pytest.raises(ResourceMissingError) as caught:
        resource_path("fonts", "NotoSans-Regular.ttf")
    assert "qayd_resources_not_installed" in str(caught.value) and "Reinstall" in caught.value.fix


def test_a_zipped_install_is_refused_with_the_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    archive = tmp_path / "qayd.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("qayd_resources/__init__.py", "")
    monkeypatch.setattr(resources, "CHECKOUT", tmp_path / "site-packages")
    monkeypatch.setattr(importlib.resources, "files", lambda _: zipfile.Path(archive, "qayd_resources/"))
    with pytest.raises(ResourceMissingError) as caught:
        resources_root()
    assert "archive" in str(caught.value) and "pip" in caught.value.fix


def test_every_package_of_core_and_desktop_is_listed_for_installation() -> None:
    """pyproject lists the packages (resources/ installs as qayd_resources, which a find cannot add): a package added
    to core or desktop and not listed would be missing from `pip install .`."""
    import tomllib

    from setuptools import find_namespace_packages

    root = Path(__file__).parents[2]
    listed = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"]
    found = find_namespace_packages(where=str(root), include=["core*", "desktop*"])
    assert sorted(set(found) | {"qayd_resources"}) == sorted(listed)
