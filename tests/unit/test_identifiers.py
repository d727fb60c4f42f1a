"""Recognising personal values: Saudi national ids and Iqamas by format and check digit, e-mails, phones, IBANs."""

from __future__ import annotations

import pytest

from core.privacy.identifiers import (
    Kind,
    check_saudi_id,
    find_personal_values,
    is_email,
    is_iban,
    is_iqama,
    is_national_id,
    is_saudi_iban,
    is_saudi_phone,
    normalise_phone,
    recognise,
    saudi_id_kind,
)


def with_check_digit(first_nine: str) -> str:
    """The NIC check digit computed independently (Luhn from the left, odd places doubled)."""
    total = 0
    for i, c in enumerate(first_nine):
        d = int(c) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return first_nine + str((10 - total % 10) % 10)


@pytest.mark.parametrize("value", ["1000000008", with_check_digit("110234567"), with_check_digit("104455667"),
                                   "١٠٠٠٠٠٠٠٠٨"])  # Arabic-Indic digits are the same number
def test_national_ids_with_a_right_check_digit(value: str) -> None:
    assert is_national_id(value) and not is_iqama(value)
    assert saudi_id_kind(value) is Kind.NATIONAL_ID and recognise(value) is Kind.NATIONAL_ID
    assert check_saudi_id(value) is None


@pytest.mark.parametrize("value", [with_check_digit("210234567"), with_check_digit("234567890"), "2000000006"])
def test_iqamas_with_a_right_check_digit(value: str) -> None:
    assert is_iqama(value) and not is_national_id(value)
    assert recognise(value) is Kind.IQAMA


@pytest.mark.parametrize(("value", "why"), [
    ("1000000000", "check digit"),  # right shape, wrong check digit
    ("2000000000", "check digit"),
    ("100000000", "10 digits"),  # nine digits
    ("10000000080", "10 digits"),
    ("3000000002", "starts with 1"),  # a TIN-shaped number: not a person's id
    ("7000000009", "starts with 1"),
    ("10000000a8", "10 digits"),
])
def test_ids_with_a_wrong_shape_or_check_digit(value: str, why: str) -> None:
    assert saudi_id_kind(value) is None and recognise(value) is None
    problem = check_saudi_id(value)
    assert problem is not None and why in problem


def test_every_single_digit_typo_is_caught() -> None:
    good = with_check_digit("112233445")
    for position in range(10):
        for digit in "0123456789":
            typo = good[:position] + digit + good[position + 1:]
            if typo != good and typo[0] in "12":
                assert saudi_id_kind(typo) is None, typo


@pytest.mark.parametrize("value", ["+966501234567", "00966501234567", "966501234567", "0501234567",
                                   "+966 50 123 4567", "050-123-4567", "٠٥٠١٢٣٤٥٦٧"])
def test_saudi_mobile_numbers(value: str) -> None:
    assert is_saudi_phone(value) and recognise(value) is Kind.PHONE
    assert normalise_phone(value) == "+966501234567"


@pytest.mark.parametrize("value", ["+966112345678", "0112345678", "050123456", "05012345678", "+971501234567",
                                   "5012345678", ""])
def test_not_saudi_mobile_numbers(value: str) -> None:
    assert not is_saudi_phone(value) and normalise_phone(value) is None


@pytest.mark.parametrize("value", ["SA0380000000608010167519", "SA03 8000 0000 6080 1016 7519",
                                   "sa0380000000608010167519", "GB82WEST12345698765432", "DE89370400440532013000"])
def test_valid_ibans(value: str) -> None:
    assert is_iban(value) and recognise(value) is Kind.IBAN


@pytest.mark.parametrize("value", ["SA0480000000608010167519",  # check digits off by one
                                   "SA038000000060801016751",  # 23 characters: an SA IBAN has 24
                                   "SA0380000000608010167591",  # two digits swapped
                                   "GB82WEST12345698765433", "XX", ""])
def test_invalid_ibans(value: str) -> None:
    assert not is_iban(value)


def test_saudi_iban_is_sa_and_numeric() -> None:
    assert is_saudi_iban("SA0380000000608010167519")
    assert not is_saudi_iban("GB82WEST12345698765432")


@pytest.mark.parametrize(("value", "ok"), [("fatimah@example.sa", True), ("a.b+tag@mail.example.com", True),
                                           ("no-at-sign.example.com", False), ("two@@example.com", False),
                                           ("x@localhost", False), ("", False)])
def test_emails(value: str, ok: bool) -> None:
    assert is_email(value) is ok


def test_find_personal_values_in_free_text() -> None:
    text = ("Call Fatimah on +966 50 123 4567 or fatimah@example.sa; id 1000000008, not 1000000000; "
            "refund to SA03 8000 0000 6080 1016 7519.")
    kinds = [(f.kind, text[f.start:f.end]) for f in find_personal_values(text)]
    assert kinds == [(Kind.PHONE, "+966 50 123 4567"), (Kind.EMAIL, "fatimah@example.sa"),
                     (Kind.NATIONAL_ID, "1000000008"), (Kind.IBAN, "SA03 8000 0000 6080 1016 7519")]


def test_no_false_alarms_inside_hashes_ids_and_vat_numbers() -> None:
    text = ('{"vat":"300000000000003","id":"8c1d0f3a-1000000008ab-4c","hash":"a1000000008b",'
            '"at":"2026-11-25T07:00:00.001000+00:00","crn_like":"31000000008","icv":"1000000008123"}')
    assert find_personal_values(text) == []
