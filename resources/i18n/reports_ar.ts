<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>PdfPreview</name>
    <message>
      <source>Print</source>
      <translation>طباعة</translation>
    </message>
    <message>
      <source>The printer could not be started.</source>
      <translation>تعذّر بدء الطباعة على الطابعة.</translation>
    </message>
    <message>
      <source>Check that the printer is switched on and connected, or choose another printer, then print again.</source>
      <translation>تأكد من أن الطابعة مشغّلة ومتصلة، أو اختر طابعة أخرى، ثم اطبع مرة أخرى.</translation>
    </message>
    <message>
      <source>Printing…</source>
      <translation>جارٍ الطباعة…</translation>
    </message>
    <message>
      <source>Printing cancelled.</source>
      <translation>أُلغيت الطباعة.</translation>
    </message>
    <message>
      <source>Not printed; see the message.</source>
      <translation>لم تتم الطباعة؛ انظر الرسالة.</translation>
    </message>
    <message>
      <source>Sent {n} pages to the printer.</source>
      <translation>أُرسلت {n} صفحة إلى الطابعة.</translation>
    </message>
    <message>
      <source>Save the document as</source>
      <translation>حفظ المستند باسم</translation>
    </message>
    <message>
      <source>PDF documents (*.pdf)</source>
      <translation>مستندات PDF (*.pdf)</translation>
    </message>
    <message>
      <source>Fit width</source>
      <translation>ملاءمة العرض</translation>
    </message>
    <message>
      <source>Zoom out</source>
      <translation>تصغير</translation>
    </message>
    <message>
      <source>Zoom in</source>
      <translation>تكبير</translation>
    </message>
    <message>
      <source>Zoom</source>
      <translation>التكبير</translation>
    </message>
    <message>
      <source>Page</source>
      <translation>صفحة</translation>
    </message>
    <message>
      <source>of {n}</source>
      <translation>من {n}</translation>
    </message>
    <message>
      <source>Print…</source>
      <translation>طباعة…</translation>
    </message>
    <message>
      <source>Save as…</source>
      <translation>حفظ باسم…</translation>
    </message>
    <message>
      <source>PDF…</source>
      <translation>ملف PDF…</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>إلغاء</translation>
    </message>
    <message>
      <source>Preparing the document…</source>
      <translation>جارٍ إعداد المستند…</translation>
    </message>
    <message>
      <source>No document.</source>
      <translation>لا يوجد مستند.</translation>
    </message>
    <message>
      <source>Not saved; see the message.</source>
      <translation>لم يُحفظ؛ انظر الرسالة.</translation>
    </message>
    <message>
      <source>Saved as {path}.</source>
      <translation>حُفظ باسم {path}.</translation>
    </message>
    <message>
      <source>The document could not be saved as {name}.</source>
      <translation>تعذّر حفظ المستند باسم {name}.</translation>
    </message>
    <message>
      <source>Choose another folder, or check that the disk is not full and that you may write there, then save again.</source>
      <translation>اختر مجلدًا آخر، أو تأكد من وجود مساحة كافية على القرص ومن صلاحية الكتابة فيه، ثم احفظ مرة أخرى.</translation>
    </message>
    <message>
      <source>This document cannot be shown here; save it and open it with a PDF reader.</source>
      <translation>لا يمكن عرض هذا المستند هنا؛ احفظه وافتحه ببرنامج قراءة ملفات PDF.</translation>
    </message>
  </context>
  <context>
    <name>Reports</name>
    <message>
      <source>Document</source>
      <translation>المستند</translation>
    </message>
    <message>
      <source>Covering</source>
      <translation>يشمل</translation>
    </message>
    <message>
      <source>Period</source>
      <translation>الفترة</translation>
    </message>
    <message>
      <source>This month</source>
      <translation>الشهر الحالي</translation>
    </message>
    <message>
      <source>Last month</source>
      <translation>الشهر السابق</translation>
    </message>
    <message>
      <source>This quarter</source>
      <translation>الربع الحالي</translation>
    </message>
    <message>
      <source>Last quarter</source>
      <translation>الربع السابق</translation>
    </message>
    <message>
      <source>This year</source>
      <translation>السنة الحالية</translation>
    </message>
    <message>
      <source>Last year</source>
      <translation>السنة السابقة</translation>
    </message>
    <message>
      <source>The whole log</source>
      <translation>السجل كاملًا</translation>
    </message>
    <message>
      <source>Custom dates</source>
      <translation>تواريخ محددة</translation>
    </message>
    <message>
      <source>From</source>
      <translation>من</translation>
    </message>
    <message>
      <source>To</source>
      <translation>إلى</translation>
    </message>
    <message>
      <source>Request</source>
      <translation>الطلب</translation>
    </message>
    <message>
      <source>Invoice number</source>
      <translation>رقم الفاتورة</translation>
    </message>
    <message>
      <source>e.g. INV-2026-0001</source>
      <translation>مثال: INV-2026-0001</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>اللغة</translation>
    </message>
    <message>
      <source>Generate</source>
      <translation>إنشاء</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>إلغاء</translation>
    </message>
    <message>
      <source>Cancelling…</source>
      <translation>جارٍ الإلغاء…</translation>
    </message>
    <message>
      <source>Preparing the document…</source>
      <translation>جارٍ إعداد المستند…</translation>
    </message>
    <message>
      <source>Cancelled; no document was made.</source>
      <translation>أُلغي الطلب؛ لم يُنشأ أي مستند.</translation>
    </message>
    <message>
      <source>The document could not be made; see the message.</source>
      <translation>تعذّر إنشاء المستند؛ انظر الرسالة.</translation>
    </message>
    <message>
      <source>{title}: {n} pages. Print it or save it with the buttons above the pages.</source>
      <translation>{title}: {n} صفحة. اطبعه أو احفظه بالأزرار أعلى الصفحات.</translation>
    </message>
    <message>
      <source>Choose a document and its period, then press Generate.</source>
      <translation>اختر المستند وفترته، ثم اضغط «إنشاء».</translation>
    </message>
    <message>
      <source>The period ends before it starts: correct the dates.</source>
      <translation>تنتهي الفترة قبل أن تبدأ: صحّح التواريخ.</translation>
    </message>
    <message>
      <source>Type the number of an issued invoice.</source>
      <translation>اكتب رقم فاتورة صادرة.</translation>
    </message>
    <message>
      <source>No access request is recorded. Requests are added on the Privacy page.</source>
      <translation>لا يوجد طلب اطلاع مسجّل. تُضاف الطلبات من صفحة الخصوصية.</translation>
    </message>
    <message>
      <source>No erasure request is recorded. Requests are added on the Privacy page.</source>
      <translation>لا يوجد طلب محو مسجّل. تُضاف الطلبات من صفحة الخصوصية.</translation>
    </message>
    <message>
      <source>An invoice is printed in Arabic and English together.</source>
      <translation>تُطبع الفاتورة باللغتين العربية والإنجليزية معًا.</translation>
    </message>
    <message>
      <source>Dates are days in Riyadh time; the period includes both days.</source>
      <translation>التواريخ أيام بتوقيت الرياض؛ وتشمل الفترة يومَي البداية والنهاية.</translation>
    </message>
    <message>
      <source>The audit chain is verified in full; the report shows what was recorded in the period.</source>
      <translation>يُتحقق من سلسلة التدقيق كاملة؛ ويعرض التقرير ما سُجّل خلال الفترة.</translation>
    </message>
  </context>
</TS>
