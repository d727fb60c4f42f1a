"""Files written whole from many threads at once: the audit head file after each commit (two desktop jobs commit in
either order, outside the store's lock) and anything else `core.files.write_private` writes.

Found by the suite on every core: two mail flushes at once failed now and then with FileNotFoundError, since both
threads of one process shared one partial file and the first rename took it from the second."""

from __future__ import annotations

import threading
from pathlib import Path

from core.files import write_private
from core.ledger.chain import Checkpoint
from core.ledger.log import read_head_file, write_head_file


def test_many_threads_writing_one_path_never_fail_and_leave_one_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "head.json"
    errors: list[BaseException] = []
    payloads = [f"writer {n} ".encode() * 2000 for n in range(8)]

    def writer(data: bytes) -> None:
        try:
            for _ in range(40):
                write_private(path, data)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(data,)) for data in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert path.read_bytes() in payloads  # one writer's bytes, whole
    assert [p.name for p in tmp_path.iterdir()] == ["head.json"]  # no partial file left behind


def checkpoint(seq: int, device: str = "d1") -> Checkpoint:
    return Checkpoint(seq, f"{seq:064x}", "2026-12-08T00:00:00+00:00", device, bytes([seq % 256]) * 64)


def test_the_head_file_never_goes_back_to_an_older_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "default.audit-head.json"
    write_head_file(path, checkpoint(7))
    write_head_file(path, checkpoint(5))  # a unit of work that committed first but got here last
    head = read_head_file(path)
    assert head is not None and head.seq == 7
    write_head_file(path, checkpoint(9))
    head = read_head_file(path)
    assert head is not None and head.seq == 9
    write_head_file(path, checkpoint(2, device="d2"))  # another device's chain (a join): its head replaces ours
    head = read_head_file(path)
    assert head is not None and (head.seq, head.device_id) == (2, "d2")
    path.write_text("{not json", "utf-8")  # a damaged head file is mended by the next write
    write_head_file(path, checkpoint(3, device="d2"))
    head = read_head_file(path)
    assert head is not None and head.seq == 3
