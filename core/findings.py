"""Findings: problems a check reports as data, each naming the field, the rule and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by a check; checks return all of them at once, never the first only."""

    rule: str  # e.g. "BR-KSA-40", "QAYD-JSON-TYPE"
    field: str  # dotted path into the document, e.g. "lines[1].vat_category"
    message: str  # what is wrong, in English
    fix: str  # what to do about it, in English
    severity: Severity = Severity.ERROR
    message_ar: str = ""  # the same message in Arabic
    fix_ar: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.field}: [{self.rule}] {self.message} Fix: {self.fix}"

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity.value,
            "rule": self.rule,
            "field": self.field,
            "message": self.message,
            "fix": self.fix,
            "message_ar": self.message_ar,
            "fix_ar": self.fix_ar,
        }


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]
