"""What a printed invoice says in words, in English and Arabic: unit codes, exemption reasons, the national address
in the Saudi order, and the marking of a copy that is not a final tax invoice."""

from __future__ import annotations

from core.reports.labels import Label

# UN/ECE Recommendation 20 codes a clerk meets on Saudi invoices (Qayd's demo and CLI default to PCE and HUR).
UNITS: dict[str, Label] = {
    "PCE": ("piece", "قطعة"), "C62": ("unit", "وحدة"), "EA": ("each", "وحدة"), "H87": ("piece", "قطعة"),
    "HUR": ("hour", "ساعة"), "MIN": ("minute", "دقيقة"), "DAY": ("day", "يوم"), "WEE": ("week", "أسبوع"),
    "MON": ("month", "شهر"), "ANN": ("year", "سنة"), "KGM": ("kilogram", "كيلوغرام"), "GRM": ("gram", "غرام"),
    "TNE": ("tonne", "طن"), "LTR": ("litre", "لتر"), "MTR": ("metre", "متر"), "KMT": ("kilometre", "كيلومتر"),
    "MTK": ("square metre", "متر مربع"), "MTQ": ("cubic metre", "متر مكعب"), "SET": ("set", "طقم"),
    "BX": ("box", "صندوق"), "PK": ("pack", "عبوة"), "E48": ("service unit", "وحدة خدمة"),
    "KWH": ("kilowatt hour", "كيلوواط ساعة"), "LS": ("lump sum", "مبلغ مقطوع"),
}

# The VATEX-SA reasons as ZATCA's E-invoice XML Implementation Standard words them (its exemption reason code
# table). DIPLOMAT, DUTYFREE, ROYALDECREE and 32(bis) came later (SDK 3.4.x code list); their Arabic is Qayd's.
# 32(bis) is Article 32 bis of the Implementing Regulations, supplies under a customs suspension arrangement (as
# e-invoicing vendors list it), not the export of goods (VATEX-SA-32), which it repeated until 2026-12-07.
VATEX_AR: dict[str, str] = {
    "VATEX-SA-29": "الخدمات المالية",
    "VATEX-SA-29-7": "عقد تأمين على الحياة",
    "VATEX-SA-30": "التوريدات العقارية المعفاة من الضريبة",
    "VATEX-SA-32": "صادرات السلع من المملكة",
    "VATEX-SA-33": "صادرات الخدمات من المملكة",
    "VATEX-SA-34-1": "النقل الدولي للسلع",
    "VATEX-SA-34-2": "النقل الدولي للركاب",
    "VATEX-SA-34-3": "الخدمات المرتبطة مباشرة أو عرضيًا بتوريد النقل الدولي للركاب",
    "VATEX-SA-34-4": "توريد وسائل النقل المؤهلة",
    "VATEX-SA-34-5": "الخدمات ذات الصلة بنقل السلع أو الركاب",
    "VATEX-SA-35": "الأدوية والمعدات الطبية",
    "VATEX-SA-36": "المعادن المؤهلة",
    "VATEX-SA-EDU": "الخدمات التعليمية الخاصة للمواطنين",
    "VATEX-SA-HEA": "الخدمات الصحية الخاصة للمواطنين",
    "VATEX-SA-MLTRY": "توريد السلع والخدمات العسكرية المؤهلة",
    "VATEX-SA-OOS": "خارج نطاق ضريبة القيمة المضافة",
    "VATEX-SA-DIPLOMAT": "التوريدات إلى البعثات الدبلوماسية",
    "VATEX-SA-DUTYFREE": "التوريدات في الأسواق الحرة",
    "VATEX-SA-ROYALDECREE": "التوريدات الخاضعة لنسبة صفرية بأمر ملكي",
    "VATEX-SA-32(bis)": "التوريدات الخاضعة لنظام التعليق الجمركي",
}

NOT_FINAL: Label = ("NOT A FINAL TAX INVOICE", "ليست فاتورة ضريبية نهائية")
WHY_NOT_FINAL: dict[str, Label] = {
    "uncleared": ("not yet cleared by ZATCA: not to be given to the buyer.",
                  "لم تعتمدها هيئة الزكاة والضريبة والجمارك بعد، ولا تسلم للمشتري."),
    "unreported": ("not yet reported to ZATCA.", "لم تبلغ إلى هيئة الزكاة والضريبة والجمارك بعد."),
    "rejected": ("rejected by ZATCA.", "رفضتها هيئة الزكاة والضريبة والجمارك."),
    "demo": ("signed by a demo or test EGS unit, not a production one.",
             "وقعتها وحدة تجريبية أو اختبارية، لا وحدة إنتاج معتمدة."),
}


def unit_words(code: str) -> Label:
    """A unit code as words in both languages; a code Qayd does not know is shown as it is, on both sides."""
    return UNITS.get(code, (code, code))


def reason_words(code: str, text: str) -> Label:
    """An exemption reason: the code and the typed text (BT-120) in English, ZATCA's wording in Arabic (the code
    stays on the English line: a Latin code in brackets inside an Arabic line does not survive text extraction)."""
    english = " — ".join(x for x in (code, text) if x)
    return english, VATEX_AR.get(code, english)


def saudi_address(building: str, street: str, extra: str, district: str, city: str, postal: str,
                  additional: str = "") -> str:
    """A national address in the Saudi order (building number and street, district, city and postal code, then
    the additional number), parts joined by the Arabic comma; for the Arabic side of a page."""
    parts = [f"{building} {street}".strip(), extra, district, f"{city} {postal}".strip(), additional]
    return "، ".join(p for p in parts if p)
