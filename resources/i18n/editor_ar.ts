<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>InvoiceEditor</name>
    <message>
        <source>Not stated</source>
        <translation>غير محددة</translation>
    </message>
    <message>
        <source>10 — Cash</source>
        <translation>10 — نقداً</translation>
    </message>
    <message>
        <source>30 — Credit transfer</source>
        <translation>30 — تحويل دائن</translation>
    </message>
    <message>
        <source>42 — Bank account</source>
        <translation>42 — حساب بنكي</translation>
    </message>
    <message>
        <source>48 — Bank card</source>
        <translation>48 — بطاقة بنكية</translation>
    </message>
    <message>
        <source>1 — Not defined</source>
        <translation>1 — غير معرّفة</translation>
    </message>
    <message>
        <source>Seller name</source>
        <translation>اسم البائع</translation>
    </message>
    <message>
        <source>VAT registration number</source>
        <translation>رقم التسجيل الضريبي</translation>
    </message>
    <message>
        <source>Timestamp</source>
        <translation>الطابع الزمني</translation>
    </message>
    <message>
        <source>Invoice total (with VAT)</source>
        <translation>إجمالي الفاتورة (مع الضريبة)</translation>
    </message>
    <message>
        <source>VAT total</source>
        <translation>إجمالي الضريبة</translation>
    </message>
    <message>
        <source>Invoice hash</source>
        <translation>بصمة الفاتورة</translation>
    </message>
    <message>
        <source>ECDSA signature</source>
        <translation>توقيع ECDSA</translation>
    </message>
    <message>
        <source>ECDSA public key</source>
        <translation>المفتاح العام ECDSA</translation>
    </message>
    <message>
        <source>Certificate signature (ZATCA CA)</source>
        <translation>توقيع الشهادة (جهة التصديق في هيئة الزكاة)</translation>
    </message>
    <message>
        <source>No buyer (simplified invoice)</source>
        <translation>بلا مشترٍ (فاتورة مبسطة)</translation>
    </message>
    <message>
        <source>Editing…</source>
        <translation>جارٍ التعديل…</translation>
    </message>
    <message>
        <source>Draft saved.</source>
        <translation>حُفظت المسودة.</translation>
    </message>
    <message>
        <source>Not saved: correct the marked fields, or close again to discard the changes.</source>
        <translation>لم تُحفظ: صحّح الحقول المعلّمة، أو أغلق مرة أخرى لتجاهل التغييرات.</translation>
    </message>
    <message>
        <source>Issuing…</source>
        <translation>جارٍ الإصدار…</translation>
    </message>
    <message>
        <source>Issued. The document can no longer be changed.</source>
        <translation>صدر المستند، ولم يعد تغييره ممكناً.</translation>
    </message>
    <message>
        <source>Not issued.</source>
        <translation>لم يُصدر.</translation>
    </message>
    <message>
        <source>The XML as cleared by ZATCA</source>
        <translation>ملف XML كما اعتمدته هيئة الزكاة</translation>
    </message>
    <message>
        <source>The signed XML</source>
        <translation>ملف XML الموقّع</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>المستند</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>الرقم</translation>
    </message>
    <message>
        <source>Issued on</source>
        <translation>تاريخ الإصدار</translation>
    </message>
    <message>
        <source>Supply date</source>
        <translation>تاريخ التوريد</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>العميل</translation>
    </message>
    <message>
        <source>Payment means</source>
        <translation>وسيلة الدفع</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>ملاحظة</translation>
    </message>
    <message>
        <source>Original invoice</source>
        <translation>الفاتورة الأصلية</translation>
    </message>
    <message>
        <source>Reason for the note</source>
        <translation>سبب الإشعار</translation>
    </message>
    <message>
        <source>Standard (B2B, cleared)</source>
        <translation>قياسية (للمنشآت، تُعتمد)</translation>
    </message>
    <message>
        <source>Simplified (B2C, reported)</source>
        <translation>مبسطة (للمستهلكين، يُبلّغ عنها)</translation>
    </message>
    <message>
        <source>Tax invoice</source>
        <translation>فاتورة ضريبية</translation>
    </message>
    <message>
        <source>Credit note</source>
        <translation>إشعار دائن</translation>
    </message>
    <message>
        <source>Debit note</source>
        <translation>إشعار مدين</translation>
    </message>
    <message>
        <source>None</source>
        <translation>لا يوجد</translation>
    </message>
    <message>
        <source>e.g. INV-2026-0001</source>
        <translation>مثل INV-2026-0001</translation>
    </message>
    <message>
        <source>e.g. Goods returned</source>
        <translation>مثل: إرجاع بضاعة</translation>
    </message>
    <message>
        <source>Type an item name or code; Tab moves to the next cell, Enter on the last cell adds a line, Delete removes the current line.</source>
        <translation>اكتب اسم الصنف أو رمزه؛ ينتقل Tab إلى الخانة التالية، ويضيف Enter في آخر خانة بنداً جديداً، ويحذف Delete البند الحالي.</translation>
    </message>
    <message>
        <source>Totals</source>
        <translation>الإجماليات</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>البنود</translation>
    </message>
    <message>
        <source>Charges less allowances</source>
        <translation>الرسوم مطروحاً منها الخصومات</translation>
    </message>
    <message>
        <source>Total without VAT</source>
        <translation>الإجمالي دون الضريبة</translation>
    </message>
    <message>
        <source>VAT</source>
        <translation>ضريبة القيمة المضافة</translation>
    </message>
    <message>
        <source>Total with VAT</source>
        <translation>الإجمالي مع الضريبة</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>المبلغ المستحق</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>الملاحظات</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>المستند</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>المعاينة</translation>
    </message>
    <message>
        <source>Issue</source>
        <translation>إصدار</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>لا توجد مشكلات.</translation>
    </message>
    <message>
        <source>Not issued: correct the errors listed first.</source>
        <translation>لم يُصدر: صحّح الأخطاء المذكورة أولاً.</translation>
    </message>
    <message>
        <source>New document</source>
        <translation>مستند جديد</translation>
    </message>
    <message>
        <source>Not saved: correct the marked fields.</source>
        <translation>لم تُحفظ: صحّح الحقول المعلّمة.</translation>
    </message>
    <message>
        <source>Not saved yet: another Qayd window or command is writing to the books; trying again.</source>
        <translation>لم تُحفظ بعد: نافذة أو أمر آخر من قيد يكتب في الدفاتر الآن؛ ستُعاد المحاولة.</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>لم تُحفظ.</translation>
    </message>
    <message>
        <source>Issuing cancelled; nothing was issued.</source>
        <translation>أُلغي الإصدار، ولم يصدر شيء.</translation>
    </message>
    <message>
        <source>{number} (issued)</source>
        <translation>{number} (صادر)</translation>
    </message>
    <message>
        <source>Hijri: {date}</source>
        <translation>بالهجري: {date}</translation>
    </message>
    <message>
        <source>{errors} error(s), {warnings} warning(s)</source>
        <translation>الأخطاء: {errors}، التنبيهات: {warnings}</translation>
    </message>
    <message>
        <source>New draft: it is saved as you type.</source>
        <translation>مسودة جديدة: تُحفظ أثناء الكتابة.</translation>
    </message>
    <message>
        <source>Draft {number}</source>
        <translation>المسودة {number}</translation>
    </message>
    <message>
        <source>Tag {n}</source>
        <translation>الوسم {n}</translation>
    </message>
