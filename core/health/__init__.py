"""Health: `qayd doctor`'s checks, the alerts they raise (each with its runbook) and the figures they export
(issue 16)."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.health.alerts import Alert, AlertBook, AlertChange, alerts_of, runbook_path
    from core.health.doctor import run_checks, unopened_report
    from core.health.metrics import write_textfile
    from core.health.model import RUNBOOKS, CheckResult, Report, Status
    from core.health.probes import CentralFacts, Probes, health_probes

# Each name loads its module on first use: the checks and the probes only when a check runs.
_FACE = {
    "RUNBOOKS": "core.health.model",
    "CheckResult": "core.health.model",
    "Report": "core.health.model",
    "Status": "core.health.model",
    "Alert": "core.health.alerts",
    "AlertBook": "core.health.alerts",
    "AlertChange": "core.health.alerts",
    "alerts_of": "core.health.alerts",
    "runbook_path": "core.health.alerts",
    "CentralFacts": "core.health.probes",
    "Probes": "core.health.probes",
    "health_probes": "core.health.probes",
    "run_checks": "core.health.doctor",
    "unopened_report": "core.health.doctor",
    "write_textfile": "core.health.metrics",
}
__all__ = ["RUNBOOKS", "Alert", "AlertBook", "AlertChange", "CentralFacts", "CheckResult", "Probes", "Report",
           "Status", "alerts_of", "health_probes", "run_checks", "runbook_path", "unopened_report", "write_textfile"]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
