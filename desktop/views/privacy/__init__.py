"""The Privacy view: the data-subject request queue with its actions, a subject search, and the access log.

Requests (`core.privacy.requests`): a queue with due dates (overdue in red), a new-request dialog, identity
verification, extension and closure, each one core step in its own unit of work. For an access or portability
request "Export…" runs `core.privacy.export.export_subject` in a Job into a chosen folder; for an erasure request
"Erase…" shows `core.privacy.erasure.preview` (what is erased, what is kept, under which basis and until when) and
runs `core.privacy.erasure.erase` in a Job only after an explicit confirmation. Which action is possible for a
request is the core's decision (`requests.action_findings`). Subjects (`core.privacy.subjects.find_subjects`):
the chosen subject's requests and its access log (`core.privacy.access_log.search`).

Its rooms, each named for what it shows or does:

- `view`             the view (`PrivacyView`): the tabs put together, what is read when, the steps on a request
- `requests_list`    the Requests tab: the queue, the step buttons, the running job (`RequestsPage`)
- `request_dialogs`  a new request's intake (`NewRequestDialog`) and one step on a request (`StepDialog`)
- `answers`          answering a request: export and erasure in Jobs (`RequestAnswers`, mixed into the view)
- `erasure`          the erasure preview with its confirmation (`ErasureDialog`)
- `subjects`         the Subjects tab: the search and the chosen subject's requests (`SubjectsPage`)
- `access_log`       the Access log tab: who read the subject's data (`AccessLogPage`)
- `texts`            words and colours (kinds, statuses, due dates) and the tables every list is made of
"""

from desktop.views.privacy.access_log import LOG_LIMIT
from desktop.views.privacy.erasure import ErasureDialog
from desktop.views.privacy.request_dialogs import NewRequestDialog, StepDialog
from desktop.views.privacy.texts import (
    CHANNEL,
    DONE,
    OVERDUE,
    SOON,
    SOON_DAYS,
    due_text,
    findings_text,
    kind_text,
    short_subject,
    status_text,
)
from desktop.views.privacy.view import PrivacyView

__all__ = [
    "CHANNEL",
    "DONE",
    "LOG_LIMIT",
    "OVERDUE",
    "SOON",
    "SOON_DAYS",
    "ErasureDialog",
    "NewRequestDialog",
    "PrivacyView",
    "StepDialog",
    "due_text",
    "findings_text",
    "kind_text",
    "short_subject",
    "status_text",
]
