"""The ZATCA words (a submission's kind and state, a unit's status and environment, the time left), shared by the
views, the dashboard and the status bar without loading one another's modules (views load when first shown)."""

from __future__ import annotations

from datetime import timedelta

from desktop.i18n import tr


def kind_label(kind: str) -> str:
    return {"clearance": tr("ZatcaQueue", "Clearance"), "reporting": tr("ZatcaQueue", "Reporting")}.get(kind, kind)


def state_label(state: str) -> str:
    return {"pending": tr("ZatcaQueue", "Pending"), "sending": tr("ZatcaQueue", "Sending"),
            "rejected": tr("ZatcaQueue", "Rejected"), "done": tr("ZatcaQueue", "Done")}.get(state, state)


def unit_status_label(status: str) -> str:
    return {"created": tr("ZatcaQueue", "Created"), "compliance": tr("ZatcaQueue", "Compliance checks"),
            "active": tr("ZatcaQueue", "Active"), "demo": tr("ZatcaQueue", "Demo"),
            "retired": tr("ZatcaQueue", "Retired")}.get(status, status)


def countdown(left: timedelta) -> str:
    """"5:03:09" left, or "overdue 0:12:40" once the deadline passed."""
    seconds = int(left.total_seconds())
    text = f"{abs(seconds) // 3600}:{abs(seconds) % 3600 // 60:02d}:{abs(seconds) % 60:02d}"
    return text if seconds > 0 else tr("ZatcaQueue", "overdue {time}").format(time=text)


def environment_name(environment: str) -> str:
    return {
        "sandbox": tr("Settings", "Sandbox"),
        "simulation": tr("Settings", "Simulation"),
        "production": tr("Settings", "Production"),
        "demo": tr("Settings", "Demo (offline)"),
    }.get(environment, environment)
