"""The words the privacy documents print: titles, categories and fields of personal data, legal bases, statuses,
roles and channels, each in English and Arabic."""

from __future__ import annotations

from core.privacy.catalogue import Category, Erase
from core.reports.labels import Label

ACCESS_TITLE: Label = ("Access request report", "تقرير طلب الاطلاع")
ERASURE_TITLE: Label = ("Erasure certificate", "شهادة المحو")
REPORT_PURPOSE = "data subject access request report"
REPORT_CHANNEL = "report"

CATEGORIES: dict[str, Label] = {
    Category.IDENTITY.value: ("Identity: names", "الهوية: الأسماء"),
    Category.CONTACT.value: ("Contact details", "بيانات التواصل"),
    Category.ADDRESS.value: ("Address", "العنوان"),
    Category.GOVERNMENT_ID.value: ("Government identifier", "رقم الهوية الحكومي"),
    Category.TAX_ID.value: ("Tax identifier of a natural person", "الرقم الضريبي لشخص طبيعي"),
    Category.ACCOUNT.value: ("Staff account", "حساب المستخدم"),
    Category.TRANSACTION.value: ("Purchases: invoices issued to them", "المشتريات: الفواتير الصادرة باسمه"),
    Category.REQUEST.value: ("Data-protection requests", "طلبات حماية البيانات"),
}

FIELD_NAMES: dict[str, Label] = {
    "customer.name": ("name", "الاسم"),
    "customer.name_ar": ("name in Arabic", "الاسم بالعربية"),
    "customer.vat_number": ("VAT number", "الرقم الضريبي"),
    "customer.id_value": ("national ID or Iqama number", "رقم الهوية الوطنية أو الإقامة"),
    "customer.address_json": ("address", "العنوان"),
    "customer.email": ("e-mail", "البريد الإلكتروني"),
    "customer.phone": ("phone", "الهاتف"),
    "invoice.buyer_json": ("buyer details on invoices", "بيانات المشتري في الفواتير"),
    "issued_document.xml": ("signed e-invoice XML", "ملفات XML الموقّعة للفواتير الإلكترونية"),
    "zatca_submission.cleared_xml": ("e-invoice XML cleared by ZATCA", "ملفات XML المعتمدة من الهيئة"),
    "staff_user.username": ("login name", "اسم الدخول"),
    "staff_user.display_name": ("display name", "الاسم الظاهر"),
    "gdpr_request.requester_json": ("requester's name and contact", "اسم مقدّم الطلب وبيانات التواصل"),
    "gdpr_request.identity_method": ("identity check notes", "ملاحظات التحقق من الهوية"),
    "gdpr_request.notes": ("request notes", "ملاحظات الطلب"),
    "gdpr_request.extension_reason": ("reason for an extension", "سبب التمديد"),
    "gdpr_request.outcome": ("outcome of a request", "نتيجة الطلب"),
    "audit_entry.body": ("personal data sealed in audit entries", "البيانات الشخصية المشفّرة في قيود التدقيق"),
    "audit_entry.body.payload.personal": ("the sealed personal part", "الجزء الشخصي المشفّر"),
}

ON_ERASURE: dict[str, Label] = {
    Erase.ANONYMISE.value: ("overwritten", "تُستبدل وتُمحى"),
    Erase.HOLD.value: ("kept under a legal hold, then purged", "تُحفظ بموجب التزام نظامي ثم تُزال"),
    Erase.SHRED.value: ("made unreadable: the key is destroyed", "تصبح غير مقروءة بإتلاف المفتاح"),
}

LEGAL_BASIS_AR: dict[str, str] = {
    "invoicing": "العقد، المادة 6/1/ب من اللائحة الأوروبية العامة لحماية البيانات؛ والالتزام القانوني، المادة 6/1/ج",
    "tax-compliance": "التزام قانوني، المادة 6/1/ج: أنظمة ضريبة القيمة المضافة والفوترة الإلكترونية في المملكة",
    "audit": "المصلحة المشروعة والمطالبات القانونية، المادتان 6/1/و و17/3/هـ",
    "requests": "التزام قانوني، المواد من 12 إلى 22",
}

