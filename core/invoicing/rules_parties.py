"""Rules for parties: national addresses, and the buyer of a document or a customer record."""

from __future__ import annotations

from collections.abc import Callable

from core.findings import Finding
from core.invoicing import identifiers as ids
from core.invoicing.model import Address, IdScheme, Party
from core.invoicing.rule_finding import WARNING, Label, join, make, text_findings

# Rule ids differ between the seller's address (BR-KSA-09 …) and the buyer's (BR-KSA-63 …).
_SELLER_RULES = {
    "missing": "BR-KSA-09",
    "building_number": "BR-KSA-37",
    "postal_code": "BR-KSA-66",
    "country": "BR-09",
    "street": "BR-KSA-F-06-C4",
    "city": "BR-KSA-F-06-C7",
    "district": "BR-KSA-F-06-C9",
    "province": "BR-KSA-F-06-C8",
}
_BUYER_RULES = {
    "missing": "BR-KSA-63",
    "building_number": "QAYD-BUILDING-NUMBER",  # the SDK only tests the seller's (BR-KSA-37)
    "postal_code": "BR-KSA-67",
    "country": "BR-KSA-10",
    "street": "BR-KSA-F-06-C24",
    "city": "BR-KSA-F-06-C26",
    "district": "BR-KSA-F-06-C29",
    "province": "BR-KSA-F-06-C27",
}
_LABELS: dict[str, Label] = {
    "street": ("street", "الشارع"),
    "building_number": ("building number", "رقم المبنى"),
    "district": ("district", "الحي"),
    "city": ("city", "المدينة"),
    "postal_code": ("postal code", "الرمز البريدي"),
    "country": ("country code", "رمز الدولة"),
    "province": ("province", "المنطقة"),
}
_LIMITS = {"street": 1000, "city": 127, "district": 127, "province": 127}


def _who(saudi_required: bool) -> Label:
    return ("seller", "البائع") if saudi_required else ("buyer", "المشتري")


def _missing(name: str, prefix: str, rule: str, who: Label) -> Finding:
    label = _LABELS[name]
    return make(
        rule,
        join(prefix, name),
        f"The {who[0]}'s address has no {label[0]}.",
        f"Enter the {label[0]} as it appears in the national address (SPL).",
        f"عنوان {who[1]} لا يحتوي على {label[1]}.",
        f"أدخل {label[1]} كما يظهر في العنوان الوطني (سبل).",
        WARNING,
    )


def _saudi_formats(address: Address, prefix: str, rules: dict[str, str], who: Label) -> list[Finding]:
    """Building number of 4 digits (BR-KSA-37), postal code of 5 digits (BR-KSA-66/67)."""
    found = []
    checks: list[tuple[str, str, Callable[[str], bool], str, str]] = [
        ("building_number", address.building_number, ids.is_building_number, "4 digits", "4 أرقام"),
        ("postal_code", address.postal_code, ids.is_postal_code, "5 digits", "5 أرقام"),
    ]
    for name, value, valid, shape, shape_ar in checks:
        if value and not valid(value):
            label = _LABELS[name]
            found.append(
                make(
                    rules[name],
                    join(prefix, name),
                    f"The {who[0]}'s {label[0]} {value!r} must be exactly {shape} (0-9).",
                    f"Copy the {label[0]} from the national address (SPL); it is {shape}.",
                    f"{label[1]} في عنوان {who[1]} ({value!r}) يجب أن يكون {shape_ar} بالضبط (0-9).",
                    f"انسخ {label[1]} من العنوان الوطني (سبل)، وهو {shape_ar}.",
                    WARNING,
                )
            )
    return found


def _saudi_fields(address: Address, prefix: str, rules: dict[str, str], who: Label) -> list[Finding]:
    """A Saudi national address has street, building number, district, city and postal code."""
    values = {
        "street": address.street,
        "building_number": address.building_number,
        "district": address.district,
        "city": address.city,
        "postal_code": address.postal_code,
    }
    found = [
        _missing(name, prefix, rules["missing"], who) for name, value in values.items() if not value.strip()
    ]
    return found + _saudi_formats(address, prefix, rules, who)


