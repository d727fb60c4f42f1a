"""Reading Qayd's PDFs back in tests as viewers and search tools do: poppler (pdftotext), PDFium (the engine of
Chrome's viewer, through pypdfium2); page images."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdf
import pypdfium2

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def pdf_text(pdf: bytes) -> str:
    """All pages' text as pypdf extracts it, in drawing order (a row's label and value, a wrapped cell's lines stay
    together), NFKC-normalised. For English and numbers: pypdf reverses a right-to-left run glyph by glyph, so
    the lam-alef ligature (one glyph, two letters) comes out with its letters swapped. Arabic is checked with
    `poppler_text`, `pdfium_text` and `text_runs`, which read it as typed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


_BIDI_MARKS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))


def poppler_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text pdftotext extracts (all pages), without the embedding marks poppler puts around direction runs."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed; .ci/run installs it")
    args = [exe, "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8").translate(_BIDI_MARKS)


def pdfium_text(pdf: bytes) -> str:
    """The text PDFium's text page gives (all pages), as a viewer built on it copies and searches it."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r", "")
    finally:
        doc.close()


def text_runs(pdf: bytes) -> list[str]:
    """Each run of text `pdftotext -layout` reads, in logical order, white space made single: a line cut where
    three or more spaces stand for a gap on the page (the English and the Arabic half of a bilingual line, a
    table's cells)."""
    runs = (run for line in poppler_text(pdf, layout=True).splitlines() for run in re.split(r"\s{3,}", line))
    return [w for w in (words(run) for run in runs) if w]


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


def squash(text: str) -> str:
    """`text` without any white space: poppler places the space between a left-to-right run (a number, a name in
    Latin letters) and the Arabic after it on the other side of the run ("صفحة 1 من 2" reads "صفحة 1من 2"), so
    mixed lines are compared letter by letter, in order, spaces aside."""
    return re.sub(r"\s+", "", text)


def loose(text: str) -> str:
    """`text` without white space or punctuation, NFC: where a number is followed by a mark in an Arabic sentence
    ("البند 4، الصادرات"), poppler and PDFium both read the mark before the number, and a Latin name inside an
    Arabic line comes out with its words in either order; what must hold is every letter and digit, in order."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def has_run(runs: list[str], text: str, *, marks: bool = True) -> bool:
    """Whether `text` is one of `runs` (see `text_runs`), letter for letter and in order, spaces aside (`squash`);
    with `marks=False`, punctuation aside too (`loose`)."""
    same = squash if marks else loose
    wanted = same(unicodedata.normalize("NFC", text))
    return any(same(unicodedata.normalize("NFC", run)) == wanted for run in runs)
