"""PDF/A-3b packaging with pikepdf: XMP identification, an sRGB output intent, and associated files.

reportlab writes the pages with every font embedded (TrueType subsets with ToUnicode maps); this step adds what
PDF/A-3 (ISO 19005-3) asks of the document itself, and attaches files as "associated files" (/AF, with an
/AFRelationship), which is how an e-invoice's XML travels inside its PDF (ZATCA accepts PDF/A-3 with the XML
embedded for sharing). The output is deterministic: the same input gives the same bytes, and the file identifier
(which PDF/A requires) is a digest of the content (qpdf's deterministic ID).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from xml.sax.saxutils import escape

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


def figures_attachment(filename: str, figures: object, description: str) -> Attachment:
    """A report's figures as indented JSON (amounts already Decimal strings), attached as the PDF's Data."""
    data = json.dumps(figures, ensure_ascii=False, indent=2).encode("utf-8")
    return Attachment(filename, data, "application/json", "Data", description)


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>Qayd</xmp:CreatorTool>
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{created}</xmp:ModifyDate>
   <xmp:MetadataDate>{created}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>Qayd (reportlab, pikepdf)</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


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
        doc.docinfo[Name.Keywords] = keywords
        # The XMP packet is written from a template: pikepdf's metadata editor parses and rebuilds it (~5 ms).
        author = str(doc.docinfo.get(Name.Author, "Qayd"))
        packet = _XMP.format(title=escape(title), author=escape(author), created=created_iso,
                             keywords=escape(keywords)).encode("utf-8")
        metadata = pikepdf.Stream(doc, packet)
        metadata[Name.Type] = Name.Metadata
        metadata[Name.Subtype] = Name.XML
        doc.Root.Metadata = metadata
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
        # reportlab compressed every stream already: keep them as they are (no decode, no re-deflate); the XMP
        # packet stays uncompressed, as PDF/A readers and file indexers prefer.
        doc.save(out, min_version="1.7", deterministic_id=True, compress_streams=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False)
        return out.getvalue()
