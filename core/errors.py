"""The one root of every error Qayd shows a person, with the CLI exit code each maps to.

QaydError
├── ConfigError            settings are invalid (exit 3); carries every problem found
├── StoreError             the local database cannot be opened, migrated or written (exit 4)
│   └── ConcurrentEditError  a row changed under us since it was read (exit 4)
├── StoreBusyError         another process held the store's write lock past the timeout; try again (exit 12)
├── NotFoundError          a company, customer, product or invoice does not exist (exit 5)
├── AlreadyExistsError     a unique name or number is taken (exit 6)
├── ValidationError        input breaks rules; carries the findings (exit 2)
├── ImmutableError         an issued invoice or the audit log cannot be changed (exit 6)
├── SecretStoreError       the master key or a secret is unavailable (exit 7)
├── AuditError             the audit chain or an evidence bundle is unusable (exit 8)
│   └── TamperedDocumentError  an issued document's stored stamp does not verify: not shared (exit 8)
└── Cancelled              the person stopped a long job; nothing half-written (exit 130, as Ctrl-C)

Exit code 1 is reserved for checks that ran and found something wrong (a broken audit
chain, an invalid invoice file): the command worked, the data did not pass.
Each error's message is written for the person at the keyboard: what happened and what to
do, with no secret and no personal data in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.findings import Finding, cap_findings


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
