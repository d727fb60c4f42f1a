<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Navigation</name>
    <message>
      <source>Dashboard</source>
      <translation>لوحة المعلومات</translation>
    </message>
    <message>
      <source>Invoices</source>
      <translation>الفواتير</translation>
    </message>
    <message>
      <source>Customers</source>
      <translation>العملاء</translation>
    </message>
    <message>
      <source>Products</source>
      <translation>المنتجات</translation>
    </message>
    <message>
      <source>ZATCA queue</source>
      <translation>طابور هيئة الزكاة</translation>
    </message>
    <message>
      <source>Audit</source>
      <translation>التدقيق</translation>
    </message>
    <message>
      <source>Privacy</source>
      <translation>الخصوصية</translation>
    </message>
    <message>
      <source>Reports</source>
      <translation>التقارير</translation>
    </message>
    <message>
      <source>Sync</source>
      <translation>المزامنة</translation>
    </message>
    <message>
      <source>Settings</source>
      <translation>الإعدادات</translation>
    </message>
  </context>
  <context>
    <name>Errors</name>
    <message>
      <source>Qayd</source>
      <translation>قيد</translation>
    </message>
    <message>
      <source>Qayd cannot start</source>
      <translation>تعذّر تشغيل قيد</translation>
    </message>
    <message>
      <source>Something went wrong inside Qayd; nothing was changed.</source>
      <translation>حدث خطأ داخلي في قيد، ولم يتغير شيء.</translation>
    </message>
    <message>
      <source>Try again. If it happens again, send the log file to support.</source>
      <translation>حاول مرة أخرى. إن تكرر الخطأ فأرسل ملف السجل إلى الدعم الفني.</translation>
    </message>
  </context>
  <context>
    <name>Jobs</name>
    <message>
      <source>Cancelled</source>
      <translation>تم الإلغاء</translation>
    </message>
  </context>
  <context>
    <name>Shell</name>
    <message>
      <source>Qayd</source>
      <translation>قيد</translation>
    </message>
    <message>
      <source>About Qayd</source>
      <translation>عن قيد</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>&amp;ملف</translation>
    </message>
    <message>
      <source>&amp;New invoice</source>
      <translation>فاتورة &amp;جديدة</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>&amp;خروج</translation>
    </message>
    <message>
      <source>&amp;Go</source>
      <translation>ا&amp;نتقال</translation>
    </message>
    <message>
      <source>&amp;Language</source>
      <translation>اللغ&amp;ة</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>&amp;مساعدة</translation>
    </message>
    <message>
      <source>&amp;About Qayd</source>
      <translation>&amp;عن قيد</translation>
    </message>
    <message>
      <source>Status unavailable</source>
      <translation>الحالة غير متاحة</translation>
    </message>
    <message>
      <source>No EGS unit</source>
      <translation>لا توجد وحدة فوترة</translation>
    </message>
    <message>
      <source>ZATCA queue: nothing waiting</source>
      <translation>طابور الهيئة: لا شيء بانتظار الإرسال</translation>
    </message>
    <message>
      <source>Qayd {version}: ZATCA e-invoicing and a tamper-evident audit trail.</source>
      <translation>قيد {version}: الفوترة الإلكترونية لهيئة الزكاة والضريبة والجمارك وسجل تدقيق يكشف أي تلاعب.</translation>
    </message>
    <message>
      <source>Company: {name}</source>
      <translation>المنشأة: {name}</translation>
    </message>
    <message>
      <source>Qayd — {company}</source>
      <translation>قيد — {company}</translation>
    </message>
    <message>
      <source>Switch the language to {language}</source>
      <translation>تبديل اللغة إلى {language}</translation>
    </message>
    <message>
      <source>EGS unit: {name} ({environment})</source>
      <translation>وحدة الفوترة: {name} ({environment})</translation>
    </message>
    <message>
      <source>ZATCA queue: {pending} pending, {rejected} rejected</source>
      <translation>طابور الهيئة: {pending} بانتظار الإرسال، {rejected} مرفوضة</translation>
    </message>
    <message>
      <source>Audit chain: {entries} entries, checkpoint #{seq}</source>
      <translation>سلسلة التدقيق: {entries} قيداً، نقطة التحقق رقم {seq}</translation>
    </message>
    <message>
      <source>Last signed checkpoint: {date}. Verify the whole chain in the Audit view.</source>
      <translation>آخر نقطة تحقق موقّعة: {date}. تحقّق من السلسلة كاملة في صفحة التدقيق.</translation>
    </message>
    <message>
      <source>Audit chain: {entries} entries, no checkpoint yet</source>
      <translation>سلسلة التدقيق: {entries} قيداً، لا توجد نقطة تحقق بعد</translation>
    </message>
  </context>
  <context>
    <name>CompanyForm</name>
    <message>
      <source>Legal name (Arabic)</source>
      <translation>الاسم النظامي (بالعربية)</translation>
    </message>
    <message>
      <source>Legal name (English)</source>
      <translation>الاسم النظامي (بالإنجليزية)</translation>
    </message>
    <message>
      <source>VAT number</source>
      <translation>الرقم الضريبي</translation>
    </message>
    <message>
      <source>Seller identification</source>
      <translation>معرّف البائع</translation>
    </message>
    <message>
      <source>Identification number</source>
      <translation>رقم المعرّف</translation>
    </message>
    <message>
      <source>letters and digits</source>
      <translation>حروف وأرقام</translation>
    </message>
    <message>
      <source>Commercial registration (CRN)</source>
      <translation>السجل التجاري (CRN)</translation>
    </message>
    <message>
      <source>MOMRAH licence (MOM)</source>
      <translation>ترخيص وزارة الشؤون البلدية والقروية والإسكان (MOM)</translation>
    </message>
    <message>
      <source>MHRSD licence (MLS)</source>
      <translation>ترخيص وزارة الموارد البشرية والتنمية الاجتماعية (MLS)</translation>
    </message>
    <message>
      <source>700 number (700)</source>
      <translation>الرقم الموحد 700 (700)</translation>
    </message>
    <message>
      <source>MISA licence (SAG)</source>
      <translation>ترخيص وزارة الاستثمار (SAG)</translation>
    </message>
    <message>
      <source>Other ID (OTH)</source>
      <translation>معرّف آخر (OTH)</translation>
    </message>
    <message>
      <source>10 digits starting with 7</source>
      <translation>10 أرقام تبدأ بالرقم 7</translation>
    </message>
    <message>
      <source>Street</source>
      <translation>الشارع</translation>
    </message>
    <message>
      <source>Building number</source>
      <translation>رقم المبنى</translation>
    </message>
    <message>
      <source>Additional number</source>
      <translation>الرقم الإضافي</translation>
    </message>
    <message>
      <source>District</source>
      <translation>الحي</translation>
    </message>
    <message>
      <source>City</source>
      <translation>المدينة</translation>
    </message>
    <message>
      <source>Postal code</source>
      <translation>الرمز البريدي</translation>
    </message>
    <message>
      <source>15 digits, starting and ending with 3</source>
      <translation>15 رقماً تبدأ وتنتهي بالرقم 3</translation>
    </message>
    <message>
      <source>10 digits</source>
      <translation>10 أرقام</translation>
    </message>
    <message>
      <source>4 digits</source>
      <translation>4 أرقام</translation>
    </message>
    <message>
      <source>4 digits (optional)</source>
      <translation>4 أرقام (اختياري)</translation>
    </message>
    <message>
      <source>5 digits</source>
      <translation>5 أرقام</translation>
    </message>
    <message>
      <source>Fix: {fix}</source>
      <translation>الحل: {fix}</translation>
    </message>
  </context>
  <context>
    <name>FirstRun</name>
    <message>
      <source>Welcome to Qayd</source>
      <translation>مرحباً بك في قيد</translation>
    </message>
    <message>
      <source>There is no company here yet. Create yours, or look around in the demo.</source>
      <translation>لا توجد منشأة هنا بعد. أنشئ منشأتك، أو تعرّف على البرنامج من خلال المنشأة التجريبية.</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>اللغة</translation>
    </message>
    <message>
      <source>Create my company</source>
      <translation>إنشاء منشأتي</translation>
    </message>
    <message>
      <source>Open the demo company</source>
      <translation>فتح المنشأة التجريبية</translation>
    </message>
    <message>
      <source>Your company</source>
      <translation>منشأتك</translation>
    </message>
    <message>
      <source>As registered with ZATCA: every field is checked as you type.</source>
      <translation>كما هي مسجلة لدى هيئة الزكاة: يُفحص كل حقل أثناء الكتابة.</translation>
    </message>
    <message>
      <source>Starting…</source>
      <translation>جارٍ البدء…</translation>
    </message>
    <message>
      <source>Ready. Choose Finish to open the company.</source>
      <translation>اكتمل. اختر «إنهاء» لفتح المنشأة.</translation>
    </message>
    <message>
      <source>Creating the company</source>
      <translation>إنشاء المنشأة</translation>
    </message>
    <message>
      <source>This takes a few seconds.</source>
      <translation>يستغرق ذلك بضع ثوانٍ.</translation>
    </message>
    <message>
      <source>Creating the encrypted store…</source>
      <translation>جارٍ إنشاء المخزن المشفّر…</translation>
    </message>
    <message>
      <source>Adding customers, products and drafts…</source>
      <translation>جارٍ إضافة العملاء والمنتجات والمسودات…</translation>
    </message>
    <message>
      <source>Issuing the first documents with the demo EGS unit…</source>
      <translation>جارٍ إصدار المستندات الأولى بوحدة الفوترة التجريبية…</translation>
    </message>
    <message>
      <source>Saving the company profile…</source>
      <translation>جارٍ حفظ ملف المنشأة…</translation>
    </message>
    <message>
      <source>Qayd — first run</source>
      <translation>قيد — التشغيل الأول</translation>
    </message>
    <message>
      <source>Company: {name}</source>
      <translation>المنشأة: {name}</translation>
    </message>
    <message>
      <source>The demo company comes with customers, products, {drafts} drafts and a demo EGS unit that signs offline and never submits to ZATCA.</source>
      <translation>تأتي المنشأة التجريبية مع عملاء ومنتجات و{drafts} مسودة ووحدة فوترة تجريبية توقّع دون اتصال ولا ترسل شيئاً إلى الهيئة.</translation>
    </message>
  </context>
  <context>
    <name>Settings</name>
    <message>
      <source>Company profile saved.</source>
      <translation>حُفظ ملف المنشأة.</translation>
    </message>
    <message>
      <source>Language</source>
      <translation>اللغة</translation>
    </message>
    <message>
      <source>Language of the application</source>
      <translation>لغة البرنامج</translation>
    </message>
    <message>
      <source>Applies at once. To start in this language every time, set language in config.toml or QAYD_LANGUAGE.</source>
      <translation>يُطبَّق فوراً. ليبدأ البرنامج بهذه اللغة دائماً، اضبط language في config.toml أو QAYD_LANGUAGE.</translation>
    </message>
    <message>
      <source>Company profile</source>
      <translation>ملف المنشأة</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>حفظ</translation>
    </message>
    <message>
      <source>Revert</source>
      <translation>تراجع</translation>
    </message>
    <message>
      <source>EGS units (read-only)</source>
      <translation>وحدات الفوترة (للعرض فقط)</translation>
    </message>
    <message>
      <source>No EGS unit yet. Onboard one with `qayd zatca onboard`.</source>
      <translation>لا توجد وحدة فوترة بعد. سجّل وحدة بالأمر ‎`qayd zatca onboard`‎.</translation>
    </message>
    <message>
      <source>This installation</source>
      <translation>هذا التثبيت</translation>
    </message>
    <message>
      <source>Sandbox</source>
      <translation>بيئة التجربة</translation>
    </message>
    <message>
      <source>Simulation</source>
      <translation>بيئة المحاكاة</translation>
    </message>
    <message>
      <source>Production</source>
      <translation>بيئة الإنتاج</translation>
    </message>
    <message>
      <source>Demo (offline)</source>
      <translation>تجريبية (دون اتصال)</translation>
    </message>
    <message>
      <source>Active</source>
      <translation>فعّالة</translation>
    </message>
    <message>
      <source>Demo</source>
      <translation>تجريبية</translation>
    </message>
    <message>
      <source>Retired</source>
      <translation>موقوفة</translation>
    </message>
    <message>
      <source>Being onboarded</source>
      <translation>قيد التسجيل</translation>
    </message>
    <message>
      <source>Compliance checks</source>
      <translation>فحوص الامتثال</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>الاسم</translation>
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
      <source>Invoice counter</source>
      <translation>عداد الفواتير</translation>
    </message>
    <message>
      <source>Certificate expires</source>
      <translation>انتهاء الشهادة</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>ملاحظات</translation>
    </message>
    <message>
      <source>Company</source>
      <translation>المنشأة</translation>
    </message>
    <message>
      <source>Data folder</source>
      <translation>مجلد البيانات</translation>
    </message>
    <message>
      <source>Config file</source>
      <translation>ملف الإعدادات</translation>
    </message>
  </context>
</TS>
