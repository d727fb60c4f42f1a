<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Shell</name>
    <message>
      <source>Create &amp;support bundle…</source>
      <translation>إنشاء حزمة &amp;دعم…</translation>
    </message>
  </context>
  <context>
    <name>Support</name>
    <message>
      <source>Save the support bundle as</source>
      <translation>حفظ حزمة الدعم باسم</translation>
    </message>
    <message>
      <source>Zip archives (*.zip)</source>
      <translation>أرشيفات Zip ‏(*.zip)</translation>
    </message>
    <message>
      <source>Support bundle</source>
      <translation>حزمة الدعم</translation>
    </message>
    <message>
      <source>The support bundle is saved as {path}. It holds no company data; look inside before you send it.</source>
      <translation>حُفظت حزمة الدعم باسم {path}. لا تحتوي على أي بيانات للمنشأة؛ راجع محتواها قبل إرسالها.</translation>
    </message>
  </context>
</TS>
