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
  </context>
</TS>
