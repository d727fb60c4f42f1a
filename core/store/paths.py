"""Where a company's files live in the data folder: its store and its audit head file (no store stack loaded)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CompanyPaths:
    db: Path
    head: Path


def company_paths(data_dir: Path, company: str) -> CompanyPaths:
    db = data_dir / "companies" / f"{company}.sqlite"
    return CompanyPaths(db=db, head=db.with_name(f"{company}.audit-head.json"))
