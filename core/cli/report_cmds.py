"""`qayd report ...`: printable compliance documents (PDF/A-3, English or Arabic)."""

from __future__ import annotations

import click

from core.cli import report_audit_cmds, report_tax_cmds


def register(cli: click.Group) -> click.Group:
    @cli.group()
    def report() -> None:
        """Printable compliance documents: VAT return, ZATCA submissions, audit evidence, privacy (PDF/A-3)."""

    report_tax_cmds.register(report)
    report_audit_cmds.register(report)
    return report
