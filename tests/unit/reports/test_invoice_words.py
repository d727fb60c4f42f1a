"""The words a printed invoice uses for codes: every code the rules accept has its own Arabic wording."""

from __future__ import annotations

from collections import Counter

from core.invoicing.codelists import VATEX_CODES
from core.reports.invoice_words import VATEX_AR, reason_words


def test_every_exemption_code_the_rules_accept_has_arabic_words() -> None:
    codes = {code for codes in VATEX_CODES.values() for code in codes}
    assert codes <= set(VATEX_AR), sorted(codes - set(VATEX_AR))


def test_no_two_codes_share_one_arabic_wording() -> None:
    """A copied line (VATEX-SA-32(bis) printed as the export of goods) reads as the wrong legal ground."""
    shared = [words for words, n in Counter(VATEX_AR.values()).items() if n > 1]
    assert not shared, shared


def test_an_unknown_code_is_printed_as_typed_on_both_sides() -> None:
    assert reason_words("VATEX-SA-99", "Something new") == ("VATEX-SA-99 — Something new",) * 2
