"""Support: scrubbed JSON-lines logs, crash files, the support bundle and the opt-in upload of crash reports."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.support.bundle import create_bundle, doctor_of, incident_evidence
    from core.support.crash import crash_dir, install_crash_handlers, write_crash_file
    from core.support.logs import (
        configure_logging,
        current_context,
        log_context,
        log_dir,
        log_path,
        new_correlation_id,
        remove_logging,
        set_log_fields,
    )
    from core.support.scrub import REDACTED, exception_message, safe, scrub_text
    from core.support.upload import CrashUploadError, UploadResult, pending_crash_files, upload_crashes

_FACE = {
    "CrashUploadError": "core.support.upload",
    "REDACTED": "core.support.scrub",
    "UploadResult": "core.support.upload",
    "configure_logging": "core.support.logs",
    "crash_dir": "core.support.crash",
    "current_context": "core.support.logs",
    "exception_message": "core.support.scrub",
    "create_bundle": "core.support.bundle",
    "doctor_of": "core.support.bundle",
    "incident_evidence": "core.support.bundle",
    "install_crash_handlers": "core.support.crash",
    "log_context": "core.support.logs",
    "log_dir": "core.support.logs",
    "log_path": "core.support.logs",
    "new_correlation_id": "core.support.logs",
    "pending_crash_files": "core.support.upload",
    "remove_logging": "core.support.logs",
    "safe": "core.support.scrub",
    "scrub_text": "core.support.scrub",
    "set_log_fields": "core.support.logs",
    "upload_crashes": "core.support.upload",
    "write_crash_file": "core.support.crash",
}
__all__ = [
    "REDACTED",
    "CrashUploadError",
    "UploadResult",
    "configure_logging",
    "crash_dir",
    "create_bundle",
    "current_context",
    "doctor_of",
    "exception_message",
    "incident_evidence",
    "install_crash_handlers",
    "log_context",
    "log_dir",
    "log_path",
    "new_correlation_id",
    "pending_crash_files",
    "remove_logging",
    "safe",
    "scrub_text",
    "set_log_fields",
    "upload_crashes",
    "write_crash_file",
]

__getattr__, __dir__ = lazy_face(__name__, _FACE)
