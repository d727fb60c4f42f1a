"""A new desk joins its company in one step: the company (profile, shared settings, customers, products, documents)
is taken from central, the device gets its own invoice number series, and the desk syncs from then on.

Nothing that must stay on a desk travels: the new desk makes its own master key, device (audit-signing) key and
audit chain; it issues only with an EGS unit of its own, onboarded with ZATCA (each device is its own EGS unit), so
its ICV/PIH chain starts at 1. The connection is checked before anything is written; a join cut half-way is taken
up again by running it again (the store holds no company until the pull brought it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import func, select

from core.bootstrap import company_paths, open_company
from core.central.admin import CentralSetupError
from core.clock import Clock, system_clock
from core.config import Settings
from core.errors import AlreadyExistsError, ValidationError
from core.findings import Finding
from core.progress import Progress
from core.store import models as m
from core.sync.connection import dsn_for, new_dsn, save_connection
from core.sync.engine import SyncResult, central, refusal, sync_once
from core.sync.local_company import has_company
from core.uow import Context, UnitOfWork

SERIES = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")

# What a joined desk still needs before it issues: said in the output, in English and Arabic.
NEEDS = (
    ("Onboard this desk's own EGS unit with ZATCA: `qayd zatca onboard --name … --serial 1-…|2-…|3-… --otp …` "
     "(each device is its own EGS unit; its ICV/PIH chain starts at 1). The other desks' units and keys stay theirs.",
     "سجّل وحدة توليد الفواتير الخاصة بهذا الجهاز لدى هيئة الزكاة والضريبة والجمارك: `qayd zatca onboard` "
     "(كل جهاز وحدة مستقلة، ويبدأ تسلسل العداد والتجزئة من 1)."),
    ("This desk made its own master key and audit-signing key; back up the master key as you did on the first desk.",
     "أنشأ هذا الجهاز مفتاحه الرئيسي ومفتاح توقيع سجل التدقيق الخاص به؛ احفظ نسخة احتياطية من المفتاح الرئيسي."),
)


@dataclass(frozen=True, slots=True)
class Joined:
    """What a join brought: the company and how much of it, the series this device draws from, the sync."""

    company_id: uuid.UUID
    legal_name_en: str
    legal_name_ar: str
    series: str
    customers: int
    products: int
    invoices: int
    documents: int
    sync: SyncResult
    needs: tuple[tuple[str, str], ...] = NEEDS


class JoinError(CentralSetupError):
    """Central cannot give this desk its company yet (nothing was written here)."""


def default_series(device_id: uuid.UUID) -> str:
    """A series derived from the device: D and the first four hex digits of its id (D7F3A)."""
    return "D" + device_id.hex[:4].upper()


def series_findings(series: str) -> list[Finding]:
    if SERIES.match(series):
        return []
    return [Finding("QAYD-SERIES", "series", f"The number series {series!r} is not usable: 1 to 10 capital letters "
                    "or digits, starting with a letter.", "Choose a short code such as RUH2 or D7F3A.",
                    message_ar=f"سلسلة الترقيم {series!r} غير صالحة: من حرف إلى 10 أحرف لاتينية كبيرة أو أرقام، "
                               "تبدأ بحرف.", fix_ar="اختر رمزاً قصيراً مثل RUH2 أو D7F3A.")]


def probe(conn: psycopg.Connection[Any], series: str | None = None) -> tuple[uuid.UUID, set[str]]:
    """The login's company, once central holds its profile, and the number series its devices use; JoinError
    otherwise, and QAYD-SERIES-TAKEN when `series` is one of them or central's invoice numbers carry it."""
    row = conn.execute("SELECT qayd.my_company(), EXISTS (SELECT 1 FROM qayd.change WHERE company_id = "
                       "qayd.my_company() AND entity = 'company' AND NOT conflict)").fetchone()
    conn.commit()
    if row is None or row[0] is None:
        raise JoinError("This login is not a member of any company in the central database.",
                        fix="Ask the database owner to run `qayd central user URL LOGIN` for you.")
    if not row[1]:
        raise JoinError("The central database holds no company profile yet, so there is nothing to join.",
                        fix="On the desk that set up central, run `qayd sync` once (it sends the profile), "
                            "then connect this desk again.")
    rows = conn.execute("SELECT DISTINCT ON (row_id) payload->>'series' FROM qayd.change WHERE company_id = "
                        "qayd.my_company() AND entity = 'device' AND NOT conflict ORDER BY row_id, seq DESC"
                        ).fetchall()
    taken = {str(t) for (t,) in rows if t}
    if series is not None:  # once, at join time: a scan of the change log is affordable here
        used = conn.execute("SELECT EXISTS (SELECT 1 FROM qayd.change WHERE company_id = qayd.my_company() AND "
                            "entity = 'invoice' AND payload->>'number' LIKE %s)", (f"%-{series}-%",)).fetchone()
        if series in taken or (used is not None and used[0]):
            raise _taken(series)
    conn.commit()
    return uuid.UUID(str(row[0])), taken


