<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>Privacy</name>
    <message>
        <source>Access log</source>
        <translation>سجل الاطلاع</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>القناة</translation>
    </message>
    <message>
        <source>Choose a subject on the Subjects tab to see who read its personal data, when and why.</source>
        <translation>اختر صاحب بيانات من تبويب أصحاب البيانات لترى من اطّلع على بياناته الشخصية ومتى ولماذا.</translation>
    </message>
    <message>
        <source>Choose a subject to see its requests.</source>
        <translation>اختر صاحب بيانات لعرض طلباته.</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>الحقول</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Name, e-mail, phone, id or VAT number</source>
        <translation>الاسم أو البريد أو الهاتف أو رقم الهوية أو الرقم الضريبي</translation>
    </message>
    <message>
        <source>New request for this subject…</source>
        <translation>طلب جديد لصاحب البيانات هذا…</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>الغرض</translation>
    </message>
    <message>
        <source>Reads of the personal data of {name}: {n} (newest first)</source>
        <translation>مرات الاطلاع على البيانات الشخصية لـ {name}: {n} (الأحدث أولاً)</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>الطلبات</translation>
    </message>
    <message>
        <source>Requests of {name}</source>
        <translation>طلبات {name}</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>بحث</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>صاحب البيانات</translation>
    </message>
    <message>
        <source>Subjects</source>
        <translation>أصحاب البيانات</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>من</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>عميل</translation>
    </message>
    <message>
        <source>erased</source>
        <translation>ممسوح</translation>
    </message>
    <message>
        <source>restricted</source>
        <translation>مقيّد</translation>
    </message>
    <message>
        <source>staff user</source>
        <translation>مستخدم</translation>
    </message>
