"""Bilingual labels: each is an (English, Arabic) pair; a document picks one language, or both for invoices."""

from __future__ import annotations

Label = tuple[str, str]


def text_of(label: Label | str, lang: str) -> str:
    """The label in `lang` ("en", "ar", or "both": "English · Arabic"); plain strings are returned as they are."""
    if isinstance(label, str):
        return label
    en, ar = label
    if lang == "ar":
        return ar
    if lang == "both":
        return f"{en} · {ar}"
    return en