def _taken(series: str) -> ValidationError:
    return ValidationError("The number series", [Finding(
        "QAYD-SERIES-TAKEN", "series", f"The number series {series} is used already by another device or invoice of "
        "this company.", "Choose another series with --series.", message_ar=f"سلسلة الترقيم {series} مستخدمة من قبل "
        "في جهاز آخر أو فاتورة أخرى لهذه الشركة.", fix_ar="اختر سلسلة أخرى بالخيار --series.")])


def join_company(settings: Settings, url: str, login: str, password: str, *, series: str | None = None,
                 clock: Clock = system_clock, environ: Mapping[str, str] | None = None,
                 username: str | None = None, progress: Progress | None = None) -> tuple[Context, Joined]:
    """Create the configured company on this fresh install from central and start syncing; returns the open
    company and what came. Refuses (before anything is written) a bad series, a refused login, or a central that
    holds no profile yet."""
    if series is not None and (found := series_findings(series)):
        raise ValidationError("The number series", found)
    if has_company(settings):
        raise AlreadyExistsError(f"Company '{settings.company}' already exists on this desk.",
                                 fix="`qayd central connect` connects it; to join as a new desk, use another "
                                     "--company or --data-dir.")
    with central(new_dsn(url, login, password, settings)) as conn:
        try:
            company_id, taken = probe(conn, series)
        except psycopg.Error as exc:
            raise refusal(exc) from exc
    path = company_paths(settings.data_dir, settings.company).db
    ctx = open_company(settings, create=not path.exists(), clock=clock, environ=environ, username=username)
    try:
        # The series first: the first sync sends it with the device, and a join cut after this point (then
        # finished by `qayd sync`) never leaves the desk drawing from the main series.
        with ctx.uow() as uow:
            chosen = series or device_series(uow) or next(
                s for s in (default_series(ctx.device_id), "D" + ctx.device_id.hex[:8].upper()) if s not in taken)
            if chosen != device_series(uow):
                set_series(uow, chosen)
            uow.commit()
        save_connection(ctx, url, login, password)
        result = sync_once(ctx, dsn_for(ctx, settings), progress=progress)
        return ctx, _joined(ctx, company_id, chosen, result)
    except BaseException:
        ctx.close()
        raise


def set_series(uow: UnitOfWork, series: str) -> None:
    """Give this device its number series (audited); refused if another device of the company uses it."""
    if found := series_findings(series):
        raise ValidationError("The number series", found)
    taken = uow.session.scalar(select(m.Device.id).where(m.Device.series == series,
                                                         m.Device.id != uow.ctx.device_id))
    used = uow.session.scalar(select(m.Invoice.number).where(m.Invoice.number.like(f"%-{series}-%")).limit(1))
    if taken is not None or used is not None:
        raise _taken(series)
    device = uow.session.get(m.Device, uow.ctx.device_id)
    assert device is not None
    before = device.series
    device.series = series
    uow.audit.append("device.series_set", f"device:{device.id}", {"before": before, "after": series})


def device_series(uow: UnitOfWork) -> str:
    """The number series this device draws from ('' for the company's main series)."""
    device = uow.session.get(m.Device, uow.ctx.device_id)
    return device.series if device is not None else ""


def series_by_device(uow: UnitOfWork) -> dict[str, str]:
    """Device id -> its number series, for every device this desk knows."""
    return {str(i): s for i, s in uow.session.execute(select(m.Device.id, m.Device.series))}


def _joined(ctx: Context, company_id: uuid.UUID, series: str, result: SyncResult) -> Joined:
    with ctx.uow(write=False) as uow:
        company = uow.session.scalars(select(m.Company).where(m.Company.deleted_at.is_(None))).first()
        if company is None:
            raise JoinError("Central sent no company profile.",
                            fix="Run `qayd central connect` again; if it persists, run `qayd sync` on the desk "
                                "that set up central.")

        def count(model: Any) -> int:
            return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)

        return Joined(company_id, company.legal_name_en, company.legal_name_ar, series, count(m.Customer),
                      count(m.Product), count(m.Invoice), count(m.IssuedDocument), result)
