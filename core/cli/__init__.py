"""The `qayd` command line: every capability of the core, scriptable, with documented exit codes.

Exit codes (one meaning each: core.errors.EXIT_CODES, and its docstring's tree of which error exits with which):
0 success; 1 a check ran and found problems (broken chain, invalid document); 2 bad input (usage, or a document
refused with findings); 3 configuration; 4 store; 5 not found; 6 already exists or immutable; 7 secrets; 8 audit
bundle or evidence; 9 ZATCA; 10 other Qayd error; 11 not allowed for your role; 12 store busy (another process is
writing; try again); 13 an outside service (payments, mail, the assistant's provider) refused or was unreachable;
14 held by incident mode (an admin ends it); 70 internal error (details in the log file, never on screen);
130 interrupted.

The command groups live one per module (invoice.py, zatca.py, audit.py, ...), each imported only when one of its
commands runs (COMMANDS below, through core.cli.lazy.LazyGroup), so `qayd --help` and `--version` answer at once.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from core import __version__, startup
from core.cli.lazy import LazyGroup
from core.errors import QaydError
from core.files import create_private, private_dir, private_umask

if TYPE_CHECKING:
    from core.cli.common import CliState

EXIT_INTERNAL = 70
EXIT_BAD_PATH = 2  # a path given on the command line is unusable: bad input
EXIT_INTERRUPTED = 130
log = logging.getLogger("qayd")

# Every command group, imported only when it runs: `qayd --help` and `--version` load none of them (issue 14).
# name -> ("module:attribute", its one-line help as `--help` lists it; a unit test keeps both true).
COMMANDS = {
    "ask": ("core.cli.ask:ask", "Ask the finance assistant a question about the books (names never leave this desk)."),
    "assistant": ("core.cli.assistant:assistant",
                  "The finance assistant: what its calls cost, against the monthly budget."),
    "audit": ("core.cli.audit:audit", "The tamper-evident audit chain."),
    "central": ("core.cli.central:central",
                "The company's central PostgreSQL: schema, logins, this install's connection."),
    "company": ("core.cli.company:company", "The seller's company profile."),
    "config": ("core.cli.config:config", "Settings: defaults, the config file and QAYD_* variables."),
    "customer": ("core.cli.customer:customer", "Customers (buyers): businesses and individuals."),
    "doctor": ("core.cli.doctor:doctor",
               "Check this install's health: store, audit chain, secrets, ZATCA, clocks, central, mail, payments."),
    "gdpr": ("core.cli.gdpr:gdpr", "Data-subject requests (GDPR Art."),
    "incident": ("core.cli.incident:incident",
                 "Incident mode: hold outgoing side effects that can wait, while issuing and ZATCA go on."),
    "init": ("core.cli.company:init", "Create a company: its store, device key and first audit entries."),
    "insights": ("core.cli.insights:insights",
                 "Insights: what an auditor would flag in the books, and people's verdicts on it."),
    "invoice": ("core.cli.invoice:invoice", "Invoices, credit notes and debit notes."),
    "pay": ("core.cli.pay:pay", "Payment links for invoices, and refunds through credit notes."),
    "payments": ("core.cli.pay:payments", "Payments received: poll the provider, list them."),

    "mail": ("core.cli.mail:mail",
             "E-mailed invoices: the outbox, sending it, and decisions after an interrupted send."),
    "product": ("core.cli.product:product", "Products and services."),
    "report": ("core.cli.report:report",
                "Printable compliance documents: VAT return, ZATCA submissions, audit evidence, privacy (PDF/A-3)."),
    "secrets": ("core.cli.secrets:secrets",
                "Secrets (API keys, passwords) sealed in the company store with a key from the OS keyring."),
    "status": ("core.cli.status:status",
               "What needs attention now, each with its runbook (exit 0: `qayd doctor` is the one that fails)."),
    "support": ("core.cli.support:support",
                "Support: a bundle of logs, crash files and health checks; opt-in upload of crash reports."),
    "sync": ("core.cli.sync:sync",
                "Push this install's changes and audit chain to central and pull everyone else's (resumes where it "
                "stopped; safe to run any time)."),
    "zatca": ("core.cli.zatca:zatca", "ZATCA: EGS units, onboarding, and the submission queue."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})


@click.version_option(__version__, "--version", prog_name="qayd")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding the company databases (default: the platform's data folder; env QAYD_DATA_DIR).")


@click.option("--company", help="Company database to use (env QAYD_COMPANY; default 'default').")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Settings file to read instead of the platform's config.toml (env QAYD_CONFIG).")


@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, company: str | None, config_file: Path | None) -> None:
    """Qayd (قيد): ZATCA e-invoicing, tamper-evident audit and privacy compliance."""
    from core.cli.common import CliState
    from core.support import log_context

    holder = ctx.obj if isinstance(ctx.obj, dict) else {}  # main() passes one: a crash after the command reads it
    ctx.obj = holder["state"] = CliState(overrides={"data_dir": data_dir, "company": company},
                                         config_file=config_file, command=ctx.invoked_subcommand,
                                         crash_hooks=holder.get("own_process") is True)
    fields = ctx.with_resource(log_context(job=ctx.invoked_subcommand))  # one correlation id for the command
    ctx.obj.correlation_id = fields["correlation_id"]
    ctx.call_on_close(ctx.obj.close)


def _log_file() -> Path:
    import platformdirs

    folder = private_dir(platformdirs.user_log_path("qayd"))
    return create_private(folder / "qayd.log")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; Qayd errors print their message (never a traceback) and map to exit codes."""
    _printable_output()
    startup.begin(freeze=argv is None)  # settled once the company is open (CliState.company) or the command ends
    try:
        with private_umask():  # everything the command creates is its owner's only (issue 12 point 9)
            return _main(argv)
    finally:
        startup.settle()


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
    # the command's state, for a crash after the command has ended; whether this process is the command's own
    holder: dict[str, Any] = {"own_process": argv is None}
    return _run_command(argv, holder)


