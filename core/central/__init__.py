"""Central: the company's central PostgreSQL: its schema (roles, row-level security, append-only audit tables, the
change log and the functions installs call), the connection, and its administration.
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.central.admin import CentralSetupError, add_company, add_member, init_schema

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "CentralSetupError": "core.central.admin",
    "add_company": "core.central.admin",
    "add_member": "core.central.admin",
    "init_schema": "core.central.admin",
}
__all__ = [
    "CentralSetupError",
    "add_company",
    "add_member",
    "init_schema",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
