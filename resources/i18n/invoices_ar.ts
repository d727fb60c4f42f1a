<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Customers</name>
    <message>
        <source>Business</source>
        <translation>منشأة</translation>
    </message>
    <message>
        <source>Individual</source>
        <translation>فرد</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(بدون)</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Arabic name</source>
        <translation>الاسم العربي</translation>
    </message>
    <message>
        <source>VAT number</source>
        <translation>الرقم الضريبي</translation>
    </message>
    <message>
        <source>Other id: scheme</source>
        <translation>معرّف آخر: النوع</translation>
    </message>
    <message>
        <source>Other id: number</source>
        <translation>معرّف آخر: الرقم</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>الشارع</translation>
    </message>
    <message>
        <source>Building number</source>
        <translation>رقم المبنى</translation>
    </message>
    <message>
        <source>Additional number</source>
        <translation>الرقم الإضافي</translation>
    </message>
    <message>
        <source>District</source>
        <translation>الحي</translation>
    </message>
    <message>
        <source>City</source>
        <translation>المدينة</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>الرمز البريدي</translation>
    </message>
    <message>
        <source>Province</source>
        <translation>المنطقة</translation>
    </message>
    <message>
        <source>Country code</source>
        <translation>رمز الدولة</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>البريد الإلكتروني</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>الهاتف</translation>
    </message>
    <message>
        <source>Edit customer</source>
        <translation>تعديل العميل</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>عميل جديد</translation>
    </message>
    <message>
        <source>Search by name or VAT number</source>
        <translation>ابحث بالاسم أو الرقم الضريبي</translation>
    </message>
    <message>
        <source>Add customer</source>
        <translation>إضافة عميل</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>تعديل</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>حفظ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
</context>
<context>
    <name>InvoiceList</name>
    <message>
        <source>Draft</source>
        <translation>مسودة</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>صادرة</translation>
    </message>
    <message>
        <source>Standard (B2B)</source>
        <translation>ضريبية (بين المنشآت)</translation>
    </message>
    <message>
        <source>Simplified (B2C)</source>
        <translation>مبسطة (للمستهلك)</translation>
    </message>
    <message>
        <source>Invoice</source>
        <translation>فاتورة</translation>
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
        <source>Not submitted</source>
        <translation>لم تُرسل</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>بانتظار الإرسال</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>قيد الإرسال</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>مقبولة</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>مرفوضة</translation>
    </message>
    <message>
        <source>(no buyer)</source>
        <translation>(بدون مشترٍ)</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>الرقم</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>التاريخ</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>العميل</translation>
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
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>ZATCA</source>
        <translation>هيئة الزكاة</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>الإجمالي</translation>
    </message>
    <message>
        <source>VAT</source>
        <translation>الضريبة</translation>
    </message>
    <message>
        <source>Could not load this row: {message}</source>
        <translation>تعذّر تحميل هذا الصف: {message}</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>ضريبية</translation>
    </message>
    <message>
        <source>Simplified</source>
        <translation>مبسطة</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>الدفع</translation>
    </message>
    <message>
        <source>Outstanding</source>
        <translation>غير مدفوعة</translation>
    </message>
    <message>
        <source>Partly paid</source>
        <translation>مدفوعة جزئيًا</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>مدفوعة</translation>
    </message>
    <message>
        <source>Overpaid</source>
        <translation>مدفوعة بزيادة</translation>
    </message>
    <message>
        <source>Overpaid: a finding. Money to give back, or a payment meant for another invoice.</source>
        <translation>مدفوعة بزيادة: ملاحظة تستوجب المراجعة. مبلغ يجب ردّه، أو دفعة تخص فاتورة أخرى.</translation>
    </message>
