"""The English and Arabic text, official severity and field of every rule Qayd checks in an invoice file."""

from __future__ import annotations

from dataclasses import dataclass

from core.findings import Severity
from core.zatca import xml_rule_texts_en, xml_rule_texts_ksa, xml_rule_texts_parties, xml_rule_texts_vat
from core.zatca.xml_rule_texts_formats import Row, decimal_rows, length_rows


@dataclass(frozen=True, slots=True)
class RuleText:
    severity: Severity  # the official flag: fatal/error -> ERROR, warning -> WARNING
    field: str  # where the problem lies, relative to the node the rule's context matched, or absolute
    en: str
    fix: str
    ar: str
    fix_ar: str


def parse_records(block: str) -> list[Row]:
    """Records of five lines (`rule flag field`, message, fix, Arabic message, Arabic fix) separated by blank lines."""
    rows: list[Row] = []
    for chunk in block.strip().split("\n\n"):
        head, en, fix, ar, fix_ar = (line.strip() for line in chunk.strip().splitlines())
        rule, flag, field = head.split(" ")
        rows.append((rule, flag, "" if field == "-" else field, en, fix, ar, fix_ar))
    return rows


def _catalogue() -> dict[str, RuleText]:
    rows = length_rows() + decimal_rows()
    for module in (xml_rule_texts_en, xml_rule_texts_vat, xml_rule_texts_parties, xml_rule_texts_ksa):
        rows += parse_records(module.RECORDS)
    texts: dict[str, RuleText] = {}
    for rule, flag, field, en, fix, ar, fix_ar in rows:
        assert rule not in texts, f"{rule} has two texts"
        severity = Severity.ERROR if flag == "E" else Severity.WARNING
        texts[rule] = RuleText(severity, field, en, fix, ar, fix_ar)
    return texts


TEXTS: dict[str, RuleText] = _catalogue()


def text_for(rule: str) -> RuleText:
    """The rule's text; an unknown id (a programming error) still yields a readable error finding."""
    found = TEXTS.get(rule)
    if found is not None:
        return found
    return RuleText(
        Severity.ERROR,
        "",
        f"The document breaks rule {rule}.",
        "See the ZATCA e-invoicing rules.",
        f"المستند يخالف القاعدة {rule}.",
        "راجع قواعد الفوترة الإلكترونية لهيئة الزكاة.",
    )
