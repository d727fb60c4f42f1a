"""`qayd gdpr …`: data-subject requests, the personal-data access log, access exports and erasure.

The group's commands live in three rooms, each imported only when one of its commands runs: gdpr_request
(requests and subjects), gdpr_log (the access log and roles), gdpr_data (access exports, erasure, retention)."""

from __future__ import annotations

import click

from core.cli.lazy import LazyGroup

COMMANDS = {
    "request": ("core.cli.gdpr_request:request",
                "Data-subject requests: intake, identity check, extension, closure (each step audited)."),
    "subjects": ("core.cli.gdpr_request:subjects",
                "Find data subjects by name, e-mail, phone, id or VAT number (the names shown are logged)."),
    "access-log": ("core.cli.gdpr_log:access_log_cmd",
                "Who read a data subject's personal data, which fields, for what purpose and through what."),
    "role": ("core.cli.gdpr_log:role_cmd", "Give a staff user a role (admins only; audited)."),
    "access": ("core.cli.gdpr_data:access",
                "Export everything held about SUBJECT (customer:<id> or user:<id>): JSON, CSV per table, XML, "
                "manifest."),
    "erase": ("core.cli.gdpr_data:erase",
                "Erase SUBJECT: anonymise what is not held, hold issued invoices, destroy the audit key, certify."),
    "purge": ("core.cli.gdpr_data:purge",
                "Purge the personal data of held records whose retention period has ended."),
    "certificate": ("core.cli.gdpr_data:certificate", "Erasure certificates."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
def gdpr() -> None:
    """Data-subject requests (GDPR Art. 15-21), the access log, exports and erasure."""
