"""English and Arabic texts of the KSA rules on the seller, the buyer, their addresses, and the supply dates.

Same record format as xml_rule_texts_en.py.
"""

RECORDS = """
BR-KSA-08 W cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID
The seller identification (BT-29) is missing or its scheme is not CRN, MOM, MLS, 700, SAG or OTH.
Add the seller's commercial registration number with schemeID="CRN" (or another listed scheme).
معرّف البائع (BT-29) مفقود أو نوعه ليس CRN أو MOM أو MLS أو 700 أو SAG أو OTH.
أضف رقم السجل التجاري للبائع مع schemeID="CRN" (أو نوعًا آخر من القائمة).

BR-KSA-39 E cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID
The seller VAT registration number (BT-31) is missing.
Add the seller's VAT number under PartyTaxScheme with TaxScheme ID VAT.
الرقم الضريبي للبائع (BT-31) مفقود.
أضف الرقم الضريبي للبائع ضمن PartyTaxScheme مع نظام الضريبة VAT.

BR-KSA-40 E /Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID
The seller VAT number (BT-31) must be 15 digits that start and end with 3.
Copy the VAT number exactly from the VAT registration certificate.
الرقم الضريبي للبائع (BT-31) يجب أن يتكون من 15 رقمًا يبدأ وينتهي بالرقم 3.
انسخ الرقم الضريبي كما هو في شهادة التسجيل الضريبي.

BR-CUSTOM-VALIDATION-01 E cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID
The buyer VAT number (BT-48) is the same as the seller VAT number (BT-31).
Enter the buyer's own VAT number.
الرقم الضريبي للمشتري (BT-48) هو نفسه الرقم الضريبي للبائع (BT-31).
أدخل الرقم الضريبي الخاص بالمشتري.

BR-KSA-37 W cac:PostalAddress/cbc:BuildingNumber
The seller building number (KSA-17) must be 4 digits.
Enter the 4-digit building number of the national address.
رقم مبنى البائع (KSA-17) يجب أن يتكون من 4 أرقام.
أدخل رقم المبنى المكون من 4 أرقام من العنوان الوطني.

BR-KSA-09 W -
The seller address lacks a street, building number, postal code, city, district or country code.
Complete the seller's national address.
عنوان البائع ينقصه الشارع أو رقم المبنى أو الرمز البريدي أو المدينة أو الحي أو رمز الدولة.
أكمل العنوان الوطني للبائع.

BR-KSA-66 W cbc:PostalZone
The seller postal code (BT-38) must be 5 digits.
Enter the 5-digit postal code.
الرمز البريدي للبائع (BT-38) يجب أن يتكون من 5 أرقام.
أدخل الرمز البريدي المكون من 5 أرقام.

BR-KSA-14 E @schemeID
The buyer identification (BT-46) has no valid scheme ID.
Use TIN, CRN, MOM, MLS, 700, SAG, NAT, GCC, IQA, PAS or OTH as schemeID.
معرّف المشتري (BT-46) لا يحتوي على نوع معرّف صالح.
استخدم TIN أو CRN أو MOM أو MLS أو 700 أو SAG أو NAT أو GCC أو IQA أو PAS أو OTH.

BR-KSA-F-07 W -
The buyer ID with scheme TIN should be 10 digits starting with 3.
Check the tax identification number.
معرّف المشتري من نوع TIN يجب أن يتكون من 10 أرقام يبدأ بالرقم 3.
تحقق من الرقم المميز.

BR-KSA-F-08 W cac:Party/cac:PartyIdentification/cbc:ID
The ID with scheme CRN should be a 10-digit commercial registration number.
Check the commercial registration number.
المعرّف من نوع CRN يجب أن يكون رقم سجل تجاري من 10 أرقام.
تحقق من رقم السجل التجاري.

BR-KSA-F-09 W cac:Party/cac:PartyIdentification/cbc:ID
The ID with scheme 700 should be 10 digits starting with 7.
Check the 700 number.
المعرّف من نوع 700 يجب أن يتكون من 10 أرقام يبدأ بالرقم 7.
تحقق من الرقم الموحد 700.

BR-KSA-F-10 W -
The buyer ID with scheme NAT should be a national ID: 10 digits starting with 1.
Check the national ID number.
معرّف المشتري من نوع NAT يجب أن يكون رقم هوية وطنية من 10 أرقام يبدأ بالرقم 1.
تحقق من رقم الهوية الوطنية.

BR-KSA-F-11 W -
The buyer ID with scheme IQA should be an Iqama number: 10 digits starting with 2.
Check the Iqama number.
معرّف المشتري من نوع IQA يجب أن يكون رقم إقامة من 10 أرقام يبدأ بالرقم 2.
تحقق من رقم الإقامة.

BR-KSA-F-12 W cac:Party/cac:PartyIdentification/cbc:ID/@schemeID
The identifier's scheme ID (BT-29-1 or BT-46-1) has leading or trailing spaces.
Remove the spaces from the schemeID attribute.
نوع المعرّف (BT-29-1 أو BT-46-1) يحتوي على مسافات في بدايته أو نهايته.
احذف المسافات من سمة schemeID.

BR-KSA-F-13 W cac:Party/cac:PartyIdentification/cbc:ID
The seller or buyer ID looks invalid (a run like 12345678 or 00000000).
Enter the real identifier.
معرّف البائع أو المشتري يبدو غير صالح (تسلسل مثل 12345678 أو 00000000).
أدخل المعرّف الحقيقي.

BR-KSA-42 W cac:PartyLegalEntity/cbc:RegistrationName
The buyer name (BT-44) is missing; a tax invoice and its notes need it.
Enter the buyer's name.
اسم المشتري (BT-44) مفقود؛ وهو مطلوب في الفاتورة الضريبية وإشعاراتها.
أدخل اسم المشتري.

BR-KSA-99 W -
The buyer VAT number (BT-48) is present but empty.
Enter the buyer's VAT number or remove the empty element.
الرقم الضريبي للمشتري (BT-48) موجود لكنه فارغ.
أدخل الرقم الضريبي للمشتري أو احذف العنصر الفارغ.

BR-KSA-44 E -
The buyer VAT number (BT-48) must be 15 digits that start and end with 3.
Copy the buyer's VAT number exactly as registered.
الرقم الضريبي للمشتري (BT-48) يجب أن يتكون من 15 رقمًا يبدأ وينتهي بالرقم 3.
انسخ الرقم الضريبي للمشتري كما هو مسجل.

BR-KSA-81 W cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID
A tax invoice whose buyer has no VAT number needs another buyer ID (BT-46).
Add the buyer's CRN, national ID, Iqama or other ID with its scheme.
الفاتورة الضريبية لمشترٍ بدون رقم ضريبي تتطلب معرّفًا آخر للمشتري (BT-46).
أضف السجل التجاري أو الهوية الوطنية أو الإقامة أو معرّفًا آخر مع نوعه.

BR-KSA-85 W cbc:Telephone
The buyer phone number (BT-57) must start with 0 or + followed by 4 to 15 digits.
Write the number as 05xxxxxxxx or +9665xxxxxxxx.
رقم هاتف المشتري (BT-57) يجب أن يبدأ بـ 0 أو + يليه من 4 إلى 15 رقمًا.
اكتب الرقم بالشكل 05xxxxxxxx أو ‎+9665xxxxxxxx.

BR-KSA-63 W /Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress
A Saudi buyer's address needs street, building number, postal code, city, district and country.
Complete the buyer's national address.
عنوان المشتري في السعودية يتطلب الشارع ورقم المبنى والرمز البريدي والمدينة والحي والدولة.
أكمل العنوان الوطني للمشتري.

BR-KSA-67 W /Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:PostalZone
A Saudi buyer's postal code (BT-53) must be 5 digits.
Enter the 5-digit postal code.
الرمز البريدي للمشتري في السعودية (BT-53) يجب أن يتكون من 5 أرقام.
أدخل الرمز البريدي المكون من 5 أرقام.

BR-KSA-10 W /Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress
A tax invoice's buyer address needs at least a street, a city and a country code.
Complete the buyer's address.
عنوان المشتري في الفاتورة الضريبية يتطلب الشارع والمدينة ورمز الدولة على الأقل.
أكمل عنوان المشتري.

BR-KSA-72 E /Invoice/cac:Delivery
A simplified summary invoice needs a supply date (KSA-5) and a supply end date (KSA-24).
Add ActualDeliveryDate and LatestDeliveryDate.
الفاتورة المبسطة الملخصة تتطلب تاريخ التوريد (KSA-5) وتاريخ نهاية التوريد (KSA-24).
أضف تاريخ التوريد وتاريخ نهاية التوريد.

BR-KSA-16 W -
The payment means code (BT-81) is not in ZATCA's UNTDID 4461 subset.
Use e.g. 10 cash, 30 credit transfer, 42 bank account, 48 card, 1 not defined.
رمز وسيلة الدفع (BT-81) غير موجود في القائمة المعتمدة من الهيئة.
استخدم مثلًا 10 نقدًا، 30 تحويل، 42 حساب بنكي، 48 بطاقة، 1 غير محدد.

BR-KSA-35 W ../cbc:ActualDeliveryDate
A supply end date (KSA-24) is given without a supply date (KSA-5).
Add the supply start date (ActualDeliveryDate).
تاريخ نهاية التوريد (KSA-24) موجود دون تاريخ التوريد (KSA-5).
أضف تاريخ بداية التوريد.

BR-KSA-36 W -
The supply end date (KSA-24) is before the supply date (KSA-5).
Correct the dates so that the end is on or after the start.
تاريخ نهاية التوريد (KSA-24) يسبق تاريخ التوريد (KSA-5).
صحّح التاريخين ليكون تاريخ النهاية في يوم البداية أو بعده.

BR-KSA-15 W /Invoice/cac:Delivery/cbc:ActualDeliveryDate
A tax invoice (388) must state the supply date (KSA-5).
Add the date of supply (ActualDeliveryDate).
الفاتورة الضريبية (388) يجب أن تتضمن تاريخ التوريد (KSA-5).
أضف تاريخ التوريد.
"""
