"""The audit evidence cancelled in the middle of the chain's verification: it stops there, says so, and leaves no
counting thread or connection behind."""

from __future__ import annotations

import threading

import pytest

from core.audit import verify
from core.reports.audit_report import audit_evidence, build_audit_report
from core.reports.errors import ReportCancelled
from core.uow import Context
from tests.unit.reports.test_audit_report import chain  # noqa: F401  (the fixture: a demo chain with checkpoints)


def _counting_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "qayd-report-actions"]


def test_cancelled_during_the_verification_stops_before_anything_is_written(
    chain: Context, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    # The verification looks at `cancelled` every PROGRESS_EVERY entries (65 536); the demo chain is shorter.
    monkeypatch.setattr(verify, "PROGRESS_EVERY", 8)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1  # not before the start; at the verification's first look

    seen: list[float] = []
    with pytest.raises(ReportCancelled, match="Cancelled"):
        audit_evidence(chain, start=None, end=None, lang="en", progress=lambda f, _m: seen.append(f),
                       cancelled=cancelled)
    assert len(asked) == 2  # the verification asked once and stopped: it did not go on to the writing
    assert all(f <= 0.75 for f in seen) and seen == sorted(seen)
    assert _counting_threads() == []  # the count beside the verification was abandoned, not left running


def test_after_a_cancelled_report_the_next_one_is_whole(chain: Context) -> None:  # noqa: F811
    with pytest.raises(ReportCancelled):
        build_audit_report(chain, start=None, end=None, lang="ar", cancelled=iter([False, True]).__next__)
    seen: list[float] = []
    document = build_audit_report(chain, start=None, end=None, lang="ar", progress=lambda f, _m: seen.append(f))
    assert seen[-1] == 1.0 and _counting_threads() == []
    assert document.filename.endswith("_ar.pdf") and document.pdf.startswith(b"%PDF")
