<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Navigation</name>
    <message>
      <source>Diagnostics</source>
      <translation>التشخيص</translation>
    </message>
  </context>
  <context>
    <name>Diagnostics</name>
    <message>
      <source>Diagnostics</source>
      <translation>التشخيص</translation>
    </message>
    <message>
      <source>OK</source>
      <translation>سليم</translation>
    </message>
    <message>
      <source>Warning</source>
      <translation>تنبيه</translation>
    </message>
    <message>
      <source>Failure</source>
      <translation>إخفاق</translation>
    </message>
    <message>
      <source>Run checks</source>
      <translation>تشغيل الفحوص</translation>
    </message>
    <message>
      <source>Deep check</source>
      <translation>فحص معمّق</translation>
    </message>
    <message>
      <source>Verify every audit entry and issued document (slower).</source>
      <translation>التحقق من كل قيد تدقيق وكل مستند صادر (أبطأ).</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>إلغاء</translation>
    </message>
    <message>
      <source>Open runbook</source>
      <translation>فتح دليل المعالجة</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>الحالة</translation>
    </message>
    <message>
      <source>Check</source>
      <translation>الفحص</translation>
    </message>
    <message>
      <source>Found</source>
      <translation>النتيجة</translation>
    </message>
    <message>
      <source>Fix</source>
      <translation>المعالجة</translation>
    </message>
    <message>
      <source>Checking…</source>
      <translation>جارٍ الفحص…</translation>
    </message>
    <message>
      <source>Checks cancelled; nothing was concluded.</source>
      <translation>أُلغيت الفحوص؛ لم يُستنتج شيء.</translation>
    </message>
    <message>
      <source>Run the checks to see this install's health: the store, the audit chain, secrets, ZATCA, clocks, central, mail and payments.</source>
      <translation>شغّل الفحوص لمعرفة سلامة هذا التثبيت: قاعدة البيانات، وسلسلة التدقيق، والأسرار، وزاتكا، والساعات، والقاعدة المركزية، والبريد، والمدفوعات.</translation>
    </message>
    <message>
      <source>{ok} ok, {warn} warning(s), {fail} failure(s).</source>
      <translation>{ok} سليم، {warn} تنبيه، {fail} إخفاق.</translation>
    </message>
    <message>
      <source>The checks of this machine only: Run checks adds the ZATCA portal, central and the mail server.</source>
      <translation>فحوص هذا الجهاز وحده: يضيف «تشغيل الفحوص» بوابة زاتكا والقاعدة المركزية وخادم البريد.</translation>
    </message>
    <message>
      <source>Store integrity</source>
      <translation>سلامة قاعدة البيانات</translation>
    </message>
    <message>
      <source>Store references</source>
      <translation>مراجع قاعدة البيانات</translation>
    </message>
    <message>
      <source>Store schema</source>
      <translation>مخطط قاعدة البيانات</translation>
    </message>
    <message>
      <source>Free disk beside the store</source>
      <translation>المساحة الحرة بجوار قاعدة البيانات</translation>
    </message>
    <message>
      <source>Write-ahead log</source>
      <translation>سجل الكتابة المسبقة</translation>
    </message>
    <message>
      <source>Audit chain</source>
      <translation>سلسلة التدقيق</translation>
    </message>
    <message>
      <source>Master key and secret store</source>
      <translation>المفتاح الرئيسي ومخزن الأسرار</translation>
    </message>
    <message>
      <source>EGS certificates</source>
      <translation>شهادات وحدات الفوترة</translation>
    </message>
    <message>
      <source>ZATCA reporting deadline</source>
      <translation>مهلة الإبلاغ لدى زاتكا</translation>
    </message>
    <message>
      <source>ZATCA clearance</source>
      <translation>الاعتماد لدى زاتكا</translation>
    </message>
    <message>
      <source>Clock</source>
      <translation>الساعة</translation>
    </message>
    <message>
      <source>Central database</source>
      <translation>قاعدة البيانات المركزية</translation>
    </message>
    <message>
      <source>Last sync</source>
      <translation>آخر مزامنة</translation>
    </message>
    <message>
      <source>Sync conflicts</source>
      <translation>تعارضات المزامنة</translation>
    </message>
    <message>
      <source>Mail server login</source>
      <translation>الدخول إلى خادم البريد</translation>
    </message>
    <message>
      <source>Failed mails</source>
      <translation>الرسائل المخفقة</translation>
    </message>
    <message>
      <source>Incident mode</source>
      <translation>وضع الحوادث</translation>
    </message>
    <message>
      <source>Payment polling</source>
      <translation>استطلاع المدفوعات</translation>
    </message>
  </context>
</TS>
