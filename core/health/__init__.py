"""Health: `qayd doctor`'s checks, the alerts they raise (each with its runbook) and the figures they export
(issue 16)."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.health.alerts import Alert, AlertBook, AlertChange, alerts_of, runbook_path
    from core.health.model import RUNBOOKS, CheckResult, Report, Status

_FACE = {
    "RUNBOOKS": "core.health.model",
    "Alert": "core.health.alerts",
    "AlertBook": "core.health.alerts",
    "AlertChange": "core.health.alerts",
    "CheckResult": "core.health.model",
    "Report": "core.health.model",
    "Status": "core.health.model",
    "alerts_of": "core.health.alerts",
    "runbook_path": "core.health.alerts",
}
__all__ = ["RUNBOOKS", "Alert", "AlertBook", "AlertChange", "CheckResult", "Report", "Status", "alerts_of",
           "runbook_path"]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
