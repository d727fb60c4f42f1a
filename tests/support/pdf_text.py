"""Reading Qayd's PDFs back in tests: extracted text, the /ActualText of right-to-left lines, page images."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pypdf

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text(pdf: bytes) -> str:
    """All pages' text as pypdf extracts it (right-to-left runs back in logical order), NFKC-normalised so Arabic
    presentation forms read as the letters typed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFKC", text)


def actual_texts(pdf: bytes) -> list[str]:
    """The /ActualText of every marked line (each line holding Arabic carries its logical text), in page order."""
    found: list[str] = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            streams = [page.obj]
            for obj in (page.Resources.get("/XObject") or {}).values():
                if obj.get("/Subtype") == "/Form":
                    streams.append(obj)
            for owner in streams:
                for operands, operator in pikepdf.parse_content_stream(owner):
                    if str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                        actual = operands[1].get("/ActualText")
                        if actual is not None:
                            found.append(str(actual))
    return found


def words(text: str) -> str:
    """`text` with runs of white space made one space (extraction spacing differs from the typed text)."""
    return re.sub(r"\s+", " ", text).strip()


def render_png(pdf: bytes, name: str, *, dpi: int = 110, first: int = 1, last: int = 2) -> list[Path]:
    """Render pages with poppler's pdftoppm into tests/artifacts/<name>-<n>.png for a look; returns the files."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed; .ci/run installs it")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run([exe, "-r", str(dpi), "-png", "-f", str(first), "-l", str(last), str(source),
                    str(ARTIFACTS / name)], check=True, capture_output=True, timeout=60)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))
