"""Incident mode as doctor sees it: active or not, what it holds, and whether issuing is locked.

The reason is free text an admin typed: it is shown by `qayd incident status` and the banner, never here (doctor's
output goes into support bundles and the metrics file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.clock import saudi_time
from core.health.model import CheckResult, Status

if TYPE_CHECKING:
    from core.health.doctor import Check, Run

RUNBOOK = "incident-mode"
# incident mode's channels (core.incident's CHANNELS keys) in Arabic, as the incident view names them
HELD_AR = {"mail": "البريد الإلكتروني", "payments": "روابط الدفع والمبالغ المستردة", "assistant": "المساعد",
           "sync_push": "إرسال التغييرات إلى المركز", "submission": "الإرسال إلى هيئة الزكاة والضريبة والجمارك",
           "issuing": "إصدار الفواتير"}


def active(run: Run) -> CheckResult:
    from core.incident import status

    incident = status(run.ctx)
    if incident is None or not incident.active:
        return CheckResult("incident.active", "Incident mode", Status.OK, "No incident is active.",
                           runbook=RUNBOOK, figures={"active": 0}, found_ar="لا يوجد حادث نشط.")
    hours = max(0.0, (run.now - incident.started_at).total_seconds() / 3600)
    since = saudi_time(incident.started_at).strftime("%Y-%m-%d %H:%M")
    held = ", ".join(incident.holds) or "nothing"
    held_ar = "، ".join(HELD_AR.get(h, h) for h in incident.holds) or "لا شيء"
    figures = {"active": 1, "hours": round(hours, 2), "automatic": int(incident.automatic)}
    if incident.automatic:
        return CheckResult("incident.active", "Incident mode", Status.FAIL,
                           f"Qayd entered incident mode by itself at {since} (Riyadh) after a verification failed; "
                           f"issuing is locked and {held} are held.",
                           "Find what failed (qayd audit verify, qayd doctor --deep), then an admin ends it with "
                           "qayd incident end --reason TEXT.", RUNBOOK, figures,
                           found_ar=f"دخل قيد وضع الحوادث من تلقاء نفسه في {since} (بتوقيت الرياض) بعد إخفاق تحقق؛ "
                                    f"إصدار الفواتير مقفل، والمعلَّق: {held_ar}.",
                           fix_ar="ابحث عمّا أخفق (`qayd audit verify` و`qayd doctor --deep`)، ثم ينهيه مسؤول "
                                  "بالأمر `qayd incident end --reason TEXT`.")
    return CheckResult("incident.active", "Incident mode", Status.WARN,
                       f"An incident has been active since {since} (Riyadh); held: {held}.",
                       "When it is over, an admin ends it with qayd incident end --reason TEXT.", RUNBOOK, figures,
                       found_ar=f"يوجد حادث نشط منذ {since} (بتوقيت الرياض)؛ والمعلَّق: {held_ar}.",
                       fix_ar="حين ينتهي، ينهيه مسؤول بالأمر `qayd incident end --reason TEXT`.")


CHECKS: list[tuple[str, str, Check]] = [("incident.active", "Incident mode", active)]
