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
MAIL_FIX_AR = ("تحقق من إعدادات `[mail]` (الخادم والمنفذ والتشفير واسم المستخدم)، ومن كلمة المرور المحفوظة بالأمر "
               "`qayd secrets set mail.password`.")


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
    unmeasured_ar: list[str] = []
    try:
        portal = run.answer("zatca")
        if portal is not None:
            # the Date header has whole seconds: the portal's clock is up to a second past it
            measured["zatca"] = (portal[1] - portal[0]).total_seconds() - 0.5
    except Exception as exc:
        from core.health.doctor import _reason

        unmeasured.append(f"the ZATCA portal could not be reached ({_reason(exc)})")
        unmeasured_ar.append(f"تعذّر الوصول إلى بوابة هيئة الزكاة والضريبة والجمارك («{_reason(exc)}»)")
    facts, why, at = run.central()
    if facts is not None and at is not None:
        measured["central"] = (at - facts.server_now).total_seconds()
    elif why != "not configured":
        unmeasured.append("central could not be reached (see the central check)")
        unmeasured_ar.append("تعذّر الوصول إلى قاعدة البيانات المركزية (انظر فحصها)")
    figures = {f"{name}_skew_seconds": round(value, 2) for name, value in measured.items()}
    title, runbook = "Clock", "clock-skew"
    worst = max(measured.items(), key=lambda kv: abs(kv[1]), default=None)
    fix = ("Turn on automatic time (NTP) on this machine and check its time zone; invoices are signed and their QR "
           "codes stamped with this clock.")
    fix_ar = ("فعّل ضبط الوقت التلقائي (NTP) على هذا الجهاز وتحقق من منطقته الزمنية؛ فالفواتير تُوقَّع ورموز QR فيها "
              "تُختم بحسب هذه الساعة.")
    if worst is not None and abs(worst[1]) >= run.alerts.clock_skew_fail_seconds:
        return CheckResult("clock.skew", title, Status.FAIL, _skew_text(worst) + " Invoices issued now carry a "
                           "wrong time.", fix, runbook, figures,
                           found_ar=_skew_text_ar(worst) + " والفواتير الصادرة الآن تحمل وقتًا خاطئًا.",
                           fix_ar=fix_ar)
    if worst is not None and abs(worst[1]) >= run.alerts.clock_skew_warn_seconds:
        return CheckResult("clock.skew", title, Status.WARN, _skew_text(worst), fix, runbook, figures,
                           found_ar=_skew_text_ar(worst), fix_ar=fix_ar)
    if unmeasured:
        said = "; ".join(unmeasured)
        ok = "" if worst is None else f" Against the {' and '.join(measured)} clock it is within " \
                                      f"{run.alerts.clock_skew_warn_seconds:g} s."
        ok_ar = "" if worst is None else (f" أما الفرق عن ساعة {_clocks_ar(measured)} فلا يتجاوز "
                                          f"{run.alerts.clock_skew_warn_seconds:g} ثانية.")
        return CheckResult("clock.skew", title, Status.WARN, f"The clock could not be measured: {said}.{ok}",
                           "Check the network, then run `qayd doctor` again.", runbook, figures,
                           found_ar=f"تعذّر قياس الساعة: {'؛ '.join(unmeasured_ar)}.{ok_ar}",
                           fix_ar="تحقق من الشبكة، ثم شغّل `qayd doctor` مرة أخرى.")
    if worst is None:
        return CheckResult("clock.skew", title, Status.WARN, "No clock to compare with.", "", runbook, figures,
                           found_ar="لا توجد ساعة تُقارن بها ساعة هذا الجهاز.")
    return CheckResult("clock.skew", title, Status.OK, f"This machine's clock is within {abs(worst[1]):.1f} s of the "
                       f"{' and '.join(measured)} clock.", runbook=runbook, figures=figures,
                       found_ar=f"الفرق بين ساعة هذا الجهاز وساعة {_clocks_ar(measured)} لا يتجاوز "
                                f"{abs(worst[1]):.1f} ثانية.")


