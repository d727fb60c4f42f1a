<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Secrets</name>
    <message>
        <source>Yes: the device's audit signing key</source>
        <translation>نعم: مفتاح توقيع التدقيق لهذا الجهاز</translation>
    </message>
    <message>
        <source>Yes: a ZATCA EGS unit's key or credentials</source>
        <translation>نعم: مفتاح وحدة فوترة (EGS) أو بيانات اعتمادها لدى هيئة الزكاة</translation>
    </message>
    <message>
        <source>Delete secret</source>
        <translation>حذف السر</translation>
    </message>
    <message>
        <source>Rotating the key…</source>
        <translation>جارٍ تدوير المفتاح…</translation>
    </message>
    <message>
        <source>Secrets</source>
        <translation>الأسرار</translation>
    </message>
    <message>
        <source>API keys and passwords are kept sealed in the company's database with a key held by the operating system's keyring. Values are never shown; every use and change is recorded in the audit log without the value.</source>
        <translation>تُحفظ مفاتيح الواجهات البرمجية وكلمات المرور مشفّرة في قاعدة بيانات المنشأة بمفتاح تحتفظ به حافظة مفاتيح نظام التشغيل. لا تُعرض القيم أبدًا، ويُسجَّل كل استخدام وتغيير في سجل التدقيق دون القيمة.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>e.g. stripe/api-key</source>
        <translation>مثل stripe/api-key</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>القيمة</translation>
    </message>
    <message>
        <source>typed here, never shown</source>
        <translation>تُكتب هنا ولا تُعرض أبدًا</translation>
    </message>
    <message>
        <source>Save secret</source>
        <translation>حفظ السر</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>حذف…</translation>
    </message>
    <message>
        <source>Rotate key</source>
        <translation>تدوير المفتاح</translation>
    </message>
    <message>
        <source>Seal every secret with a new key in one step, read each back, then destroy the old key.</source>
        <translation>تشفير كل الأسرار بمفتاح جديد في خطوة واحدة، وقراءة كل منها للتحقق، ثم إتلاف المفتاح القديم.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Only an administrator can change secrets.</source>
        <translation>لا يغيّر الأسرار إلا مدير النظام.</translation>
    </message>
    <message>
        <source>Uses and changes of the selected secret</source>
        <translation>استخدامات السر المحدد وتغييراته</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>تعيين</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>استخدام</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>حذف</translation>
    </message>
    <message>
        <source>Re-sealed with a new key</source>
        <translation>أُعيد تشفيره بمفتاح جديد</translation>
    </message>
    <message>
        <source>Key rotated</source>
        <translation>تدوير المفتاح</translation>
    </message>
    <message>
        <source>Current key version: {version}.</source>
        <translation>إصدار المفتاح الحالي: {version}.</translation>
    </message>
    <message>
        <source>Version 1 is the master key itself; the first rotation moves every secret to a key of its own.</source>
        <translation>الإصدار 1 هو المفتاح الرئيسي نفسه؛ أول تدوير ينقل كل الأسرار إلى مفتاح خاص بها.</translation>
    </message>
    <message>
        <source>Key version</source>
        <translation>إصدار المفتاح</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>آخر تحديث</translation>
    </message>
    <message>
        <source>Managed by Qayd</source>
        <translation>يديره قيد</translation>
    </message>
    <message>
        <source>When</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>What</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>التفاصيل</translation>
    </message>
    <message>
        <source>Delete the secret {name}? This cannot be undone.</source>
        <translation>حذف السر {name}؟ لا يمكن التراجع عن ذلك.</translation>
    </message>
    <message>
        <source>key version {old} → {new}</source>
        <translation>إصدار المفتاح {old} ← {new}</translation>
    </message>
    <message>
        <source>key version {version}</source>
        <translation>إصدار المفتاح {version}</translation>
    </message>
    <message>
        <source>Rotation cancelled; nothing was changed.</source>
        <translation>أُلغي التدوير؛ لم يتغير شيء.</translation>
    </message>
    <message>
        <source>Destroyed versions: {versions}.</source>
        <translation>الإصدارات المُتلفة: {versions}.</translation>
    </message>
    <message>
        <source>Re-sealed {count} secrets with key version {version} and read each back; destroyed key versions: {old}.</source>
        <translation>أُعيد تشفير {count} من الأسرار بإصدار المفتاح {version} وقُرئ كل منها للتحقق؛ إصدارات المفتاح المُتلفة: {old}.</translation>
    </message>
    <message>
        <source>Rotation failed; nothing was changed.</source>
        <translation>فشل التدوير؛ لم يتغير شيء.</translation>
    </message>
    <message>
        <source>Secret {name} saved.</source>
        <translation>حُفظ السر {name}.</translation>
    </message>
    <message>
        <source>Secret {name} deleted.</source>
        <translation>حُذف السر {name}.</translation>
    </message>
</context>
</TS>
