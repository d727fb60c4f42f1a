"""What says, outside the chain, how far it reached: the head file, the anchor beside the master key, central.

Each is read before verification opens its snapshot of the store: every one of them is written after its commit,
so none can claim more than the snapshot holds unless entries were really taken away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from core.ledger.anchor import AnchorSlot, UnreadableAnchor, read_anchor
from core.ledger.chain import Checkpoint
from core.ledger.log import read_head_file
from core.ledger.verify import AnchorCheck, BreakKind, VerifyReport


@dataclass(frozen=True, slots=True)
class CentralHead:
    """Central's latest word on this device: the newest entry it holds and, when readable, its signed checkpoint."""

    seq: int
    checkpoint: Checkpoint | None
    where: str


CentralProbe = Callable[[], CentralHead]


@dataclass(frozen=True, slots=True)
class OutsideHeads:
    head_path: Path
    head: Checkpoint | None
    head_error: str
    slot: AnchorSlot | None
    anchor: Checkpoint | None
    anchor_error: str
    central: CentralHead | None
    central_error: str  # "" when connected and read; else why not


def read_outside(head_path: Path, slot: AnchorSlot | None, central: CentralProbe | None) -> OutsideHeads:
    head, head_error = None, ""
    try:
        head = read_head_file(head_path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        head_error = f"unreadable ({type(exc).__name__})"
    anchor, anchor_error = None, ""
    if slot is not None:
        try:
            anchor = read_anchor(slot)
        except UnreadableAnchor as exc:
            anchor_error = str(exc)
        except Exception as exc:  # keyring backends raise their own types: say so, never a traceback
            anchor_error = f"could not be read ({type(exc).__name__})"
    found, central_error = None, "not connected"
    if central is not None:
        try:
            found, central_error = central(), ""
        except Exception as exc:  # offline-safe: an unreachable central is reported, not fatal
            central_error = f"not reachable ({type(exc).__name__})"
    return OutsideHeads(head_path, head, head_error, slot, anchor, anchor_error, found, central_error)


def signed_heads(outside: OutsideHeads, device_id: str) -> list[Checkpoint]:
    """The outside heads the verifier checks like checkpoints (their signatures are checked there too)."""
    found = [outside.head, outside.central.checkpoint if outside.central else None]
    if outside.anchor is not None and outside.anchor.device_id == device_id:
        found.append(outside.anchor)
    return [cp for cp in found if cp is not None]


def judge(outside: OutsideHeads, report: VerifyReport, device_id: str) -> VerifyReport:
    """The report with one line per outside head, and a truncation naming who says the chain was longer."""
    checks = (_head_check(outside), _anchor_check(outside, report, device_id), _central_check(outside, report))
    warnings = tuple(f"The {c.name}: {c.note}" for c in checks if c.seq is None and not c.failed and c.where)
    if outside.head and outside.anchor and outside.head.seq < outside.anchor.seq:
        warnings += (f"The head file (entry {outside.head.seq}) is older than the {checks[1].name} (entry "
                     f"{outside.anchor.seq}): it was restored from an older copy (or two writes finished out of "
                     "order); the chain was checked against the anchor.",)
    broken = report.broken
    if broken is not None and broken.kind is BreakKind.TRUNCATED:
        says = "; ".join(f"the {c.name} says {c.seq:,}" for c in checks if c.seq is not None)
        broken = replace(broken, detail=f"{broken.detail} Outside the store: {says}.")
    return replace(report, broken=broken, anchors=checks, warnings=report.warnings + warnings)


def _head_check(o: OutsideHeads) -> AnchorCheck:
    where = str(o.head_path)
    if o.head_error:
        return AnchorCheck("head file", where, None, f"{o.head_path.name} is {o.head_error}.", failed=True)
    if o.head is None:
        return AnchorCheck("head file", where, None, f"{o.head_path.name} is missing; the anchor beside the master "
                           "key stands in for it.")
    return AnchorCheck("head file", where, o.head.seq, f"signed head at entry {o.head.seq:,}.")


def _anchor_check(o: OutsideHeads, report: VerifyReport, device_id: str) -> AnchorCheck:
    if o.slot is None:
        return AnchorCheck("anchor", "", None, "none is configured for this store.")
    name = "keyring anchor" if "keyring" in o.slot.where else "anchor file"
    where = o.slot.where
    if o.anchor_error:
        return AnchorCheck(name, where, None, f"{where} is {o.anchor_error}.", failed=True)
    if o.anchor is None:
        if report.entries == 0:
            return AnchorCheck(name, where, None, "none yet (the chain is empty).")
        return AnchorCheck(name, where, None, f"{where} is missing although the chain holds entries: it was deleted, "
                           "or this store was copied from another install or keyring. The next change anchors it "
                           "again; check the chain against central (`qayd audit verify --central`) or an evidence "
                           "bundle first.", failed=True)
    if o.anchor.device_id != device_id:
        return AnchorCheck(name, where, o.anchor.seq, f"{where} belongs to another device ({o.anchor.device_id[:8]}): "
                           "this store was replaced by another one.", failed=True)
    if report.entries < o.anchor.seq:
        return AnchorCheck(name, where, o.anchor.seq, f"says the chain reached entry {o.anchor.seq:,}, but it ends at "
                           f"{report.entries:,}: it was cut back.", failed=True)
    inside = " It is kept inside the data folder, so it guards less." if o.slot.inside_data_dir else ""
    return AnchorCheck(name, where, o.anchor.seq, f"signed head at entry {o.anchor.seq:,}.{inside}")


def _central_check(o: OutsideHeads, report: VerifyReport) -> AnchorCheck:
    if o.central is None:
        return AnchorCheck("central", "", None, o.central_error + ".")
    c = o.central
    if report.entries < c.seq:
        return AnchorCheck("central", c.where, c.seq, f"holds {c.seq:,} entries of this device, but the local chain "
                           f"ends at {report.entries:,}: it was cut back.", failed=True)
    signed = f", signed head at {c.checkpoint.seq:,}" if c.checkpoint else ""
    return AnchorCheck("central", c.where, c.seq, f"holds entries up to {c.seq:,}{signed}.")


def anchor_note_ar(a: AnchorCheck) -> str:
    """The Arabic of what was found at one head (its details are in the English note)."""
    if a.failed:
        return "لا يطابق السلسلة أو تعذّرت قراءته؛ تفصيله في النسخة الإنجليزية."
    if a.seq is None:
        return "غير متاح."
    return f"رأس موقّع عند القيد {a.seq:,}."
