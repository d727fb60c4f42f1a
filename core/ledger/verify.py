"""Streaming verification of an audit chain: names the first bad entry and the kind of break.

The happy path is one tight loop (one SHA-256 and a comparison per entry, over bytes straight from
SQLite) so that a million entries verify in a few seconds with constant memory. At the first
anomaly it reads a few more entries and classifies the break by what still holds:

* changed   — an entry's content no longer matches its hash, or its hash was recomputed and the next
              entry (or a signed checkpoint) no longer agrees;
* deleted   — entries are missing: a gap in the sequence, or the rest renumbered to close it;
* inserted  — an entry that the chain never had: renumbering after it, or appended without a checkpoint;
* reordered — entries that are each intact but stand in another order;
* truncated — the chain ends before the last signed checkpoint or head says it reached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from core.ledger.chain import GENESIS, Checkpoint, entry_digest
from core.ledger.signing import signature_ok
from core.progress import CancelCheck, check
from core.progress import Progress as Progress  # re-exported: its importers' old place

Row = tuple[int, bytes, bytes, bytes]  # seq, body (UTF-8), prev_hash, hash (raw digests), as stored
Pair = tuple[bytes, bytes]  # body, hash
Window = Callable[[int, int], list[Row]]  # (first position, count) -> full rows at those positions
PROGRESS_EVERY = 1 << 16
LOOKAHEAD = 4


class BreakKind(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    FORGED_CHECKPOINT = "forged checkpoint"


@dataclass(frozen=True, slots=True)
class Break:
    kind: BreakKind
    seq: int  # the first entry that is wrong (for deleted and truncated: the first one missing)
    detail: str


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    """One place outside the chain that says how far it reached: the head file, the keyring anchor, central."""

    name: str  # head file | keyring anchor | anchor file | central
    where: str
    seq: int | None  # None: absent, or not connected
    note: str  # what was found, in a sentence
    failed: bool = False


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    number: str
    egs: str
    icv: int
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentsCheck:
    """Every issued document's stamp and its place in its EGS unit's ICV/PIH chain, re-verified from the store."""

    documents: int
    units: int
    broken: tuple[DocumentProblem, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    cancelled: bool = False  # always False: a cancel raises core.errors.Cancelled (kept for the JSON's shape)

    @property
    def ok(self) -> bool:
        return not self.broken


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    head_hash: str
    checkpoints: int
    broken: Break | None = None
    warnings: tuple[str, ...] = ()
    cancelled: bool = False  # always False: a cancel raises core.errors.Cancelled (kept for the JSON's shape)
    anchors: tuple[AnchorCheck, ...] = ()
    documents: DocumentsCheck | None = None

    @property
    def ok(self) -> bool:
        return (self.broken is None and not any(a.failed for a in self.anchors)
                and (self.documents is None or self.documents.ok))

    @property
    def chain_ok(self) -> bool:
        """The chain alone (entries and checkpoints), without the anchors and documents."""
        return self.broken is None


@dataclass
class _State:
    expected: int = 1
    last_hash: bytes = GENESIS
    before_last: bytes = GENESIS
    good_checkpoint: int = 0
    warnings: list[str] = field(default_factory=list)


def verify_chain(
    pairs: Iterable[Pair],
    window: Window,
    checkpoints: Sequence[Checkpoint],
    public_key: bytes | None,
    *,
    total: int | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> VerifyReport:
    """Verify a chain given as (body, hash) pairs in sequence order, against itself and the signed checkpoints.

    Each entry's hash must equal SHA-256 over the previous hash, its position and its body: that alone
    proves order, position and content, so the fast path reads nothing else. At the first mismatch,
    `window(position, count)` supplies full rows (with their stored seq and prev_hash) to name the break.
    A cancel (checked with the progress, every PROGRESS_EVERY entries) raises `Cancelled`: nothing was concluded.
    """
    st = _State()
    trusted, forged = _trusted_checkpoints(checkpoints, public_key, st)
    if forged is not None:
        return _report(st, 0, broken=forged)
    cps = {cp.seq: bytes.fromhex(cp.hash) for cp in trusted}
    cp_seqs = iter(sorted(cps))
    next_cp = next(cp_seqs, 0)
    sha256 = hashlib.sha256
    expected, last, before = 1, GENESIS, GENESIS
    for body, h in pairs:
        if sha256(last + b"%d\x1f" % expected + body).digest() != h:
            st.expected, st.last_hash, st.before_last = expected, last, before
            rows = window(expected, 1 + LOOKAHEAD)
            return _report(st, len(cps), broken=_classify(rows[0], rows[1:], st))
        if expected == next_cp:
            if cps[expected] != h:
                st.expected, st.last_hash = expected, last
                return _report(st, len(cps), broken=_rewritten(expected, st.good_checkpoint))
            st.good_checkpoint, next_cp = expected, next(cp_seqs, 0)
        before, last, expected = last, h, expected + 1
        if not expected & (PROGRESS_EVERY - 1):
            check(cancelled, f"{expected - 1:,} entries verified")
            if progress is not None:
                progress(expected / total if total else 0.0, f"{expected - 1:,} entries verified")
    st.expected, st.last_hash = expected, last
    return _report(st, len(cps), broken=_tail(st, cps))


def _report(st: _State, n_checkpoints: int, *, broken: Break | None = None) -> VerifyReport:
    return VerifyReport(entries=st.expected - 1, head_hash=st.last_hash.hex(), checkpoints=n_checkpoints,
                        broken=broken, warnings=tuple(st.warnings))


def _trusted_checkpoints(
    checkpoints: Sequence[Checkpoint], public_key: bytes | None, st: _State
) -> tuple[list[Checkpoint], Break | None]:
    if public_key is None:
        if checkpoints:
            st.warnings.append("No device public key: checkpoint signatures were not checked.")
        return [], None
    for cp in checkpoints:
        if not signature_ok(public_key, cp.signature, cp.message()):
            return [], Break(BreakKind.FORGED_CHECKPOINT, cp.seq,
                             f"The checkpoint at entry {cp.seq} does not carry a valid signature of this device's "
                             "key.")
    return list(checkpoints), None


def _self_ok(row: Row, seq: int | None = None) -> bool:
    return entry_digest(row[2], row[0] if seq is None else seq, row[1]) == row[3]


def _shift(row: Row) -> int:
    """How far the row was renumbered since it was hashed: +d if it was hashed at seq - d; 0 if unknown."""
    for d in (1, -1, 2, -2, 3, -3):
        if row[0] - d >= 1 and _self_ok(row, row[0] - d):
            return d
    return 0


def _classify(row: Row, ahead: list[Row], st: _State) -> Break:
    seq, prev = row[0], row[2]
    if seq > st.expected and _self_ok(row) and prev != st.last_hash:
        missing = f"{st.expected}" if seq == st.expected + 1 else f"{st.expected} to {seq - 1}"
        return Break(BreakKind.DELETED, st.expected, f"Entry {missing} is missing: entry {seq} follows entry "
                     f"{st.expected - 1} but was chained to another entry.")
    if _self_ok(row):
        return _classify_relinked(row, ahead, st)
    d = _shift(row)
    if d > 0:  # hashed at a lower sequence: the rows were pushed up to make room for an insertion
        return Break(BreakKind.INSERTED, seq - d, f"Entry {seq - d} was inserted: entry {seq} was written as "
                     f"entry {seq - d} and renumbered to make room.")
    if d < 0:
        if ahead and ahead[0][0] == seq + 1 and _shift(ahead[0]) == -d:
            return Break(BreakKind.REORDERED, seq, f"Entries {seq} and {seq - d} stand in each other's place.")
        return Break(BreakKind.DELETED, seq, f"Entry {seq} is missing: the entries after it were renumbered "
                     f"(entry {seq} was written as entry {seq - d}).")
    if ahead and ahead[0][2] == st.last_hash and (_self_ok(ahead[0]) or _shift(ahead[0]) == 1):
        return Break(BreakKind.INSERTED, seq, f"Entry {seq} was inserted: entry {ahead[0][0]} is chained to "
                     f"entry {seq - 1}, not to it.")
    return Break(BreakKind.CHANGED, seq, f"Entry {seq} was changed: its content no longer matches its hash.")


def _classify_relinked(row: Row, ahead: list[Row], st: _State) -> Break:
    """The row is intact in itself but not chained to its predecessor."""
    seq, prev = row[0], row[2]
    if any(a[3] == prev for a in ahead):
        return Break(BreakKind.REORDERED, seq, f"Entry {seq} stands before the entry it was chained to.")
    if prev == st.before_last and seq > 1:
        return Break(BreakKind.INSERTED, seq - 1, f"Entry {seq - 1} was inserted: entry {seq} is chained to "
                     f"entry {seq - 2}.")
    if ahead and ahead[0][2] == st.last_hash:
        return Break(BreakKind.INSERTED, seq, f"Entry {seq} was inserted: entry {ahead[0][0]} is chained to "
                     f"entry {seq - 1}, not to it.")
    return Break(BreakKind.CHANGED, seq - 1, f"Entry {seq - 1} was changed and its hash recomputed: entry {seq} "
                 "is no longer chained to it.")


def _rewritten(seq: int, good: int) -> Break:
    first = good + 1
    return Break(BreakKind.CHANGED, first, f"Entries {first} to {seq} were rewritten with recomputed hashes: "
                 f"the signed checkpoint at entry {seq} does not match.")


def _tail(st: _State, cps: dict[int, bytes]) -> Break | None:
    last = st.expected - 1
    signed_to = max(cps, default=0)
    if signed_to > last:
        return Break(BreakKind.TRUNCATED, last + 1, f"The chain ends at entry {last}, but a signed checkpoint says "
                     f"it reached entry {signed_to}: entries {last + 1} to {signed_to} were cut off.")
    if last > signed_to and cps:
        return Break(BreakKind.INSERTED, signed_to + 1, f"Entries {signed_to + 1} to {last} follow the last signed "
                     "checkpoint: they were appended without this device's key.")
    if not cps and last:
        st.warnings.append("No signed checkpoint covers this chain, so a cut-off tail could not be detected.")
    return None