def _run_command(argv: list[str] | None, holder: dict[str, Any]) -> int:
    try:
        code = cli.main(args=argv, prog_name="qayd", standalone_mode=False, obj=holder)
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
        return _unexpected(exc, holder.get("state"))


def _unexpected(exc: Exception, cli_state: CliState | None = None) -> int:
    """What no command caught: a busy store or a path the person gave are still theirs to fix; the rest is ours."""
    from core.store import busy_error, is_busy  # SQLAlchemy: loaded only when a command has failed

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
    path = _crash_record(exc, cli_state)
    click.echo(f"Qayd hit an internal error; the details are in {path}. Please report it.", err=True)
    return EXIT_INTERNAL


def _crash_record(exc: Exception, cli_state: CliState | None) -> Path:
    """A crash file (scrubbed: core.support.crash) in the data folder's crash/, and the error in the JSON log; where
    the settings themselves cannot be read, the crash file goes to the platform's log folder instead."""
    from core.support import configure_logging, crash_dir, log_context, remove_logging, safe, write_crash_file

    settings = None
    try:
        settings = cli_state.settings if cli_state is not None else None
    except Exception:  # the settings are what failed: the platform's log folder still takes the crash file
        settings = None
    folder = crash_dir(settings) if settings is not None else _log_file().parent / "crash"
    fields = {"job": cli_state.command, "correlation_id": cli_state.correlation_id} if cli_state is not None else {}
    with log_context(**fields, company=settings.company if settings is not None else None):
        if settings is not None and configure_logging(settings, "qayd") is not None:
            log.error("internal error in qayd %s", safe(__version__), exc_info=exc,
                      extra={"event": "cli.internal_error"})
            remove_logging("qayd")
        written = write_crash_file(folder, exc, "qayd")
    return written if written is not None else folder
