"""Qayd's headless engine: invoicing, ZATCA, audit, privacy and sync, with no UI."""

__version__ = "0.1.0"
