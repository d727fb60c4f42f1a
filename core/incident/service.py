"""Incident mode's use cases: start, end, what is held now, and the check each held side effect makes first.

Each start and end is one unit of work with its audit entry. Only an admin starts or ends one, always with a reason.
Qayd enters one by itself (automatic) when the audit chain or a stored stamp fails verification; that one also holds
issuing until an admin ends it. The incident row synchronises, so every desk that pulls holds the same channels.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.clock import saudi_time
from core.errors import AccessDeniedError, AlreadyExistsError, IncidentHold, NotFoundError, QaydError, ValidationError
from core.findings import Finding
from core.incident.model import ALWAYS_HELD, CHANNELS, Incident
from core.store import models as m
from core.uow import Context, UnitOfWork

log = logging.getLogger(__name__)

ADMIN = "admin"
AUTOMATIC_ACTOR = "qayd (automatic)"
END_FIX = "An admin ends it: `qayd incident end --reason …` (or the desktop's Incident mode… dialog)."


def _value(row: m.Incident) -> Incident:
    return Incident(row.id, row.started_at, row.started_by, row.reason,
                    tuple(h for h in row.holds.split(",") if h), bool(row.pause_submission), bool(row.automatic),
                    row.device_id, row.ended_at, row.ended_by, row.end_reason)


def _active_rows(uow: UnitOfWork) -> list[m.Incident]:
    query = (select(m.Incident).where(m.Incident.ended_at.is_(None), m.Incident.deleted_at.is_(None))
             .order_by(m.Incident.started_at.desc()))
    return list(uow.session.scalars(query))


def current(uow: UnitOfWork) -> Incident | None:
    """The active incident (the latest started, should two desks have started one offline), or None."""
    rows = _active_rows(uow)
    return _value(rows[0]) if rows else None


def held(uow: UnitOfWork) -> frozenset[str]:
    """Every channel an active incident holds on this desk (all of them, should two desks have started one)."""
    return frozenset(h for row in _active_rows(uow) for h in row.holds.split(",") if h and _holds_here(uow, row, h))


def _holds_here(uow: UnitOfWork, row: m.Incident, channel: str) -> bool:
    """Issuing is locked only on the desk whose verification failed (its chain or its store is in doubt); a desk
    that pulled that automatic incident shows it and holds the rest, but goes on issuing from its own intact chain."""
    if channel not in row.holds.split(","):
        return False
    return channel != "issuing" or row.device_id == uow.ctx.device_id


def check_not_held(uow: UnitOfWork, channel: str) -> None:
    """Raise IncidentHold when an active incident holds `channel` (one of CHANNELS): the side effect does not start."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown incident channel {channel!r}")
    for row in _active_rows(uow):
        if _holds_here(uow, row, channel):
            since = saudi_time(row.started_at).strftime("%Y-%m-%d %H:%M") + " Riyadh time"
            kind = "automatic incident" if row.automatic else "incident"
            raise IncidentHold(f"Incident mode holds {CHANNELS[channel]} (channel {channel!r}): {kind} "
                               f"{row.id.hex[:8]} since {since}, reason: {row.reason}", fix=END_FIX)


def status(ctx: Context) -> Incident | None:
    with ctx.uow(write=False) as uow:
        return current(uow)


def _require(ctx: Context, reason: str, what: str) -> str:
    if ctx.actor_role != ADMIN:
        raise AccessDeniedError(f"Only an administrator may {what} incident mode (you act as {ctx.actor_role}).",
                                fix="Ask an administrator.")
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError(f"To {what} incident mode", [Finding(
            "QAYD-INCIDENT-REASON", "reason", "A reason is required.", "Give one with --reason TEXT.",
            message_ar="السبب مطلوب.", fix_ar="اكتب السبب مع ‎--reason‎.")])
    if len(text) > 1000:
        raise ValidationError(f"To {what} incident mode", [Finding(
            "QAYD-INCIDENT-REASON", "reason", "The reason is longer than 1000 characters.", "Shorten it.",
            message_ar="السبب أطول من 1000 حرف.", fix_ar="اختصره.")])
    return text


def _holds(*, hold_sync_push: bool, pause_submission: bool, automatic: bool) -> tuple[str, ...]:
    extra = (("sync_push",) if hold_sync_push else ()) + (("submission",) if pause_submission else ())
    return ALWAYS_HELD + extra + (("issuing",) if automatic else ())


