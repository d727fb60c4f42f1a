"""How big one document may be: the portal's size limit, estimated at entry so an oversized draft is never signed.

ZATCA publishes no figure in the API definitions or the SDK (/work/shared/zatca). ZATCA's answer on its developer
community ("What to do if XML file is over 10 MB", zatca1.discourse.group/t/520) is that the portal rejects a
document above 10 MB *base64-encoded*, i.e. about 7.5 MB of XML, and advises grouping similar lines. Qayd stays
below that with a margin: at most MAX_XML_BYTES of estimated XML, and at most MAX_LINES lines (what fits in it).
"""

from __future__ import annotations

from core.findings import Finding
from core.invoicing.model import CompanyProfile, InvoiceDraft
from core.invoicing.rule_finding import make
from core.invoicing.text import record_texts

PORTAL_BASE64_BYTES = 10 * 1024 * 1024
MAX_XML_BYTES = 7_000_000  # base64 of it is 9.3 MB: room for the request's JSON around the invoice
# Measured: the UBL around one line without its texts is ~900 bytes, a document's header, parties, totals,
# signature and QR ~16 KB. The estimate rounds both up and counts each text once as escaped XML; the VAT
# breakdown repeats an exemption reason per category (a few KB at most), which the document overhead covers.
LINE_OVERHEAD = 1200
DOCUMENT_OVERHEAD = 48_000
MAX_LINES = (MAX_XML_BYTES - DOCUMENT_OVERHEAD) // LINE_OVERHEAD  # 5793


def xml_text_bytes(text: str) -> int:
    """Bytes of `text` in UTF-8 XML content, with the escapes lxml writes (&amp; &lt; &gt; &#13;)."""
    escapes = 4 * text.count("&") + 3 * (text.count("<") + text.count(">")) + 4 * text.count("\r")
    return len(text.encode("utf-8", "surrogatepass")) + escapes


def estimated_xml_bytes(draft: InvoiceDraft, seller: CompanyProfile | None = None) -> int:
    """An upper estimate of the signed XML's size; the seller's profile texts are in every document too."""
    texts = sum(xml_text_bytes(text) for _, text in (*record_texts(draft), *record_texts(seller)))
    return DOCUMENT_OVERHEAD + LINE_OVERHEAD * (len(draft.lines) + len(draft.allowances)) + texts


def too_many_lines(count: int, field: str = "lines") -> Finding:
    return make(
        "QAYD-DOCUMENT-SIZE", field,
        f"The document has {count:,} lines; one document may have at most {MAX_LINES:,}, since ZATCA's portal "
        f"refuses an invoice above {PORTAL_BASE64_BYTES // 2**20} MB (base64).",
        "Group similar items into one line (same goods, price, VAT category and unit), or split the sale "
        "into several invoices; a detailed list can go to the buyer as an annex.",
        f"يحتوي المستند على {count:,} بنداً، والحد الأقصى للمستند الواحد {MAX_LINES:,} بنداً، لأن بوابة هيئة الزكاة "
        f"ترفض الفاتورة التي يزيد حجمها على {PORTAL_BASE64_BYTES // 2**20} ميغابايت (base64).",
        "اجمع الأصناف المتشابهة في بند واحد (السلعة والسعر وفئة الضريبة والوحدة نفسها)، أو قسّم البيع على عدة "
        "فواتير؛ ويمكن إرسال القائمة التفصيلية إلى المشتري ملحقاً.",
    )


def document_size_findings(draft: InvoiceDraft, seller: CompanyProfile | None = None) -> list[Finding]:
    """QAYD-DOCUMENT-SIZE when the draft has too many lines or would sign into more XML than the portal takes."""
    if len(draft.lines) > MAX_LINES:
        return [too_many_lines(len(draft.lines))]
    size = estimated_xml_bytes(draft, seller)
    if size <= MAX_XML_BYTES:
        return []
    mb, limit = size / 1e6, MAX_XML_BYTES / 1e6
    return [make(
        "QAYD-DOCUMENT-SIZE", "",
        f"The document would be about {mb:.1f} MB of XML; ZATCA's portal refuses an invoice above "
        f"{PORTAL_BASE64_BYTES // 2**20} MB (base64), so Qayd allows at most {limit:.1f} MB.",
        "Shorten the long texts (notes, names, reasons), group similar lines, or split the sale into several "
        "invoices.",
        f"سيبلغ حجم المستند نحو {mb:.1f} ميغابايت من XML، وبوابة هيئة الزكاة ترفض الفاتورة التي يزيد حجمها على "
        f"{PORTAL_BASE64_BYTES // 2**20} ميغابايت (base64)، لذا يسمح قيد بـ {limit:.1f} ميغابايت على الأكثر.",
        "اختصر النصوص الطويلة (الملاحظات والأسماء والأسباب)، أو اجمع البنود المتشابهة، أو قسّم البيع على عدة "
        "فواتير.",
    )]
