"""Evidence bundles: the chain, its checkpoints and the device's public key, verifiable without Qayd's database."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.audit.service import fingerprint, iter_entry_rows, trusted_checkpoints, verify_store
from core.errors import AuditError
from core.files import private_dir, private_tree
from core.ledger.chain import Checkpoint
from core.ledger.signing import load_public_pem, public_pem
from core.ledger.verify import Row, VerifyReport, verify_chain
from core.progress import CancelCheck, Progress

if TYPE_CHECKING:  # only its type is needed here
    from core.uow import Context

FORMAT = "qayd-audit-bundle/1"
FILES = ("entries.jsonl", "checkpoints.jsonl", "device-public-key.pem")
HOW_TO = Path(__file__).with_name("VERIFY.txt")


def export_bundle(ctx: Context, out: Path, *, company: str, now: datetime, progress: Progress | None = None,
                  cancelled: CancelCheck | None = None) -> VerifyReport:
    """Write the bundle into `out` (created; must be empty) and return the verification of what was written.

    A cancel (`core.errors.Cancelled`, during the verification) or a failure leaves no bundle: what was written is
    removed, so a folder holding files is always a whole bundle."""
    if out.exists() and any(out.iterdir()):
        raise AuditError(f"The folder {out} is not empty.", fix="Choose a new or empty folder for the bundle.")
    existed = out.exists()
    private_dir(out, own=False)
    try:
        return _write_bundle(ctx, out, company=company, now=now, progress=progress, cancelled=cancelled)
    except BaseException:
        _remove_bundle(out, keep_folder=existed)
        raise


def _remove_bundle(out: Path, *, keep_folder: bool) -> None:
    """Undo an unfinished bundle: the files written into the empty (or new) folder, and the folder when it was new."""
    for name in (*FILES, "manifest.json", "VERIFY.txt"):
        (out / name).unlink(missing_ok=True)
    if not keep_folder:
        with contextlib.suppress(OSError):  # something else appeared in it meanwhile: leave that alone
            out.rmdir()


def _write_bundle(ctx: Context, out: Path, *, company: str, now: datetime, progress: Progress | None,
                  cancelled: CancelCheck | None) -> VerifyReport:
    checkpoints, _ = trusted_checkpoints(ctx)
    public = ctx.device_key.public_bytes()
    with (out / "entries.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for seq, body, prev, digest in iter_entry_rows(ctx):
            fh.write(json.dumps([seq, body.decode(), prev.hex(), digest.hex()], ensure_ascii=False,
                                separators=(",", ":")) + "\n")
    with (out / "checkpoints.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
        for cp in sorted(checkpoints, key=lambda c: c.seq):
            fh.write(json.dumps([cp.seq, cp.hash, cp.at, cp.device_id, base64.b64encode(cp.signature).decode()]) + "\n")
    (out / "device-public-key.pem").write_text(public_pem(public), "ascii")
    report = verify_store(ctx, progress=progress, cancelled=cancelled)
    manifest = {
        "format": FORMAT, "company": company, "device_id": str(ctx.device_id), "created_at": now.isoformat(),
        "entries": report.entries, "head_hash": report.head_hash, "checkpoints": len(checkpoints),
        "public_key_fingerprint": fingerprint(public), "verified_at_export": report.ok,
        "files": {name: _sha256(out / name) for name in FILES},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    (out / "VERIFY.txt").write_text(HOW_TO.read_text("utf-8"), "utf-8")
    private_tree(out)  # the bundle holds the whole chain: owner-only files (issue 12 point 9)
    return report


def verify_bundle(folder: Path, *, progress: Progress | None = None,
                  cancelled: CancelCheck | None = None) -> VerifyReport:
    manifest = _manifest(folder)
    problems = [f"{name} does not match the manifest's SHA-256" for name, digest in manifest["files"].items()
                if _sha256(folder / name) != digest]
    public = load_public_pem((folder / "device-public-key.pem").read_bytes())
    if fingerprint(public) != manifest.get("public_key_fingerprint"):
        problems.append("the public key does not match the manifest's fingerprint")
    checkpoints = [_checkpoint(line) for line in _lines(folder / "checkpoints.jsonl")]
    entries = folder / "entries.jsonl"
    pairs = ((row[1], row[3]) for row in map(_row, _lines(entries)))

    def window(position: int, count: int) -> list[Row]:
        return list(islice(map(_row, _lines(entries)), position - 1, position - 1 + count))

    report = verify_chain(pairs, window, checkpoints, public, total=int(manifest.get("entries") or 0),
                          progress=progress, cancelled=cancelled)
    if report.ok and report.entries != manifest.get("entries"):
        problems.append(f"the manifest lists {manifest.get('entries')} entries but the bundle holds {report.entries}")
    return replace(report, warnings=report.warnings + tuple(f"Bundle: {p}." for p in problems))


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise AuditError(f"{folder} is not a readable Qayd evidence bundle ({type(exc).__name__}).",
                         fix="Point --bundle at the folder `qayd audit export` wrote.") from None
    if manifest.get("format") != FORMAT:
        raise AuditError(f"{folder} holds a bundle of format {manifest.get('format')!r}, not {FORMAT!r}.")
    missing = [name for name in FILES if not (folder / name).exists()]
    if missing:
        raise AuditError(f"The bundle in {folder} lacks {', '.join(missing)}.")
    return dict(manifest)


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line


def _row(line: str) -> Row:
    """One entry of entries.jsonl; an unreadable line becomes an entry that cannot verify."""
    try:
        seq, body, prev, digest = json.loads(line)
        return int(seq), str(body).encode(), bytes.fromhex(prev), bytes.fromhex(digest)
    except (ValueError, TypeError):
        return 0, b"", b"", b"unreadable line"


def _checkpoint(line: str) -> Checkpoint:
    seq, h, at, dev, sig = json.loads(line)
    return Checkpoint(int(seq), h, at, dev, base64.b64decode(sig))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
