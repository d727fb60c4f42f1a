"""Working the submission queue against the Fatoora portal: one item at a time, each answer recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from core.incident import check_not_held
from core.progress import CancelCheck, Progress
from core.uow import Context
from core.zatca.api import Credentials, FatooraClient, Outcome, SubmissionResult
from core.zatca.egs import csid_secret
from core.zatca.errors import ZatcaAuthError, ZatcaError, ZatcaUnavailable
from core.zatca.queue import Claimed, backoff, claim_next, record

LEASE = timedelta(minutes=2)  # how long a claimed item is left to its worker before another may resend it


@dataclass
class SubmitSummary:
    done: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    postponed: list[str] = field(default_factory=list)
    stopped: str = ""  # why the run stopped early (credentials, portal down), if it did


def load_credentials(ctx: Context, claimed: Claimed) -> Credentials:
    with ctx.uow(write=False) as uow:
        doc = json.loads(uow.secrets.get(csid_secret(claimed.egs_unit_id, "pcsid")))
    return Credentials(binary_security_token=doc["token"], secret=doc["secret"], request_id=doc.get("request_id", ""))


def submit_pending(ctx: Context, client_for: Callable[[str], FatooraClient], *, limit: int | None = None,
                   progress: Progress | None = None, cancelled: CancelCheck | None = None) -> SubmitSummary:
    """Send every due item; stops early when the portal is unreachable or refuses the credentials.

    A cancel stops between two items and returns what was sent: unlike the other long jobs (which raise
    core.errors.Cancelled and leave nothing), each item sent here is already a fact at ZATCA, committed on its own,
    and the summary is the only place that says which."""
    with ctx.uow(write=False) as uow:
        check_not_held(uow, "submission")  # only an incident started with pause_submission (a key compromise)
    summary = SubmitSummary()
    count = 0
    while (limit is None or count < limit) and not (cancelled and cancelled()):
        claimed = claim_next(ctx, now=ctx.clock(), lease=LEASE)
        if claimed is None:
            break
        count += 1
        if progress:
            progress(0.0, f"{claimed.kind} of {claimed.number}")
        if not _send(ctx, client_for, claimed, summary):
            break
    return summary


def _send(ctx: Context, client_for: Callable[[str], FatooraClient], claimed: Claimed, summary: SubmitSummary) -> bool:
    try:
        creds = load_credentials(ctx, claimed)
        client = client_for(claimed.environment)
        call = client.clear if claimed.kind == "clearance" else client.report
        result = call(creds, invoice_hash=claimed.invoice_hash, uuid=claimed.uuid, signed_xml=claimed.xml)
    except ZatcaAuthError as exc:
        record(ctx, claimed, state="pending", outcome="unauthorised", error=str(exc), retry_in=LEASE)
        summary.stopped = str(exc)
        return False
    except ZatcaUnavailable as exc:
        record(ctx, claimed, state="pending", outcome="unavailable", error=str(exc),
               retry_in=backoff(claimed.attempts))
        summary.postponed.append(claimed.number)
        summary.stopped = str(exc)
        return False
    except ZatcaError as exc:
        record(ctx, claimed, state="rejected", outcome="refused", error=str(exc))
        summary.rejected.append(claimed.number)
        return True
    _record_result(ctx, claimed, result, summary)
    return True


def _messages(result: SubmissionResult) -> list[dict[str, str]]:
    return [{"level": level, "code": m.code, "category": m.category, "message": m.message}
            for level, items in (("error", result.errors), ("warning", result.warnings)) for m in items]


def _record_result(ctx: Context, claimed: Claimed, result: SubmissionResult, summary: SubmitSummary) -> None:
    messages = _messages(result)
    if result.outcome is Outcome.CLEARANCE_OFF:  # the portal asks for reporting instead, right away
        record(ctx, claimed, state="pending", outcome="clearance_off", status_code=result.status_code,
               messages=messages, kind="reporting")
        summary.postponed.append(claimed.number)
    elif result.outcome is Outcome.REJECTED:
        record(ctx, claimed, state="rejected", outcome="rejected", status_code=result.status_code, messages=messages)
        summary.rejected.append(claimed.number)
    else:
        record(ctx, claimed, state="done", outcome=result.outcome.value.lower(), status_code=result.status_code,
               messages=messages, cleared_xml=result.cleared_xml)
        summary.done.append(claimed.number)
