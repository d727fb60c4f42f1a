<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Mail</name>
    <message>
        <source>Send {number}</source>
        <translation>إرسال {number}</translation>
    </message>
    <message>
        <source>Attach the XML as well</source>
        <translation>إرفاق ملف XML أيضًا</translation>
    </message>
    <message>
        <source>The printed PDF/A-3 is attached; it carries the e-invoice XML and QR code.</source>
        <translation>تُرفق النسخة المطبوعة PDF/A-3، وفيها ملف الفاتورة الإلكترونية XML ورمز الاستجابة السريعة.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>إرسال</translation>
    </message>
    <message>
        <source>To</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>لم تُرسل</translation>
    </message>
    <message>
        <source>Send…</source>
        <translation>إرسال…</translation>
    </message>
    <message>
        <source>E-mail the selected issued invoice with its PDF/A-3</source>
        <translation>إرسال الفاتورة الصادرة المحددة بالبريد الإلكتروني مع نسختها PDF/A-3</translation>
    </message>
</context>
</TS>
