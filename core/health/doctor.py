"""`run_checks`: every health check of one company, each answering ok, warn or fail (never a traceback)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.config import Settings
from core.errors import Cancelled
from core.health.model import CheckResult, Report, Status
from core.progress import CancelCheck, Progress, part

if TYPE_CHECKING:
    from core.health.probes import CentralFacts, Probes
    from core.uow import Context


@dataclass
class Run:
    """What every check reads: the company, the settings, the time of the run and what the network probes found."""

    ctx: Context
    settings: Settings
    now: datetime
    deep: bool
    network: bool
    probes: Probes | None
    progress: Progress | None = None
    cancelled: CancelCheck | None = None
    answers: dict[str, Future[Any]] = field(default_factory=dict, repr=False)

    @property
    def alerts(self) -> Any:
        return self.settings.alerts

    def answer(self, name: str) -> Any:
        """A network probe's answer, with this machine's clock read the moment it came ("zatca": (portal time,
        local time); "central": (CentralFacts, local time); "smtp": (None, local time)); None when there is no such
        probe. Raises what the probe raised."""
        future = self.answers.get(name)
        return None if future is None else future.result()

    def central(self) -> tuple[CentralFacts | None, str, datetime | None]:
        """Central's answer (the central check and the clock check share it): (facts, why not, local time)."""
        if "central" not in self.answers:
            return None, "not configured", None
        try:
            facts, at = self.answer("central")
        except Exception as exc:  # reported by the central check; the clock check says "not measured"
            return None, _reason(exc), None
        return facts, "", at


def _ask(probes: Probes, ctx: Context) -> dict[str, Future[Any]]:
    """Start every network probe at once, each in a thread of its own, so doctor waits for the slowest, not the sum
    (each has its own short timeout). Each reads this machine's clock the moment its answer arrives."""
    asks: dict[str, Callable[[], Any] | None] = {
        "zatca": probes.zatca_time, "central": probes.central, "smtp": probes.smtp_login}
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="qayd-probe")

    def timed(fn: Callable[[], Any]) -> Callable[[], tuple[Any, datetime]]:
        return lambda: (fn(), ctx.clock())

    try:
        return {name: pool.submit(timed(fn)) for name, fn in asks.items() if fn is not None}
    finally:
        pool.shutdown(wait=False)


Check = Callable[[Run], "CheckResult | Iterable[CheckResult]"]


def _reason(exc: BaseException) -> str:
    """What went wrong, without a traceback: a Qayd error's message (written for people, no secrets), else the type."""
    from core.errors import QaydError

    if isinstance(exc, QaydError):
        return exc.message
    return type(exc).__name__


def _checks(network: bool, scans: bool) -> list[tuple[str, str, Check]]:
    from core.health import checks_audit, checks_channels, checks_incident, checks_store, checks_zatca

    store = checks_store.CHECKS if scans else [c for c in checks_store.CHECKS if c[0] not in checks_store.SCANS]
    local: list[tuple[str, str, Check]] = [
        # incident mode first: as it stood when doctor began (a failed chain check below enters it)
        *checks_incident.CHECKS, *store, *checks_audit.CHECKS, *checks_zatca.CHECKS, *checks_channels.LOCAL]
    return local + (list(checks_channels.NETWORK) if network else [])


def run_checks(ctx: Context, settings: Settings, *, deep: bool = False, network: bool = True, scans: bool = True,
               probes: Probes | None = None, progress: Progress | None = None,
               cancelled: CancelCheck | None = None) -> Report:
    """Run every check (`network=False`: only those that read this machine). `scans=False` leaves out the checks
    that read the whole store (SQLite's quick_check and foreign_key_check: seconds on a large store), for what runs
    often: the alerts' poll every few minutes, `qayd status`, the metrics file after every sync cycle.

    `probes` reach the ZATCA portal, central and the mail server; by default they are built from the settings
    (`core.health.health_probes`). A check that raises becomes a FAIL naming the check; a cancel raises Cancelled.
    """
    if network and probes is None:
        from core.health.probes import health_probes

        probes = health_probes(settings, ctx)
    answers = _ask(probes, ctx) if network and probes is not None else {}
    run = Run(ctx, settings, ctx.clock(), deep, network, probes, progress, cancelled, answers)
    checks = _checks(network, scans)
    results: list[CheckResult] = []
    for n, (check_id, title, fn) in enumerate(checks):
        if cancelled is not None and cancelled():
            raise Cancelled("health checks")
        if progress is not None:
            progress(n / len(checks), title)
        run.progress = part(progress, n / len(checks), (n + 1) / len(checks), title)  # a long check's own share
        results.extend(_one(run, check_id, title, fn))
    if progress is not None:
        progress(1.0, "done")
    return Report(tuple(results), run.now, deep)


def _one(run: Run, check_id: str, title: str, fn: Check) -> list[CheckResult]:
    started = time.perf_counter()
    try:
        found = fn(run)
        results = [found] if isinstance(found, CheckResult) else list(found)
    except Cancelled:
        raise
    except Exception as exc:
        results = [CheckResult(check_id, title, Status.FAIL, f"The check '{title}' could not run ({_reason(exc)}).",
                               "Run `qayd doctor` again; if it persists, create a support bundle.",
                               runbook=_RUNBOOK_OF.get(check_id.split(".")[0], "store-health"),
                               found_ar=f"تعذّر تشغيل الفحص '{check_id}' («{_reason(exc)}»).",
                               fix_ar="شغّل `qayd doctor` مرة أخرى؛ وإن تكرر ذلك فأنشئ حزمة دعم.")]
    seconds = time.perf_counter() - started
    share = seconds / max(1, len(results))
    return [_timed(r, share) for r in results]


def _timed(result: CheckResult, seconds: float) -> CheckResult:
    from dataclasses import replace

    return replace(result, seconds=seconds)


_RUNBOOK_OF = {"store": "store-health", "audit": "audit-chain-broken", "secrets": "secret-store",
               "zatca": "zatca-reporting-deadline", "clock": "clock-skew", "central": "central-unreachable",
               "sync": "sync-failing", "mail": "mail-failed", "payments": "payment-poll-gap",
               "incident": "incident-mode"}


def unopened_report(error: BaseException, now: datetime) -> Report:
    """The report when the company cannot even be opened because its master key cannot be had (no keyring entry,
    the wrong key): one FAIL on the secret store, with the error's own words and fix (never the key)."""
    from core.errors import QaydError

    fix = error.fix if isinstance(error, QaydError) and error.fix else "See docs/runbooks/secret-store.md."
    return Report((CheckResult("secrets.master_key", "Master key and secret store", Status.FAIL,
                               f"The company cannot be opened: {_reason(error)}", fix, "secret-store",
                               found_ar=f"تعذّر فتح المنشأة لأن مفتاحها الرئيسي غير متاح: «{_reason(error)}»",
                               fix_ar="تحقق من أن المفتاح الرئيسي لهذه المنشأة محفوظ في مخزن مفاتيح النظام وأنه "
                                      "المفتاح الذي خُتمت به، واتبع docs/runbooks/secret-store.ar.md."),), now)
