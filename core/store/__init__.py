"""Store: the company's local SQLite database (schema, migrations, the stored rows) and how a busy database is told.

Sessions and mapped classes are for the core's repositories; the desktop never imports the store.
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.store.busy import busy_error, is_busy
    from core.store.models import IssuedDocument

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "IssuedDocument": "core.store.models",
    "busy_error": "core.store.busy",
    "is_busy": "core.store.busy",
}
__all__ = [
    "IssuedDocument",
    "busy_error",
    "is_busy",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
