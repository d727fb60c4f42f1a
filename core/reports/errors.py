"""Errors of the report builders."""

from __future__ import annotations

from core.errors import Cancelled, QaydError

# The report builders' name for the one cancellation (core.errors.Cancelled): the same class, kept for importers.
ReportCancelled = Cancelled


class ReportError(QaydError):
    """A report cannot be produced as asked (an unknown language, an empty period given the wrong way round, ...)."""

    exit_code = 2
