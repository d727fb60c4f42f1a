"""English and Arabic texts of the VAT breakdown, VAT category, exemption and code-list rules (EN 16931 and KSA).

Same record format as xml_rule_texts_en.py.
"""

RECORDS = """
BR-CO-14 E cbc:TaxAmount
The total VAT (BT-110) is not the sum of the VAT breakdown amounts (BT-117).
Set the TaxTotal's TaxAmount to the sum of its TaxSubtotal amounts.
إجمالي الضريبة (BT-110) لا يساوي مجموع مبالغ تفصيل الضريبة (BT-117).
اجعل إجمالي الضريبة مساويًا لمجموع مبالغ التفاصيل.

BR-CO-17 W cbc:TaxAmount
A VAT breakdown amount (BT-117) is not its taxable amount x rate / 100, rounded to cents.
Recompute the VAT as taxable amount x rate / 100, rounded to two decimals.
مبلغ الضريبة في التفصيل (BT-117) لا يساوي المبلغ الخاضع × النسبة / 100 مقربًا.
أعد حساب الضريبة: المبلغ الخاضع × النسبة / 100 مقربًا لمنزلتين.

BR-45 E cbc:TaxableAmount
A VAT breakdown has no taxable amount (BT-116).
Add the category's taxable amount.
تفصيل الضريبة لا يحتوي على المبلغ الخاضع للضريبة (BT-116).
أضف المبلغ الخاضع للضريبة في هذه الفئة.

BR-46 E cbc:TaxAmount
A VAT breakdown has no VAT amount (BT-117).
Add the category's VAT amount.
تفصيل الضريبة لا يحتوي على مبلغ الضريبة (BT-117).
أضف مبلغ الضريبة في هذه الفئة.

BR-47 E cac:TaxCategory/cbc:ID
A VAT breakdown has no VAT category code (BT-118).
Add the category code (S, Z, E or O) under the VAT tax scheme.
تفصيل الضريبة لا يحتوي على رمز الفئة (BT-118).
أضف رمز الفئة (S أو Z أو E أو O).

BR-48 E cac:TaxCategory/cbc:Percent
A VAT breakdown has no VAT rate (BT-119); only 'not subject to VAT' may omit it.
Add the rate (15, 5 or 0).
تفصيل الضريبة لا يحتوي على النسبة (BT-119)؛ يُستثنى فقط غير الخاضع للضريبة.
أضف النسبة (15 أو 5 أو 0).

BR-S-05 W cbc:Percent
A standard-rated line has no VAT rate above zero (BT-152).
Set the line's VAT rate to 15 (or 5).
بند بالنسبة الأساسية لا تزيد نسبته عن الصفر (BT-152).
اجعل نسبة ضريبة البند 15 (أو 5).

BR-S-06 E cbc:Percent
A standard-rated document allowance has no VAT rate above zero (BT-96).
Set the allowance's VAT rate to 15 (or 5).
خصم بالنسبة الأساسية لا تزيد نسبته عن الصفر (BT-96).
اجعل نسبة ضريبة الخصم 15 (أو 5).

BR-S-07 W cbc:Percent
A standard-rated document charge has no VAT rate above zero (BT-103).
Set the charge's VAT rate to 15 (or 5).
رسوم بالنسبة الأساسية لا تزيد نسبتها عن الصفر (BT-103).
اجعل نسبة ضريبة الرسوم 15 (أو 5).

BR-S-08 W ../cbc:TaxableAmount
The standard-rated taxable amount (BT-116) is not its lines - allowances + charges.
Set it to the S lines' net amounts minus S allowances plus S charges.
المبلغ الخاضع بالنسبة الأساسية (BT-116) لا يساوي البنود - الخصومات + الرسوم.
اجعله مساويًا لصافي بنود S ناقص خصومات S زائد رسوم S.

BR-S-09 W ../cbc:TaxAmount
The standard-rated VAT (BT-117) is not taxable amount x rate / 100, or the rate is missing.
Recompute the VAT from the taxable amount and the rate.
ضريبة الفئة الأساسية (BT-117) لا تساوي المبلغ الخاضع × النسبة / 100، أو النسبة مفقودة.
أعد حساب الضريبة من المبلغ الخاضع والنسبة.

BR-S-10 W cbc:TaxExemptionReasonCode
A standard-rated VAT breakdown has an exemption reason code or text.
Remove the exemption reason from the S category.
تفصيل الفئة الأساسية يحتوي على رمز أو نص سبب إعفاء.
احذف سبب الإعفاء من فئة S.

BR-Z-05 E cbc:Percent
A zero-rated line has a VAT rate other than 0 (BT-152).
Set the line's VAT rate to 0.
بند خاضع لنسبة الصفر نسبته ليست 0 (BT-152).
اجعل نسبة ضريبة البند 0.

BR-Z-06 E cbc:Percent
A zero-rated document allowance has a VAT rate other than 0 (BT-96).
Set the allowance's VAT rate to 0.
خصم خاضع لنسبة الصفر نسبته ليست 0 (BT-96).
اجعل نسبة ضريبة الخصم 0.

BR-Z-08 W ../cbc:TaxableAmount
The zero-rated taxable amount (BT-116) is not its lines - allowances + charges.
Set it to the Z lines' net amounts minus Z allowances plus Z charges.
المبلغ الخاضع لنسبة الصفر (BT-116) لا يساوي البنود - الخصومات + الرسوم.
اجعله مساويًا لصافي بنود Z ناقص خصومات Z زائد رسوم Z.

BR-Z-09 E ../cbc:TaxAmount
The zero-rated VAT amount (BT-117) is not 0.
Set the Z category's VAT amount to 0.00.
مبلغ ضريبة الفئة الصفرية (BT-117) ليس 0.
اجعل مبلغ ضريبة فئة Z يساوي 0.00.

BR-E-05 E cbc:Percent
An exempt line has a VAT rate other than 0 (BT-152).
Set the line's VAT rate to 0.
بند معفى نسبته ليست 0 (BT-152).
اجعل نسبة ضريبة البند 0.

BR-E-06 E cbc:Percent
An exempt document allowance has a VAT rate other than 0 (BT-96).
Set the allowance's VAT rate to 0.
خصم معفى نسبته ليست 0 (BT-96).
اجعل نسبة ضريبة الخصم 0.

BR-E-08 W ../cbc:TaxableAmount
The exempt taxable amount (BT-116) is not its lines - allowances + charges.
Set it to the E lines' net amounts minus E allowances plus E charges.
المبلغ المعفى (BT-116) لا يساوي البنود - الخصومات + الرسوم.
اجعله مساويًا لصافي بنود E ناقص خصومات E زائد رسوم E.

BR-E-09 E ../cbc:TaxAmount
The exempt VAT amount (BT-117) is not 0.
Set the E category's VAT amount to 0.00.
مبلغ ضريبة الفئة المعفاة (BT-117) ليس 0.
اجعل مبلغ ضريبة فئة E يساوي 0.00.

BR-O-08 W ../cbc:TaxableAmount
The 'not subject to VAT' amount (BT-116) is not its lines - allowances + charges.
Set it to the O lines' net amounts minus O allowances plus O charges.
المبلغ غير الخاضع للضريبة (BT-116) لا يساوي البنود - الخصومات + الرسوم.
اجعله مساويًا لصافي بنود O ناقص خصومات O زائد رسوم O.

BR-O-09 E ../cbc:TaxAmount
The 'not subject to VAT' VAT amount (BT-117) is not 0.
Set the O category's VAT amount to 0.00.
مبلغ ضريبة الفئة غير الخاضعة (BT-117) ليس 0.
اجعل مبلغ ضريبة فئة O يساوي 0.00.

BR-CL-01 E -
The document type code is not in the UNTDID 1001 list.
Use 388, 381, 383 or 386.
رمز نوع المستند غير موجود في قائمة UNTDID 1001.
استخدم 388 أو 381 أو 383 أو 386.

BR-CL-03 E @currencyID
An amount's currencyID is not an ISO 4217 currency code.
Use the invoice currency code, e.g. SAR.
رمز العملة لأحد المبالغ ليس رمزًا وفق ISO 4217.
استخدم رمز عملة الفاتورة، مثل SAR.

BR-CL-04 E -
The invoice currency code (BT-5) is not an ISO 4217 code.
Use a three-letter ISO 4217 code, e.g. SAR.
رمز عملة الفاتورة (BT-5) ليس رمزًا وفق ISO 4217.
استخدم رمزًا من ثلاثة أحرف وفق ISO 4217، مثل SAR.

BR-CL-05 E -
The tax currency code (BT-6) is not an ISO 4217 code.
Use SAR.
رمز عملة الضريبة (BT-6) ليس رمزًا وفق ISO 4217.
استخدم SAR.

BR-CL-14 W -
A country code is not an ISO 3166-1 alpha-2 code.
Use a two-letter code, e.g. SA.
رمز الدولة ليس رمزًا وفق ISO 3166-1.
استخدم رمزًا من حرفين، مثل SA.

BR-CL-16 W -
The payment means code is not in the UNTDID 4461 list.
Use e.g. 10 cash, 30 credit transfer, 42 bank account, 48 card.
رمز وسيلة الدفع غير موجود في قائمة UNTDID 4461.
استخدم مثلًا 10 نقدًا، 30 تحويل، 42 حساب بنكي، 48 بطاقة.

BR-CL-18 E -
A VAT category code is not in the UNCL 5305 list.
Use S, Z, E or O.
رمز فئة الضريبة غير موجود في قائمة UNCL 5305.
استخدم S أو Z أو E أو O.

BR-KSA-18 E -
The VAT category code must be S, Z, E or O.
Use S (standard), Z (zero rated), E (exempt) or O (not subject to VAT).
رمز فئة الضريبة يجب أن يكون S أو Z أو E أو O.
استخدم S (أساسية) أو Z (صفرية) أو E (معفاة) أو O (غير خاضعة).

BR-KSA-11 E cbc:Percent
A line 'not subject to VAT' (O) has a VAT rate other than 0.
Remove the rate or set it to 0.
بند غير خاضع للضريبة (O) نسبته ليست 0.
احذف النسبة أو اجعلها 0.

BR-KSA-12 W cbc:Percent
A document allowance 'not subject to VAT' (O) has a VAT rate other than 0.
Remove the rate or set it to 0.
خصم غير خاضع للضريبة (O) نسبته ليست 0.
احذف النسبة أو اجعلها 0.

BR-KSA-13 W cbc:Percent
A document charge 'not subject to VAT' (O) has a VAT rate other than 0.
Remove the rate or set it to 0.
رسوم غير خاضعة للضريبة (O) نسبتها ليست 0.
احذف النسبة أو اجعلها 0.

BR-KSA-84 E cbc:Percent
A standard-rated (S) VAT rate is neither 15 nor 5.
Use 15 (or 5 where the 5% rate applies).
نسبة الضريبة الأساسية (S) ليست 15 ولا 5.
استخدم 15 (أو 5 حيث تنطبق نسبة 5%).

BR-KSA-DEC-01 E cbc:MultiplierFactorNumeric
An allowance percentage (BT-94, BT-138) is not a number from 0.00 to 100.00 with two decimals.
Write the percentage as a plain number, e.g. 10 or 12.5, without the % sign.
نسبة الخصم (BT-94، BT-138) ليست رقمًا من 0.00 إلى 100.00 بمنزلتين عشريتين.
اكتب النسبة كرقم فقط، مثل 10 أو 12.5، بدون علامة %.

BR-KSA-DEC-02 E -
A VAT rate is not a number from 0.00 to 100.00 with at most two decimals.
Write the rate as a plain number, e.g. 15 or 15.00, without the % sign.
نسبة الضريبة ليست رقمًا من 0.00 إلى 100.00 بمنزلتين عشريتين كحد أقصى.
اكتب النسبة كرقم فقط، مثل 15 أو 15.00، بدون علامة %.

BR-KSA-23 W cbc:TaxExemptionReasonCode
An exempt (E) VAT breakdown has no exemption reason code (BT-121).
Add VATEX-SA-29, VATEX-SA-29-7 or VATEX-SA-30.
تفصيل الفئة المعفاة (E) لا يحتوي على رمز سبب الإعفاء (BT-121).
أضف VATEX-SA-29 أو VATEX-SA-29-7 أو VATEX-SA-30.

BR-KSA-24 W cbc:TaxExemptionReasonCode
A 'not subject to VAT' (O) breakdown has no exception reason code (BT-121).
Add VATEX-SA-OOS.
تفصيل الفئة غير الخاضعة (O) لا يحتوي على رمز سبب الاستثناء (BT-121).
أضف VATEX-SA-OOS.

BR-KSA-69 W cbc:TaxExemptionReasonCode
A zero-rated (Z) VAT breakdown has no exemption reason code (BT-121).
Add the VATEX-SA code of the zero-rating, e.g. VATEX-SA-32 (exports) or VATEX-SA-35 (medicines).
تفصيل الفئة الصفرية (Z) لا يحتوي على رمز سبب الإعفاء (BT-121).
أضف رمز VATEX-SA المناسب، مثل VATEX-SA-32 (الصادرات) أو VATEX-SA-35 (الأدوية).

BR-KSA-83 W cbc:TaxExemptionReason
A VAT breakdown has an exemption reason code but no reason text (BT-120).
Add the reason text that goes with the code.
تفصيل الضريبة يحتوي على رمز سبب الإعفاء دون نص السبب (BT-120).
أضف نص السبب المقابل للرمز.

BR-KSA-CL-04 W cbc:TaxExemptionReasonCode
The exemption reason code (BT-121) does not belong to the VAT category.
Z takes VATEX-SA-32 to -36 and the EDU, HEA, MLTRY, ... codes; E takes VATEX-SA-29/29-7/30; O takes VATEX-SA-OOS.
رمز سبب الإعفاء (BT-121) لا يتوافق مع فئة الضريبة.
الفئة Z لرموز VATEX-SA-32 إلى 36 وEDU وHEA وغيرها؛ E لـ VATEX-SA-29/29-7/30؛ O لـ VATEX-SA-OOS.

BR-KSA-49 E /Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID
Zero-rated private education or healthcare (VATEX-SA-EDU/HEA) needs the buyer's national ID (NAT).
Add the buyer's national ID with schemeID="NAT".
التعليم أو الصحة الخاصة بنسبة الصفر (VATEX-SA-EDU/HEA) يتطلب رقم الهوية الوطنية للمشتري (NAT).
أضف رقم الهوية الوطنية للمشتري مع schemeID="NAT".

BR-KSA-93 W cbc:TaxExemptionReasonCode
A zero-rated prepayment (Z) has no exemption reason code (KSA-41).
Add the VATEX-SA code of the prepayment's zero-rating.
دفعة مقدمة بنسبة الصفر (Z) بدون رمز سبب الإعفاء (KSA-41).
أضف رمز VATEX-SA المناسب للدفعة المقدمة.

BR-KSA-94 W cbc:TaxExemptionReasonCode
An exempt prepayment (E) has no exemption reason code (KSA-41).
Add VATEX-SA-29, VATEX-SA-29-7 or VATEX-SA-30.
دفعة مقدمة معفاة (E) بدون رمز سبب الإعفاء (KSA-41).
أضف VATEX-SA-29 أو VATEX-SA-29-7 أو VATEX-SA-30.

BR-KSA-95 W cbc:TaxExemptionReasonCode
A prepayment 'not subject to VAT' (O) has no exception reason code (KSA-41).
Add VATEX-SA-OOS.
دفعة مقدمة غير خاضعة (O) بدون رمز سبب الاستثناء (KSA-41).
أضف VATEX-SA-OOS.

BR-KSA-96 W cbc:TaxExemptionReason
A prepayment has an exemption reason code but no reason text (KSA-42).
Add the reason text that goes with the code.
الدفعة المقدمة تحتوي على رمز سبب الإعفاء دون نص السبب (KSA-42).
أضف نص السبب المقابل للرمز.

BR-KSA-CL-07 W cbc:TaxExemptionReasonCode
The prepayment exemption reason code (KSA-41) does not belong to its VAT category.
Use a Z, E or O code from the KSA list that matches the category.
رمز سبب إعفاء الدفعة المقدمة (KSA-41) لا يتوافق مع فئة الضريبة.
استخدم رمزًا من القائمة السعودية يوافق الفئة Z أو E أو O.
"""
