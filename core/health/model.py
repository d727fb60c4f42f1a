"""What a health check says: ok, warn or fail, what it found, the fix, and the runbook an alert links to.

One model for `qayd doctor` (every check), the alerts (a check that is not ok, seen by the desktop's bell and
`qayd status`), the support bundle (doctor's JSON) and the Prometheus textfile (each check's figures). No personal
data and no secret ever goes into `found`, `fix` or `figures`: they are shown, logged and zipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# The runbooks an alert links to: docs/runbooks/<id>.md (English) and docs/runbooks/<id>.ar.md (Arabic). Every check
# names one of these; a test keeps both files present for each.
RUNBOOKS: dict[str, str] = {
    "store-health": "The company store: integrity, foreign keys, schema version, free disk, write-ahead log",
    "audit-chain-broken": "The audit chain or its anchor does not verify",
    "secret-store": "The master key or the secret store cannot decrypt",
    "certificate-expiry": "An EGS unit's ZATCA certificate is expiring or expired",
    "zatca-reporting-deadline": "A simplified invoice is near or past ZATCA's 24-hour reporting deadline",
    "zatca-clearance-waiting": "Standard invoices are waiting for ZATCA's clearance",
    "clock-skew": "This machine's clock disagrees with ZATCA's or central's",
    "central-unreachable": "Central PostgreSQL cannot be reached, refuses the login or has another schema",
    "sync-failing": "No successful sync with central for too long, or conflicts are open",
    "mail-failed": "E-mailed invoices failed, or the mail server refuses the login",
    "payment-poll-gap": "The payment provider has not been polled successfully for too long",
    "incident-mode": "Incident mode is active: outgoing side effects are held (and issuing, when Qayd entered it)",
}


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


_RANK = {Status.OK: 0, Status.WARN: 1, Status.FAIL: 2}


@dataclass(frozen=True)
class CheckResult:
    """One check's answer. `id` is stable (dotted: "store.integrity", "zatca.reporting_deadline"), `runbook` a key of
    RUNBOOKS, `figures` the numbers behind the answer (seconds, counts, days), named in snake case."""

    id: str
    title: str
    status: Status
    found: str
    fix: str = ""
    runbook: str | None = None
    figures: Mapping[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    found_ar: str = ""  # the same finding in Arabic (the desktop shows it when its UI is Arabic)
    fix_ar: str = ""

    def text(self, language: str) -> tuple[str, str]:
        """(found, fix) in `language`: the Arabic when "ar" is asked and the check wrote it, else the English."""
        return localised(self.found, self.fix, self.found_ar, self.fix_ar, language)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": str(self.status), "found": self.found,
                "fix": self.fix, "found_ar": self.found_ar, "fix_ar": self.fix_ar, "runbook": self.runbook,
                "figures": dict(self.figures), "seconds": round(self.seconds, 4)}


def localised(found: str, fix: str, found_ar: str, fix_ar: str, language: str) -> tuple[str, str]:
    """Arabic when asked and present (each of the two on its own), else the English."""
    if language != "ar":
        return found, fix
    return found_ar or found, fix_ar or fix


@dataclass(frozen=True)
class Report:
    """Every check of one run, in the order they ran."""

    checks: tuple[CheckResult, ...]
    started_at: datetime
    deep: bool = False

    @property
    def worst(self) -> Status:
        return max((c.status for c in self.checks), key=_RANK.__getitem__, default=Status.OK)

    @property
    def failed(self) -> bool:
        return self.worst is Status.FAIL

    def not_ok(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if c.status is not Status.OK)

    def to_json(self) -> dict[str, Any]:
        return {"started_at": self.started_at.isoformat(), "deep": self.deep, "worst": str(self.worst),
                "checks": [c.to_json() for c in self.checks]}