def _skew_text(worst: tuple[str, float]) -> str:
    name, seconds = worst
    who = "the ZATCA portal's" if name == "zatca" else "central's"
    side = "ahead of" if seconds > 0 else "behind"
    return f"This machine's clock is {abs(seconds):,.0f} s {side} {who}."


def _skew_text_ar(worst: tuple[str, float]) -> str:
    name, seconds = worst
    who = "ساعة بوابة هيئة الزكاة والضريبة والجمارك" if name == "zatca" else "ساعة قاعدة البيانات المركزية"
    side = "متقدمة على" if seconds > 0 else "متأخرة عن"
    return f"ساعة هذا الجهاز {side} {who} بمقدار {abs(seconds):,.0f} ثانية."


def _clocks_ar(measured: Iterable[str]) -> str:
    names = {"zatca": "بوابة هيئة الزكاة والضريبة والجمارك", "central": "قاعدة البيانات المركزية"}
    return " و".join(names.get(m, m) for m in measured)


# --- central and sync -----------------------------------------------------------------------------------------


def central(run: Run) -> Iterable[CheckResult]:
    facts, why, _at = run.central()
    title, runbook = "Central database", "central-unreachable"
    if facts is None and why == "not configured":
        return []
    if facts is None:
        fix = ("Check the login: `qayd central connect URL --user LOGIN` (password on stdin)." if "login" in why
               else "Check the network and central's address; work goes on offline and `qayd sync` catches up.")
        fix_ar = ("تحقق من بيانات الدخول: `qayd central connect URL --user LOGIN` (وكلمة المرور عبر الإدخال "
                  "القياسي)." if "login" in why else "تحقق من الشبكة ومن عنوان قاعدة البيانات المركزية؛ فالعمل "
                  "يستمر دون اتصال ويلحق `qayd sync` بما فات.")
        return [CheckResult("central.connection", title, Status.FAIL, why, fix, runbook, {"reachable": 0},
                            found_ar=f"تعذّر الاتصال بقاعدة البيانات المركزية: «{why}»", fix_ar=fix_ar)]
    figures = {"reachable": 1, "tls": int(facts.ssl_in_use), "round_trip_ms": facts.round_trip_ms}
    if facts.missing_functions or (facts.revision is not None and facts.revision != facts.expected):
        at = facts.revision or "an older one"
        return [CheckResult("central.connection", title, Status.FAIL,
                            f"Central ({facts.where}) is at schema {at}; this version of Qayd expects "
                            f"{facts.expected}.", "Ask central's owner to run `qayd central init` with this version "
                            "(it upgrades the schema), or install the version central expects.", runbook, figures,
                            found_ar=f"قاعدة البيانات المركزية ({facts.where}) على المخطط "
                                     f"{facts.revision or 'أقدم منه'}، وهذا الإصدار من قيد يتوقع المخطط "
                                     f"{facts.expected}.",
                            fix_ar="اطلب من مسؤول قاعدة البيانات المركزية تشغيل `qayd central init` بهذا الإصدار "
                                   "(فهو يرقّي المخطط)، أو ثبّت الإصدار الذي تتوقعه القاعدة المركزية.")]
    if not facts.loopback and (not facts.ssl_in_use or facts.sslmode != "verify-full"):
        state = "without TLS" if not facts.ssl_in_use else f"with TLS that does not verify the server ({facts.sslmode})"
        state_ar = ("دون تشفير TLS" if not facts.ssl_in_use
                    else f"بتشفير TLS لا يتحقق من هوية الخادم ({facts.sslmode})")
        return [CheckResult("central.connection", title, Status.WARN, f"Central ({facts.where}) is reached {state}.",
                            "Use sslmode=verify-full with the server's CA (`[central] sslmode`, or the URL's "
                            "sslrootcert).", runbook, figures,
                            found_ar=f"يجري الاتصال بقاعدة البيانات المركزية ({facts.where}) {state_ar}.",
                            fix_ar="استخدم sslmode=verify-full مع شهادة الجهة المصدِّرة لشهادة الخادم "
                                   "(`[central] sslmode`، أو sslrootcert في العنوان).")]
    tls = "TLS" if facts.ssl_in_use else "the loopback"
    return [CheckResult("central.connection", title, Status.OK,
                        f"Central ({facts.where}) answers over {tls} in {facts.round_trip_ms:,.0f} ms; the login "
                        "works and the schema matches.", runbook=runbook, figures=figures,
                        found_ar=f"تجيب قاعدة البيانات المركزية ({facts.where}) "
                                 f"{'عبر TLS' if facts.ssl_in_use else 'عبر الاتصال المحلي'} خلال "
                                 f"{facts.round_trip_ms:,.0f} ملي ثانية؛ وبيانات الدخول صالحة والمخطط مطابق.")]


