"""English and Arabic texts of the KSA rules on identity, counters, stamp, type code, dates, amounts and prepayments.

Same record format as xml_rule_texts_en.py.
"""

RECORDS = """
BR-KSA-03 E cbc:UUID
The document UUID (KSA-1) is missing or does not start with a letter, digit, dot or dash.
Give the document a UUID, e.g. 8d487816-70b8-4ade-a618-9d620b73814a.
المعرّف الفريد للمستند (KSA-1) مفقود أو لا يبدأ بحرف أو رقم أو نقطة أو شرطة.
أعطِ المستند معرّفًا فريدًا (UUID).

BR-KSA-33 E cac:AdditionalDocumentReference
The invoice counter value (ICV, KSA-16) is missing.
Add an AdditionalDocumentReference with ID ICV and the counter in UUID.
قيمة عداد الفاتورة (ICV، KSA-16) مفقودة.
أضف مرجعًا إضافيًا بالمعرّف ICV وقيمة العداد.

BR-KSA-34 E cac:AdditionalDocumentReference/cbc:UUID
The invoice counter value (KSA-16) must contain digits only.
Use the device's sequential counter, e.g. 23.
قيمة عداد الفاتورة (KSA-16) يجب أن تحتوي على أرقام فقط.
استخدم العداد التسلسلي للجهاز، مثل 23.

BR-KSA-61 W cac:AdditionalDocumentReference
The previous invoice hash (PIH, KSA-13) is missing.
Add the PIH reference with the base64 hash of the previous invoice (mimeCode text/plain).
تجزئة الفاتورة السابقة (PIH، KSA-13) مفقودة.
أضف مرجع PIH مع تجزئة الفاتورة السابقة بترميز base64 \u200f(mimeCode text/plain).

BR-KSA-26 W cbc:EmbeddedDocumentBinaryObject
The previous invoice hash (KSA-13) is empty or not marked mimeCode="text/plain".
Put the base64 SHA-256 hash of the previous invoice there, with mimeCode="text/plain".
تجزئة الفاتورة السابقة (KSA-13) فارغة أو بدون mimeCode="text/plain".
ضع تجزئة SHA-256 للفاتورة السابقة بترميز base64 مع mimeCode="text/plain".

BR-KSA-27 W cac:AdditionalDocumentReference
A simplified document must carry its QR code (KSA-14) as base64 text.
Stamp the document so that Qayd adds the QR code.
المستند المبسط يجب أن يحتوي على رمز الاستجابة السريعة (KSA-14) بترميز base64.
اختم المستند ليضيف قيد رمز الاستجابة السريعة.

BR-CL-KSA-14 E cac:AdditionalDocumentReference
The QR code (KSA-14) is longer than 1000 characters.
Shorten the fields that go into the QR code (e.g. the seller name).
رمز الاستجابة السريعة (KSA-14) أطول من 1000 حرف.
اختصر الحقول الداخلة في الرمز (مثل اسم البائع).

BR-KSA-28 E cbc:EmbeddedDocumentBinaryObject
A simplified document's stamp must have signature information ID urn:oasis:names:specification:ubl:signature:1.
Stamp the document with Qayd so that the signature block is complete.
ختم المستند المبسط يجب أن يتضمن معرّف معلومات التوقيع urn:oasis:names:specification:ubl:signature:1.
اختم المستند بقيد ليكتمل جزء التوقيع.

BR-KSA-29 W /Invoice/cac:Signature/cbc:ID
The stamp's signature ID and referenced signature ID must be urn:oasis:names:specification:ubl:signature:Invoice.
Stamp the document with Qayd so that the signature block is complete.
معرّف التوقيع ومرجعه يجب أن يكونا urn:oasis:names:specification:ubl:signature:Invoice.
اختم المستند بقيد ليكتمل جزء التوقيع.

BR-KSA-30 E /Invoice/cac:Signature/cbc:SignatureMethod
The stamp's signature method must be urn:oasis:names:specification:ubl:dsig:enveloped:xades.
Stamp the document with Qayd so that the signature block is complete.
طريقة التوقيع يجب أن تكون urn:oasis:names:specification:ubl:dsig:enveloped:xades.
اختم المستند بقيد ليكتمل جزء التوقيع.

BR-KSA-60 W /Invoice/cac:Signature
A simplified document must carry the cryptographic stamp (KSA-15).
Stamp the document before sharing or reporting it.
المستند المبسط يجب أن يحمل الختم التشفيري (KSA-15).
اختم المستند قبل مشاركته أو الإبلاغ عنه.

BR-KSA-68 E cbc:TaxCurrencyCode
The tax currency code (BT-6) is missing.
Add TaxCurrencyCode SAR.
رمز عملة الضريبة (BT-6) مفقود.
أضف رمز عملة الضريبة SAR.

BR-KSA-70 E cbc:IssueTime
The issue time (KSA-25) is missing or not hh:mm:ss (local) or hh:mm:ssZ (UTC).
Write the time as e.g. 19:20:30.
وقت الإصدار (KSA-25) مفقود أو ليس بالصيغة hh:mm:ss أو hh:mm:ssZ.
اكتب الوقت بالشكل 19:20:30.

BR-KSA-EN16931-01 E cbc:ProfileID
The business process (BT-23) must be reporting:1.0.
Set ProfileID to reporting:1.0.
نوع العملية (BT-23) يجب أن يكون reporting:1.0.
اجعل ProfileID يساوي reporting:1.0.

BR-KSA-92 E cac:ContractDocumentReference/cbc:ID
A B2G transaction (KSA-2 position 9 = 1) needs the contract ID (BT-12).
Add the government contract number.
معاملة مع جهة حكومية (KSA-2 الخانة 9 = 1) تتطلب رقم العقد (BT-12).
أضف رقم العقد الحكومي.

BR-KSA-CL-06 W cbc:AllowanceChargeReasonCode
The charge reason code (BT-105, BT-145) is not in the UNTDID 7161 list.
Use a UNTDID 7161 code, e.g. FC freight or LF legalisation fee.
رمز سبب الرسوم (BT-105، BT-145) غير موجود في قائمة UNTDID 7161.
استخدم رمزًا من UNTDID 7161، مثل FC للشحن أو LF لرسوم التصديق.

BR-KSA-98 W cbc:IssueDate
A simplified document should be reported within 24 hours of its issue time.
Report it to ZATCA now; late reporting can be penalised.
يجب الإبلاغ عن المستند المبسط خلال 24 ساعة من وقت إصداره.
أبلغ الهيئة عنه الآن؛ قد يترتب على التأخير غرامة.

BR-KSA-04 E -
The issue date (BT-2) is in the future.
Use today's date or an earlier one.
تاريخ الإصدار (BT-2) في المستقبل.
استخدم تاريخ اليوم أو تاريخًا سابقًا.

BR-KSA-05 E -
The invoice type code (BT-3) must be 388, 381, 383 or 386.
Use 388 invoice, 381 credit note, 383 debit note or 386 prepayment.
رمز نوع الفاتورة (BT-3) يجب أن يكون 388 أو 381 أو 383 أو 386.
استخدم 388 فاتورة، 381 إشعار دائن، 383 إشعار مدين، 386 دفعة مقدمة.

BR-KSA-06 E @name
The transaction code (KSA-2, InvoiceTypeCode/@name) is not 01 or 02 followed by 0/1 flags.
Write it as NNPNESB: 0100000 tax invoice, 0200000 simplified invoice.
رمز المعاملة (KSA-2) ليس 01 أو 02 متبوعًا بخانات 0/1.
اكتبه بالشكل NNPNESB: \u200f0100000 فاتورة ضريبية، 0200000 فاتورة مبسطة.

BR-KSA-07 E @name
Self-billing (KSA-2 position 7) is not allowed on an export invoice (position 5).
Clear the self-billing or the export flag.
الفوترة الذاتية (KSA-2 الخانة 7) غير مسموحة في فاتورة التصدير (الخانة 5).
ألغِ علامة الفوترة الذاتية أو التصدير.

BR-KSA-31 E @name
A simplified document cannot be self-billed (KSA-2 position 7 must be 0).
Set position 7 of the transaction code to 0.
المستند المبسط لا يمكن أن يكون فوترة ذاتية (الخانة 7 من KSA-2 يجب أن تكون 0).
اجعل الخانة 7 من رمز المعاملة 0.

BR-KSA-25 W /Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName
A simplified document with VATEX-SA-EDU or VATEX-SA-HEA needs the buyer's name (BT-44).
Enter the buyer's name.
المستند المبسط بسبب الإعفاء VATEX-SA-EDU أو VATEX-SA-HEA يتطلب اسم المشتري (BT-44).
أدخل اسم المشتري.

BR-KSA-71 W /Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName
A simplified summary invoice needs the buyer's name (BT-44).
Enter the buyer's name.
الفاتورة المبسطة الملخصة تتطلب اسم المشتري (BT-44).
أدخل اسم المشتري.

BR-KSA-52 E /Invoice/cac:InvoiceLine/cac:TaxTotal/cbc:TaxAmount
A line of a tax invoice has no VAT amount (KSA-11).
Add each line's TaxTotal/TaxAmount.
أحد بنود الفاتورة الضريبية لا يحتوي على مبلغ الضريبة (KSA-11).
أضف مبلغ الضريبة لكل بند.

BR-KSA-53 E /Invoice/cac:InvoiceLine/cac:TaxTotal/cbc:RoundingAmount
A line of a tax invoice has no amount with VAT (KSA-12).
Add each line's TaxTotal/RoundingAmount: net amount + VAT.
أحد بنود الفاتورة الضريبية لا يحتوي على المبلغ شاملًا الضريبة (KSA-12).
أضف مبلغ كل بند شاملًا الضريبة: الصافي + الضريبة.

BR-KSA-51 W cbc:RoundingAmount
The line amount with VAT (KSA-12) is not line net amount (BT-131) + line VAT (KSA-11).
Recompute RoundingAmount = LineExtensionAmount + TaxAmount.
مبلغ البند شاملًا الضريبة (KSA-12) لا يساوي صافي البند (BT-131) + ضريبة البند (KSA-11).
أعد الحساب: المبلغ شاملًا الضريبة = الصافي + الضريبة.

BR-KSA-17 E cac:PaymentMeans/cbc:InstructionNote
A credit or debit note must state the reason for issuing it (KSA-10).
Add the reason in PaymentMeans/InstructionNote.
الإشعار الدائن أو المدين يجب أن يتضمن سبب إصداره (KSA-10).
أضف السبب في حقل تعليمات الدفع.

BR-KSA-56 W -
A credit or debit note must reference the original invoice (BT-25).
Add a BillingReference with the original invoice's number.
الإشعار الدائن أو المدين يجب أن يشير إلى الفاتورة الأصلية (BT-25).
أضف مرجعًا برقم الفاتورة الأصلية.

BR-KSA-F-01 E -
A date is not a valid date in the format YYYY-MM-DD.
Write the date as e.g. 2024-03-15.
التاريخ غير صالح أو ليس بالصيغة YYYY-MM-DD.
اكتب التاريخ بالشكل 2024-03-15.

BR-KSA-F-02 E -
The allowance/charge indicator must be true or false.
Write true for a charge and false for an allowance.
مؤشر الخصم/الرسوم يجب أن يكون true أو false.
اكتب true للرسوم وfalse للخصم.

BR-KSA-F-04 E -
An amount or quantity is negative.
Enter the amount or quantity as a positive number; use a credit note to reduce an invoice.
أحد المبالغ أو الكميات سالب.
أدخل المبلغ أو الكمية كرقم موجب؛ واستخدم إشعارًا دائنًا لتخفيض الفاتورة.

BR-KSA-F-05 W -
The prepayment issue time (KSA-29) is not hh:mm:ss or hh:mm:ssZ.
Write the time as e.g. 19:20:30.
وقت إصدار الدفعة المقدمة (KSA-29) ليس بالصيغة hh:mm:ss أو hh:mm:ssZ.
اكتب الوقت بالشكل 19:20:30.

BR-KSA-CL-01 E -
The currency code is not an ISO 4217 code.
Use a three-letter ISO 4217 code, e.g. SAR.
رمز العملة ليس رمزًا وفق ISO 4217.
استخدم رمزًا من ثلاثة أحرف وفق ISO 4217، مثل SAR.

BR-KSA-CL-02 E @currencyID
An amount's currencyID is not the invoice currency (BT-5).
Give every amount the invoice currency; only the VAT total in SAR (BT-111) may differ.
عملة أحد المبالغ ليست عملة الفاتورة (BT-5).
استخدم عملة الفاتورة لكل المبالغ؛ يُستثنى إجمالي الضريبة بالريال (BT-111).

BR-KSA-CL-03 E @mimeCode
An attachment's mimeCode is not an accepted type.
Use text/plain, text/csv, application/pdf, image/png, image/jpeg or another listed type.
نوع المرفق (mimeCode) غير مقبول.
استخدم text/plain أو text/csv أو application/pdf أو image/png أو image/jpeg أو نوعًا آخر من القائمة.

BR-KSA-19 W cbc:AllowanceChargeReasonCode
A document-level charge has no reason code (BT-105).
Add a UNTDID 7161 reason code.
رسوم على مستوى المستند بدون رمز السبب (BT-105).
أضف رمز السبب من UNTDID 7161.

BR-KSA-20 W cbc:AllowanceChargeReasonCode
A line charge has no reason code (BT-145).
Add a UNTDID 7161 reason code.
رسوم على مستوى البند بدون رمز السبب (BT-145).
أضف رمز السبب من UNTDID 7161.

BR-KSA-21 W cbc:AllowanceChargeReason
A document-level charge has no reason (BT-104).
Describe what the charge is for.
رسوم على مستوى المستند بدون سبب (BT-104).
اكتب سبب الرسوم.

BR-KSA-22 W cbc:AllowanceChargeReason
A line charge has no reason (BT-144).
Describe what the charge is for.
رسوم على مستوى البند بدون سبب (BT-144).
اكتب سبب الرسوم.

BR-KSA-EN16931-02 E -
The tax currency code (BT-6) must be SAR.
Set TaxCurrencyCode to SAR.
رمز عملة الضريبة (BT-6) يجب أن يكون SAR.
اجعل رمز عملة الضريبة SAR.

BR-KSA-EN16931-03 W cbc:Amount
The allowance or charge amount is not base amount x percentage / 100.
Recompute the amount from BaseAmount and MultiplierFactorNumeric.
مبلغ الخصم أو الرسوم لا يساوي المبلغ الأساسي × النسبة / 100.
أعد حساب المبلغ من المبلغ الأساسي والنسبة.

BR-KSA-EN16931-04 W -
An allowance or charge percentage is given without its base amount.
Add the BaseAmount the percentage applies to.
نسبة الخصم أو الرسوم موجودة دون المبلغ الأساسي.
أضف المبلغ الأساسي الذي تنطبق عليه النسبة.

BR-KSA-EN16931-05 W -
An allowance or charge base amount is given without its percentage.
Add the MultiplierFactorNumeric (percentage).
المبلغ الأساسي للخصم أو الرسوم موجود دون النسبة.
أضف النسبة المئوية.

BR-KSA-EN16931-06 E cbc:ChargeIndicator
A charge on the item price (BG-29) is not allowed.
Set ChargeIndicator to false (price discounts only) or move the charge to the line.
الرسوم على سعر الصنف (BG-29) غير مسموحة.
اجعل ChargeIndicator يساوي false أو انقل الرسوم إلى البند.

BR-KSA-EN16931-07 E -
The item net price (BT-146) is not gross price (BT-148) minus price discount (BT-147).
Set PriceAmount = BaseAmount - Amount of the price discount.
السعر الصافي للصنف (BT-146) لا يساوي السعر الإجمالي (BT-148) ناقص الخصم (BT-147).
اجعل السعر الصافي = السعر الإجمالي - مبلغ الخصم.

BR-KSA-EN16931-08 W cac:TaxTotal
There must be exactly one tax total (BG-22) with a VAT breakdown.
Keep a single TaxTotal with TaxSubtotals.
يجب أن يوجد إجمالي ضريبة واحد فقط (BG-22) يحتوي على التفاصيل.
أبقِ إجماليًا ضريبيًا واحدًا يحتوي على التفاصيل.

BR-KSA-EN16931-09 W ../cac:TaxTotal
There must be exactly one tax total without breakdown: the VAT in SAR (BT-111).
Keep a single TaxTotal without TaxSubtotal whose TaxAmount is in SAR.
يجب أن يوجد إجمالي ضريبة واحد بدون تفاصيل: الضريبة بالريال (BT-111).
أبقِ إجماليًا ضريبيًا واحدًا بدون تفاصيل يكون مبلغه بالريال.

BR-KSA-EN16931-11 W cbc:LineExtensionAmount
The line net amount (BT-131) is not quantity x price / base quantity + charges - allowances.
Recompute the line's LineExtensionAmount.
صافي مبلغ البند (BT-131) لا يساوي الكمية × السعر / كمية الأساس + الرسوم - الخصومات.
أعد حساب صافي مبلغ البند.

BR-KSA-EN16931-12 E -
The price base quantity (BT-149) must be a number above zero.
Use 1 unless the price is per several units.
كمية أساس السعر (BT-149) يجب أن تكون رقمًا أكبر من الصفر.
استخدم 1 ما لم يكن السعر لعدة وحدات.

BR-KSA-97 W cac:TaxTotal/cbc:TaxAmount
In a foreign-currency invoice the VAT total (BT-110) equals the VAT total in SAR (BT-111).
Convert the VAT to SAR with the exchange rate.
في فاتورة بعملة أجنبية يتساوى إجمالي الضريبة (BT-110) مع إجماليها بالريال (BT-111).
حوّل الضريبة إلى الريال بسعر الصرف.

BR-KSA-87 W -
The tax exchange rate (KSA-36) lacks its source currency, target currency or rate.
Fill in SourceCurrencyCode, TargetCurrencyCode and CalculationRate.
سعر صرف الضريبة (KSA-36) ينقصه رمز العملة المصدر أو الهدف أو السعر.
أكمل العملة المصدر والعملة الهدف وسعر الصرف.

BR-KSA-88 E cbc:SourceCurrencyCode
The exchange rate's source currency (KSA-37) is not the invoice currency (BT-5).
Use the invoice currency as SourceCurrencyCode.
العملة المصدر لسعر الصرف (KSA-37) ليست عملة الفاتورة (BT-5).
استخدم عملة الفاتورة كعملة مصدر.

BR-KSA-89 E cbc:TargetCurrencyCode
The exchange rate's target currency (KSA-38) is not the tax currency (BT-6).
Use SAR as TargetCurrencyCode.
العملة الهدف لسعر الصرف (KSA-38) ليست عملة الضريبة (BT-6).
استخدم SAR كعملة هدف.

BR-KSA-90 E cbc:CalculationRate
The tax exchange rate (KSA-39) has more than 14 digits.
Shorten the rate to at most 14 characters.
سعر صرف الضريبة (KSA-39) يحتوي على أكثر من 14 رقمًا.
اختصر السعر إلى 14 خانة كحد أقصى.

BR-KSA-73 W -
A prepayment line must give the prepayment invoice's ID, issue date, issue time and type code 386.
Complete the line's DocumentReference.
بند الدفعة المقدمة يجب أن يتضمن رقم فاتورة الدفعة وتاريخها ووقتها ورمز النوع 386.
أكمل المرجع في بند الدفعة المقدمة.

BR-KSA-74 E cbc:DocumentTypeCode
A prepayment line's document type code (KSA-30) must be 386.
Set DocumentTypeCode to 386.
رمز نوع مستند الدفعة المقدمة (KSA-30) يجب أن يكون 386.
اجعل رمز النوع 386.

BR-KSA-75 W -
A prepayment line needs its prepaid taxable amount, VAT amount, VAT category and rate.
Add the line's TaxTotal/TaxSubtotal for the prepayment.
بند الدفعة المقدمة يتطلب المبلغ الخاضع ومبلغ الضريبة والفئة والنسبة للدفعة.
أضف تفصيل الضريبة للدفعة المقدمة في البند.

BR-KSA-76 W cac:TaxCategory/cbc:Percent
A zero-rated prepayment (Z) must have a VAT rate of 0 (KSA-34).
Set the prepayment's VAT rate to 0.
الدفعة المقدمة بنسبة الصفر (Z) يجب أن تكون نسبتها 0 (KSA-34).
اجعل نسبة ضريبة الدفعة 0.

BR-KSA-77 W cac:TaxCategory/cbc:Percent
An exempt prepayment (E) must have a VAT rate of 0 (KSA-34).
Set the prepayment's VAT rate to 0.
الدفعة المقدمة المعفاة (E) يجب أن تكون نسبتها 0 (KSA-34).
اجعل نسبة ضريبة الدفعة 0.

BR-KSA-78 W cac:TaxCategory/cbc:Percent
A prepayment not subject to VAT (O) must have a VAT rate of 0 (KSA-34).
Set the prepayment's VAT rate to 0.
الدفعة المقدمة غير الخاضعة (O) يجب أن تكون نسبتها 0 (KSA-34).
اجعل نسبة ضريبة الدفعة 0.

BR-KSA-79 W cbc:TaxAmount
The prepayment VAT (KSA-32) is not its taxable amount (KSA-31) x rate (KSA-34) / 100.
Recompute the prepayment VAT.
ضريبة الدفعة المقدمة (KSA-32) لا تساوي مبلغها الخاضع (KSA-31) × النسبة (KSA-34) / 100.
أعد حساب ضريبة الدفعة المقدمة.

BR-KSA-80 W cac:LegalMonetaryTotal/cbc:PrepaidAmount
The prepaid amount (BT-113) is not the prepayment lines' taxable amounts plus their VAT.
Set PrepaidAmount to the sum of the prepayment lines' TaxableAmount and TaxAmount.
المبلغ المدفوع مقدمًا (BT-113) لا يساوي مجموع المبالغ الخاضعة وضريبتها في بنود الدفعات.
اجعل المبلغ المدفوع مقدمًا مساويًا لمجموع المبالغ الخاضعة والضريبة في بنود الدفعات.

BR-KSA-82 E -
A prepayment line's own amounts (price, net amount, VAT, amount with VAT) must all be 0.
Set the prepayment line's amounts to 0.00.
مبالغ بند الدفعة المقدمة (السعر والصافي والضريبة والمبلغ شاملًا الضريبة) يجب أن تكون 0.
اجعل مبالغ بند الدفعة المقدمة 0.00.
"""
