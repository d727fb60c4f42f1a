"""The Python rules give, document by document, exactly the findings recorded before they were rewritten for speed.

The corpus (tests/support/rules_corpus.py) holds the SDK samples, the broken corpus, documents Qayd builds and
random mutations of them; the record is rules_oracle.json beside this file, one document per line. After a change
that is meant to alter findings, re-record with `python -m tests.unit.zatca.test_rules_oracle` and review the diff.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

from tests.support.rules_corpus import corpus, findings_of

RECORD = Path(__file__).with_name("rules_oracle.json")


def _dump(found: dict[str, list[str]]) -> str:
    lines = [f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(f, ensure_ascii=False)}"
             for name, f in found.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def test_findings_are_those_recorded() -> None:
    recorded: dict[str, list[str]] = json.loads(RECORD.read_text(encoding="utf-8"))
    found = {name: findings_of(data) for name, data in corpus()}
    assert list(found) == list(recorded), "the corpus itself changed: re-record it"
    assert sum(map(len, recorded.values())) > 2000  # the record is not empty or trivial
    differ = {name: (recorded[name], f) for name, f in found.items() if f != recorded[name]}
    assert not differ, f"{len(differ)} documents' findings changed, e.g. {next(iter(differ.items()))}"


def test_threads_validating_at_once_keep_their_documents_apart() -> None:
    """The per-document indexes are per thread: documents validated side by side get their own findings."""
    recorded: dict[str, list[str]] = json.loads(RECORD.read_text(encoding="utf-8"))
    docs = list(islice(((n, d) for n, d in corpus() if n.startswith(("built", "mutated"))), 0, 400, 5))
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda item: (item[0], findings_of(item[1])), docs * 2))
    assert len({name for name, _ in found}) == 80 and any(f for _, f in found)
    assert [(name, recorded[name]) for name, _ in found] == found


if __name__ == "__main__":  # re-record
    RECORD.write_text(_dump({name: findings_of(data) for name, data in corpus()}), encoding="utf-8")
    sys.exit(0)
