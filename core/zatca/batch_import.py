"""Import a file of drafts and, if asked, issue them: the one use case behind `qayd invoice import` and the desktop."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.errors import ValidationError
from core.findings import Finding, errors_in
from core.invoicing.interchange import load_json_file, parse_documents
from core.invoicing.service import get_company, import_drafts
from core.uow import Context
from core.zatca.issuing import IssuedInfo, issue_imported


class BatchRefused(ValidationError):
    """Nothing was imported: the file's documents broke rules (`findings` holds them all, warnings included).

    A file that cannot be read as JSON at all raises a plain ValidationError instead, as before.
    """

    def __init__(self, file: Path, findings: list[Finding]) -> None:
        super().__init__(f"The import of {file.name}", findings)
        self.findings = list(findings)  # every finding, as the import has always reported them (not capped here)
        self.file = file


@dataclass(frozen=True, slots=True)
class ImportRun:
    """What one import did: the drafts stored (by number), the customers created, the documents issued, and the
    warnings (findings that did not refuse the batch)."""

    numbers: tuple[str, ...]
    customers_created: int
    issued: list[IssuedInfo]
    warnings: tuple[Finding, ...]


def import_and_issue(ctx: Context, path: str | os.PathLike[str], *, issue: bool = False,
                     progress: Callable[[float, str], None] | None = None) -> ImportRun:
    """Import every document in the JSON file at `path` as drafts and, when `issue`, issue them (signed and queued
    for ZATCA) in the same transaction: all or nothing. Raises BatchRefused listing every finding when any document
    breaks a rule, so nothing is half-imported."""
    file = Path(path)
    step = progress or (lambda _fraction, _message: None)
    step(0.0, f"Reading {file.name}")
    with ctx.uow(write=False) as uow:
        seller = get_company(uow)
    # Every rule runs here, once, with the file's own field paths; the import and the issue rely on it.
    drafts, findings = parse_documents(load_json_file(file), seller=seller)
    if errors_in(findings):
        raise BatchRefused(file, findings)
    step(0.4, f"Importing {len(drafts)} document(s)")
    try:
        with ctx.uow() as uow:
            result = import_drafts(uow, drafts, rules_checked=True)
            if issue:
                step(0.7, f"Issuing {len(result.drafts)} document(s)")
            issued = issue_imported(uow, result.drafts) if issue else []
            uow.commit()
    except ValidationError as exc:
        raise BatchRefused(file, exc.findings) from None
    step(1.0, "")
    warnings = tuple(result.warnings) + tuple(f for f in findings if not f.is_error)
    return ImportRun(result.numbers, result.customers_created, issued, warnings)
