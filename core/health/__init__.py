"""Health: `qayd doctor`'s checks, the alerts they raise and the figures they export (issue 16)."""

from typing import TYPE_CHECKING

from core.face import lazy_face
from core.health.model import RUNBOOKS, CheckResult, Report, Status

if TYPE_CHECKING:
    from core.health.doctor import run_checks, unopened_report
    from core.health.metrics import write_textfile
    from core.health.probes import CentralFacts, Probes, health_probes

# The model is loaded with the face (it is small); the checks and the probes on first use.
_FACE = {
    "CentralFacts": "core.health.probes",
    "Probes": "core.health.probes",
    "health_probes": "core.health.probes",
    "run_checks": "core.health.doctor",
    "unopened_report": "core.health.doctor",
    "write_textfile": "core.health.metrics",
}
__all__ = ["RUNBOOKS", "CentralFacts", "CheckResult", "Probes", "Report", "Status", "health_probes", "run_checks",
           "unopened_report", "write_textfile"]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