def last_sync(run: Run) -> Iterable[CheckResult]:
    if not _central_on(run):
        return []
    title, runbook = "Last sync", "sync-failing"
    last, error = _state(run, "last_sync_at"), _state(run, "last_error")
    reason = f" The last attempt failed: {error[:200]}" if error else ""
    fix = "Run `qayd sync`; if it fails, follow docs/runbooks/sync-failing.md."
    reason_ar = f" وقد أخفقت آخر محاولة: «{error[:200]}»" if error else ""
    fix_ar = "شغّل `qayd sync`؛ وإن أخفق فاتبع docs/runbooks/sync-failing.ar.md."
    if not last:
        return [CheckResult("sync.last_sync", title, Status.WARN, "This desk has never synced with central." + reason,
                            fix, runbook, {"minutes_since": -1.0},
                            found_ar="لم يُجرِ هذا الجهاز أي مزامنة مع قاعدة البيانات المركزية بعد." + reason_ar,
                            fix_ar=fix_ar)]
    minutes = (run.now - datetime.fromisoformat(last)).total_seconds() / 60
    figures = {"minutes_since": round(minutes, 1)}
    if minutes > run.alerts.sync_failing_minutes:
        return [CheckResult("sync.last_sync", title, Status.WARN,
                            f"No successful sync for {minutes:,.0f} minutes.{reason}", fix, runbook, figures,
                            found_ar=f"لا مزامنة ناجحة منذ {minutes:,.0f} دقيقة.{reason_ar}", fix_ar=fix_ar)]
    return [CheckResult("sync.last_sync", title, Status.OK, f"Last successful sync {minutes:,.0f} minutes ago.",
                        runbook=runbook, figures=figures, found_ar=f"آخر مزامنة ناجحة قبل {minutes:,.0f} دقيقة.")]


def conflicts(run: Run) -> Iterable[CheckResult]:
    if not _central_on(run):
        return []
    count = _count(run, "SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL")
    if count:
        return [CheckResult("sync.conflicts", "Sync conflicts", Status.WARN,
                            f"{count} record(s) were edited here and elsewhere and wait for a decision.",
                            "Decide each one: `qayd sync conflicts`, then `qayd sync resolve ID`, or the Sync view.",
                            "sync-failing", {"open": count},
                            found_ar=f"عدد السجلات التي عُدّلت هنا وفي مكان آخر وتنتظر قرارًا: {count}.",
                            fix_ar="احسم كل واحد منها: `qayd sync conflicts` ثم `qayd sync resolve ID`، أو من "
                                   "شاشة المزامنة.")]
    return [CheckResult("sync.conflicts", "Sync conflicts", Status.OK, "No open conflict.", runbook="sync-failing",
                        figures={"open": 0}, found_ar="لا يوجد تعارض مفتوح.")]


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
                            "again.", "mail-failed", figures,
                            found_ar=f"عدد الفواتير المرسلة بالبريد التي أخفقت نهائيًا: {failed}؛ وعدد ما ينتظر "
                                     f"قرار شخص: {waiting}.",
                            fix_ar="راجع الأسباب في `qayd mail outbox`؛ وصحّح العنوان أو بيانات الدخول ثم أعد "
                                   "الإرسال.")]
    return [CheckResult("mail.failed", "Failed mails", Status.OK, "No e-mailed invoice failed.",
                        runbook="mail-failed", figures=figures, found_ar="لم تُخفق أي فاتورة مرسلة بالبريد.")]


