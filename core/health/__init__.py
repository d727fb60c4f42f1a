"""Health: `qayd doctor`'s checks, the alerts they raise and the figures they export (issue 16)."""

from core.health.model import RUNBOOKS, CheckResult, Report, Status

__all__ = ["RUNBOOKS", "CheckResult", "Report", "Status"]
