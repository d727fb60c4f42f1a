<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Navigation</name>
    <message>
      <source>Insights</source>
      <translation>الرؤى</translation>
    </message>
  </context>
  <context>
    <name>Charts</name>
    <message>
      <source>Sales and VAT by month (SAR)</source>
      <translation>المبيعات وضريبة القيمة المضافة شهريًا (ر.س)</translation>
    </message>
    <message>
      <source>Receivables by age (SAR)</source>
      <translation>الذمم المدينة حسب العمر (ر.س)</translation>
    </message>
    <message>
      <source>Documents by ZATCA status</source>
      <translation>المستندات حسب حالتها لدى الهيئة</translation>
    </message>
    <message>
      <source>Not due</source>
      <translation>لم تستحق</translation>
    </message>
    <message>
      <source>1–30</source>
      <translation>1–30</translation>
    </message>
    <message>
      <source>31–60</source>
      <translation>31–60</translation>
    </message>
    <message>
      <source>61–90</source>
      <translation>61–90</translation>
    </message>
    <message>
      <source>90+</source>
      <translation>أكثر من 90</translation>
    </message>
    <message>
      <source>Documents issued per month, by where they stand with ZATCA</source>
      <translation>المستندات الصادرة كل شهر حسب حالتها لدى هيئة الزكاة والضريبة والجمارك</translation>
    </message>
    <message>
      <source>The monthly trends are not available yet.</source>
      <translation>الاتجاهات الشهرية غير متاحة بعد.</translation>
    </message>
    <message>
      <source>Sales</source>
      <translation>المبيعات</translation>
    </message>
    <message>
      <source>VAT due</source>
      <translation>ضريبة القيمة المضافة المستحقة</translation>
    </message>
    <message>
      <source>Forecast</source>
      <translation>التوقع</translation>
    </message>
    <message>
      <source>80 % band</source>
      <translation>نطاق 80 %</translation>
    </message>
    <message>
      <source>No receivables yet.</source>
      <translation>لا توجد ذمم مدينة بعد.</translation>
    </message>
    <message>
      <source>The ZATCA status by month is not available yet.</source>
      <translation>حالة المستندات لدى الهيئة حسب الشهر غير متاحة بعد.</translation>
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
    <message>
      <source>Waiting</source>
      <translation>بانتظار الإرسال</translation>
    </message>
    <message>
      <source>Not submitted</source>
      <translation>لم تُرسل</translation>
    </message>
    <message>
      <source>Forecast (dashed, 80 % band): {method}</source>
      <translation>التوقع (خط متقطع، نطاق 80 %): {method}</translation>
    </message>
    <message>
      <source>Days since issue; outstanding {amount}</source>
      <translation>بالأيام منذ الإصدار؛ المستحق {amount}</translation>
    </message>
  </context>
  <context>
    <name>Insights</name>
    <message>
      <source>Acknowledged</source>
      <translation>تم الاطلاع</translation>
    </message>
    <message>
      <source>False positive</source>
      <translation>إنذار خاطئ</translation>
    </message>
    <message>
      <source>Resolved</source>
      <translation>تمت المعالجة</translation>
    </message>
    <message>
      <source>Insights</source>
      <translation>الرؤى</translation>
    </message>
    <message>
      <source>Run checks</source>
      <translation>تشغيل الفحوص</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>إلغاء</translation>
    </message>
    <message>
      <source>Period:</source>
      <translation>الفترة:</translation>
    </message>
    <message>
      <source>Last 12 months</source>
      <translation>آخر 12 شهرًا</translation>
    </message>
    <message>
      <source>This quarter</source>
      <translation>هذا الربع</translation>
    </message>
    <message>
      <source>Last quarter</source>
      <translation>الربع الماضي</translation>
    </message>
    <message>
      <source>This year</source>
      <translation>هذا العام</translation>
    </message>
    <message>
      <source>Last month</source>
      <translation>الشهر الماضي</translation>
    </message>
    <message>
      <source>Group:</source>
      <translation>المجموعة:</translation>
    </message>
    <message>
      <source>Severity:</source>
      <translation>الخطورة:</translation>
    </message>
    <message>
      <source>Marked:</source>
      <translation>التصنيف:</translation>
    </message>
    <message>
      <source>All groups</source>
      <translation>كل المجموعات</translation>
    </message>
    <message>
      <source>Finding</source>
      <translation>الملاحظة</translation>
    </message>
    <message>
      <source>What to do:</source>
      <translation>الإجراء المقترح:</translation>
    </message>
    <message>
      <source>Figures:</source>
      <translation>الأرقام:</translation>
    </message>
    <message>
      <source>Evidence (double-click a document to open it):</source>
      <translation>الأدلة (انقر نقرًا مزدوجًا على مستند لفتحه):</translation>
    </message>
    <message>
      <source>Acknowledge</source>
      <translation>تأكيد الاطلاع</translation>
    </message>
    <message>
      <source>Not applicable to these books:</source>
      <translation>فحوص لا تنطبق على هذه الدفاتر:</translation>
    </message>
    <message>
      <source>High</source>
      <translation>عالية</translation>
    </message>
    <message>
      <source>Medium</source>
      <translation>متوسطة</translation>
    </message>
    <message>
      <source>Low</source>
      <translation>منخفضة</translation>
    </message>
    <message>
      <source>Duplicates</source>
      <translation>التكرار</translation>
    </message>
    <message>
      <source>Digits and Benford</source>
      <translation>الخانات وقانون بنفورد</translation>
    </message>
    <message>
      <source>Unusual times</source>
      <translation>أوقات غير معتادة</translation>
    </message>
    <message>
      <source>VAT patterns</source>
      <translation>أنماط ضريبة القيمة المضافة</translation>
    </message>
    <message>
      <source>Customers' spend</source>
      <translation>إنفاق العملاء</translation>
    </message>
    <message>
      <source>Numbering and dates</source>
      <translation>الترقيم والتواريخ</translation>
    </message>
    <message>
      <source>Credit notes</source>
      <translation>إشعارات الدائن</translation>
    </message>
    <message>
      <source>Receivables</source>
      <translation>الذمم المدينة</translation>
    </message>
    <message>
      <source>Checking the books…</source>
      <translation>جارٍ فحص الدفاتر…</translation>
    </message>
    <message>
      <source>Any severity</source>
      <translation>أي خطورة</translation>
    </message>
    <message>
      <source>Not marked</source>
      <translation>غير مصنّفة</translation>
    </message>
    <message>
      <source>Any</source>
      <translation>الكل</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>الخطورة</translation>
    </message>
    <message>
      <source>Rule</source>
      <translation>القاعدة</translation>
    </message>
    <message>
      <source>Summary</source>
      <translation>الملخص</translation>
    </message>
    <message>
      <source>Documents</source>
      <translation>المستندات</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>العملاء</translation>
    </message>
    <message>
      <source>Score</source>
      <translation>الدرجة</translation>
    </message>
    <message>
      <source>First seen</source>
      <translation>أول ظهور</translation>
    </message>
    <message>
      <source>Mark</source>
      <translation>التصنيف</translation>
    </message>
    <message>
      <source>The checks were cancelled; the findings below are the last run's.</source>
      <translation>أُلغيت الفحوص؛ الملاحظات أدناه من آخر تشغيل.</translation>
    </message>
    <message>
      <source>Run the checks to see what an auditor would flag in these books: duplicates, unusual amounts and times, VAT patterns, numbering, credit notes and receivables.</source>
      <translation>شغّل الفحوص لترى ما قد يلفت نظر المدقق في هذه الدفاتر: الفواتير المكررة، والمبالغ والأوقات غير المعتادة، وأنماط ضريبة القيمة المضافة، والترقيم، وإشعارات الدائن، والذمم المدينة.</translation>
    </message>
    <message>
      <source>{n} finding(s).</source>
      <translation>عدد الملاحظات: {n}.</translation>
    </message>
    <message>
      <source>Only an administrator or a compliance officer may mark findings; you can read them.</source>
      <translation>لا يصنّف الملاحظات إلا المسؤول أو مسؤول الامتثال؛ يمكنك الاطلاع عليها.</translation>
    </message>
    <message>
      <source>{n} finding(s) over {start} to {end}: {docs} documents read in {seconds} s.</source>
      <translation>عدد الملاحظات {n} عن الفترة من {start} إلى {end}: قُرئ {docs} مستندًا في {seconds} ث.</translation>
    </message>
    <message>
      <source>Only an administrator or a compliance officer may mark findings.</source>
      <translation>لا يصنّف الملاحظات إلا المسؤول أو مسؤول الامتثال.</translation>
    </message>
    <message>
      <source>{n} left out: marked false positives for the same evidence.</source>
      <translation>استُبعد {n}: صُنّفت من قبل إنذارًا خاطئًا للأدلة نفسها.</translation>
    </message>
    <message>
      <source>Customers: {names}</source>
      <translation>العملاء: {names}</translation>
    </message>
  </context>
</TS>