def mail_login(run: Run) -> Iterable[CheckResult]:
    if "smtp" not in run.answers:
        return []
    from core.mail import MailRefused, MailUnavailable

    title = "Mail server login"
    try:
        run.answer("smtp")
    except MailUnavailable as exc:
        return [CheckResult("mail.login", title, Status.WARN, f"The login could not be tried: {exc.message}",
                            exc.fix, "mail-failed", {"login_ok": 0},
                            found_ar=f"تعذّرت تجربة الدخول إلى خادم البريد: «{exc.message}»",
                            fix_ar=MAIL_FIX_AR if exc.fix else "")]
    except MailRefused as exc:
        return [CheckResult("mail.login", title, Status.FAIL, exc.message, exc.fix, "mail-failed", {"login_ok": 0},
                            found_ar=f"رفض خادم البريد بيانات الدخول المحفوظة: «{exc.message}»",
                            fix_ar=MAIL_FIX_AR if exc.fix else "")]
    except Exception as exc:
        from core.health.doctor import _reason

        return [CheckResult("mail.login", title, Status.FAIL, f"The login failed: {_reason(exc)}",
                            "Check the [mail] settings and `qayd secrets set mail.password`.", "mail-failed",
                            {"login_ok": 0}, found_ar=f"أخفق الدخول إلى خادم البريد («{_reason(exc)}»).",
                            fix_ar=MAIL_FIX_AR)]
    return [CheckResult("mail.login", title, Status.OK, "The mail server accepts the stored login.",
                        runbook="mail-failed", figures={"login_ok": 1},
                        found_ar="يقبل خادم البريد بيانات الدخول المحفوظة.")]


# --- payments -------------------------------------------------------------------------------------------------


def payment_poll(run: Run) -> Iterable[CheckResult]:
    from core.payments.ingest import last_poll_key

    if not _count(run, "SELECT count(*) FROM secret WHERE name = 'payments.api_key'"):
        return []
    provider = run.settings.payments.provider
    title, runbook = "Payment polling", "payment-poll-gap"
    last = _state(run, last_poll_key(provider))
    fix = "Run `qayd payments poll` (the desktop polls while it is open); see docs/runbooks/payment-poll-gap.md."
    fix_ar = ("شغّل `qayd payments poll` (يستطلع تطبيق سطح المكتب ما دام مفتوحًا)؛ وانظر "
              "docs/runbooks/payment-poll-gap.ar.md.")
    if not last:
        return [CheckResult("payments.poll", title, Status.WARN, f"{provider} has never been polled successfully.",
                            fix, runbook, {"minutes_since": -1.0},
                            found_ar=f"لم يُستطلع مزوّد الدفع {provider} بنجاح قط.", fix_ar=fix_ar)]
    minutes = (run.now - datetime.fromisoformat(last)).total_seconds() / 60
    figures = {"minutes_since": round(minutes, 1)}
    gap = run.alerts.payment_poll_gap_minutes
    text = f"The last successful poll of {provider} was {minutes:,.0f} minutes ago"
    text_ar = f"آخر استطلاع ناجح لمزوّد الدفع {provider} كان قبل {minutes:,.0f} دقيقة"
    if minutes > gap * POLL_FAIL_FACTOR:
        return [CheckResult("payments.poll", title, Status.FAIL, text + ": payments made since are not recorded.",
                            fix, runbook, figures,
                            found_ar=text_ar + ": فالمدفوعات التي تمت منذ ذلك الحين غير مسجّلة.", fix_ar=fix_ar)]
    if minutes > gap:
        return [CheckResult("payments.poll", title, Status.WARN, text + ".", fix, runbook, figures,
                            found_ar=text_ar + ".", fix_ar=fix_ar)]
    return [CheckResult("payments.poll", title, Status.OK, text + ".", runbook=runbook, figures=figures,
                        found_ar=text_ar + ".")]


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
