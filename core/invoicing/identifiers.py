"""Format and check-digit tests for Saudi identifiers; the ISO currency and country codes ZATCA accepts."""

from __future__ import annotations

import re

# [0-9], never \d: \d also matches Arabic-Indic digits (٣), which ZATCA's ^[0-9]{15}$ rejects.
_VAT = re.compile(r"[0-9]{15}")
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_FIVE_DIGITS = re.compile(r"[0-9]{5}")
_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_EASTERN_DIGITS = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")


def code_set(words: str) -> frozenset[str]:
    """A code list written as whitespace-separated codes, as the schematrons write them."""
    return frozenset(words.split())


# ISO 4217 codes exactly as ZATCA's BR-KSA-CL-01 / BR-CL-04 test them (SDK 3.4.8). A code missing
# here (e.g. MRU, VES) would be rejected by ZATCA, so accepting it locally would only move the error.
CURRENCY_CODES: frozenset[str] = code_set(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP
    BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
    EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRO
    MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
    RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STD SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD USN UYI UYU UZS VEF VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XDR XOF XPD
    XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWL
    """
)

# ISO 3166-1 alpha-2 codes exactly as the SDK's BR-CL-14 lists them ("1A" Kosovo and "XI" Northern
# Ireland are EN 16931 additions).
COUNTRY_CODES: frozenset[str] = code_set(
    """
    1A AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC
    EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK
    HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB
    LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU
    RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN
    TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI YE YT ZA ZM ZW
    """
)


def check_vat_number(s: str) -> str | None:
    """None when `s` is a well-formed VAT number (BR-KSA-40/44), otherwise what is wrong with it."""
    if not s:
        return "The VAT number is empty."
    if _EASTERN_DIGITS.search(s):
        return "The VAT number uses Arabic-Indic digits; write it with the digits 0-9."
    if not _VAT.fullmatch(s):
        return f"The VAT number must be exactly 15 digits (0-9); it has {len(s)} character(s)."
    if s[0] != "3" or s[-1] != "3":
        return "The VAT number must start and end with the digit 3."
    return None


def is_vat_number(s: str) -> bool:
    return check_vat_number(s) is None


def is_group_vat_number(s: str) -> bool:
    """A VAT group's number has 1 as its 11th digit (ZATCA onboarding guide)."""
    return is_vat_number(s) and s[10] == "1"


def luhn_ok(digits: str) -> bool:
    """Luhn check over ASCII digits: from the right, every second digit is doubled (its digits summed)."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def looks_like_national_id(s: str) -> bool:
    """The shape ZATCA checks for scheme NAT (BR-KSA-F-10): 10 digits starting with 1, no check digit."""
    return bool(_TEN_DIGITS.fullmatch(s)) and s[0] == "1"


def looks_like_iqama(s: str) -> bool:
    """The shape ZATCA checks for scheme IQA (BR-KSA-F-11): 10 digits starting with 2, no check digit."""
    return bool(_TEN_DIGITS.fullmatch(s)) and s[0] == "2"


def is_saudi_national_id(s: str) -> bool:
    """A citizen's national id: 10 digits starting with 1 whose last is the NIC (Luhn) check digit."""
    return looks_like_national_id(s) and luhn_ok(s)


def is_iqama(s: str) -> bool:
    """A resident's Iqama number: 10 digits starting with 2 whose last is the NIC (Luhn) check digit."""
    return looks_like_iqama(s) and luhn_ok(s)


def is_crn(s: str) -> bool:
    """A commercial registration number: 10 digits (BR-KSA-F-08)."""
    return bool(_TEN_DIGITS.fullmatch(s))


def is_700_number(s: str) -> bool:
    """A "700" unified number: 10 digits starting with 7 (BR-KSA-F-09)."""
    return bool(_TEN_DIGITS.fullmatch(s)) and s[0] == "7"


def is_tin(s: str) -> bool:
    """A 10-digit tax identification number starting with 3 (BR-KSA-F-07)."""
    return bool(_TEN_DIGITS.fullmatch(s)) and s[0] == "3"


def is_alphanumeric(s: str) -> bool:
    """ASCII letters and digits only, as BR-KSA-08/14 require of party identifiers."""
    return bool(_ALNUM.fullmatch(s))


def is_postal_code(s: str) -> bool:
    """A Saudi postal code: 5 digits (BR-KSA-66/67)."""
    return bool(_FIVE_DIGITS.fullmatch(s))


def is_building_number(s: str) -> bool:
    """A Saudi national-address building number: 4 digits (BR-KSA-37)."""
    return bool(_FOUR_DIGITS.fullmatch(s))


def is_additional_number(s: str) -> bool:
    """The national address's additional number: 4 digits."""
    return bool(_FOUR_DIGITS.fullmatch(s))


def is_currency_code(s: str) -> bool:
    return s in CURRENCY_CODES


def is_country_code(s: str) -> bool:
    return s in COUNTRY_CODES
