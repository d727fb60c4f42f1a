"""The access request report (GDPR Art. 15): the readable companion of an access export.

It shows the request, the subject, the categories of personal data held, the purposes and their legal basis, the
recipients, the retention periods, the records held (tables and counts, the invoices by number and date), who read
the subject's data and why (the access log), and, given the export's folder, its manifest with every file's SHA-256
checked again, so the paper and the files can be matched. It reads what the export reads, through the export's own
collector, behind the same gate (admin and compliance only) and is itself recorded in the access log. It prints no
personal value but the subject's name.

`gather_access_report` reads everything in one unit of work into `AccessReportData`;
`core.reports.access_report_layout` lays it out without the store.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from pathlib import Path

from core.errors import NotFoundError
from core.privacy import erasure, subjects
from core.privacy.catalogue import FIELDS
from core.privacy.export import PURPOSES, RECIPIENTS, SubjectRecords
from core.privacy.requests import EXPORT_KINDS, RequestInfo, list_requests
from core.privacy.roles import require_privileged
from core.reports.access_report_layout import AccessReportData, ExportCheck, ManifestRow, lay_out_access_report
from core.reports.document import Built, CancelFn, ProgressFn, check_lang, identity
from core.reports.errors import ReportError
from core.reports.evidence_parts import Steps
from core.reports.privacy_labels import REPORT_CHANNEL, REPORT_PURPOSE
from core.store import models as m
from core.uow import Context, UnitOfWork


def build_access_report(ctx: Context, *, request: str, lang: str, export_dir: Path | None = None,
                        progress: ProgressFn | None = None, cancelled: CancelFn | None = None) -> Built:
    """The access request report for the access (or portability) request `request` (DSR-…), in `lang`."""
    check_lang(lang)
    steps = Steps(progress, cancelled)
    data = gather_access_report(ctx, request, export_dir, steps)
    steps(0.6, "Writing the report")
    built = lay_out_access_report(data, lang, steps)
    if progress is not None:
        progress(1.0, f"{built.pages} page(s)")
    return built


def gather_access_report(ctx: Context, request: str, export_dir: Path | None, steps: Steps) -> AccessReportData:
    """Everything the report shows, read in one unit of work; the read itself recorded in the access log."""
    steps(0.0, "Reading the request")
    with ctx.uow(write=False) as uow:
        require_privileged(uow, "print a data subject's access report")
        info = _access_request(uow, request)
        kind, ident = subjects.require_subject(info.subject)
        subject = f"{kind}:{ident}"
        steps(0.1, "Reading the subject's data")
        collected = SubjectRecords(uow, subject, kind, ident)
        collected.tables()
        steps(0.4, "Reading the audit trail and the access log")
        collected.audit()
        # The report reads what the export reads: recorded as such, through the same log (never the values).
        uow.record_access(subject, list(collected.fields_read), REPORT_PURPOSE, REPORT_CHANNEL,
                          restricted=collected.restricted)
        held = _held_fields(collected)
        roles = _roles_of(uow, (r["actor"] for r in collected.access_log))
        who = identity(uow)
        now = uow.now()
    own_table = "customer" if kind == "customer" else "staff_user"
    return AccessReportData(
        info=info, subject=subject, kind=kind, subject_row=collected.data[own_table][0],
        restricted=bool(collected.status.get("restricted_at")), held=tuple(held), counts=_counts(collected),
        invoices=tuple(collected.data.get("invoice", [])), access_log=tuple(collected.access_log), roles=roles,
        purposes=tuple(PURPOSES), recipients=tuple(RECIPIENTS),
        export=_manifest(export_dir, subject) if export_dir is not None else None, who=who, now=now)


def _counts(c: SubjectRecords) -> tuple[tuple[str, int], ...]:
    """The records held about the subject, per table (and the documents, audit entries and reads)."""
    counts = [(table, len(rows)) for table, rows in c.data.items() if rows]
    if c.documents:
        counts.append(("documents", len(c.documents)))
    if c.entries:
        counts.append(("audit_entry", len(c.entries)))
    if c.access_log:
        counts.append(("access_log", len(c.access_log)))
    return tuple(counts)


def _access_request(uow: UnitOfWork, reference: str) -> RequestInfo:
    """The request by reference (from the list, which carries no personal data: nothing to log)."""
    wanted = reference.strip().upper()
    for info in list_requests(uow):
        if info.reference.upper() == wanted or str(info.id) == reference.strip():
            if info.kind not in EXPORT_KINDS:
                raise ReportError(f"Request {info.reference} is a {info.kind} request, not an access request.",
                                  fix="Give the reference of an access or portability request; "
                                      "`qayd gdpr request list` lists them.")
            if not info.subject:
                raise ReportError(f"Request {info.reference} names no data subject.",
                                  fix="Record which customer or staff user the request is about first.")
            return info
    raise NotFoundError(f"There is no data-subject request {reference!r}.",
                        fix="Give its reference, e.g. DSR-2026-0001; `qayd gdpr request list` lists them.")


def _held_fields(c: SubjectRecords) -> list[str]:
    """The catalogued fields that actually hold something about the subject, as "table.column"."""
    held: dict[str, None] = {}
    for row in c.data.get("customer", []):
        for f in FIELDS:
            if f.table != "customer":
                continue
            value = row.get("address") if f.column == "address_json" else row.get(f.column)
            if value and value != erasure.ERASED_NAME:
                held[f"customer.{f.column}"] = None
    for row in c.data.get("staff_user", []):
        for column in ("username", "display_name"):
            if row.get(column) and row[column] != erasure.ERASED_NAME:
                held[f"staff_user.{column}"] = None
    if any(row.get("buyer") for row in c.data.get("invoice", [])):
        held["invoice.buyer_json"] = None
    for _name, _content, entry in c.documents:
        held["issued_document.xml" if entry.get("copy") == "signed" else "zatca_submission.cleared_xml"] = None
    for row in c.data.get("gdpr_request", []):
        requester = row.get("requester") or {}
        if requester and not requester.get("erased"):
            held["gdpr_request.requester_json"] = None
        for column in ("identity_method", "notes", "extension_reason", "outcome"):
            if row.get(column) and row[column] != erasure.ERASED_NAME:
                held[f"gdpr_request.{column}"] = None
    if any(e.get("personal_state") == "decrypted" for e in c.entries):
        held["audit_entry.body"] = None
    order = {f"{f.table}.{f.column}": n for n, f in enumerate(FIELDS)}
    return sorted(held, key=lambda name: order.get(name, len(order)))



def _roles_of(uow: UnitOfWork, actors: Iterable[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for actor in set(actors):
        kind, _, ident = actor.partition(":")
        try:
            user = uow.session.get(m.StaffUser, uuid.UUID(ident)) if kind == "user" else None
        except ValueError:
            user = None
        roles[actor] = user.role if user is not None else ""
    return roles



def _manifest(folder: Path, subject: str) -> ExportCheck:
    """The export's manifest, its own SHA-256, and each file checked against it."""
    path = folder / "manifest.json"
    if not path.is_file():
        raise ReportError(f"{folder} holds no manifest.json: it is not an access export folder.",
                          fix="Give the folder `qayd gdpr access` wrote (it holds manifest.json).")
    raw = path.read_bytes()
    try:
        manifest = json.loads(raw)
        files = list(manifest["files"])
    except (ValueError, KeyError, TypeError):
        raise ReportError(f"{path} is not an access export manifest.",
                          fix="Give the folder `qayd gdpr access` wrote, unchanged.") from None
    if manifest.get("subject") != subject:
        raise ReportError("The export folder is about another data subject than this request.",
                          fix="Give the export made for this request's subject.")
    root = folder.resolve()
    rows: list[ManifestRow] = []
    listed_paths: set[str] = set()
    for entry in files:
        name, listed = str(entry.get("path", "")), str(entry.get("sha256", ""))
        listed_paths.add(name)
        target = (folder / name).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            rows.append(ManifestRow(name, None, listed, "missing"))
            continue
        content = target.read_bytes()
        actual = hashlib.sha256(content).hexdigest()
        rows.append(ManifestRow(name, len(content), listed, "matches" if actual == listed else "differs"))
    for extra in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = extra.relative_to(folder).as_posix()
        if name != "manifest.json" and name not in listed_paths:
            rows.append(ManifestRow(name, extra.stat().st_size, "", "unlisted"))
    return ExportCheck(folder.name, manifest, hashlib.sha256(raw).hexdigest(), tuple(rows))
