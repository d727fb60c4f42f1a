"""The gate's checker on its own: the builder's text passes, broken text is refused with findings, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import ValidationError
from core.zatca import xml_rules
from core.zatca.gate import check_unsigned, gate
from core.zatca.validation import validate_xml
from tests.unit.zatca.broken_corpus import CASES, STD, sample_bytes

NOW = datetime(2022, 9, 8, 9, 0, tzinfo=UTC)  # the SDK samples' day


def sample_text() -> str:
    return sample_bytes(STD).decode("utf-8")


def test_a_valid_invoice_passes() -> None:
    assert [f for f in check_unsigned(sample_text(), now=NOW) if f.is_error] == []
    gate(sample_text(), now=NOW, number="SME00010")


def test_the_gate_finds_what_validate_xml_finds() -> None:
    for case in CASES[:15]:
        data = case.build()
        assert check_unsigned(data.decode("utf-8"), now=NOW) == validate_xml(data, now=NOW), case.name


def test_an_error_refuses_with_the_findings() -> None:
    broken = sample_text().replace("<cbc:IssueDate>", "<cbc:IssueDate>x", 1)
    with pytest.raises(ValidationError) as caught:
        gate(broken, now=NOW, number="SME00010")
    assert "SME00010" in str(caught.value) and any("IssueDate" in f.field for f in caught.value.findings)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\ud800", "\udfff"])
def test_a_character_xml_cannot_hold_is_a_finding_naming_the_element(char: str) -> None:
    text = sample_text().replace("<cbc:StreetName>", f"<cbc:StreetName>{char}", 1)
    [finding] = check_unsigned(text, now=NOW)
    assert finding.rule == "QAYD-XML-SYNTAX" and finding.field.startswith("cbc:StreetName (line ")
    assert finding.is_error and finding.message_ar and finding.fix_ar


def test_the_shared_empty_answer_stays_empty() -> None:
    """The engine hands out one shared empty list for "no such child"; no rule may ever add to it."""
    for case in CASES:
        validate_xml(case.build(), now=NOW)
    assert xml_rules._NONE == []
