"""English and Arabic texts of the EN 16931 rules on the document, its parties, lines and totals.

Each record: `rule flag field`, then the message, the fix, the Arabic message and the Arabic fix, one per line.
The flag is the official one (E = error, W = warning); the field is relative to the node the rule's context matched.
"""

RECORDS = """
BR-02 W cbc:ID
The invoice number (BT-1) is missing.
Give the document its sequential invoice number.
رقم الفاتورة (BT-1) مفقود.
أدخل الرقم التسلسلي للفاتورة.

BR-03 E cbc:IssueDate
The issue date (BT-2) is missing.
Add the issue date as YYYY-MM-DD.
تاريخ إصدار الفاتورة (BT-2) مفقود.
أضف تاريخ الإصدار بالصيغة YYYY-MM-DD.

BR-04 E cbc:InvoiceTypeCode
The invoice type code (BT-3) is missing.
Add the type code: 388 invoice, 381 credit note, 383 debit note, 386 prepayment.
رمز نوع الفاتورة (BT-3) مفقود.
أضف رمز النوع: 388 فاتورة، 381 إشعار دائن، 383 إشعار مدين، 386 دفعة مقدمة.

BR-05 E cbc:DocumentCurrencyCode
The invoice currency code (BT-5) is missing.
Add the ISO 4217 currency code of the invoice, e.g. SAR.
رمز عملة الفاتورة (BT-5) مفقود.
أضف رمز عملة الفاتورة وفق ISO 4217، مثل SAR.

BR-06 W cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName
The seller name (BT-27) is missing.
Enter the seller's registered name.
اسم البائع (BT-27) مفقود.
أدخل الاسم المسجل للبائع.

BR-08 W cac:AccountingSupplierParty/cac:Party/cac:PostalAddress
The seller postal address (BG-5) is missing.
Add the seller's national address.
العنوان البريدي للبائع (BG-5) مفقود.
أضف العنوان الوطني للبائع.

BR-09 W cac:Country/cbc:IdentificationCode
The seller address has no country code (BT-40).
Add the ISO 3166 country code, e.g. SA.
عنوان البائع لا يحتوي على رمز الدولة (BT-40).
أضف رمز الدولة وفق ISO 3166، مثل SA.

BR-13 W cbc:TaxExclusiveAmount
The total without VAT (BT-109) is missing.
Add TaxExclusiveAmount: line net amounts minus allowances plus charges.
الإجمالي بدون ضريبة القيمة المضافة (BT-109) مفقود.
أضف الإجمالي بدون الضريبة: صافي البنود ناقص الخصومات زائد الرسوم.

BR-14 E cbc:TaxInclusiveAmount
The total with VAT (BT-112) is missing.
Add TaxInclusiveAmount: the total without VAT plus the VAT.
الإجمالي شاملًا ضريبة القيمة المضافة (BT-112) مفقود.
أضف الإجمالي شاملًا الضريبة: الإجمالي بدون الضريبة زائد الضريبة.

BR-15 E cbc:PayableAmount
The amount due (BT-115) is missing.
Add PayableAmount: the total with VAT minus any prepaid amount.
المبلغ المستحق للدفع (BT-115) مفقود.
أضف المبلغ المستحق: الإجمالي شاملًا الضريبة ناقص أي مبلغ مدفوع مقدمًا.

BR-16 E cac:InvoiceLine
The document has no invoice line (BG-25).
Add at least one line.
المستند لا يحتوي على أي بند (BG-25).
أضف بندًا واحدًا على الأقل.

BR-21 W cbc:ID
An invoice line has no line identifier (BT-126).
Number the lines 1, 2, 3, ...
أحد البنود لا يحتوي على معرّف البند (BT-126).
رقّم البنود 1، 2، 3، ...

BR-22 E cbc:InvoicedQuantity
An invoice line has no quantity (BT-129), or its quantity is 0.
Enter the quantity supplied.
أحد البنود لا يحتوي على كمية (BT-129) أو كميته 0.
أدخل الكمية المورّدة.

BR-24 E cbc:LineExtensionAmount
An invoice line has no net amount (BT-131).
Add the line net amount: quantity x price - allowances + charges.
أحد البنود لا يحتوي على صافي المبلغ (BT-131).
أضف صافي مبلغ البند: الكمية × السعر - الخصومات + الرسوم.

BR-25 W cac:Item/cbc:Name
An invoice line has no item name (BT-153).
Describe what was supplied.
أحد البنود لا يحتوي على اسم الصنف (BT-153).
اكتب وصفًا لما تم توريده.

BR-26 E cac:Price/cbc:PriceAmount
An invoice line has no item net price (BT-146).
Add the unit price without VAT.
أحد البنود لا يحتوي على سعر الصنف الصافي (BT-146).
أضف سعر الوحدة بدون الضريبة.

BR-31 E cbc:Amount
A document-level allowance has no amount (BT-92).
Add the allowance amount.
خصم على مستوى المستند بدون مبلغ (BT-92).
أضف مبلغ الخصم.

BR-32 E cac:TaxCategory/cbc:ID
A document-level allowance has no VAT category code (BT-95).
Add a VAT tax category (S, Z, E or O) to the allowance.
خصم على مستوى المستند بدون رمز فئة الضريبة (BT-95).
أضف فئة ضريبة (S أو Z أو E أو O) للخصم.

BR-36 W cbc:Amount
A document-level charge has no amount (BT-99).
Add the charge amount.
رسوم على مستوى المستند بدون مبلغ (BT-99).
أضف مبلغ الرسوم.

BR-37 W cac:TaxCategory/cbc:ID
A document-level charge has no VAT category code (BT-102).
Add a VAT tax category (S, Z, E or O) to the charge.
رسوم على مستوى المستند بدون رمز فئة الضريبة (BT-102).
أضف فئة ضريبة (S أو Z أو E أو O) للرسوم.

BR-43 W cbc:Amount
An invoice line charge has no amount (BT-141).
Add the charge amount.
رسوم على مستوى البند بدون مبلغ (BT-141).
أضف مبلغ الرسوم.

BR-49 W cbc:PaymentMeansCode
A payment instruction has no payment means code (BT-81).
Add the UNTDID 4461 code, e.g. 10 cash, 30 credit transfer, 42 bank account, 48 card.
تعليمات الدفع لا تحتوي على رمز وسيلة الدفع (BT-81).
أضف رمز UNTDID 4461، مثل 10 نقدًا، 30 تحويل، 42 حساب بنكي، 48 بطاقة.

BR-52 W cbc:ID
An additional document reference has no identifier (BT-122).
Give the reference an ID (ICV, PIH, QR or the supporting document's number).
مرجع مستند إضافي بدون معرّف (BT-122).
أدخل معرّفًا للمرجع (ICV أو PIH أو QR أو رقم المستند المرفق).

BR-53 W cac:TaxTotal/cbc:TaxAmount
The total VAT in the tax currency (BT-111) is missing or in another currency.
Add a TaxTotal without subtotals whose TaxAmount is in the tax currency (SAR).
إجمالي الضريبة بعملة الضريبة (BT-111) مفقود أو بعملة مختلفة.
أضف TaxTotal بدون تفاصيل يكون مبلغه بعملة الضريبة (SAR).

BR-54 E -
An item attribute (BG-32) lacks its name (BT-160) or its value (BT-161).
Give every AdditionalItemProperty both a Name and a Value.
خاصية الصنف (BG-32) ينقصها الاسم (BT-160) أو القيمة (BT-161).
أدخل الاسم والقيمة لكل خاصية إضافية للصنف.

BR-55 E cac:InvoiceDocumentReference/cbc:ID
A billing reference has no preceding invoice number (BT-25).
Enter the number of the invoice this note corrects.
المرجع لا يحتوي على رقم الفاتورة السابقة (BT-25).
أدخل رقم الفاتورة التي يعدّلها هذا الإشعار.

BR-CO-04 E cac:Item/cac:ClassifiedTaxCategory
An invoice line has no VAT category (BT-151).
Give the line its VAT category (S, Z, E or O) under the VAT tax scheme.
أحد البنود لا يحتوي على فئة ضريبة القيمة المضافة (BT-151).
حدّد فئة الضريبة للبند (S أو Z أو E أو O).

BR-CO-10 W cbc:LineExtensionAmount
The sum of line net amounts (BT-106) is not the sum of the lines' net amounts (BT-131).
Set it to the exact sum of every line's LineExtensionAmount.
مجموع صافي البنود (BT-106) لا يساوي مجموع صافي مبالغ البنود (BT-131).
اجعله مساويًا تمامًا لمجموع صافي مبالغ جميع البنود.

BR-CO-11 E cbc:AllowanceTotalAmount
The sum of allowances (BT-107) is not the sum of the document-level allowances (BT-92).
Set AllowanceTotalAmount to the sum of the allowance amounts, or remove both.
مجموع الخصومات (BT-107) لا يساوي مجموع الخصومات على مستوى المستند (BT-92).
اجعل مجموع الخصومات مساويًا لمجموع مبالغ الخصومات، أو احذفهما معًا.

BR-CO-12 E cbc:ChargeTotalAmount
The sum of charges (BT-108) is not the sum of the document-level charges (BT-99).
Set ChargeTotalAmount to the sum of the charge amounts, or remove both.
مجموع الرسوم (BT-108) لا يساوي مجموع الرسوم على مستوى المستند (BT-99).
اجعل مجموع الرسوم مساويًا لمجموع مبالغ الرسوم، أو احذفهما معًا.

BR-CO-13 W cbc:TaxExclusiveAmount
The total without VAT (BT-109) is not line net amounts - allowances + charges.
Recompute TaxExclusiveAmount from the lines, allowances and charges.
الإجمالي بدون الضريبة (BT-109) لا يساوي صافي البنود - الخصومات + الرسوم.
أعد حساب الإجمالي بدون الضريبة من البنود والخصومات والرسوم.

BR-CO-15 E cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount
The total with VAT (BT-112) is not the total without VAT (BT-109) plus the VAT (BT-110).
Set TaxInclusiveAmount = TaxExclusiveAmount + VAT, with a VAT total in the invoice currency.
الإجمالي شاملًا الضريبة (BT-112) لا يساوي الإجمالي بدون الضريبة (BT-109) زائد الضريبة (BT-110).
اجعل الإجمالي شاملًا الضريبة = الإجمالي بدون الضريبة + الضريبة، مع إجمالي ضريبة بعملة الفاتورة.

BR-CO-16 W cbc:PayableAmount
The amount due (BT-115) is not total with VAT - prepaid amount + rounding amount.
Recompute PayableAmount from TaxInclusiveAmount, PrepaidAmount and PayableRoundingAmount.
المبلغ المستحق (BT-115) لا يساوي الإجمالي شاملًا الضريبة - المدفوع مقدمًا + التقريب.
أعد حساب المبلغ المستحق من الإجمالي شاملًا الضريبة والمدفوع مقدمًا ومبلغ التقريب.

BR-CO-18 E cac:TaxTotal/cac:TaxSubtotal
The document has no VAT breakdown (BG-23).
Add a TaxSubtotal per VAT category and rate.
المستند لا يحتوي على تفصيل ضريبة القيمة المضافة (BG-23).
أضف تفصيلًا ضريبيًا لكل فئة ونسبة ضريبة.

BR-S-01 W cac:TaxTotal
Standard-rated items are used but the VAT breakdown has no standard-rated (S) entry.
Add an S entry to the VAT breakdown.
توجد بنود بالنسبة الأساسية لكن تفصيل الضريبة لا يحتوي على فئة S.
أضف فئة S إلى تفصيل الضريبة.

BR-Z-01 W cac:TaxTotal
Zero-rated items are used but the VAT breakdown has no zero-rated (Z) entry.
Add a Z entry to the VAT breakdown.
توجد بنود خاضعة لنسبة الصفر لكن تفصيل الضريبة لا يحتوي على فئة Z.
أضف فئة Z إلى تفصيل الضريبة.

BR-E-01 W cac:TaxTotal
Exempt items are used but the VAT breakdown has no exempt (E) entry.
Add an E entry to the VAT breakdown.
توجد بنود معفاة لكن تفصيل الضريبة لا يحتوي على فئة E.
أضف فئة E إلى تفصيل الضريبة.

BR-O-01 W cac:TaxTotal
Items not subject to VAT are used but the VAT breakdown has no O entry.
Add an O entry to the VAT breakdown.
توجد بنود غير خاضعة للضريبة لكن تفصيل الضريبة لا يحتوي على فئة O.
أضف فئة O إلى تفصيل الضريبة.

BR-Z-07 E cac:AllowanceCharge
A zero-rated document-level charge needs a VAT rate of 0 (BT-103).
Set the charge's VAT rate to 0.
الرسوم على مستوى المستند الخاضعة لنسبة الصفر يجب أن تكون نسبتها 0 (BT-103).
اجعل نسبة ضريبة الرسوم 0.

BR-E-07 E cac:AllowanceCharge
An exempt document-level charge needs a VAT rate of 0 (BT-103).
Set the charge's VAT rate to 0.
الرسوم على مستوى المستند المعفاة يجب أن تكون نسبتها 0 (BT-103).
اجعل نسبة ضريبة الرسوم 0.

BR-KSA-F-C-01 W cac:Item/cbc:Name
The item name (BT-153) is only digits; VAT Regulations Article 53 needs a clear description.
Describe the goods or services in words.
اسم الصنف (BT-153) أرقام فقط؛ المادة 53 من اللائحة تتطلب وصفًا واضحًا.
صِف السلع أو الخدمات بالكلمات.

QAYD-XML-VALUE E -
A value in the document is out of any sensible range, so some rules could not be evaluated.
Check the amounts, quantities, rates and dates in the file.
إحدى القيم في المستند خارج أي نطاق معقول، فتعذّر تطبيق بعض القواعد.
تحقق من المبالغ والكميات والنسب والتواريخ في الملف.
"""
