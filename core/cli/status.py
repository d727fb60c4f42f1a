"""`qayd status [--json]`: one line per check that is not ok (the local checks, as the alerts see them)."""

from __future__ import annotations

import click

from core.cli.common import print_json


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the checks that are not ok as JSON.")
def status(as_json: bool) -> None:
    """What needs attention now, each with its runbook (exit 0: `qayd doctor` is the one that fails)."""
    from core.cli.doctor import health_report

    report = health_report(network=False, scans=False)  # as the desktop's alerts: no whole-store scan
    alerts = report.not_ok()
    if as_json:
        print_json({"started_at": report.started_at.isoformat(), "worst": str(report.worst),
                    "alerts": [c.to_json() for c in alerts]})
        return
    if not alerts:
        click.echo("All clear.")
        return
    from core.health import alerts_of

    for alert in alerts_of(report):  # as the desktop's bell shows them: failures first, each with its runbook
        click.echo(alert.line())
