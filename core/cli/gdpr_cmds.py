"""`qayd gdpr …`: data-subject requests, the personal-data access log, access exports and erasure."""

from __future__ import annotations

import click

from core.cli import gdpr_data_cmds, gdpr_log_cmds, gdpr_request_cmds


def register(cli: click.Group) -> None:
    @cli.group()
    def gdpr() -> None:
        """Data-subject requests (GDPR Art. 15-21), the access log, exports and erasure."""

    for module in (gdpr_request_cmds, gdpr_log_cmds, gdpr_data_cmds):
        module.register(gdpr)
