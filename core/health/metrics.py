"""The Prometheus textfile of a health report, for node_exporter's textfile collector (server mode: `qayd sync
watch` and `qayd zatca submit` with --metrics-file). Written to a temporary file beside it and renamed, so the
collector never reads half a file. Only check ids, figures and a time: nothing personal, nothing secret."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from core.health.model import Report, Status

_VALUE = {Status.OK: 0, Status.WARN: 1, Status.FAIL: 2}


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return repr(float(value))


def render(report: Report) -> str:
    """The exposition text (version 0.0.4) of one report."""
    lines = ["# HELP qayd_check_status Each health check of `qayd doctor`: 0 ok, 1 warn, 2 fail.",
             "# TYPE qayd_check_status gauge"]
    lines += [f'qayd_check_status{{check="{_label(c.id)}"}} {_VALUE[c.status]}' for c in report.checks]
    lines += ["# HELP qayd_check_figure The numbers behind each health check (seconds, counts, days).",
              "# TYPE qayd_check_figure gauge"]
    lines += [f'qayd_check_figure{{check="{_label(c.id)}",figure="{_label(name)}"}} {_number(value)}'
              for c in report.checks for name, value in sorted(c.figures.items())]
    lines += ["# HELP qayd_check_timestamp_seconds When the checks ran (Unix time).",
              "# TYPE qayd_check_timestamp_seconds gauge",
              f"qayd_check_timestamp_seconds {_number(report.started_at.timestamp())}"]
    return "\n".join(lines) + "\n"


def write_textfile(report: Report, path: Path) -> Path:
    """Write `report` to `path` atomically (temporary file in the same folder, then a rename). The file is
    readable by others (0644): node_exporter usually runs as its own user, and the file holds no private data."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(render(report))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