def _country(address: Address, prefix: str, saudi_required: bool, rules: dict[str, str]) -> list[Finding]:
    """A known ISO 3166 country (BR-09/BR-KSA-10, BR-CL-14); the seller's is Saudi Arabia."""
    field = join(prefix, "country")
    if not address.country.strip():
        return [_missing("country", prefix, rules["country"], _who(saudi_required))]
    if not ids.is_country_code(address.country):
        return [
            make(
                "BR-CL-14",
                field,
                f"{address.country!r} is not an ISO 3166-1 alpha-2 country code.",
                "Use the two capital letters of the country, e.g. SA, AE, EG.",
                f"{address.country!r} ليس رمز دولة وفق ISO 3166-1 (حرفان).",
                "استخدم الحرفين الكبيرين لرمز الدولة، مثل SA أو AE أو EG.",
                WARNING,
            )
        ]
    if saudi_required and address.country != "SA":
        return [
            make(
                "QAYD-SELLER-COUNTRY",
                field,
                "The seller's address must be a Saudi national address, but its country is "
                f"{address.country}.",
                "Enter the company's address in Saudi Arabia (country SA), as registered with ZATCA.",
                f"يجب أن يكون عنوان البائع عنواناً وطنياً سعودياً، لكن دولته {address.country}.",
                "أدخل عنوان المنشأة في المملكة (الدولة SA) كما هو مسجل لدى هيئة الزكاة.",
            )
        ]
    return []


def _foreign_fields(address: Address, prefix: str) -> list[Finding]:
    """A buyer abroad still needs a street and a city (BR-KSA-10)."""
    values = {"street": address.street, "city": address.city}
    return [
        _missing(name, prefix, "BR-KSA-10", _who(False))
        for name, value in values.items()
        if not value.strip()
    ]


def _address_lengths(address: Address, prefix: str, rules: dict[str, str]) -> list[Finding]:
    found = []
    for name, limit in _LIMITS.items():
        found += text_findings(getattr(address, name), join(prefix, name), _LABELS[name], rules[name], limit)
    if address.additional_number and not ids.is_additional_number(address.additional_number):
        found.append(
            make(
                "QAYD-ADDITIONAL-NUMBER",
                join(prefix, "additional_number"),
                f"The additional number {address.additional_number!r} must be 4 digits.",
                "Copy the additional number from the national address (SPL), or leave it empty.",
                f"الرقم الإضافي {address.additional_number!r} يجب أن يكون 4 أرقام.",
                "انسخ الرقم الإضافي من العنوان الوطني (سبل)، أو اتركه فارغاً.",
                WARNING,
            )
        )
    return found


def validate_address(address: Address, field_prefix: str, saudi_required: bool) -> list[Finding]:
    """Every problem with one address; `saudi_required` for the seller, whose address must be Saudi.

    A buyer's address is checked as a Saudi national address when its country is SA (BR-KSA-63),
    otherwise it needs street, city and country (BR-KSA-10).
    """
    rules = _SELLER_RULES if saudi_required else _BUYER_RULES
    found = _country(address, field_prefix, saudi_required, rules)
    if saudi_required or address.country == "SA":
        found += _saudi_fields(address, field_prefix, rules, _who(saudi_required))
    else:
        found += _foreign_fields(address, field_prefix)
    return found + _address_lengths(address, field_prefix, rules)


def _is_tin(value: str) -> bool:
    """A tax identification number: 10 ASCII digits starting with 3 (BR-KSA-F-07)."""
    return len(value) == 10 and value.isascii() and value.isdigit() and value.startswith("3")


# Scheme → (format test, rule, expected shape in English and Arabic): BR-KSA-F-07 … F-11. These test the
# shape only, as ZATCA does; the NIC check digit of NAT and IQA is Qayd's own, separate warning.
_ID_FORMATS: dict[IdScheme, tuple[Callable[[str], bool], str, str, str]] = {
    IdScheme.TIN: (_is_tin, "BR-KSA-F-07", "10 digits starting with 3", "10 أرقام تبدأ بالرقم 3"),
    IdScheme.CRN: (ids.is_crn, "BR-KSA-F-08", "10 digits", "10 أرقام"),
    IdScheme.N700: (ids.is_700_number, "BR-KSA-F-09", "10 digits starting with 7", "10 أرقام تبدأ بالرقم 7"),
    IdScheme.NAT: (
        ids.looks_like_national_id,
        "BR-KSA-F-10",
        "10 digits starting with 1",
        "10 أرقام تبدأ بالرقم 1",
    ),
    IdScheme.IQA: (
        ids.looks_like_iqama,
        "BR-KSA-F-11",
        "10 digits starting with 2",
        "10 أرقام تبدأ بالرقم 2",
    ),
}


