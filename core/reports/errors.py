"""Errors of the report builders."""

from __future__ import annotations

from core.errors import QaydError
from core.privacy.cancel import Cancelled


class ReportCancelled(Cancelled):
    """The caller cancelled a long report; nothing was written (the output file is only created at the end)."""


class ReportError(QaydError):
    """A report cannot be produced as asked (an unknown language, an empty period given the wrong way round, ...)."""

    exit_code = 2
