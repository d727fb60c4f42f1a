<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>ZatcaQueue</name>
    <message>
        <source>Sending to ZATCA…</source>
        <translation>جارٍ الإرسال إلى هيئة الزكاة والضريبة والجمارك…</translation>
    </message>
    <message>
        <source>EGS units</source>
        <translation>وحدات الفوترة (EGS)</translation>
    </message>
    <message>
        <source>Onboard EGS unit…</source>
        <translation>تهيئة وحدة فوترة…</translation>
    </message>
    <message>
        <source>Submissions</source>
        <translation>الإرسالات</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>أعد المحاولة الآن</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Portal answer</source>
        <translation>رد البوابة</translation>
    </message>
    <message>
        <source>Correct…</source>
        <translation>تصحيح…</translation>
    </message>
    <message>
        <source>Clearance</source>
        <translation>اعتماد</translation>
    </message>
    <message>
        <source>Reporting</source>
        <translation>إبلاغ</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>بانتظار الإرسال</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>قيد الإرسال</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>مرفوض</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>منجز</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>مُنشأة</translation>
    </message>
    <message>
        <source>Compliance checks</source>
        <translation>فحوص الامتثال</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>نشطة</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>تجريبية</translation>
    </message>
    <message>
        <source>Retired</source>
        <translation>متوقفة</translation>
    </message>
    <message>
        <source>overdue {time}</source>
        <translation>متأخر {time}</translation>
    </message>
    <message>
        <source>before sharing</source>
        <translation>قبل المشاركة</translation>
    </message>
    <message>
        <source>needs correction</source>
        <translation>يحتاج إلى تصحيح</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>المستند</translation>
    </message>
    <message>
        <source>Submission</source>
        <translation>نوع الإرسال</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>المحاولات</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>الموعد النهائي</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>الوقت المتبقي</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>آخر خطأ</translation>
    </message>
    <message>
        <source>{open} to send, {rejected} rejected</source>
        <translation>{open} للإرسال، {rejected} مرفوض</translation>
    </message>
    <message>
        <source>Select a document to see what the portal answered.</source>
        <translation>اختر مستندًا لعرض رد البوابة.</translation>
    </message>
    <message>
        <source>ZATCA rejected it. Issue a credit note that cancels it and a corrected invoice: “Correct…” prepares both drafts.</source>
        <translation>رفضته الهيئة. أصدر إشعارًا دائنًا يلغيه وفاتورة مصححة: يُعِدّ زر «تصحيح…» المسودتين معًا.</translation>
    </message>
    <message>
        <source>Sent: {done} accepted, {rejected} rejected, {postponed} postponed.</source>
        <translation>أُرسل: {done} مقبول، {rejected} مرفوض، {postponed} مؤجل.</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>الوحدة</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>البيئة</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Last counter (ICV)</source>
        <translation>آخر عداد (ICV)</translation>
    </message>
    <message>
        <source>Certificate until</source>
        <translation>الشهادة سارية حتى</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>المستوى</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>الرمز</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>الرسالة</translation>
    </message>
    <message>
        <source>{number}: {kind}, {state}, {n} attempt(s).</source>
        <translation>{number}: {kind}، {state}، عدد المحاولات {n}.</translation>
    </message>
    <message>
        <source>Cancelled; the rest stays queued.</source>
        <translation>أُلغي؛ يبقى الباقي في قائمة الانتظار.</translation>
    </message>
    <message>
        <source>Drafted credit note {note} and corrected invoice {fixed}. Fix {fixed}, then issue both.</source>
        <translation>أُعدّت مسودة الإشعار الدائن {note} والفاتورة المصححة {fixed}. صحّح {fixed} ثم أصدر الاثنين.</translation>
    </message>
    <message>
        <source>{n} past the 24-hour deadline</source>
        <translation>{n} تجاوز مهلة الـ 24 ساعة</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>خطأ</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>تحذير</translation>
    </message>
    <message>
        <source>Stopped early: {reason} The rest stays queued and is retried later.</source>
        <translation>توقف مبكرًا: {reason} يبقى الباقي في قائمة الانتظار وتُعاد محاولته لاحقًا.</translation>
    </message>
    <message>
        <source>The certificate (CSID) of EGS unit {name} expired on {date}. It cannot issue until it is renewed.</source>
        <translation>انتهت شهادة (CSID) وحدة الفوترة {name} في {date}. لا يمكنها الإصدار حتى تُجدَّد.</translation>
    </message>
    <message>
        <source>The certificate (CSID) of EGS unit {name} expires in {days} day(s), on {date}. Renew it in time.</source>
        <translation>تنتهي شهادة (CSID) وحدة الفوترة {name} خلال {days} يوم، في {date}. جدّدها في الوقت المناسب.</translation>
    </message>
    <message>
        <source>Last error: {error}</source>
        <translation>آخر خطأ: {error}</translation>
    </message>
