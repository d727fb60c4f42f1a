"""The store's checks: SQLite integrity and foreign keys, schema at head, free disk beside it, the WAL's size."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from core.health.model import CheckResult, Status

if TYPE_CHECKING:
    from core.health.doctor import Check, Run

RUNBOOK = "store-health"
MB = 1024 * 1024
RESTORE = ("Stop using this company, copy its folder aside, and restore the newest backup "
           "(docs/runbooks/store-health.md); Qayd never repairs a store in place.")
RESTORE_AR = ("توقّف عن استخدام هذه المنشأة، وانسخ مجلدها جانبًا، ثم استعد أحدث نسخة احتياطية "
              "(docs/runbooks/store-health.ar.md)؛ فقيد لا يُصلح المخزن في مكانه أبدًا.")


def reader(path: Path) -> sqlite3.Connection:
    """A read-only connection of its own, outside the unit of work's pool."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)


def integrity(run: Run) -> CheckResult:
    pragma = "integrity_check" if run.deep else "quick_check"
    title = "Store integrity" + (" (full)" if run.deep else "")
    with closing(reader(run.ctx.db.path)) as conn:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(20)")]
    problems = [r for r in rows if r != "ok"]
    if not problems:
        return CheckResult("store.integrity", title, Status.OK, f"SQLite's {pragma} found no damage.",
                           runbook=RUNBOOK, figures={"problems": 0},
                           found_ar=f"لم يجد فحص سلامة المخزن (`{pragma}`) أي تلف.")
    return CheckResult("store.integrity", title, Status.FAIL,
                       f"SQLite's {pragma} found {len(problems)} problem(s), the first: {problems[0][:200]}",
                       RESTORE, RUNBOOK, {"problems": len(problems)},
                       found_ar=f"وجد فحص سلامة المخزن (`{pragma}`) مشكلات عددها {len(problems)}، أولاها: "
                                f"«{problems[0][:200]}»", fix_ar=RESTORE_AR)


def foreign_keys(run: Run) -> CheckResult:
    with closing(reader(run.ctx.db.path)) as conn:
        rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return CheckResult("store.foreign_keys", "Store references", Status.OK,
                           "Every row's references point at rows that exist.", runbook=RUNBOOK,
                           figures={"orphans": 0}, found_ar="كل مراجع الصفوف تشير إلى صفوف موجودة.")
    tables = sorted({str(r[0]) for r in rows})
    return CheckResult("store.foreign_keys", "Store references", Status.FAIL,
                       f"{len(rows)} row(s) refer to rows that do not exist (in {', '.join(tables[:5])}).",
                       RESTORE, RUNBOOK, {"orphans": len(rows)},
                       found_ar=f"عدد الصفوف التي تشير إلى صفوف غير موجودة: {len(rows)} (في الجداول: "
                                f"{'، '.join(tables[:5])}).", fix_ar=RESTORE_AR)


def schema(run: Run) -> CheckResult:
    from core.store.database import current_revision, head_revision

    current, head = current_revision(run.ctx.db.engine), head_revision()
    if current == head:
        return CheckResult("store.schema", "Store schema", Status.OK, f"The store is at schema {head}, this "
                           "version's newest.", runbook=RUNBOOK,
                           found_ar=f"المخزن على المخطط {head}، وهو أحدث مخطط يعرفه هذا الإصدار من قيد.")
    return CheckResult("store.schema", "Store schema", Status.FAIL,
                       f"The store is at schema {current or 'none'}, but this version of Qayd expects {head}.",
                       "Open the company with this version of Qayd (it upgrades the store after a backup), or "
                       "install the version that wrote it.", RUNBOOK,
                       found_ar=f"المخزن على المخطط {current or 'لا شيء'}، لكن هذا الإصدار من قيد يتوقع المخطط "
                                f"{head}.",
                       fix_ar="افتح المنشأة بهذا الإصدار من قيد (فهو يرقّي المخزن بعد أخذ نسخة احتياطية)، أو ثبّت "
                              "الإصدار الذي كتبه.")


def free_disk(run: Run) -> CheckResult:
    folder = run.ctx.db.path.parent
    free_mb = shutil.disk_usage(folder).free / MB
    limit = run.alerts.free_disk_mb
    figures = {"free_mb": round(free_mb, 1), "threshold_mb": float(limit)}
    if free_mb >= limit:
        return CheckResult("store.free_disk", "Free disk beside the store", Status.OK,
                           f"{free_mb:,.0f} MB free beside the store.", runbook=RUNBOOK, figures=figures,
                           found_ar=f"المساحة الحرة بجوار المخزن {free_mb:,.0f} ميغابايت.")
    status = Status.FAIL if free_mb < 50 else Status.WARN
    return CheckResult("store.free_disk", "Free disk beside the store", status,
                       f"Only {free_mb:,.0f} MB free beside the store (the warning is below {limit:,} MB).",
                       "Free space on that disk, or move the data folder (--data-dir) to a larger one; a full "
                       "disk stops issuing.", RUNBOOK, figures,
                       found_ar=f"لم يبقَ بجوار المخزن سوى {free_mb:,.0f} ميغابايت حرة (يبدأ التحذير دون "
                                f"{limit:,} ميغابايت).",
                       fix_ar="أفرغ مساحة على ذلك القرص، أو انقل مجلد البيانات (--data-dir) إلى قرص أكبر؛ فامتلاء "
                              "القرص يوقف إصدار الفواتير.")


def wal(run: Run) -> CheckResult:
    path = run.ctx.db.path.with_name(run.ctx.db.path.name + "-wal")
    size_mb = path.stat().st_size / MB if path.exists() else 0.0
    limit = run.alerts.wal_mb
    figures = {"wal_mb": round(size_mb, 2), "threshold_mb": float(limit)}
    if size_mb <= limit:
        return CheckResult("store.wal", "Write-ahead log", Status.OK, f"The write-ahead log holds {size_mb:,.1f} MB.",
                           runbook=RUNBOOK, figures=figures,
                           found_ar=f"حجم سجل الكتابة المسبقة {size_mb:,.1f} ميغابايت.")
    return CheckResult("store.wal", "Write-ahead log", Status.WARN,
                       f"The write-ahead log holds {size_mb:,.0f} MB (the warning is above {limit:,} MB): a reader "
                       "has kept SQLite from folding it back into the store.",
                       "Close the other Qayd windows and commands on this company; SQLite folds the log back when "
                       "no reader holds it.", RUNBOOK, figures,
                       found_ar=f"حجم سجل الكتابة المسبقة {size_mb:,.0f} ميغابايت (يبدأ التحذير فوق {limit:,} "
                                "ميغابايت): قارئٌ ما منع SQLite من دمجه في المخزن.",
                       fix_ar="أغلق نوافذ قيد وأوامره الأخرى المفتوحة على هذه المنشأة؛ إذ يدمج SQLite السجل في "
                              "المخزن حين لا يمسكه أي قارئ.")


# Read every page of the store: doctor and the Diagnostics view run them, the frequent polls do not (run_checks).
SCANS = frozenset({"store.integrity", "store.foreign_keys"})

CHECKS: list[tuple[str, str, Check]] = [
    ("store.integrity", "Store integrity", integrity),
    ("store.foreign_keys", "Store references", foreign_keys),
    ("store.schema", "Store schema", schema),
    ("store.free_disk", "Free disk beside the store", free_disk),
    ("store.wal", "Write-ahead log", wal),
]
