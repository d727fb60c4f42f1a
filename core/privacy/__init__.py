"""Privacy (GDPR/PDPL): data subjects, their requests (access, rectification, erasure, objection), the access log,
erasure with certificates, retention, roles and the export of a subject's data.

`access_log`, `erasure`, `requests` and `retention` are exported as namespaces (`requests.close`, `erasure.preview`).
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.privacy import access_log, erasure, requests, retention
    from core.privacy.cancel import Cancelled
    from core.privacy.catalogue import BASES as LAWFUL_BASES
    from core.privacy.erasure import erase as erase_subject
    from core.privacy.erasure import preview as preview_erasure
    from core.privacy.export import export_subject
    from core.privacy.retention import purge_expired
    from core.privacy.roles import ROLES, set_role
    from core.privacy.subjects import SubjectMatch, find_subjects, require_subject, resolve_subject

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "Cancelled": "core.privacy.cancel",
    "LAWFUL_BASES": "core.privacy.catalogue:BASES",
    "ROLES": "core.privacy.roles",
    "SubjectMatch": "core.privacy.subjects",
    "access_log": "core.privacy.access_log",
    "erase_subject": "core.privacy.erasure:erase",
    "erasure": "core.privacy.erasure",
    "export_subject": "core.privacy.export",
    "find_subjects": "core.privacy.subjects",
    "preview_erasure": "core.privacy.erasure:preview",
    "purge_expired": "core.privacy.retention",
    "requests": "core.privacy.requests",
    "require_subject": "core.privacy.subjects",
    "resolve_subject": "core.privacy.subjects",
    "retention": "core.privacy.retention",
    "set_role": "core.privacy.roles",
}
__all__ = [
    "LAWFUL_BASES",
    "ROLES",
    "Cancelled",
    "SubjectMatch",
    "access_log",
    "erase_subject",
    "erasure",
    "export_subject",
    "find_subjects",
    "preview_erasure",
    "purge_expired",
    "requests",
    "require_subject",
    "resolve_subject",
    "retention",
    "set_role",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
