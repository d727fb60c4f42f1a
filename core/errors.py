"""The one root of every error Qayd shows a person, with the CLI exit code each maps to.

Every QaydError subclass in core, with its exit code (a unit test keeps this tree complete and true):

QaydError                  any other Qayd error (exit 10)
├── ConfigError            settings are invalid (exit 3); carries every problem found
├── CentralSetupError      core.central.admin: a central setting or login is not usable as given (exit 3)
│   └── JoinError          core.sync.join: central cannot give this desk its company yet (exit 3)
├── StoreError             the local database cannot be opened, migrated or written (exit 4)
│   └── ConcurrentEditError  a row changed under us since it was read (exit 4)
├── SyncError              core.sync.engine: the central database was unreachable or refused the sync (exit 4)
├── StoreBusyError         another process held the store's write lock past the timeout; try again (exit 12)
├── NotFoundError          a company, customer, product or invoice does not exist (exit 5)
├── AlreadyExistsError     a unique name or number is taken (exit 6)
├── ImmutableError         an issued invoice or the audit log cannot be changed (exit 6)
├── ValidationError        input breaks rules; carries the findings (exit 2)
│   └── BatchRefused       core.zatca.batch_import: an import refused whole; nothing was imported (exit 2)
├── ReportError            core.reports.errors: a report cannot be produced as asked (exit 2)
├── SecretStoreError       the master key or a secret is unavailable (exit 7)
├── AuditError             the audit chain or an evidence bundle is unusable (exit 8)
│   └── TamperedDocumentError  an issued document's stored stamp does not verify: not shared (exit 8)
├── ZatcaError             core.zatca.errors: the Fatoora portal refused or could not handle a request (exit 9)
│   ├── ZatcaAuthError     HTTP 401: the device credentials (CSID) were not accepted (exit 9)
│   ├── ZatcaRefused       an onboarding call was refused, with ZATCA's error codes (exit 9)
│   └── ZatcaUnavailable   the portal could not be reached or kept failing; the document stays queued (exit 9)
├── NotShareableError      core.reports.invoice_pdf: a standard invoice waits for ZATCA's clearance (exit 9)
├── PaymentError           core.payments.errors: the payment provider refused or could not handle a request (exit 13)
│   ├── PaymentRefused     the provider refused the request as made (a 4xx); the reason and a fix (exit 13)
│   └── PaymentUnavailable the provider could not be reached or asked to wait (429, 5xx); try again (exit 13)
├── MailError              core.mail.errors: the mail server refused or was unreachable, or mail is not set up (exit 13)
│   ├── MailNotConfigured  the [mail] settings or the mail.password / mail.oauth secret are missing (exit 13)
│   ├── MailRefused        the server refused for good (5xx: recipient, sender, login); reason and fix (exit 13)
│   └── MailUnavailable    the server could not be reached or asked to wait (4xx, timeout, TLS); retried (exit 13)
├── AssistantError         core.assistant.errors: its provider refused or is unreachable, or it is not set up (exit 13)
│   ├── AssistantNotConfigured  no provider, model or key, or the `assistant` extra is not installed (exit 13)
│   ├── AssistantRefused   the provider refused the request as made (a 4xx) (exit 13)
│   ├── AssistantUnavailable  the provider could not be reached or asked to wait (429, 5xx, timeout) (exit 13)
│   └── BudgetExceeded     the call would pass this month's budget; nothing was sent (exit 13)
├── IncidentHold           core.incident: incident mode holds this channel until an admin ends it (exit 14)
├── AccessDeniedError      the acting user's role may not do or see this (exit 11)
│   └── DeviceOwnerError   core.sync.ownership: central registered this device to another login (exit 11)
├── CrashUploadError       core.support.upload: the crash-report address refused or was unreachable (exit 10)
├── ResourceMissingError   core.resources: a bundled data file is missing from the installation (exit 10)
└── Cancelled              the person stopped a long job, as Ctrl-C does; nothing half-written (exit 130)

Each exit code means one thing (EXIT_CODES below; the CLI's docstring and the README say the same): 0 success;
1 a check ran and found problems (a broken chain, an invalid invoice file): the command worked, the data did not
pass; 70 an internal error (details in the log file, never a traceback on screen); 130 interrupted. The others
are the errors above.
Each error's message is written for the person at the keyboard: what happened and what to
do, with no secret and no personal data in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.findings import Finding, cap_findings

EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "a check ran and found problems (broken chain, invalid document)",
    2: "bad input (usage, or a document or report request refused with findings)",
    3: "configuration (settings, or the central database's setup and logins)",
    4: "store: a database (this desk's, or central during sync) cannot be opened, reached or written",
    5: "not found",
    6: "already exists or immutable: the change conflicts with what is recorded",
    7: "secrets: the master key or a secret is unavailable",
    8: "unusable evidence: the audit chain, a bundle or an issued document's stamp",
    9: "ZATCA: the portal refused, or a document waits for clearance",
    10: "other Qayd error",
    11: "not allowed for your role",
    12: "store busy: another process is writing; try again",
    13: "an outside service (a payment provider, the mail server, the assistant's provider) refused or could not be "
        "reached, or the assistant's budget is spent",
    14: "held by incident mode: an admin ends it (`qayd incident end --reason …`)",
    70: "internal error (details in the log file)",
    130: "interrupted: Ctrl-C, or a long job the person cancelled (Cancelled)",
}


class QaydError(Exception):
    """Base of every user-facing error. ``str(err)`` is the message to show."""

    exit_code = 10

    def __init__(self, message: str, *, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} {self.fix}".strip()


class ConfigError(QaydError):
    exit_code = 3

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"The configuration has {len(self.problems)} problem(s):\n{lines}",
            fix="Correct them in the config file or the QAYD_* environment variables; "
            "`qayd config check` shows the effective settings.",
        )


class StoreError(QaydError):
    exit_code = 4


class ConcurrentEditError(StoreError):
    pass


class StoreBusyError(QaydError):
    """Another Qayd process kept the company store's write lock longer than `store.busy_timeout`."""

    exit_code = 12