</context>
<context>
    <name>PrivacyRequests</name>
    <message>
        <source>Access</source>
        <translation>اطلاع</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Cancelled; nothing was changed.</source>
        <translation>أُلغيت العملية؛ لم يتغير شيء.</translation>
    </message>
    <message>
        <source>Choose where to save the export</source>
        <translation>اختر مكان حفظ التصدير</translation>
    </message>
    <message>
        <source>Close the request</source>
        <translation>إغلاق الطلب</translation>
    </message>
    <message>
        <source>Close…</source>
        <translation>إغلاق…</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>مُنجز</translation>
    </message>
    <message>
        <source>Contact (e-mail, phone or address)</source>
        <translation>وسيلة التواصل (بريد أو هاتف أو عنوان)</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>الموعد النهائي</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>مسح</translation>
    </message>
    <message>
        <source>Erase the subject's personal data</source>
        <translation>مسح البيانات الشخصية لصاحبها</translation>
    </message>
    <message>
        <source>Erased: {erased} items erased, {kept} kept under a legal hold. Certificate {id}. Tell the requester, then close the request.</source>
        <translation>تم المسح: مُسح {erased} بنداً وحُفظ {kept} بموجب التزام نظامي. الشهادة {id}. أبلغ مقدّم الطلب ثم أغلق الطلب.</translation>
    </message>
    <message>
        <source>Erase…</source>
        <translation>مسح…</translation>
    </message>
    <message>
        <source>Erasing…</source>
        <translation>جارٍ المسح…</translation>
    </message>
    <message>
        <source>Erasure</source>
        <translation>مسح</translation>
    </message>
    <message>
        <source>Exported {n} records to {folder}. Send them to the requester, then close the request.</source>
        <translation>صُدّر {n} سجلاً إلى {folder}. أرسلها إلى مقدّم الطلب ثم أغلق الطلب.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>جارٍ التصدير…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>تصدير…</translation>
    </message>
    <message>
        <source>Extend by two months</source>
        <translation>التمديد شهرين</translation>
    </message>
    <message>
        <source>Extended</source>
        <translation>مُمدّد</translation>
    </message>
    <message>
        <source>Extend…</source>
        <translation>تمديد…</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>الحقول</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>بحث</translation>
    </message>
    <message>
        <source>Find the subject</source>
        <translation>البحث عن صاحب البيانات</translation>
    </message>
    <message>
        <source>How was the requester's identity checked? (e.g. national id or Iqama seen, answer to a question only the subject knows)</source>
        <translation>كيف تم التحقق من هوية مقدّم الطلب؟ (مثلاً: الاطلاع على الهوية الوطنية أو الإقامة، أو إجابة سؤال لا يعرفه إلا صاحب البيانات)</translation>
    </message>
    <message>
        <source>I have checked the list: erase this subject's personal data now.</source>
        <translation>راجعت القائمة: امسح البيانات الشخصية لصاحب البيانات الآن.</translation>
    </message>
    <message>
        <source>Identity checked by (optional)</source>
        <translation>طريقة التحقق من الهوية (اختياري)</translation>
    </message>
    <message>
        <source>Identity verified</source>
        <translation>تم التحقق من الهوية</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>قيد التنفيذ</translation>
    </message>
    <message>
        <source>Kept until</source>
        <translation>يُحفظ حتى</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Legal basis</source>
        <translation>الأساس النظامي</translation>
    </message>
    <message>
        <source>Name, e-mail, phone, id or VAT number</source>
        <translation>الاسم أو البريد أو الهاتف أو رقم الهوية أو الرقم الضريبي</translation>
    </message>
    <message>
        <source>New data-subject request</source>
        <translation>طلب جديد من صاحب بيانات</translation>
    </message>
    <message>
        <source>New request…</source>
        <translation>طلب جديد…</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>ملاحظات</translation>
    </message>
    <message>
        <source>Objection</source>
        <translation>اعتراض</translation>
    </message>
    <message>
        <source>Open requests only</source>
        <translation>الطلبات المفتوحة فقط</translation>
    </message>
    <message>
        <source>Portability</source>
        <translation>نقل البيانات</translation>
    </message>
    <message>
        <source>Reading what erasure would change…</source>
        <translation>جارٍ قراءة ما سيغيّره المسح…</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>مُستلم</translation>
    </message>
    <message>
        <source>Received on</source>
        <translation>تاريخ الاستلام</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>السجل</translation>
    </message>
    <message>
        <source>Recorded {ref}; it is due {date}.</source>
        <translation>سُجّل الطلب {ref}؛ وموعده النهائي {date}.</translation>
    </message>
    <message>
        <source>Rectification</source>
        <translation>تصحيح</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>المرجع</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>مرفوض</translation>
    </message>
    <message>
        <source>Request {ref}: erasing {subject}. Erasure cannot be undone; a signed certificate records what was erased and kept.</source>
        <translation>الطلب {ref}: مسح {subject}. لا يمكن التراجع عن المسح؛ وتسجّل شهادة موقّعة ما مُسح وما حُفظ.</translation>
    </message>
    <message>
        <source>Requester's name</source>
        <translation>اسم مقدّم الطلب</translation>
    </message>
    <message>
        <source>Restriction</source>
        <translation>تقييد المعالجة</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>صاحب البيانات</translation>
    </message>
    <message>
        <source>The operation failed; see the message.</source>
        <translation>فشلت العملية؛ راجع الرسالة.</translation>
    </message>
    <message>
        <source>This subject was already erased on {date}.</source>
        <translation>سبق مسح صاحب البيانات هذا في {date}.</translation>
    </message>
    <message>
        <source>Verify identity</source>
        <translation>التحقق من الهوية</translation>
    </message>
    <message>
        <source>Verify identity…</source>
        <translation>التحقق من الهوية…</translation>
    </message>
    <message>
        <source>What</source>
        <translation>البيان</translation>
    </message>
    <message>
        <source>What was done, or why the request is refused:</source>
        <translation>ما الذي تم، أو سبب رفض الطلب:</translation>
    </message>
    <message>
        <source>Why is more time needed? Tell the requester of the extension and the reason within the first month.</source>
        <translation>لماذا يلزم وقت إضافي؟ أبلغ مقدّم الطلب بالتمديد وسببه خلال الشهر الأول.</translation>
    </message>
    <message>
        <source>Will be erased ({n})</source>
        <translation>سيُمسح ({n})</translation>
    </message>
    <message>
        <source>Will be kept, restricted, until the hold ends ({n})</source>
        <translation>سيُحفظ مقيّداً حتى انتهاء مدة الحفظ ({n})</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>مسحوب</translation>
    </message>
    <message>
        <source>e.g. national id card seen at the counter</source>
        <translation>مثال: اطُّلع على بطاقة الهوية الوطنية عند المكتب</translation>
    </message>
    <message>
        <source>{date}: due today</source>
        <translation>{date}: موعده اليوم</translation>
    </message>
    <message>
        <source>{date}: overdue by {n} days</source>
        <translation>{date}: متأخر {n} يوماً</translation>
    </message>
    <message>
        <source>{date}: {n} days left</source>
        <translation>{date}: {n} يوماً متبقياً</translation>
    </message>
    <message>
        <source>{n} overdue: answer them now</source>
        <translation>{n} متأخرة: أجب عنها الآن</translation>
    </message>
    <message>
        <source>{n} requests shown</source>
        <translation>عدد الطلبات المعروضة: {n}</translation>
    </message>
</context>
</TS>
