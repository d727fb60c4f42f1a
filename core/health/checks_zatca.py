"""ZATCA's checks: each EGS unit's certificate, the oldest unreported simplified invoice against its 24-hour
deadline, and the standard invoices waiting for clearance."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from core.health.model import CheckResult, Status
from core.store.models import EgsUnit, ZatcaSubmission

if TYPE_CHECKING:
    from core.health.doctor import Check, Run

OPEN = ("pending", "sending")
REPORTING_WINDOW = timedelta(hours=24)  # ZATCA's: a simplified invoice is reported within 24 hours of issue


def certificates(run: Run) -> CheckResult:
    with run.ctx.uow(write=False) as uow:
        units = [(u.name, u.certificate_expires_at) for u in uow.session.scalars(
            select(EgsUnit).where(EgsUnit.deleted_at.is_(None), EgsUnit.status.in_(("active", "demo")),
                                  EgsUnit.certificate_expires_at.is_not(None)).order_by(EgsUnit.name))]
    title, runbook = "EGS certificates", "certificate-expiry"
    if not units:
        return CheckResult("zatca.certificates", title, Status.OK, "No onboarded EGS unit holds a certificate yet.",
                           runbook=runbook, figures={"units": 0},
                           found_ar="لا تحمل أي وحدة فوترة مسجّلة شهادةً بعد.")
    days = [((expires - run.now).total_seconds() / 86400, name, expires) for name, expires in units if expires]
    days.sort()
    left, name, expires = days[0]
    figures = {"units": len(units), "min_days_left": round(left, 2),
               "expired": sum(1 for d, _, _ in days if d <= 0),
               "expiring": sum(1 for d, _, _ in days if 0 < d <= run.alerts.certificate_warn_days)}
    renew = "Renew it: `qayd zatca renew --name UNIT --otp OTP` with an OTP from the Fatoora portal."
    renew_ar = ("جدّد الشهادة بالأمر `qayd zatca renew --name UNIT --otp OTP` مع رمز تحقق لمرة واحدة من بوابة "
                "فاتورة التابعة لهيئة الزكاة والضريبة والجمارك.")
    if left <= 0:
        return CheckResult("zatca.certificates", title, Status.FAIL,
                           f"{figures['expired']} EGS unit(s) hold an expired certificate; '{name}' expired on "
                           f"{expires:%Y-%m-%d}. ZATCA refuses what they sign.", renew, runbook, figures,
                           found_ar=f"عدد وحدات الفوترة التي تحمل شهادة منتهية: {figures['expired']}؛ وقد انتهت شهادة "
                                    f"'{name}' في {expires:%Y-%m-%d}. وترفض هيئة الزكاة والضريبة والجمارك ما "
                                    "توقّعه هذه الوحدات.", fix_ar=renew_ar)
    if left <= run.alerts.certificate_warn_days:
        return CheckResult("zatca.certificates", title, Status.WARN,
                           f"'{name}''s certificate expires in {round(left)} day(s), on {expires:%Y-%m-%d}.", renew,
                           runbook, figures,
                           found_ar=f"تنتهي شهادة وحدة الفوترة '{name}' في {expires:%Y-%m-%d} (الأيام "
                                    f"المتبقية: {round(left)}).", fix_ar=renew_ar)
    return CheckResult("zatca.certificates", title, Status.OK,
                       f"{len(units)} unit(s); the nearest expiry is in {round(left)} days ({expires:%Y-%m-%d}).",
                       runbook=runbook, figures=figures,
                       found_ar=f"عدد وحدات الفوترة: {len(units)}؛ وأقرب انتهاء لشهادة في {expires:%Y-%m-%d} "
                                f"(الأيام المتبقية: {round(left)}).")


def reporting(run: Run) -> CheckResult:
    with run.ctx.uow(write=False) as uow:
        count, first = uow.session.execute(
            select(func.count(), func.min(ZatcaSubmission.deadline)).where(
                ZatcaSubmission.kind == "reporting", ZatcaSubmission.state.in_(OPEN))).one()
    title, runbook = "ZATCA reporting deadline", "zatca-reporting-deadline"
    if not count or first is None:
        return CheckResult("zatca.reporting_deadline", title, Status.OK, "No simplified invoice waits to be reported.",
                           runbook=runbook, figures={"waiting": 0, "oldest_hours": 0.0},
                           found_ar="لا توجد فاتورة مبسطة تنتظر الإبلاغ.")
    age = run.now - (first - REPORTING_WINDOW)  # the deadline is 24 hours after issue
    hours = age.total_seconds() / 3600
    figures = {"waiting": int(count), "oldest_hours": round(hours, 2)}
    fix = ("Run `qayd zatca submit` (or the desktop's ZATCA queue) now; if the portal refuses, follow "
           "docs/runbooks/zatca-reporting-deadline.md.")
    fix_ar = ("شغّل `qayd zatca submit` (أو طابور هيئة الزكاة والضريبة والجمارك في تطبيق سطح المكتب) الآن؛ وإن رفضت "
              "البوابة فاتبع docs/runbooks/zatca-reporting-deadline.ar.md.")
    waiting_ar = f"عدد الفواتير المبسطة التي تنتظر الإبلاغ: {count}؛ وقد صدرت أقدمها قبل {hours:.1f} ساعة"
    if age >= REPORTING_WINDOW:
        return CheckResult("zatca.reporting_deadline", title, Status.FAIL,
                           f"{count} simplified invoice(s) wait to be reported; the oldest was issued {hours:.1f} h "
                           "ago: ZATCA's 24-hour reporting deadline has passed.", fix, runbook, figures,
                           found_ar=waiting_ar + "؛ فقد انقضت مهلة الإبلاغ البالغة 24 ساعة لدى هيئة الزكاة "
                                                 "والضريبة والجمارك.", fix_ar=fix_ar)
    if hours >= run.alerts.zatca_report_warn_hours:
        return CheckResult("zatca.reporting_deadline", title, Status.WARN,
                           f"{count} simplified invoice(s) wait to be reported; the oldest was issued {hours:.1f} h "
                           f"ago ({24 - hours:.1f} h left of ZATCA's 24).", fix, runbook, figures,
                           found_ar=waiting_ar + f" (بقي {24 - hours:.1f} ساعة من مهلة الهيئة البالغة 24 ساعة).",
                           fix_ar=fix_ar)
    return CheckResult("zatca.reporting_deadline", title, Status.OK,
                       f"{count} simplified invoice(s) wait to be reported; the oldest was issued {hours:.1f} h ago.",
                       runbook=runbook, figures=figures, found_ar=waiting_ar + ".")


def clearance(run: Run) -> CheckResult:
    with run.ctx.uow(write=False) as uow:
        count, first = uow.session.execute(
            select(func.count(), func.min(ZatcaSubmission.created_at)).where(
                ZatcaSubmission.kind == "clearance", ZatcaSubmission.state.in_(OPEN))).one()
    title, runbook = "ZATCA clearance", "zatca-clearance-waiting"
    if not count or first is None:
        return CheckResult("zatca.clearance_waiting", title, Status.OK, "No standard invoice waits for clearance.",
                           runbook=runbook, figures={"waiting": 0, "oldest_minutes": 0.0},
                           found_ar="لا توجد فاتورة ضريبية تنتظر الاعتماد.")
    minutes = (run.now - first).total_seconds() / 60
    figures = {"waiting": int(count), "oldest_minutes": round(minutes, 1)}
    if minutes > run.alerts.clearance_wait_minutes:
        return CheckResult("zatca.clearance_waiting", title, Status.WARN,
                           f"{count} standard invoice(s) wait for clearance; the oldest for {minutes:,.0f} minutes. "
                           "The buyer cannot be sent one before it is cleared.",
                           "Run `qayd zatca submit`; if the portal refuses or is down, see "
                           "docs/runbooks/zatca-clearance-waiting.md.", runbook, figures,
                           found_ar=f"عدد الفواتير الضريبية التي تنتظر الاعتماد: {count}؛ وأقدمها ينتظر منذ "
                                    f"{minutes:,.0f} دقيقة. ولا يجوز إرسال الفاتورة إلى المشتري قبل اعتمادها.",
                           fix_ar="شغّل `qayd zatca submit`؛ وإن رفضت البوابة أو تعطّلت فانظر "
                                  "docs/runbooks/zatca-clearance-waiting.ar.md.")
    return CheckResult("zatca.clearance_waiting", title, Status.OK,
                       f"{count} standard invoice(s) wait for clearance; the oldest for {minutes:,.0f} minutes.",
                       runbook=runbook, figures=figures,
                       found_ar=f"عدد الفواتير الضريبية التي تنتظر الاعتماد: {count}؛ وأقدمها ينتظر منذ "
                                f"{minutes:,.0f} دقيقة.")


CHECKS: list[tuple[str, str, Check]] = [
    ("zatca.certificates", "EGS certificates", certificates),
    ("zatca.reporting_deadline", "ZATCA reporting deadline", reporting),
    ("zatca.clearance_waiting", "ZATCA clearance", clearance),
]
