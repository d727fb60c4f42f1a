"""Identifiers: VAT numbers, national id and Iqama check digits, CRN, address, currency and country codes."""

from __future__ import annotations

import pytest

from core.invoicing import identifiers as ids


@pytest.mark.parametrize("vat", ["311111111111113", "300000000000003", "399999999900003"])
def test_valid_vat_numbers(vat: str) -> None:
    assert ids.check_vat_number(vat) is None
    assert ids.is_vat_number(vat)


@pytest.mark.parametrize(
    ("vat", "problem"),
    [
        ("", "empty"),
        ("31111111111113", "15 digits"),  # 14 digits
        ("3111111111111113", "15 digits"),  # 16 digits
        ("3111111111111a3", "15 digits"),
        (" 311111111111113", "15 digits"),
        ("211111111111113", "start and end with the digit 3"),
        ("311111111111112", "start and end with the digit 3"),
        ("٣١١١١١١١١١١١١١٣", "Arabic-Indic"),
    ],
)
def test_invalid_vat_numbers_say_why(vat: str, problem: str) -> None:
    message = ids.check_vat_number(vat)
    assert message is not None and problem in message
    assert not ids.is_vat_number(vat)


def test_group_vat_number_has_1_as_eleventh_digit() -> None:
    assert ids.is_group_vat_number("300000000010003")
    assert not ids.is_group_vat_number("300000000000003")


def test_luhn_on_the_textbook_example() -> None:
    assert ids.luhn_ok("79927398713")
    assert not ids.luhn_ok("79927398710")
    assert not ids.luhn_ok("7992739871x")
    assert not ids.luhn_ok("٧٩٩٢٧٣٩٨٧١٣")  # Arabic-Indic digits are not ASCII digits


# In ten digits the doubled ones (every second from the right) are the 1st, 3rd, … 9th from the left.
# 1000000008: 1×2 + 8 = 10 → valid. 1010101010: 5 × (1×2) + 0 = 10.
# 1234567897: doubled 1,3,5,7,9 → 2+6+(1+0)+(1+4)+(1+8) = 23; kept 2+4+6+8+7 = 27; 23 + 27 = 50.
@pytest.mark.parametrize("nid", ["1000000008", "1234567897", "1010101010"])
def test_valid_national_ids(nid: str) -> None:
    assert ids.is_saudi_national_id(nid)
    assert not ids.is_iqama(nid)


@pytest.mark.parametrize("iqama", ["2000000006", "2234567895"])
def test_valid_iqama_numbers(iqama: str) -> None:
    assert ids.is_iqama(iqama)
    assert not ids.is_saudi_national_id(iqama)


@pytest.mark.parametrize(
    "value",
    ["1000000000", "1000000009", "2000000000", "3000000004", "100000008", "10000000080", "10000000o8", ""],
)
def test_invalid_national_ids_and_iqamas(value: str) -> None:
    assert not ids.is_saudi_national_id(value)
    assert not ids.is_iqama(value)


def test_other_saudi_numbers() -> None:
    assert ids.is_crn("1010010000") and not ids.is_crn("101001000") and not ids.is_crn("10100100001")
    assert ids.is_700_number("7001234567") and not ids.is_700_number("1001234567")
    assert ids.is_tin("3001234567") and not ids.is_tin("1001234567")
    assert (
        ids.is_postal_code("12211") and not ids.is_postal_code("1221") and not ids.is_postal_code("12211-1")
    )
    assert (
        ids.is_building_number("1234")
        and not ids.is_building_number("123")
        and not ids.is_building_number("12a4")
    )
    assert ids.is_additional_number("8421") and not ids.is_additional_number("84210")
    assert ids.is_alphanumeric("AB12") and not ids.is_alphanumeric("AB 12") and not ids.is_alphanumeric("")


def test_currency_codes() -> None:
    assert all(ids.is_currency_code(c) for c in ("SAR", "USD", "EUR", "AED", "KWD"))
    assert not ids.is_currency_code("sar")
    assert not ids.is_currency_code("RIY")
    assert not ids.is_currency_code("")


def test_country_codes() -> None:
    assert all(ids.is_country_code(c) for c in ("SA", "AE", "EG", "GB", "US"))
    assert not ids.is_country_code("sa")
    assert not ids.is_country_code("KSA")
    assert not ids.is_country_code("UK")  # the United Kingdom is GB in ISO 3166