RECIPIENTS_AR: dict[str, tuple[str, str]] = {  # English name -> (Arabic name, what they receive)
    "ZATCA (Zakat, Tax and Customs Authority, Saudi Arabia)": ("هيئة الزكاة والضريبة والجمارك",
                                                               "الفواتير مع بيانات المشتري"),
    "Stripe": ("Stripe", "المبالغ واسم الدافع وبريده الإلكتروني عند السداد بالبطاقة"),
    "The company's e-mail provider": ("مزوّد البريد الإلكتروني للشركة", "البريد الإلكتروني للعميل والفاتورة"),
}

BASIS_NAMES: dict[str, Label] = {
    "ksa-vat-records": ("KSA VAT records", "سجلات ضريبة القيمة المضافة"),
    "audit-evidence": ("Audit evidence", "أدلة التدقيق"),
}

TABLE_NAMES: dict[str, Label] = {
    "customer": ("Customer record", "سجل العميل"),
    "staff_user": ("Staff user record", "سجل المستخدم"),
    "invoice": ("Invoices and notes", "الفواتير والإشعارات"),
    "invoice_line": ("Invoice lines", "بنود الفواتير"),
    "issued_document": ("Signed e-invoice XML", "ملفات XML الموقّعة"),
    "zatca_submission": ("Cleared e-invoice XML", "ملفات XML المعتمدة"),
    "documents": ("E-invoice XML documents", "مستندات XML للفواتير الإلكترونية"),
    "gdpr_request": ("Data-protection requests", "طلبات حماية البيانات"),
    "retention_hold": ("Retention holds", "قيود الحفظ النظامي"),
    "erasure_certificate": ("Erasure certificates", "شهادات المحو"),
    "audit_entry": ("Audit entries about them", "قيود التدقيق المتعلقة به"),
    "access_log": ("Reads of their data: the access log", "سجل الاطلاع على بياناته"),
}

STATUSES: dict[str, Label] = {
    "received": ("received", "مستلم"),
    "identity_verified": ("identity verified", "تم التحقق من الهوية"),
    "in_progress": ("in progress", "قيد المعالجة"),
    "extended": ("extended", "ممدد"),
    "completed": ("completed", "مكتمل"),
    "refused": ("refused", "مرفوض"),
    "withdrawn": ("withdrawn", "مسحوب"),
}

REQUEST_KINDS: dict[str, Label] = {
    "access": ("access, GDPR Art. 15", "طلب اطلاع، المادة 15"),
    "portability": ("data portability, GDPR Art. 20", "طلب نقل البيانات، المادة 20"),
}

INVOICE_STATUS: dict[str, Label] = {
    "draft": ("draft", "مسودة"),
    "issued": ("issued", "صادرة"),
}

DOCUMENT_TYPES: dict[str, Label] = {
    "invoice": ("invoice", "فاتورة"),
    "credit_note": ("credit note", "إشعار دائن"),
    "debit_note": ("debit note", "إشعار مدين"),
}

DOCUMENT_KINDS: dict[str, Label] = {
    "standard": ("standard", "قياسية"),
    "simplified": ("simplified", "مبسطة"),
}

ROLES: dict[str, Label] = {
    "admin": ("administrator", "مسؤول النظام"),
    "compliance": ("compliance officer", "مسؤول الامتثال"),
    "clerk": ("clerk", "موظف"),
}

CHANNELS: dict[str, Label] = {
    "core": ("core", "النظام"),
    "cli": ("command line", "سطر الأوامر"),
    "desktop": ("desktop app", "تطبيق سطح المكتب"),
    "export": ("access export", "تصدير الاطلاع"),
    "report": ("printed report", "تقرير مطبوع"),
}


MANIFEST_STATUS: dict[str, Label] = {
    "matches": ("matches", "مطابق"),
    "differs": ("DIFFERS", "غير مطابق"),
    "missing": ("MISSING", "مفقود"),
    "unlisted": ("not in the manifest", "غير مدرج في البيان"),
}


def pick(labels: dict[str, Label], key: str, lang: str) -> str:
    """The label of `key` in `lang`, or the key itself when it has none."""
    label = labels.get(key)
    if label is None:
        return key
    return label[1] if lang == "ar" else label[0]
