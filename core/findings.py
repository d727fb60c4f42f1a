"""Findings: problems a check reports as data, each naming the field, the rule and the fix."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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


# A check may find a problem on every line of a 100,000-line file; nobody reads past the first screens, so the
# list shown (and kept in memory) stops at FINDINGS_CAP and the rest is summarised per rule.
FINDINGS_CAP = 200


@dataclass(frozen=True, slots=True)
class FindingSummary(Finding):
    """Stands for `more` findings of one rule that a capped list left out; `first` is the first of them."""

    more: int = 0
    first: Finding | None = None


@dataclass
class Overflow:
    """Findings left out once a list reached its cap, counted per rule: what `summaries` reports."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, Finding] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        """Count one finding, or all those a summary (from an earlier cap) stands for."""
        if isinstance(finding, FindingSummary) and finding.first is not None:
            weight, example = finding.more, finding.first
        else:
            weight, example = 1, finding
        self.counts[finding.rule] = self.counts.get(finding.rule, 0) + weight
        known = self.first.get(finding.rule)
        if known is None or (example.is_error and not known.is_error):  # an error keeps the summary an error
            self.first[finding.rule] = example

    @property
    def has_error(self) -> bool:
        return any(f.is_error for f in self.first.values())

    def summaries(self) -> list[Finding]:
        return [_summary(self.first[rule], n) for rule, n in self.counts.items()]


def _summary(first: Finding, count: int) -> Finding:
    return FindingSummary(
        rule=first.rule,
        field=first.field,
        message=f"… and {count:,} more finding(s) of rule {first.rule} not listed (the first at "
        f"{first.field or 'the document'}): {first.message}",
        fix=f"Fix the ones listed and check again; the same fix usually applies. {first.fix}",
        severity=first.severity,
        message_ar=f"… و{count:,} ملاحظة أخرى من القاعدة {first.rule} لم تُعرض (أولها في "
        f"{first.field or 'المستند'}): {first.message_ar}",
        fix_ar=f"صحح ما عُرض ثم أعد الفحص؛ فالإصلاح نفسه ينطبق غالباً. {first.fix_ar}",
        more=count,
        first=first,
    )


def cap_findings(findings: Iterable[Finding], limit: int = FINDINGS_CAP) -> list[Finding]:
    """At most `limit` findings (errors before warnings once over the cap), then one summary per rule left out.

    Capping an already capped list merges its summaries, so a list capped document by document stays exact.
    """
    items = findings if isinstance(findings, list) else list(findings)
    earlier = [f for f in items if isinstance(f, FindingSummary)]
    if len(items) <= limit and not earlier:
        return items
    plain = [f for f in items if not isinstance(f, FindingSummary)]
    ordered = sorted(plain, key=lambda f: not f.is_error)  # stable: each severity keeps its order
    overflow = Overflow()
    for extra in [*ordered[limit:], *earlier]:
        overflow.add(extra)
    return ordered[:limit] + overflow.summaries()
