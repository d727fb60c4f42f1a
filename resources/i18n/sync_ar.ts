<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
  <context>
    <name>Sync</name>
    <message>
      <source>Synced with the central database automatically.</source>
      <translation>تتم المزامنة مع قاعدة البيانات المركزية تلقائيًا.</translation>
    </message>
    <message>
      <source>Not connected</source>
      <translation>غير متصل</translation>
    </message>
    <message>
      <source>Syncing…</source>
      <translation>جارٍ المزامنة…</translation>
    </message>
    <message>
      <source>This install works on its own. Connect it to the company's central database in Settings.</source>
      <translation>يعمل هذا التثبيت منفردًا. اربطه بقاعدة بيانات المنشأة المركزية من الإعدادات.</translation>
    </message>
    <message>
      <source>No one else online</source>
      <translation>لا أحد غيرك متصل</translation>
    </message>
    <message>
      <source>Never synced</source>
      <translation>لم تتم المزامنة بعد</translation>
    </message>
    <message>
      <source>Online: {names}</source>
      <translation>متصل الآن: {names}</translation>
    </message>
    <message>
      <source>Offline — {n} changes waiting</source>
      <translation>غير متصل — {n} تغييرات بانتظار الإرسال</translation>
    </message>
    <message>
      <source>{n} pending</source>
      <translation>{n} بانتظار الإرسال</translation>
    </message>
    <message>
      <source>{n} conflicts</source>
      <translation>{n} تعارضات</translation>
    </message>
    <message>
      <source>The central database cannot be reached; work goes on here and is sent when it can be. Next attempt in {s} s.</source>
      <translation>تعذّر الوصول إلى قاعدة البيانات المركزية؛ يستمر العمل هنا ويُرسل عند الإمكان. المحاولة التالية بعد {s} ث.</translation>
    </message>
    <message>
      <source>Last sync {time}</source>
      <translation>آخر مزامنة {time}</translation>
    </message>
    <message>
      <source>, </source>
      <translation>، </translation>
    </message>
    <message>
      <source>Also open by {names}</source>
      <translation>مفتوح أيضًا لدى {names}</translation>
    </message>
    <message>
      <source>(empty)</source>
      <translation>(فارغ)</translation>
    </message>
    <message>
      <source>Notifications</source>
      <translation>الإشعارات</translation>
    </message>
    <message>
      <source>Central database</source>
      <translation>قاعدة البيانات المركزية</translation>
    </message>
    <message>
      <source>Sync now</source>
      <translation>زامن الآن</translation>
    </message>
    <message>
      <source>Online now</source>
      <translation>المتصلون الآن</translation>
    </message>
    <message>
      <source>Mark all as read</source>
      <translation>تعليم الكل كمقروء</translation>
    </message>
    <message>
      <source>No conflicts: every change here and on other installs fits together.</source>
      <translation>لا تعارضات: كل التغييرات هنا وعلى الأجهزة الأخرى متوافقة.</translation>
    </message>
    <message>
      <source>Keep all from this install</source>
      <translation>احتفظ بالكل من هذا الجهاز</translation>
    </message>
    <message>
      <source>Keep all from the other install</source>
      <translation>احتفظ بالكل من الجهاز الآخر</translation>
    </message>
    <message>
      <source>Resolve</source>
      <translation>حلّ التعارض</translation>
    </message>
    <message>
      <source>Customer</source>
      <translation>العميل</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>المنتج</translation>
    </message>
    <message>
      <source>Invoice</source>
      <translation>الفاتورة</translation>
    </message>
    <message>
      <source>Invoice line</source>
      <translation>بند الفاتورة</translation>
    </message>
    <message>
      <source>Allowance or charge</source>
      <translation>خصم أو رسم</translation>
    </message>
    <message>
      <source>Issued document</source>
      <translation>مستند مُصدَر</translation>
    </message>
    <message>
      <source>ZATCA submission</source>
      <translation>إرسال إلى هيئة الزكاة</translation>
    </message>
    <message>
      <source>EGS unit</source>
      <translation>وحدة الفوترة (EGS)</translation>
    </message>
    <message>
      <source>Privacy request</source>
      <translation>طلب خصوصية</translation>
    </message>
    <message>
      <source>Device</source>
      <translation>الجهاز</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>الاسم</translation>
    </message>
    <message>
      <source>Name (Arabic)</source>
      <translation>الاسم (بالعربية)</translation>
    </message>
    <message>
      <source>Phone</source>
      <translation>الهاتف</translation>
    </message>
    <message>
      <source>Email</source>
      <translation>البريد الإلكتروني</translation>
    </message>
    <message>
      <source>VAT number</source>
      <translation>الرقم الضريبي</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>العنوان</translation>
    </message>
    <message>
      <source>Identification type</source>
      <translation>نوع الهوية</translation>
    </message>
    <message>
      <source>Identification number</source>
      <translation>رقم الهوية</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>النوع</translation>
    </message>
    <message>
      <source>Item code</source>
      <translation>رمز الصنف</translation>
    </message>
    <message>
      <source>Unit price</source>
      <translation>سعر الوحدة</translation>
    </message>
    <message>
      <source>Unit</source>
      <translation>الوحدة</translation>
    </message>
    <message>
      <source>VAT category</source>
      <translation>فئة الضريبة</translation>
    </message>
    <message>
      <source>VAT rate</source>
      <translation>نسبة الضريبة</translation>
    </message>
    <message>
      <source>Number</source>
      <translation>الرقم</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>الحالة</translation>
    </message>
    <message>
      <source>Note</source>
      <translation>ملاحظة</translation>
    </message>
    <message>
      <source>Issued on</source>
      <translation>تاريخ الإصدار</translation>
    </message>
    <message>
      <source>Payment means</source>
      <translation>وسيلة الدفع</translation>
    </message>
    <message>
      <source>Deleted on</source>
      <translation>تاريخ الحذف</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>ملاحظات</translation>
    </message>
    <message>
      <source>has an invoice open</source>
      <translation>يفتح فاتورة</translation>
    </message>
    <message>
      <source>This install is not connected to a central database. Connect it in Settings, under Central database.</source>
      <translation>هذا التثبيت غير مرتبط بقاعدة بيانات مركزية. اربطه من الإعدادات، في قسم قاعدة البيانات المركزية.</translation>
    </message>
    <message>
      <source>Syncs every 30 seconds, shortly after each change here, and at once when another install changes something.</source>
      <translation>تتم المزامنة كل 30 ثانية، وبعد كل تغيير هنا بقليل، وفورًا عندما يغيّر جهاز آخر شيئًا.</translation>
    </message>
    <message>
      <source>No one else is online.</source>
      <translation>لا أحد غيرك متصل.</translation>
    </message>
    <message>
      <source>Conflicts</source>
      <translation>التعارضات</translation>
    </message>
    <message>
      <source>Field</source>
      <translation>الحقل</translation>
    </message>
    <message>
      <source>Keep this install's value</source>
      <translation>احتفظ بقيمة هذا الجهاز</translation>
    </message>
    <message>
      <source>Keep the other install's value</source>
      <translation>احتفظ بقيمة الجهاز الآخر</translation>
    </message>
    <message>
      <source>Notifications ({n} unread)</source>
      <translation>الإشعارات ({n} غير مقروءة)</translation>
    </message>
    <message>
      <source>Conflicts ({n})</source>
      <translation>التعارضات ({n})</translation>
    </message>
    <message>
      <source>This install could not take the other install's version ({detail}). Choose what to keep for each field.</source>
      <translation>تعذّر على هذا الجهاز قبول نسخة الجهاز الآخر ({detail}). اختر ما يُحفظ لكل حقل.</translation>
    </message>
    <message>
      <source>{what}: changed here and on another install. Choose, field by field, which value to keep.</source>
      <translation>{what}: عُدّل هنا وعلى جهاز آخر. اختر لكل حقل القيمة التي تُحفظ.</translation>
    </message>
    <message>
      <source>Last attempt failed: {error}</source>
      <translation>فشلت المحاولة الأخيرة: {error}</translation>
    </message>
  </context>
  <context>
    <name>Notifications</name>
    <message>
      <source>{who}, {when}</source>
      <translation>{who}، {when}</translation>
    </message>
    <message>
      <source>Notifications</source>
      <translation>الإشعارات</translation>
    </message>
    <message>
      <source>No notifications yet.</source>
      <translation>لا توجد إشعارات بعد.</translation>
    </message>
    <message>
      <source>Notifications: {n} unread</source>
      <translation>الإشعارات: {n} غير مقروءة</translation>
    </message>
  </context>
  <context>
    <name>CentralPanel</name>
    <message>
      <source>This device draws invoice numbers from the company's main series.</source>
      <translation>يأخذ هذا الجهاز أرقام الفواتير من السلسلة الرئيسية للمنشأة.</translation>
    </message>
    <message>
      <source>This device's invoice number series: {series} (INV-YYYY-{series}-0001)</source>
      <translation>سلسلة ترقيم الفواتير لهذا الجهاز: {series} (INV-YYYY-{series}-0001)</translation>
    </message>
    <message>
      <source>Saved. This install now syncs with the central database.</source>
      <translation>حُفظ. يزامن هذا الجهاز الآن مع قاعدة البيانات المركزية.</translation>
    </message>
    <message>
      <source>Connecting…</source>
      <translation>جارٍ الاتصال…</translation>
    </message>
    <message>
      <source>Sync started.</source>
      <translation>بدأت المزامنة.</translation>
    </message>
    <message>
      <source>Central database</source>
      <translation>قاعدة البيانات المركزية</translation>
    </message>
    <message>
      <source>Connect this install to the company's central PostgreSQL database to share invoices, customers and products with the other installs. Work goes on offline and is sent when the database can be reached.</source>
      <translation>اربط هذا التثبيت بقاعدة بيانات PostgreSQL المركزية للمنشأة لمشاركة الفواتير والعملاء والمنتجات مع الأجهزة الأخرى. يستمر العمل دون اتصال ويُرسل عند الوصول إلى القاعدة.</translation>
    </message>
    <message>
      <source>Kept encrypted in this install's secret store</source>
      <translation>تُحفظ مشفّرة في مخزن أسرار هذا الجهاز</translation>
    </message>
    <message>
      <source>Save</source>
      <translation>حفظ</translation>
    </message>
    <message>
      <source>Test connection</source>
      <translation>اختبار الاتصال</translation>
    </message>
    <message>
      <source>Sync now</source>
      <translation>زامن الآن</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>العنوان</translation>
    </message>
    <message>
      <source>Your login</source>
      <translation>اسم الدخول</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>كلمة المرور</translation>
    </message>
    <message>
      <source>Connected as {user} over TLS (PostgreSQL {version}); this device is registered.</source>
      <translation>متصل باسم {user} عبر TLS (PostgreSQL {version})؛ هذا الجهاز مسجّل.</translation>
    </message>
    <message>
      <source>Connected as {user} WITHOUT TLS (PostgreSQL {version}); this device is registered.</source>
      <translation>متصل باسم {user} دون TLS (PostgreSQL {version})؛ هذا الجهاز مسجّل.</translation>
    </message>
    <message>
      <source>Not connected: {message}</source>
      <translation>غير متصل: {message}</translation>
    </message>
  </context>
  <context>
    <name>FirstRunJoin</name>
    <message>
      <source>Join my company's central database</source>
      <translation>الانضمام إلى قاعدة البيانات المركزية لمنشأتي</translation>
    </message>
    <message>
      <source>The company, its customers, products and documents come from central; nobody types them again.</source>
      <translation>تأتي المنشأة وعملاؤها ومنتجاتها ومستنداتها من القاعدة المركزية؛ لا يعيد أحد كتابتها.</translation>
    </message>
    <message>
      <source>Ask whoever set up the central database for its address and your own login. This desk keeps its own keys and draws invoice numbers from its own series.</source>
      <translation>اطلب عنوان قاعدة البيانات المركزية واسم دخولك الخاص ممن أعدّها. يحتفظ هذا الجهاز بمفاتيحه الخاصة ويأخذ أرقام الفواتير من سلسلته الخاصة.</translation>
    </message>
    <message>
      <source>Derived from this device when left empty</source>
      <translation>تُشتق من هذا الجهاز إن تُركت فارغة</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>العنوان</translation>
    </message>
    <message>
      <source>Your login</source>
      <translation>اسم الدخول الخاص بك</translation>
    </message>
    <message>
      <source>Password</source>
      <translation>كلمة المرور</translation>
    </message>
    <message>
      <source>Number series (optional)</source>
      <translation>سلسلة الترقيم (اختياري)</translation>
    </message>
    <message>
      <source>Connecting to the central database…</source>
      <translation>جارٍ الاتصال بقاعدة البيانات المركزية…</translation>
    </message>
    <message>
      <source>Joined {name}: {customers} customers, {products} products, {documents} issued documents. This desk's invoice number series: {series}.</source>
      <translation>تم الانضمام إلى {name}: {customers} عميلًا، {products} منتجًا، {documents} مستندًا مُصدرًا. سلسلة ترقيم الفواتير لهذا الجهاز: {series}.</translation>
    </message>
  </context>
</TS>
