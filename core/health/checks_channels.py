"""The checks of what this desk talks to: the clocks of ZATCA and central, central itself and the last sync, the
mail server and its failed mails, the payment provider's last poll. A channel that is not set up has no check."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from core.health.model import CheckResult, Status

if TYPE_CHECKING:
    from collections.abc import Iterable

    from core.health.doctor import Check, Run

POLL_FAIL_FACTOR = 4  # a payment poll gap this many times the warning's is a failure


def _state(run: Run, key: str) -> str:
    with run.ctx.uow(write=False) as uow:
        row = uow.session.connection().exec_driver_sql("SELECT value FROM sync_state WHERE key = ?", (key,)).first()
    return str(row[0]) if row and row[0] is not None else ""


def _count(run: Run, sql: str, *params: object) -> int:
    with run.ctx.uow(write=False) as uow:
        return int(uow.session.connection().exec_driver_sql(sql, params).scalar() or 0)


def _central_on(run: Run) -> bool:
    return bool(run.settings.central.database_url or _state(run, "central.url"))


# --- clocks ---------------------------------------------------------------------------------------------------


def clock_skew(run: Run) -> CheckResult:
    measured: dict[str, float] = {}
    unmeasured: list[str] = []
    try:
        portal = run.answer("zatca")
        if portal is not None:
            # the Date header has whole seconds: the portal's clock is up to a second past it
            measured["zatca"] = (portal[1] - portal[0]).total_seconds() - 0.5
    except Exception as exc:
        from core.health.doctor import _reason

        unmeasured.append(f"the ZATCA portal could not be reached ({_reason(exc)})")
    facts, why, at = run.central()
    if facts is not None and at is not None:
        measured["central"] = (at - facts.server_now).total_seconds()
    elif why != "not configured":
        unmeasured.append("central could not be reached (see the central check)")
    figures = {f"{name}_skew_seconds": round(value, 2) for name, value in measured.items()}
    title, runbook = "Clock", "clock-skew"
    worst = max(measured.items(), key=lambda kv: abs(kv[1]), default=None)
    fix = ("Turn on automatic time (NTP) on this machine and check its time zone; invoices are signed and their QR "
           "codes stamped with this clock.")
    if worst is not None and abs(worst[1]) >= run.alerts.clock_skew_fail_seconds:
        return CheckResult("clock.skew", title, Status.FAIL, _skew_text(worst) + " Invoices issued now carry a "
                           "wrong time.", fix, runbook, figures)
    if worst is not None and abs(worst[1]) >= run.alerts.clock_skew_warn_seconds:
        return CheckResult("clock.skew", title, Status.WARN, _skew_text(worst), fix, runbook, figures)
    if unmeasured:
        said = "; ".join(unmeasured)
        ok = "" if worst is None else f" Against the {' and '.join(measured)} clock it is within " \
                                      f"{run.alerts.clock_skew_warn_seconds:g} s."
        return CheckResult("clock.skew", title, Status.WARN, f"The clock could not be measured: {said}.{ok}",
                           "Check the network, then run `qayd doctor` again.", runbook, figures)
    if worst is None:
        return CheckResult("clock.skew", title, Status.WARN, "No clock to compare with.", "", runbook, figures)
    return CheckResult("clock.skew", title, Status.OK, f"This machine's clock is within {abs(worst[1]):.1f} s of the "
                       f"{' and '.join(measured)} clock.", runbook=runbook, figures=figures)


def _skew_text(worst: tuple[str, float]) -> str:
    name, seconds = worst
    who = "the ZATCA portal's" if name == "zatca" else "central's"
    side = "ahead of" if seconds > 0 else "behind"
    return f"This machine's clock is {abs(seconds):,.0f} s {side} {who}."


# --- central and sync -----------------------------------------------------------------------------------------


def central(run: Run) -> Iterable[CheckResult]:
    facts, why, _at = run.central()
    title, runbook = "Central database", "central-unreachable"
    if facts is None and why == "not configured":
        return []
    if facts is None:
        fix = ("Check the login: `qayd central connect URL --user LOGIN` (password on stdin)." if "login" in why
               else "Check the network and central's address; work goes on offline and `qayd sync` catches up.")
        return [CheckResult("central.connection", title, Status.FAIL, why, fix, runbook, {"reachable": 0})]
    figures = {"reachable": 1, "tls": int(facts.ssl_in_use), "round_trip_ms": facts.round_trip_ms}
    if facts.missing_functions or (facts.revision is not None and facts.revision != facts.expected):
        at = facts.revision or "an older one"
        return [CheckResult("central.connection", title, Status.FAIL,
                            f"Central ({facts.where}) is at schema {at}; this version of Qayd expects "
                            f"{facts.expected}.", "Ask central's owner to run `qayd central init` with this version "
                            "(it upgrades the schema), or install the version central expects.", runbook, figures)]
    if not facts.loopback and (not facts.ssl_in_use or facts.sslmode != "verify-full"):
        state = "without TLS" if not facts.ssl_in_use else f"with TLS that does not verify the server ({facts.sslmode})"
        return [CheckResult("central.connection", title, Status.WARN, f"Central ({facts.where}) is reached {state}.",
                            "Use sslmode=verify-full with the server's CA (`[central] sslmode`, or the URL's "
                            "sslrootcert).", runbook, figures)]
    tls = "TLS" if facts.ssl_in_use else "the loopback"
    return [CheckResult("central.connection", title, Status.OK,
                        f"Central ({facts.where}) answers over {tls} in {facts.round_trip_ms:,.0f} ms; the login "
                        "works and the schema matches.", runbook=runbook, figures=figures)]


def last_sync(run: Run) -> Iterable[CheckResult]:
    if not _central_on(run):
        return []
    title, runbook = "Last sync", "sync-failing"
    last, error = _state(run, "last_sync_at"), _state(run, "last_error")
    reason = f" The last attempt failed: {error[:200]}" if error else ""
    fix = "Run `qayd sync`; if it fails, follow docs/runbooks/sync-failing.md."
    if not last:
        return [CheckResult("sync.last_sync", title, Status.WARN, "This desk has never synced with central." + reason,
                            fix, runbook, {"minutes_since": -1.0})]
    minutes = (run.now - datetime.fromisoformat(last)).total_seconds() / 60
    figures = {"minutes_since": round(minutes, 1)}
    if minutes > run.alerts.sync_failing_minutes:
        return [CheckResult("sync.last_sync", title, Status.WARN,
                            f"No successful sync for {minutes:,.0f} minutes.{reason}", fix, runbook, figures)]
    return [CheckResult("sync.last_sync", title, Status.OK, f"Last successful sync {minutes:,.0f} minutes ago.",
                        runbook=runbook, figures=figures)]


def conflicts(run: Run) -> Iterable[CheckResult]:
    if not _central_on(run):
        return []
    count = _count(run, "SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL")
    if count:
        return [CheckResult("sync.conflicts", "Sync conflicts", Status.WARN,
                            f"{count} record(s) were edited here and elsewhere and wait for a decision.",
                            "Decide each one: `qayd sync conflicts`, then `qayd sync resolve ID`, or the Sync view.",
                            "sync-failing", {"open": count})]
    return [CheckResult("sync.conflicts", "Sync conflicts", Status.OK, "No open conflict.", runbook="sync-failing",
                        figures={"open": 0})]


# --- mail -----------------------------------------------------------------------------------------------------


def mail_failed(run: Run) -> Iterable[CheckResult]:
    if not run.settings.mail.host:
        return []
    failed = _count(run, "SELECT count(*) FROM mail_outbox WHERE status = 'failed'")
    waiting = _count(run, "SELECT count(*) FROM mail_outbox WHERE status = 'needs_person'")
    figures = {"failed": failed, "needs_person": waiting}
    if failed >= run.alerts.failed_mails or waiting:
        return [CheckResult("mail.failed", "Failed mails", Status.WARN,
                            f"{failed} e-mailed invoice(s) failed for good; {waiting} wait for a person's decision.",
                            "See `qayd mail outbox` for the reasons; correct the address or the login and send "
                            "again.", "mail-failed", figures)]
    return [CheckResult("mail.failed", "Failed mails", Status.OK, "No e-mailed invoice failed.",
                        runbook="mail-failed", figures=figures)]


def mail_login(run: Run) -> Iterable[CheckResult]:
    if "smtp" not in run.answers:
        return []
    from core.mail import MailRefused, MailUnavailable

    title = "Mail server login"
    try:
        run.answer("smtp")
    except MailUnavailable as exc:
        return [CheckResult("mail.login", title, Status.WARN, f"The login could not be tried: {exc.message}",
                            exc.fix, "mail-failed", {"login_ok": 0})]
    except MailRefused as exc:
        return [CheckResult("mail.login", title, Status.FAIL, exc.message, exc.fix, "mail-failed", {"login_ok": 0})]
    except Exception as exc:
        from core.health.doctor import _reason

        return [CheckResult("mail.login", title, Status.FAIL, f"The login failed: {_reason(exc)}",
                            "Check the [mail] settings and `qayd secrets set mail.password`.", "mail-failed",
                            {"login_ok": 0})]
    return [CheckResult("mail.login", title, Status.OK, "The mail server accepts the stored login.",
                        runbook="mail-failed", figures={"login_ok": 1})]


# --- payments -------------------------------------------------------------------------------------------------


def payment_poll(run: Run) -> Iterable[CheckResult]:
    from core.payments.ingest import last_poll_key

    if not _count(run, "SELECT count(*) FROM secret WHERE name = 'payments.api_key'"):
        return []
    provider = run.settings.payments.provider
    title, runbook = "Payment polling", "payment-poll-gap"
    last = _state(run, last_poll_key(provider))
    fix = "Run `qayd payments poll` (the desktop polls while it is open); see docs/runbooks/payment-poll-gap.md."
    if not last:
        return [CheckResult("payments.poll", title, Status.WARN, f"{provider} has never been polled successfully.",
                            fix, runbook, {"minutes_since": -1.0})]
    minutes = (run.now - datetime.fromisoformat(last)).total_seconds() / 60
    figures = {"minutes_since": round(minutes, 1)}
    gap = run.alerts.payment_poll_gap_minutes
    text = f"The last successful poll of {provider} was {minutes:,.0f} minutes ago"
    if minutes > gap * POLL_FAIL_FACTOR:
        return [CheckResult("payments.poll", title, Status.FAIL, text + ": payments made since are not recorded.",
                            fix, runbook, figures)]
    if minutes > gap:
        return [CheckResult("payments.poll", title, Status.WARN, text + ".", fix, runbook, figures)]
    return [CheckResult("payments.poll", title, Status.OK, text + ".", runbook=runbook, figures=figures)]


LOCAL: list[tuple[str, str, Check]] = [
    ("sync.last_sync", "Last sync", last_sync),
    ("sync.conflicts", "Sync conflicts", conflicts),
    ("mail.failed", "Failed mails", mail_failed),
    ("payments.poll", "Payment polling", payment_poll),
]
NETWORK: list[tuple[str, str, Check]] = [
    ("central.connection", "Central database", central),
    ("clock.skew", "Clock", clock_skew),
    ("mail.login", "Mail server login", mail_login),
]
