"""Texts of the two large families of format rules: field length limits (BR-KSA-F-06-C*) and decimals (BR-DEC-*)."""

from __future__ import annotations

Row = tuple[str, str, str, str, str, str, str]  # rule, flag (E/W), field, en, fix, ar, fix_ar

# Field paths are relative to the node the rule's context matched, or absolute; $B, $S and $A abbreviate them.
_ALIASES = {
    "$B": "/Invoice/cac:AccountingCustomerParty/cac:Party",
    "$S": "/Invoice/cac:AccountingSupplierParty/cac:Party",
    "$A": "/Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount",
}

# BR-KSA-F-06-<C>|flag|field|minimum|maximum length|label|Arabic label
_LIMITS = """
C1|W|cbc:ID|0|127|invoice number (BT-1)|رقم الفاتورة (BT-1)
C2|W|cbc:Note|0|1000|invoice note (BT-22)|ملاحظة الفاتورة (BT-22)
C3|W|cac:OrderReference/cbc:ID|0|127|purchase order ID (BT-13)|رقم أمر الشراء (BT-13)
C4|W|cbc:StreetName|1|1000|seller street (BT-35)|شارع البائع (BT-35)
C5|W|cac:ContractDocumentReference/cbc:ID|0|127|contract ID (BT-12)|رقم العقد (BT-12)
C6|W|cbc:AdditionalStreetName|0|127|seller additional street (BT-36)|الشارع الإضافي للبائع (BT-36)
C7|W|cbc:CityName|1|127|seller city (BT-37)|مدينة البائع (BT-37)
C8|W|$S/cac:PostalAddress/cbc:CountrySubentity|0|127|seller province (BT-39)|منطقة البائع (BT-39)
C9|W|$S/cac:PostalAddress/cbc:CitySubdivisionName|1|127|seller district (KSA-3)|حي البائع (KSA-3)
C10|W|$S/cac:PartyLegalEntity/cbc:RegistrationName|1|1000|seller name (BT-27)|اسم البائع (BT-27)
C11|W|$B/cac:PostalAddress/cbc:AdditionalStreetName|0|127|buyer additional street (BT-51)|الشارع الإضافي للمشتري (BT-51)
C12|W|$B/cac:PartyLegalEntity/cbc:RegistrationName|1|1000|buyer name (BT-44)|اسم المشتري (BT-44)
C13|W||1|1000|credit or debit note reason (KSA-10)|سبب إصدار الإشعار الدائن أو المدين (KSA-10)
C14|W|$A/cbc:PaymentNote|1|1000|payment terms (KSA-22)|شروط الدفع (KSA-22)
C15|W|$A/cbc:ID|0|127|payment account identifier (BT-84)|معرّف حساب الدفع (BT-84)
C16|W|cbc:TaxExemptionReason|1|1000|VAT exemption reason text (BT-120)|نص سبب الإعفاء من الضريبة (BT-120)
C17|E|cbc:ID|1|6|invoice line identifier (BT-126)|معرّف بند الفاتورة (BT-126)
C18|W|cbc:InvoicedQuantity/@unitCode|0|127|quantity unit code (BT-130)|رمز وحدة الكمية (BT-130)
C19|W|cac:Item/cbc:Name|3|1000|item name (BT-153)|اسم الصنف (BT-153)
C20|W|cac:Item/cac:StandardItemIdentification/cbc:ID|0|127|item standard ID (BT-157)|المعرّف القياسي للصنف (BT-157)
C21|W|cac:Price/cbc:BaseQuantity/@unitCode|0|127|price base quantity unit (BT-150)|وحدة كمية أساس السعر (BT-150)
C22|E|cac:InvoiceDocumentReference/cbc:ID|1|5000|billing reference ID (BT-25)|رقم الفاتورة المرجعية (BT-25)
C23|W|$B/cac:PostalAddress/cbc:StreetName|1|1000|buyer street (BT-50)|شارع المشتري (BT-50)
C24|W|$B/cac:PostalAddress/cbc:StreetName|0|1000|buyer street (BT-50)|شارع المشتري (BT-50)
C25|W|$B/cac:PostalAddress/cbc:CityName|1|127|buyer city (BT-52)|مدينة المشتري (BT-52)
C26|W|$B/cac:PostalAddress/cbc:CityName|0|127|buyer city (BT-52)|مدينة المشتري (BT-52)
C27|W|$B/cac:PostalAddress/cbc:CountrySubentity|0|127|buyer province (BT-54)|منطقة المشتري (BT-54)
C28|W|$B/cac:PostalAddress/cbc:CitySubdivisionName|1|127|buyer district (KSA-4)|حي المشتري (KSA-4)
C29|W|$B/cac:PostalAddress/cbc:CitySubdivisionName|0|127|buyer district (KSA-4)|حي المشتري (KSA-4)
C30|W|cac:Item/cac:BuyersItemIdentification/cbc:ID|0|127|item buyer's identifier (BT-156)|معرّف المشتري للصنف (BT-156)
C31|W|cac:Item/cac:SellersItemIdentification/cbc:ID|0|127|item seller's identifier (BT-155)|معرّف البائع للصنف (BT-155)
C32|W|$B/cac:PartyLegalEntity/cbc:RegistrationName|0|1000|buyer name (BT-44)|اسم المشتري (BT-44)
C33|W|cbc:AllowanceChargeReason|1|1000|document charge reason (BT-104)|سبب الرسوم على مستوى المستند (BT-104)
C34|W|cbc:AllowanceChargeReason|1|1000|line charge reason (BT-144)|سبب الرسوم على مستوى البند (BT-144)
C35|W|cbc:AllowanceChargeReason|1|1000|document allowance reason (BT-97)|سبب الخصم على مستوى المستند (BT-97)
C36|W|cbc:AllowanceChargeReason|1|1000|line allowance reason (BT-139)|سبب الخصم على مستوى البند (BT-139)
C37|W|cbc:Name|0|1000|buyer contact name (BT-56)|اسم جهة اتصال المشتري (BT-56)
C38|W|cbc:Note|0|1000|buyer contact note (KSA-35)|ملاحظة جهة اتصال المشتري (KSA-35)
C39|W|cbc:TaxExemptionReason|1|1000|prepayment VAT exemption reason (KSA-42)|سبب إعفاء الدفعة المقدمة (KSA-42)
C40|W|@name|7|9|invoice transaction code (KSA-2)|رمز نوع المعاملة (KSA-2)
"""