def start(ctx: Context, reason: str, *, actor: str | None = None, pause_submission: bool = False,
          hold_sync_push: bool = False, snapshot: Callable[[], Path] | None = None,
          verify: Callable[[], Mapping[str, Any]] | None = None) -> Incident:
    """Enter incident mode (admin only, reason required). `verify` runs the chain verification and `snapshot` writes
    a support bundle first; what they gave (or why they could not) goes into the `incident.started` audit entry."""
    text = _require(ctx, reason, "start")
    with ctx.uow(write=False) as uow:
        _refuse_second(uow)
    chain = _run(verify, "verification")
    bundle = _run(snapshot, "bundle")
    with ctx.uow() as uow:
        _refuse_second(uow)
        row = _new_row(uow, text, actor or ctx.actor, _holds(hold_sync_push=hold_sync_push,
                                                             pause_submission=pause_submission, automatic=False),
                       pause_submission=pause_submission, automatic=False)
        uow.audit.append("incident.started", f"incident:{row.id}", {
            "reason": text, "holds": row.holds.split(","), "pause_submission": pause_submission,
            "automatic": False, "chain": chain if chain is not None else "not verified",
            "bundle": bundle.name if isinstance(bundle, Path) else (bundle or "no bundle")})
        uow.commit()
        return _value(row)


def _refuse_second(uow: UnitOfWork) -> None:
    active = current(uow)
    if active is not None:
        raise AlreadyExistsError(f"Incident {active.id.hex[:8]} is already active (since "
                                 f"{saudi_time(active.started_at):%Y-%m-%d %H:%M} Riyadh time: {active.reason}).",
                                 fix="End it first: `qayd incident end --reason …`.")


def _run(step: Callable[[], Any] | None, what: str) -> Any:
    """A snapshot step's result; a step that fails does not stop incident mode (it is needed most then)."""
    if step is None:
        return None
    try:
        return step()
    except QaydError as exc:
        return f"{what} failed: {type(exc).__name__}: {exc.message[:200]}"
    except Exception as exc:
        log.warning("incident %s snapshot failed: %s", what, type(exc).__name__)
        return f"{what} failed: {type(exc).__name__}"


def _new_row(uow: UnitOfWork, reason: str, actor: str, holds: tuple[str, ...], *, pause_submission: bool,
             automatic: bool) -> m.Incident:
    now = uow.now()
    row = m.Incident(id=uuid.uuid4(), created_at=now, updated_at=now, device_id=uow.ctx.device_id,
                     started_at=now, started_by=actor[:200], reason=reason[:1000], holds=",".join(holds),
                     pause_submission=pause_submission, automatic=automatic)
    uow.session.add(row)
    uow.session.flush()
    return row


def end(ctx: Context, reason: str, *, actor: str | None = None) -> Incident:
    """End incident mode (admin only, reason required): every held channel goes on; an automatic one too."""
    text = _require(ctx, reason, "end")
    with ctx.uow() as uow:
        rows = _active_rows(uow)
        if not rows:
            raise NotFoundError("No incident is active.", fix="`qayd incident status` shows the last one.")
        now = uow.now()
        for row in rows:
            row.ended_at, row.ended_by, row.end_reason, row.updated_at = now, (actor or ctx.actor)[:200], text, now
            uow.audit.append("incident.ended", f"incident:{row.id}", {
                "reason": text, "automatic": bool(row.automatic), "started_at": row.started_at.isoformat()})
        uow.session.flush()
        uow.commit()
        return _value(rows[0])


def enter_automatically(ctx: Context, reason: str) -> Incident | None:
    """Qayd enters incident mode by itself (a verification failed), in its own write transaction with its audit
    entry; issuing is held too. An active manual incident is turned automatic; an automatic one is left as it is.
    Never raises: the verification's own answer is what the caller shows (a failure here is logged)."""
    try:
        with ctx.uow() as uow:
            rows = _active_rows(uow)
            automatic = next((r for r in rows if r.automatic), None)
            if automatic is not None:
                return _value(automatic)
            if rows:
                row = rows[0]
                row.automatic, row.updated_at = True, uow.now()
                row.holds = ",".join(dict.fromkeys([*row.holds.split(","), "issuing"]))
                row.reason = f"{row.reason} | automatic: {reason}"[:1000]
                action = "incident.escalated"
            else:
                row = _new_row(uow, reason, AUTOMATIC_ACTOR, _holds(hold_sync_push=False, pause_submission=False,
                                                                     automatic=True),
                               pause_submission=False, automatic=True)
                action = "incident.started"
            uow.audit.append(action, f"incident:{row.id}", {"reason": reason[:1000], "holds": row.holds.split(","),
                                                            "automatic": True})
            uow.session.flush()
            uow.commit()
            return _value(row)
    except Exception as exc:  # a store too damaged to append to (a renumbered chain): the verification says why
        log.error("incident mode could not be entered automatically: %s", type(exc).__name__)
        return None


def enter_after(uow: UnitOfWork, reason: str) -> None:
    """As enter_automatically, once `uow` has ended (it may be read-only, or about to roll back on the error)."""
    ctx = uow.ctx
    uow.afterwards(lambda: enter_automatically(ctx, reason))
