"""Alerts: the checks of a health report that are not ok, and what changed since the last report.

An alert is a check that warns or fails (`Report.not_ok()`), named by the check's id and linking to its runbook.
`AlertBook` keeps the alerts that are on between successive reports, so a caller can tell what is new (toast it),
what is still on (count it on the badge) and what cleared. A warning that becomes a failure is new again: it is
worse, and a person should hear about it; a failure that eases to a warning is still on, not new.

The runbooks ship as package data (resources/runbooks/, reached through core.resources), so an installed or frozen
Qayd opens the same file the repository shows at docs/runbooks/ (a link to that folder): one copy, readable both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.health.model import RUNBOOKS, CheckResult, Report, Status, localised
from core.resources import resource_path

LANGUAGES = ("en", "ar")


def runbook_file(runbook: str, language: str) -> str:
    """The file name of a runbook: `<id>.md` in English, `<id>.ar.md` in Arabic."""
    return f"{runbook}.ar.md" if language == "ar" else f"{runbook}.md"


def runbook_path(runbook: str, language: str = "en") -> Path:
    """The runbook `runbook` (a key of RUNBOOKS) in `language` ("ar" or anything else for English).

    Raises KeyError for an id that is not a runbook, and core.resources.ResourceMissingError where the installation
    lacks the file."""
    if runbook not in RUNBOOKS:
        raise KeyError(runbook)
    return resource_path("runbooks", runbook_file(runbook, language))


@dataclass(frozen=True)
class Alert:
    """A check that is not ok. `id` is the check's id; `paths` maps "en" and "ar" to the runbook's files (empty when
    the check names no runbook); `found_ar`/`fix_ar` the check's Arabic words. Like the check, it holds no personal
    data and no secret."""

    id: str
    severity: Status  # WARN or FAIL
    title: str
    found: str
    fix: str
    runbook: str | None
    paths: tuple[tuple[str, Path], ...] = ()
    found_ar: str = ""
    fix_ar: str = ""

    @classmethod
    def from_check(cls, check: CheckResult) -> Alert:
        if check.status is Status.OK:
            raise ValueError(f"check {check.id} is ok: no alert")
        paths: tuple[tuple[str, Path], ...] = ()
        if check.runbook is not None:
            paths = tuple((language, runbook_path(check.runbook, language)) for language in LANGUAGES)
        return cls(check.id, check.status, check.title, check.found, check.fix, check.runbook, paths,
                   check.found_ar, check.fix_ar)

    def text(self, language: str) -> tuple[str, str]:
        """(found, fix) in `language`: the Arabic when "ar" is asked and present, else the English."""
        return localised(self.found, self.fix, self.found_ar, self.fix_ar, language)

    def path(self, language: str) -> Path | None:
        """The runbook in `language`, else in English, else None."""
        found = dict(self.paths)
        return found.get(language) or found.get("en")

    def line(self) -> str:
        """One line for a terminal (`qayd status`): severity, check, what it found, where the runbook is."""
        text = f"{self.severity.value.upper()} {self.id}: {self.found}"
        return f"{text} (runbook: {self.path('en')})" if self.paths else text


def alerts_of(report: Report) -> tuple[Alert, ...]:
    """The report's alerts, failures first, in the order the checks ran."""
    alerts = [Alert.from_check(check) for check in report.not_ok()]
    return tuple(sorted(alerts, key=lambda a: a.severity is not Status.FAIL))


@dataclass(frozen=True)
class AlertChange:
    """What one report changed: `new` (first seen, or a warning become a failure), `kept` (still on), `cleared`
    (on before, ok now or not checked)."""

    new: tuple[Alert, ...]
    kept: tuple[Alert, ...]
    cleared: tuple[Alert, ...]

    @property
    def current(self) -> tuple[Alert, ...]:
        """Every alert on now: what the badge counts."""
        return self.new + self.kept


class AlertBook:
    """The alerts on now, updated with each report (one book per open company)."""

    def __init__(self) -> None:
        self._on: dict[str, Alert] = {}

    @property
    def current(self) -> tuple[Alert, ...]:
        return tuple(self._on.values())

    def update(self, report: Report) -> AlertChange:
        return self.replace(alerts_of(report))

    def replace(self, alerts: Iterable[Alert]) -> AlertChange:
        now = {alert.id: alert for alert in alerts}
        new: list[Alert] = []
        kept: list[Alert] = []
        for alert in now.values():
            before = self._on.get(alert.id)
            escalated = before is not None and before.severity is Status.WARN and alert.severity is Status.FAIL
            (new if before is None or escalated else kept).append(alert)
        cleared = tuple(alert for key, alert in self._on.items() if key not in now)
        self._on = now
        return AlertChange(tuple(new), tuple(kept), cleared)