</context>
<context>
    <name>InvoiceLines</name>
    <message>
        <source>Arabic name</source>
        <translation>الاسم بالعربية</translation>
    </message>
    <message>
        <source>S — Standard rate</source>
        <translation>S — النسبة الأساسية</translation>
    </message>
    <message>
        <source>Z — Zero rated</source>
        <translation>Z — نسبة صفرية</translation>
    </message>
    <message>
        <source>E — Exempt</source>
        <translation>E — معفى</translation>
    </message>
    <message>
        <source>O — Out of scope</source>
        <translation>O — خارج نطاق الضريبة</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>الصنف</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>الكمية</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>سعر الوحدة</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>الخصم</translation>
    </message>
    <message>
        <source>VAT category</source>
        <translation>فئة الضريبة</translation>
    </message>
    <message>
        <source>VAT %</source>
        <translation>نسبة الضريبة %</translation>
    </message>
    <message>
        <source>Exemption code</source>
        <translation>رمز الإعفاء</translation>
    </message>
    <message>
        <source>Exemption reason</source>
        <translation>سبب الإعفاء</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>الصافي</translation>
    </message>
    <message>
        <source>VAT</source>
        <translation>الضريبة</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>الإجمالي</translation>
    </message>
    <message>
        <source>From the product list</source>
        <translation>من قائمة المنتجات</translation>
    </message>
</context>
</TS>