def id_format(scheme: IdScheme, value: str, field: str) -> list[Finding]:
    """Scheme-specific shape (BR-KSA-F-08..11) and, for NAT and IQA, the NIC check digit."""
    if scheme not in _ID_FORMATS:
        return []
    valid, rule, shape, shape_ar = _ID_FORMATS[scheme]
    if not valid(value):
        return [
            make(
                rule,
                field,
                f"The {scheme.value} id {value!r} does not look right: it should be {shape}.",
                "Check the number against the document it comes from.",
                f"المعرّف من نوع {scheme.value} ({value!r}) لا يبدو صحيحاً: يجب أن يكون {shape_ar}.",
                "طابق الرقم مع الوثيقة التي أُخذ منها.",
                WARNING,
            )
        ]
    if scheme in (IdScheme.NAT, IdScheme.IQA) and not ids.luhn_ok(value):
        return [
            make(
                "QAYD-ID-CHECK-DIGIT",
                field,
                f"The {scheme.value} number {value!r} fails its check digit, so a digit is probably "
                "mistyped.",
                "Re-type the number from the identity card or Iqama.",
                f"رقم {scheme.value} ({value!r}) لا يطابق رقم التحقق، وغالباً أن أحد أرقامه مكتوب خطأً.",
                "أعد كتابة الرقم من بطاقة الهوية أو الإقامة.",
                WARNING,
            )
        ]
    return []


def _party_id(party: Party, prefix: str) -> list[Finding]:
    """The other buyer id (BT-46) comes as scheme + alphanumeric value (BR-KSA-14)."""
    value, scheme = party.id_value, party.id_scheme
    if not value and scheme is None:
        return []
    field = join(prefix, "id_value" if scheme is not None else "id_scheme")
    if not value or scheme is None or not ids.is_alphanumeric(value):
        schemes = ", ".join(s.value for s in IdScheme)
        return [
            make(
                "BR-KSA-14",
                field,
                "The buyer id needs both a scheme and a value made of letters and digits only.",
                f"Give the scheme ({schemes}) and the number without spaces or symbols.",
                "معرّف المشتري يحتاج إلى نوع وقيمة مكونة من حروف وأرقام فقط.",
                f"حدد نوع المعرّف ({schemes}) واكتب الرقم دون مسافات أو رموز.",
            )
        ]
    return id_format(scheme, value, field)


def _party_vat(party: Party, prefix: str) -> list[Finding]:
    """A buyer VAT number, when given, is 15 digits starting and ending with 3 (BR-KSA-44)."""
    problem = ids.check_vat_number(party.vat_number) if party.vat_number else None
    if problem is None:
        return []
    return [
        make(
            "BR-KSA-44",
            join(prefix, "vat_number"),
            f"The buyer VAT number {party.vat_number!r} is invalid. {problem}",
            "Copy the 15-digit number from the buyer's VAT certificate, or leave it empty if not registered.",
            f"الرقم الضريبي للمشتري {party.vat_number!r} غير صحيح؛ يجب أن يتكون من 15 رقماً (0-9) "
            "يبدأ وينتهي بالرقم 3.",
            "انسخ الرقم المكون من 15 رقماً من شهادة تسجيل المشتري، أو اتركه فارغاً إن لم يكن مسجلاً.",
        )
    ]


def _needs_id(party: Party, prefix: str) -> list[Finding]:
    """Without a VAT number, a buyer on a tax invoice is identified by another id (BR-KSA-81)."""
    if party.vat_number or party.id_value:
        return []
    return [
        make(
            "BR-KSA-81",
            join(prefix, "id_value"),
            "The buyer has neither a VAT number nor another id (such as a commercial registration).",
            "Enter the buyer's VAT number, or an id scheme and value (CRN, NAT, IQA, PAS, ...).",
            "ليس للمشتري رقم ضريبي ولا معرّف آخر (مثل السجل التجاري).",
            "أدخل الرقم الضريبي للمشتري، أو نوع معرّف وقيمته (CRN أو NAT أو IQA أو PAS ...).",
            WARNING,
        )
    ]


def party_findings(party: Party, prefix: str, *, standard: bool) -> list[Finding]:
    """The buyer's own data; `standard` when it is (or will be) the buyer of a tax invoice."""
    found = [
        *text_findings(
            party.name, join(prefix, "name"), ("buyer name", "اسم المشتري"), "BR-KSA-F-06-C32", 1000
        ),
        *_party_vat(party, prefix),
        *_party_id(party, prefix),
        *(_needs_id(party, prefix) if standard else []),
    ]
    address_field = join(prefix, "address")
    if party.address is not None:
        address = validate_address(party.address, address_field, saudi_required=False)
        found += address if standard else [f for f in address if f.rule != "BR-KSA-10"]
    elif standard:
        found.append(_missing_address(address_field))
    return found


def _missing_address(field: str) -> Finding:
    return make(
        "BR-KSA-10",
        field,
        "The buyer of a tax invoice needs an address.",
        "Enter the buyer's national address (or street, city and country if abroad).",
        "المشتري في الفاتورة الضريبية يحتاج إلى عنوان.",
        "أدخل العنوان الوطني للمشتري (أو الشارع والمدينة والدولة إن كان خارج المملكة).",
        WARNING,
    )