</context>
<context>
    <name>Onboarding</name>
    <message>
        <source>Requesting the compliance certificate</source>
        <translation>طلب شهادة الامتثال</translation>
    </message>
    <message>
        <source>Requesting the production certificate</source>
        <translation>طلب شهادة الإنتاج</translation>
    </message>
    <message>
        <source>Onboarded</source>
        <translation>اكتملت التهيئة</translation>
    </message>
    <message>
        <source>Portal environment</source>
        <translation>بيئة البوابة</translation>
    </message>
    <message>
        <source>Choose the Fatoora portal this EGS unit is onboarded with. Use the sandbox or simulation to try things out; only production documents count for ZATCA.</source>
        <translation>اختر بوابة فاتورة التي تُهيّأ معها هذه الوحدة. استخدم بيئة التطوير أو المحاكاة للتجربة؛ مستندات بيئة الإنتاج وحدها تُعتدّ بها لدى الهيئة.</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>البيئة:</translation>
    </message>
    <message>
        <source>Documents it issues:</source>
        <translation>المستندات التي تصدرها:</translation>
    </message>
    <message>
        <source>Standard (B2B, cleared)</source>
        <translation>قياسية (بين المنشآت، تُعتمد)</translation>
    </message>
    <message>
        <source>Simplified (B2C, reported)</source>
        <translation>مبسطة (للمستهلكين، يُبلَّغ عنها)</translation>
    </message>
    <message>
        <source>The EGS unit</source>
        <translation>وحدة الفوترة</translation>
    </message>
    <message>
        <source>e.g. riyadh-branch-till-1</source>
        <translation>مثل riyadh-branch-till-1</translation>
    </message>
    <message>
        <source>The unit name is the certificate's common name and must be unique. The serial number is 1-maker|2-model|3-serial. An unfinished onboarding of the same name resumes with the same unit.</source>
        <translation>اسم الوحدة هو الاسم الشائع في الشهادة ويجب أن يكون فريدًا. الرقم التسلسلي بالصيغة 1-الصانع|2-الطراز|3-الرقم. تُستأنف التهيئة غير المكتملة بالاسم نفسه على الوحدة نفسها.</translation>
    </message>
    <message>
        <source>One-time password</source>
        <translation>رمز التحقق لمرة واحدة</translation>
    </message>
    <message>
        <source>In the Fatoora portal, generate an OTP for one unit and type its six digits here. It is valid for one hour and is used once.</source>
        <translation>أنشئ في بوابة فاتورة رمز تحقق (OTP) لوحدة واحدة واكتب أرقامه الستة هنا. صلاحيته ساعة واحدة ويُستخدم مرة واحدة.</translation>
    </message>
    <message>
        <source>OTP:</source>
        <translation>رمز التحقق:</translation>
    </message>
    <message>
        <source>Onboarding</source>
        <translation>التهيئة</translation>
    </message>
    <message>
        <source>Certificate request, compliance certificate, compliance checks, production certificate.</source>
        <translation>طلب الشهادة، شهادة الامتثال، فحوص الامتثال، شهادة الإنتاج.</translation>
    </message>
    <message>
        <source>standard</source>
        <translation>قياسية</translation>
    </message>
    <message>
        <source>simplified</source>
        <translation>مبسطة</translation>
    </message>
    <message>
        <source>invoice</source>
        <translation>فاتورة</translation>
    </message>
    <message>
        <source>credit note</source>
        <translation>إشعار دائن</translation>
    </message>
    <message>
        <source>debit note</source>
        <translation>إشعار مدين</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>النتيجة</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>غير معروف</translation>
    </message>
    <message>
        <source>What's next: issue invoices with this unit; standard invoices are cleared and simplified ones reported from the ZATCA queue. Renew the certificate before it expires (Qayd warns you 30 days ahead).</source>
        <translation>الخطوة التالية: أصدر الفواتير بهذه الوحدة؛ تُعتمد الفواتير القياسية ويُبلَّغ عن المبسطة من قائمة انتظار الهيئة. جدّد الشهادة قبل انتهائها (ينبهك قيد قبلها بثلاثين يومًا).</translation>
    </message>
    <message>
        <source>Onboard an EGS unit</source>
        <translation>تهيئة وحدة فوترة</translation>
    </message>
    <message>
        <source>Sandbox (developer portal)</source>
        <translation>بيئة التطوير (بوابة المطورين)</translation>
    </message>
    <message>
        <source>Simulation</source>
        <translation>المحاكاة</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>الإنتاج</translation>
    </message>
    <message>
        <source>Demo (not submitted)</source>
        <translation>تجريبية (لا تُرسل)</translation>
    </message>
    <message>
        <source>Unit name:</source>
        <translation>اسم الوحدة:</translation>
    </message>
    <message>
        <source>Serial number:</source>
        <translation>الرقم التسلسلي:</translation>
    </message>
    <message>
        <source>Branch:</source>
        <translation>الفرع:</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>الموقع:</translation>
    </message>
    <message>
        <source>The code has 6 digits.</source>
        <translation>الرمز مكتمل من 6 أرقام.</translation>
    </message>
    <message>
        <source>Compliance check: {kind} {document}</source>
        <translation>فحص الامتثال: {document} {kind}</translation>
    </message>
    <message>
        <source>Talking to the Fatoora portal…</source>
        <translation>جارٍ الاتصال ببوابة فاتورة…</translation>
    </message>
    <message>
        <source>Onboarding finished.</source>
        <translation>اكتملت التهيئة.</translation>
    </message>
    <message>
        <source>Onboarding stopped. Go back, fix the problem (a new OTP is needed) and try again: the steps already done are kept.</source>
        <translation>توقفت التهيئة. ارجع وأصلح المشكلة (يلزم رمز تحقق جديد) ثم حاول مرة أخرى: تُحفظ الخطوات المنجزة.</translation>
    </message>
    <message>
        <source>EGS unit {name} is active in {environment}. Its production certificate (CSID) is valid until {expires}.</source>
        <translation>وحدة الفوترة {name} نشطة في {environment}. شهادة الإنتاج (CSID) سارية حتى {expires}.</translation>
    </message>
    <message>
        <source>{n} of 6 digits entered.</source>
        <translation>أُدخل {n} من 6 أرقام.</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>الموضوع</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>البصمة</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>تعديل</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>حذف</translation>
    </message>
    <message>
        <source>inserted</source>
        <translation>إدراج</translation>
    </message>
    <message>
        <source>reordered</source>
        <translation>إعادة ترتيب</translation>
    </message>
    <message>
        <source>truncated</source>
        <translation>اقتطاع</translation>
    </message>
    <message>
        <source>forged checkpoint</source>
        <translation>نقطة تحقق مزورة</translation>
    </message>
    <message>
        <source>An entry's content no longer matches what was recorded.</source>
        <translation>محتوى قيد لم يعد يطابق ما سُجّل.</translation>
    </message>
    <message>
        <source>Entries are missing from the chain.</source>
        <translation>قيود مفقودة من السلسلة.</translation>
    </message>
    <message>
        <source>The chain holds an entry it never had.</source>
        <translation>تحوي السلسلة قيدًا لم يكن فيها قط.</translation>
    </message>
    <message>
        <source>Entries stand in another order than they were written in.</source>
        <translation>القيود مرتبة بغير الترتيب الذي كُتبت به.</translation>
    </message>
    <message>
        <source>The chain ends before its last signed checkpoint: the tail was cut off.</source>
        <translation>تنتهي السلسلة قبل آخر نقطة تحقق موقعة: اقتُطع ذيلها.</translation>
    </message>
    <message>
        <source>A checkpoint does not carry this device's signature.</source>
        <translation>نقطة تحقق لا تحمل توقيع هذا الجهاز.</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>جارٍ العمل…</translation>
    </message>
    <message>
        <source>Choose where to save the evidence bundle</source>
        <translation>اختر مكان حفظ حزمة الأدلة</translation>
    </message>
    <message>
        <source>Audit chain</source>
        <translation>سلسلة التدقيق</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>تحقق</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Export evidence bundle…</source>
        <translation>تصدير حزمة الأدلة…</translation>
    </message>
    <message>
        <source>Latest entries</source>
        <translation>أحدث القيود</translation>
    </message>
    <message>
        <source>(unreadable entry)</source>
        <translation>(قيد غير مقروء)</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>لا توجد بعد</translation>
    </message>
    <message>
        <source>missing: a cut-off tail could go unnoticed</source>
        <translation>مفقود: قد لا يُكتشف اقتطاع ذيل السلسلة</translation>
    </message>
    <message>
        <source>Verification cancelled; nothing was concluded.</source>
        <translation>أُلغي التحقق؛ لم يُستنتج شيء.</translation>
    </message>
    <message>
        <source>The operation failed; see the message.</source>
        <translation>فشلت العملية؛ راجع الرسالة.</translation>
    </message>
    <message>
        <source>Not verified in this session yet.</source>
        <translation>لم يُتحقق منها في هذه الجلسة بعد.</translation>
    </message>
    <message>
        <source>Entries:</source>
        <translation>القيود:</translation>
    </message>
    <message>
        <source>Last signed checkpoint:</source>
        <translation>آخر نقطة تحقق موقعة:</translation>
    </message>
    <message>
        <source>Signed head file:</source>
        <translation>ملف الرأس الموقع:</translation>
    </message>
    <message>
        <source>Entries since the last checkpoint:</source>
        <translation>القيود منذ آخر نقطة تحقق:</translation>
    </message>
    <message>
        <source>Evidence bundle written to {folder}: {n} entries.</source>
        <translation>كُتبت حزمة الأدلة في {folder}: {n} قيد.</translation>
    </message>
    <message>
        <source>The chain it holds is broken; the bundle documents the break.</source>
        <translation>السلسلة التي تحويها مكسورة؛ الحزمة توثّق الكسر.</translation>
    </message>
    <message>
        <source>Not intact: the {n} entries verify, but {h} head(s) outside the chain and {d} issued document(s) do not.</source>
        <translation>غير سليمة: تتحقق القيود وعددها {n}، لكن لا يتحقق {h} من الرؤوس خارج السلسلة و{d} من المستندات الصادرة.</translation>
    </message>
    <message>
        <source>Intact: {n} entries and {c} signed checkpoints verify.</source>
        <translation>سليمة: تحققت {n} قيد و{c} نقطة تحقق موقعة.</translation>
    </message>
    <message>
        <source>Broken at entry {seq}: {kind}. Entries 1 to {good} verify; everything from entry {seq} on cannot be trusted.</source>
        <translation>مكسورة عند القيد {seq}: {kind}. القيود من 1 إلى {good} سليمة؛ لا يُوثق بشيء من القيد {seq} فما بعده.</translation>
    </message>
    <message>
        <source>entry {seq}, signed {at} ({n} checkpoints)</source>
        <translation>القيد {seq}، وُقّع {at} ({n} نقطة تحقق)</translation>
    </message>
    <message>
        <source>present, signed at entry {seq}</source>
        <translation>موجود، موقّع عند القيد {seq}</translation>
    </message>
    <message>
        <source>Warnings:</source>
        <translation>تحذيرات:</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>This month</source>
        <translation>هذا الشهر</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>الشهر الماضي</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>هذا الربع</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>هذه السنة</translation>
    </message>
    <message>
        <source>No reporting deadline is open.</source>
        <translation>لا يوجد موعد إبلاغ مفتوح.</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>الفترة:</translation>
    </message>
    <message>
        <source>Sales (excluding VAT)</source>
        <translation>المبيعات (دون ضريبة القيمة المضافة)</translation>
    </message>
    <message>
        <source>VAT</source>
        <translation>ضريبة القيمة المضافة</translation>
    </message>
    <message>
        <source>Documents issued</source>
        <translation>المستندات الصادرة</translation>
    </message>
    <message>
        <source>Waiting for ZATCA</source>
        <translation>بانتظار الهيئة</translation>
    </message>
    <message>
        <source>Documents of the period</source>
        <translation>مستندات الفترة</translation>
    </message>
    <message>
        <source>Nearest reporting deadlines</source>
        <translation>أقرب مواعيد الإبلاغ</translation>
    </message>
    <message>
        <source>Audit chain</source>
        <translation>سلسلة التدقيق</translation>
    </message>
    <message>
        <source>Verify the chain in the Audit view.</source>
        <translation>تحقق من السلسلة في شاشة التدقيق.</translation>
    </message>
    <message>
        <source>Drafts:</source>
        <translation>المسودات:</translation>
    </message>
    <message>
        <source>Issued:</source>
        <translation>الصادرة:</translation>
    </message>
    <message>
        <source>of which credit notes:</source>
        <translation>منها إشعارات دائنة:</translation>
    </message>
    <message>
        <source>Waiting to be sent:</source>
        <translation>بانتظار الإرسال:</translation>
    </message>
    <message>
        <source>Being sent:</source>
        <translation>قيد الإرسال:</translation>
    </message>
    <message>
        <source>Cleared or reported:</source>
        <translation>معتمدة أو مُبلَّغ عنها:</translation>
    </message>
    <message>
        <source>Rejected by ZATCA:</source>
        <translation>رفضتها الهيئة:</translation>
    </message>
    <message>
        <source>no signed checkpoint yet</source>
        <translation>لا توجد نقطة تحقق موقعة بعد</translation>
    </message>
    <message>
        <source>the signed head file is missing</source>
        <translation>ملف الرأس الموقع مفقود</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>من {start} إلى {end}</translation>
    </message>
    <message>
        <source>{n} entries</source>
        <translation>{n} قيد</translation>
    </message>
    <message>
        <source>{number} ({kind}): due {deadline}, {left}</source>
        <translation>{number} ({kind}): مستحق {deadline}، {left}</translation>
    </message>
    <message>
        <source>{n} rejected document(s) need a correction (ZATCA queue).</source>
        <translation>{n} مستند مرفوض يحتاج إلى تصحيح (قائمة انتظار الهيئة).</translation>
    </message>
    <message>
        <source>last signed checkpoint at entry {seq}</source>
        <translation>آخر نقطة تحقق موقعة عند القيد {seq}</translation>
    </message>
    <message>
        <source>Outstanding receivables</source>
        <translation>الذمم المدينة القائمة</translation>
    </message>
    <message>
        <source>Receivables by age (days since issue)</source>
        <translation>أعمار الذمم المدينة (أيام منذ الإصدار)</translation>
    </message>
    <message>
        <source>Not yet due:</source>
        <translation>لم تستحق بعد:</translation>
    </message>
    <message>
        <source>1–30 days:</source>
        <translation>1–30 يومًا:</translation>
    </message>
    <message>
        <source>31–60 days:</source>
        <translation>31–60 يومًا:</translation>
    </message>
    <message>
        <source>61–90 days:</source>
        <translation>61–90 يومًا:</translation>
    </message>
    <message>
        <source>Over 90 days:</source>
        <translation>أكثر من 90 يومًا:</translation>
    </message>
    <message>
        <source>{amount} ({n} invoices)</source>
        <translation>{amount} ({n} فاتورة)</translation>
    </message>
</context>
</TS>
