"""Installs resources/ as the package `qayd_resources`: pyproject alone cannot add a renamed folder beside a find."""

from setuptools import find_namespace_packages, setup

# Everything else (metadata, package data, scripts) is in pyproject.toml. The repository keeps resources/ at its root
# (the PyInstaller spec and the tools read it there); installed, it is site-packages/qayd_resources, which
# core.resources finds with importlib.resources.
setup(
    packages=[*find_namespace_packages(include=["core*", "desktop*"]), "qayd_resources"],
    package_dir={"qayd_resources": "resources"},
)