class NotFoundError(QaydError):
    exit_code = 5


class AlreadyExistsError(QaydError):
    exit_code = 6


class ImmutableError(QaydError):
    exit_code = 6


class ValidationError(QaydError):
    exit_code = 2

    def __init__(self, what: str, findings: Sequence[Finding]) -> None:
        self.findings = cap_findings(list(findings))  # a flood of findings is summarised, never all kept
        errors = [f for f in self.findings if f.is_error]
        lines = "\n".join(f"  - {f}" for f in errors)
        super().__init__(f"{what} was refused: {len(errors)} error(s).\n{lines}")

    def __str__(self) -> str:
        return self.message


class SecretStoreError(QaydError):
    exit_code = 7


class AuditError(QaydError):
    exit_code = 8


class TamperedDocumentError(AuditError):
    """An issued document whose stored XML no longer verifies against its stamp: export, print and QR refuse it."""


class IncidentHold(QaydError):
    """Incident mode holds this channel (core.incident.check_not_held): nothing was sent or changed; it waits."""

    exit_code = 14


class AccessDeniedError(QaydError):
    """The acting user's role may not do this or see this record (restricted personal data, admin-only changes)."""

    exit_code = 11


class Cancelled(QaydError):
    """The one cancellation of every long job (core.progress): raised when the caller's cancel check says stop.

    A job rolls back (or removes) its unfinished part before this propagates: nothing is left half-written.
    The desktop shows a cancelled job as "Cancelled" (desktop.jobs), never as an error; the CLI exits 130.
    """

    exit_code = 130

    def __init__(self, what: str = "") -> None:
        super().__init__(f"Cancelled ({what})." if what else "Cancelled.")
        self.what = what
