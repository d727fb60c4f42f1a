"""Support: a bundle to send to whoever supports you, and the opt-in upload of crash reports.

    qayd support bundle [--out PATH]    zip the logs, crash files, doctor's report and the config check (never the
                                        store, keys or secrets); PATH a .zip file or a folder (default: the current one)
    qayd support upload                 send crash files to support.crash_upload_url (unset: nothing is sent)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from core.cli.common import progress_printer, state
from core.support import create_bundle, pending_crash_files, upload_crashes


@click.group()
def support() -> None:
    """Support: a bundle of logs, crash files and health checks; opt-in upload of crash reports."""


def doctor_report() -> dict[str, Any]:
    """Doctor's report for the bundle: the configured company's checks (a missing master key is a failed check)."""
    from core.cli.doctor import health_report

    return dict(health_report().to_json())


@support.command("bundle")
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The .zip file to write, or a folder to hold qayd-support-<time>.zip.")
def bundle(out: Path) -> None:
    """Zip logs, crash files, doctor's report and the config check; never the store, keys or secrets."""
    path = create_bundle(out, settings=state().settings, doctor=doctor_report,
                         progress=progress_printer("Bundle"))
    click.echo(f"Support bundle written: {path}")
    click.echo("It holds no company data; look inside before you send it.")


@support.command("upload")
def upload() -> None:
    """Send crash files to support.crash_upload_url (off unless set); each is sent once."""
    settings = state().settings
    result = upload_crashes(settings)
    if not result.enabled:
        click.echo(f"Uploading crash reports is off (support.crash_upload_url is not set); nothing was sent. "
                   f"{len(pending_crash_files(settings))} crash file(s) are in a support bundle if you make one.")
        return
    click.echo(f"Sent {result.sent} crash file(s); {result.pending} left.")
