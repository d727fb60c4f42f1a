"""PDF/A-3b packaging with pikepdf: XMP identification, an sRGB output intent, and associated files.

reportlab writes the pages with every font embedded (TrueType subsets with ToUnicode maps); this step adds what
PDF/A-3 (ISO 19005-3) asks of the document itself, and attaches files as "associated files" (/AF, with an
/AFRelationship), which is how an e-invoice's XML travels inside its PDF (ZATCA accepts PDF/A-3 with the XML
embedded for sharing). The output is deterministic: the same input gives the same bytes, and the file identifier
(which PDF/A requires) is a digest of the content (qpdf's deterministic ID).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import pikepdf
from pikepdf import Array, Dictionary, Name


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file embedded in the PDF: name, bytes, MIME type and its relationship to the document (PDF 2.0 14.13)."""

    filename: str
    data: bytes
    mime_type: str = "application/xml"
    relationship: str = "Source"  # Source: the document was rendered from it; Data; Alternative; Supplement
    description: str = ""


@lru_cache(maxsize=1)
def _srgb_profile() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def _pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z")
    tz = f"{offset[:3]}'{offset[3:]}'" if offset else "Z"
    return moment.strftime("D:%Y%m%d%H%M%S") + tz


def to_pdfa3(pdf: bytes, *, title: str, lang: str, created: datetime, attachments: Sequence[Attachment] = (),
             keywords: str = "") -> bytes:
    """The PDF as PDF/A-3b with `attachments` embedded as associated files."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        created_iso = created.isoformat(timespec="seconds")
        # Info dictionary and XMP must agree (ISO 19005-3 6.6.3); set both from the same values.
        doc.docinfo[Name.Title] = title
        doc.docinfo[Name.Creator] = "Qayd"
        doc.docinfo[Name.Producer] = "Qayd (reportlab, pikepdf)"
        doc.docinfo[Name.CreationDate] = _pdf_date(created)
        doc.docinfo[Name.ModDate] = _pdf_date(created)
        if keywords:
            doc.docinfo[Name.Keywords] = keywords
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfaid:part"] = "3"
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = title
            meta["dc:creator"] = [str(doc.docinfo.get(Name.Author, "Qayd"))]
            meta["xmp:CreatorTool"] = "Qayd"
            meta["pdf:Producer"] = "Qayd (reportlab, pikepdf)"
            meta["xmp:CreateDate"] = created_iso
            meta["xmp:ModifyDate"] = created_iso
            meta["xmp:MetadataDate"] = created_iso
            if keywords:
                meta["pdf:Keywords"] = keywords
        icc = pikepdf.Stream(doc, _srgb_profile())
        icc[Name.N] = 3
        doc.Root.OutputIntents = Array([Dictionary(
            Type=Name.OutputIntent, S=Name.GTS_PDFA1, OutputConditionIdentifier="sRGB IEC61966-2.1",
            Info="sRGB IEC61966-2.1", DestOutputProfile=icc)])
        doc.Root.Lang = pikepdf.String({"ar": "ar-SA", "both": "ar-SA"}.get(lang, "en"))
        doc.Root.MarkInfo = Dictionary(Marked=False)
        doc.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        specs = []
        for item in attachments:
            spec = pikepdf.AttachedFileSpec(
                doc, item.data, description=item.description or item.filename, filename=item.filename,
                mime_type=item.mime_type, creation_date=_pdf_date(created), mod_date=_pdf_date(created),
                relationship=Name("/" + item.relationship))
            doc.attachments[item.filename] = spec
            specs.append(spec.obj)
        if specs:
            doc.Root.AF = Array(specs)
        out = io.BytesIO()
        # reportlab compressed the page streams already: keep them as they are (no decode and re-deflate).
        doc.save(out, min_version="1.7", fix_metadata_version=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False)
        return out.getvalue()
