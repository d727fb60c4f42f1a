<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Status</name>
    <message>
        <source>Unpaid</source>
        <translation>مستحقة</translation>
    </message>
    <message>
        <source>Partial</source>
        <translation>جزئية</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>مدفوعة</translation>
    </message>
    <message>
        <source>Overpaid</source>
        <translation>دفع زائد</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>مسودة</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>صادرة</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>بانتظار الإرسال</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>قيد الإرسال</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>معتمدة</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>مُبلَّغ عنها</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>مرفوضة</translation>
    </message>
</context>
</TS>