</context>
<context>
    <name>Invoices</name>
    <message>
        <source>All payment states</source>
        <translation>كل حالات الدفع</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>استيراد…</translation>
    </message>
    <message>
        <source>Import drafts from a JSON file, as `qayd invoice import` does</source>
        <translation>استيراد مسودات من ملف JSON، كما يفعل الأمر `qayd invoice import`</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>جارٍ الاستيراد…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>الاستيراد</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>كل الحالات</translation>
    </message>
    <message>
        <source>Any kind</source>
        <translation>كل الأنواع</translation>
    </message>
    <message>
        <source>Any type</source>
        <translation>كل المستندات</translation>
    </message>
    <message>
        <source>Any ZATCA status</source>
        <translation>كل حالات هيئة الزكاة</translation>
    </message>
    <message>
        <source>Search by number or customer</source>
        <translation>ابحث برقم الفاتورة أو اسم العميل</translation>
    </message>
    <message>
        <source>Any customer</source>
        <translation>كل العملاء</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>الفترة</translation>
    </message>
    <message>
        <source>From (inclusive)</source>
        <translation>من (ضمناً)</translation>
    </message>
    <message>
        <source>To (inclusive)</source>
        <translation>إلى (ضمناً)</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>مسح عوامل التصفية</translation>
    </message>
    <message>
        <source>New invoice</source>
        <translation>فاتورة جديدة</translation>
    </message>
    <message>
        <source>Create a draft (Ctrl+N)</source>
        <translation>إنشاء مسودة (Ctrl+N)</translation>
    </message>
    <message>
        <source>Enter or double-click opens the document</source>
        <translation>اضغط Enter أو انقر مرتين لفتح المستند</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>{n} invoices</source>
        <translation>{n} فاتورة</translation>
    </message>
    <message>
        <source>1 invoice</source>
        <translation>فاتورة واحدة</translation>
    </message>
</context>
<context>
    <name>Products</name>
    <message>
        <source>S: standard rate</source>
        <translation>S: النسبة الأساسية</translation>
    </message>
    <message>
        <source>Z: zero-rated</source>
        <translation>Z: خاضع بنسبة صفر</translation>
    </message>
    <message>
        <source>E: exempt</source>
        <translation>E: معفى</translation>
    </message>
    <message>
        <source>O: out of scope</source>
        <translation>O: خارج النطاق</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Arabic name</source>
        <translation>الاسم العربي</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>رمز الصنف</translation>
    </message>
    <message>
        <source>Unit price (SAR, before VAT)</source>
        <translation>سعر الوحدة (ريال، قبل الضريبة)</translation>
    </message>
    <message>
        <source>Unit code</source>
        <translation>رمز الوحدة</translation>
    </message>
    <message>
        <source>VAT category</source>
        <translation>فئة الضريبة</translation>
    </message>
    <message>
        <source>VAT rate (%)</source>
        <translation>نسبة الضريبة (%)</translation>
    </message>
    <message>
        <source>Exemption reason code</source>
        <translation>رمز سبب الإعفاء</translation>
    </message>
    <message>
        <source>Exemption reason</source>
        <translation>سبب الإعفاء</translation>
    </message>
    <message>
        <source>Edit product</source>
        <translation>تعديل المنتج</translation>
    </message>
    <message>
        <source>New product</source>
        <translation>منتج جديد</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>سعر الوحدة</translation>
    </message>
    <message>
        <source>VAT</source>
        <translation>الضريبة</translation>
    </message>
    <message>
        <source>Search by name or SKU</source>
        <translation>ابحث بالاسم أو رمز الصنف</translation>
    </message>
    <message>
        <source>Add product</source>
        <translation>إضافة منتج</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>تعديل</translation>
    </message>
</context>
<context>
    <name>InvoiceImport</name>
    <message>
        <source>Import invoices</source>
        <translation>استيراد الفواتير</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>ملفات JSON (*.json)</translation>
    </message>
    <message>
        <source>Issue the imported drafts at once (signed and queued for ZATCA)?</source>
        <translation>هل تُصدر المسودات المستوردة فوراً (موقّعة ومُدرجة في طابور الهيئة)؟</translation>
    </message>
    <message>
        <source>Imported {n} draft(s); {c} new customer(s)</source>
        <translation>استُوردت {n} مسودة؛ {c} عميل جديد</translation>
    </message>
    <message>
        <source>; issued {n}</source>
        <translation>؛ أُصدر {n}</translation>
    </message>
</context>
</TS>
