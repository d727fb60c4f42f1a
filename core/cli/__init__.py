"""The `qayd` command line: every capability of the core, scriptable, with documented exit codes.

Exit codes: 0 success; 1 a check ran and found problems (broken chain, invalid document); 2 bad input
(usage, or a document refused with findings); 3 configuration; 4 store; 5 not found; 6 already exists
or immutable; 7 secrets; 8 audit bundle; 9 ZATCA; 10 other Qayd error; 11 not allowed for your role;
12 store busy (another process is writing; try again); 70 internal error (details in the log file, never
on screen); 130 interrupted.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import click
import platformdirs

from core import __version__
from core.cli import (
    audit_cmds,
    company_cmds,
    config_cmds,
    gdpr_cmds,
    invoice_cmds,
    party_cmds,
    report_cmds,
    secrets_cmds,
    sync_cmds,
    zatca_cmds,
)
from core.cli.common import CliState
from core.errors import QaydError
from core.files import create_private, private_dir, private_umask
from core.store import busy_error, is_busy

EXIT_INTERNAL = 70
EXIT_BAD_PATH = 2  # a path given on the command line is unusable: bad input
EXIT_INTERRUPTED = 130
log = logging.getLogger("qayd")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="qayd")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding the company databases (default: the platform's data folder; env QAYD_DATA_DIR).")
@click.option("--company", help="Company database to use (env QAYD_COMPANY; default 'default').")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Settings file to read instead of the platform's config.toml (env QAYD_CONFIG).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, company: str | None, config_file: Path | None) -> None:
    """Qayd (قيد): ZATCA e-invoicing, tamper-evident audit and privacy compliance."""
    ctx.obj = CliState(overrides={"data_dir": data_dir, "company": company}, config_file=config_file)
    ctx.call_on_close(ctx.obj.close)


for module in (company_cmds, party_cmds, audit_cmds, config_cmds, gdpr_cmds, secrets_cmds, report_cmds,
               sync_cmds):
    module.register(cli)
zatca_cmds.register(cli, invoice_cmds.register(cli))


def _log_file() -> Path:
    folder = private_dir(platformdirs.user_log_path("qayd"))
    return create_private(folder / "qayd.log")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; Qayd errors print their message (never a traceback) and map to exit codes."""
    _printable_output()
    with private_umask():  # everything the command creates is its owner's only (issue 12 point 9)
        return _main(argv)


def _printable_output() -> None:
    """Echoing what a person typed never fails: a lone surrogate (an invalid byte on the command line) or a
    character the terminal's encoding lacks is written as a backslash escape instead of raising mid-message."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _undecodable_argument(args: list[str]) -> str | None:
    """Where the command line holds bytes that are not UTF-8 (Python keeps them as lone surrogates, which no
    store, XML or terminal can take): every command refuses them here, before any of them reaches a field."""
    for i, arg in enumerate(args):
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
            where = f"the value of {args[i - 1]}" if i and args[i - 1].startswith("-") else f"argument {i + 1}"
            return f"Error: {where} ({shown}) is not valid UTF-8 text. Type it again, or set the terminal to UTF-8."
    return None


def _main(argv: list[str] | None) -> int:
    problem = _undecodable_argument(list(sys.argv[1:] if argv is None else argv))
    if problem is not None:
        click.echo(problem, err=True)
        return 2
    try:
        code = cli.main(args=argv, prog_name="qayd", standalone_mode=False)
        return code if isinstance(code, int) else 0  # click returns the code of an Exit raised by a command
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except QaydError as exc:
        click.echo(f"Error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _unexpected(exc)


def _unexpected(exc: Exception) -> int:
    """What no command caught: a busy store or a path the person gave are still theirs to fix; the rest is ours."""
    if is_busy(exc):  # a lock met outside BEGIN IMMEDIATE (a reader's upgrade, a migration): busy, not a crash
        busy = busy_error("the company database")
        click.echo(f"Error: {busy}", err=True)
        return busy.exit_code
    if isinstance(exc, OSError) and exc.filename is not None and not isinstance(exc, ConnectionError | TimeoutError):
        # a file or folder named on the command line that cannot be read or written (too long a name, a folder
        # where a file was meant, no permission): input to correct, not a crash
        click.echo(f"Error: {exc.filename}: {exc.strerror or exc}. Choose another path, or check its permissions.",
                   err=True)
        return EXIT_BAD_PATH
    path = _log_file()
    handler = logging.FileHandler(path, encoding="utf-8")
    log.addHandler(handler)
    log.error("internal error in qayd %s", __version__, exc_info=exc)
    handler.close()
    log.removeHandler(handler)
    click.echo(f"Qayd hit an internal error; the details are in {path}. Please report it.", err=True)
    return EXIT_INTERNAL
