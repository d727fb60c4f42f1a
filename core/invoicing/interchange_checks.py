"""File-level findings of a JSON import: a number used twice in the file, a seller problem said once."""

from __future__ import annotations

import re
from dataclasses import replace

from core.findings import Finding
from core.invoicing.model import InvoiceDraft
from core.invoicing.rule_finding import make

_SELLER_PATH = re.compile(r"^(?:\[\d+\]\.)?(seller\..*)$")


def duplicate_numbers(drafts: list[tuple[int, InvoiceDraft]]) -> list[Finding]:
    """The same number twice in one file would be refused at import; say so while the file is open."""
    seen: dict[str, int] = {}
    found = []
    for i, draft in drafts:
        first = seen.setdefault(draft.number, i)
        if first != i and draft.number:
            found.append(
                make(
                    "QAYD-JSON-DUPLICATE",
                    f"[{i}].number",
                    f"The number {draft.number!r} is also used by document [{first}].",
                    "Give every document its own number.",
                    f"الرقم {draft.number!r} مستخدم أيضاً في المستند [{first}].",
                    "أعطِ كل مستند رقماً خاصاً به.",
                )
            )
    return found


def seller_once(findings: list[Finding]) -> list[Finding]:
    """A problem in the seller's profile is the file's, not each document's: reported once, as "seller.…"."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for f in findings:
        match = _SELLER_PATH.match(f.field)
        if match is None:
            kept.append(f)
        elif (f.rule, match.group(1)) not in seen:
            seen.add((f.rule, match.group(1)))
            kept.append(replace(f, field=match.group(1)))
    return kept