# rule|field|label|Arabic label
_DECIMALS = """
BR-DEC-01|cbc:Amount|document allowance amount (BT-92)|مبلغ الخصم على مستوى المستند (BT-92)
BR-DEC-02|cbc:BaseAmount|document allowance base amount (BT-93)|أساس الخصم على مستوى المستند (BT-93)
BR-DEC-05|cbc:Amount|document charge amount (BT-99)|مبلغ الرسوم على مستوى المستند (BT-99)
BR-DEC-06|cbc:BaseAmount|document charge base amount (BT-100)|أساس الرسوم على مستوى المستند (BT-100)
BR-DEC-09|cbc:LineExtensionAmount|sum of line net amounts (BT-106)|مجموع صافي مبالغ البنود (BT-106)
BR-DEC-10|cbc:AllowanceTotalAmount|sum of allowances (BT-107)|مجموع الخصومات (BT-107)
BR-DEC-11|cbc:ChargeTotalAmount|sum of charges (BT-108)|مجموع الرسوم (BT-108)
BR-DEC-12|cbc:TaxExclusiveAmount|total without VAT (BT-109)|الإجمالي بدون الضريبة (BT-109)
BR-DEC-13||total VAT (BT-110)|إجمالي الضريبة (BT-110)
BR-DEC-14|cbc:TaxInclusiveAmount|total with VAT (BT-112)|الإجمالي شاملًا الضريبة (BT-112)
BR-DEC-15||total VAT in SAR (BT-111)|إجمالي الضريبة بالريال (BT-111)
BR-DEC-16|cbc:PrepaidAmount|prepaid amount (BT-113)|المبلغ المدفوع مقدمًا (BT-113)
BR-DEC-17|cbc:PayableRoundingAmount|rounding amount (BT-114)|مبلغ التقريب (BT-114)
BR-DEC-18|cbc:PayableAmount|amount due (BT-115)|المبلغ المستحق (BT-115)
BR-DEC-19|cbc:TaxableAmount|VAT category taxable amount (BT-116)|المبلغ الخاضع للضريبة في الفئة (BT-116)
BR-DEC-20|cbc:TaxAmount|VAT category tax amount (BT-117)|مبلغ الضريبة في الفئة (BT-117)
BR-DEC-23|cbc:LineExtensionAmount|line net amount (BT-131)|صافي مبلغ البند (BT-131)
BR-DEC-27|cbc:Amount|line charge amount (BT-141)|مبلغ رسوم البند (BT-141)
BR-DEC-28|cbc:BaseAmount|line charge base amount (BT-142)|أساس رسوم البند (BT-142)
BR-KSA-DEC-03|cac:TaxTotal/cbc:TaxAmount|line VAT amount (KSA-11)|مبلغ ضريبة البند (KSA-11)
BR-KSA-DEC-04|cac:TaxTotal/cbc:RoundingAmount|line amount with VAT (KSA-12)|مبلغ البند شاملًا الضريبة (KSA-12)
BR-KSA-DEC-06||prepayment taxable or VAT amount (KSA-31, KSA-32)|المبلغ الخاضع أو ضريبة الدفعة المقدمة (KSA-31، KSA-32)
"""


def _field(path: str) -> str:
    for alias, full in _ALIASES.items():
        path = path.replace(alias, full)
    return path


def length_rows() -> list[Row]:
    rows: list[Row] = []
    for line in _LIMITS.strip().splitlines():
        code, flag, field, low, high, label, label_ar = line.split("|")
        if int(low):
            en = f"The {label} must be {low} to {high} characters long."
            ar = f"يجب أن يكون طول {label_ar} من {low} إلى {high} حرفًا."
        else:
            en = f"The {label} is longer than {high} characters."
            ar = f"طول {label_ar} يتجاوز {high} حرفًا."
        fix, fix_ar = "Fill it in or shorten it to fit the limit.", "أدخل القيمة أو اختصرها لتكون ضمن الحد المسموح."
        rows.append((f"BR-KSA-F-06-{code}", flag, _field(field), en, fix, ar, fix_ar))
    return rows


def decimal_rows() -> list[Row]:
    rows: list[Row] = []
    for line in _DECIMALS.strip().splitlines():
        rule, field, label, label_ar = line.split("|")
        en, ar = f"The {label} has more than two decimals.", f"{label_ar} يحتوي على أكثر من منزلتين عشريتين."
        fix = "Round it to two decimals and recompute the totals."
        fix_ar = "قرّبه إلى منزلتين عشريتين وأعد حساب الإجماليات."
        rows.append((rule, "W", field, en, fix, ar, fix_ar))
    return rows
