<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Incident</name>
    <message>
        <source>e-mail</source>
        <translation>البريد الإلكتروني</translation>
    </message>
    <message>
        <source>payment links and refunds</source>
        <translation>روابط الدفع والمبالغ المستردة</translation>
    </message>
    <message>
        <source>the assistant</source>
        <translation>المساعد</translation>
    </message>
    <message>
        <source>sending changes to central</source>
        <translation>إرسال التغييرات إلى قاعدة البيانات المركزية</translation>
    </message>
    <message>
        <source>ZATCA submission</source>
        <translation>الإرسال إلى هيئة الزكاة والضريبة والجمارك</translation>
    </message>
    <message>
        <source>issuing</source>
        <translation>إصدار الفواتير</translation>
    </message>
    <message>
        <source>Incident mode (automatic): {reason}</source>
        <translation>وضع الحادثة (تلقائي): {reason}</translation>
    </message>
    <message>
        <source>Incident mode: {reason}</source>
        <translation>وضع الحادثة: {reason}</translation>
    </message>
    <message>
        <source>since {time} (Riyadh time); held: {held}</source>
        <translation>منذ {time} (بتوقيت الرياض)؛ الموقوف: {held}</translation>
    </message>
    <message>
        <source>Start incident mode</source>
        <translation>بدء وضع الحادثة</translation>
    </message>
    <message>
        <source>E-mail, payment links and refunds and the assistant wait until an administrator ends it. Issuing and ZATCA submission go on.</source>
        <translation>يتوقف البريد الإلكتروني وروابط الدفع والمبالغ المستردة والمساعد حتى يُنهيه مسؤول النظام. ويستمر إصدار الفواتير وإرسالها إلى هيئة الزكاة والضريبة والجمارك.</translation>
    </message>
    <message>
        <source>End incident mode</source>
        <translation>إنهاء وضع الحادثة</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>السبب (مطلوب)</translation>
    </message>
    <message>
        <source>Also pause ZATCA submission (a key compromise)</source>
        <translation>إيقاف الإرسال إلى هيئة الزكاة والضريبة والجمارك أيضًا (اختراق المفتاح)</translation>
    </message>
    <message>
        <source>Also hold sending changes to central</source>
        <translation>إيقاف إرسال التغييرات إلى قاعدة البيانات المركزية أيضًا</translation>
    </message>
    <message>
        <source>Incident mode…</source>
        <translation>وضع الحادثة…</translation>
    </message>
    <message>
        <source>Only an administrator may start or end incident mode.</source>
        <translation>لا يبدأ وضع الحادثة أو يُنهيه إلا مسؤول النظام.</translation>
    </message>
</context>
</TS>
