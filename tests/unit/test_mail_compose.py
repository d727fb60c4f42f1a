"""The invoice e-mail's templates: both languages, Arabic right to left, HTML escaped (a hostile buyer name or link
stays text), the payment link slot, and a sandbox that refuses a template reaching into Python."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from core.mail.compose import _environment, render
from core.mail.smtp import scrub, xoauth2_string

VALUES = {"lang": "ar", "number": "INV-7", "title_en": "Tax Invoice", "title_ar": "فاتورة ضريبية",
          "issue_date": "2026-11-25", "total": "1,150.00", "currency": "SAR", "buyer": "ACME", "buyer_ar": "أكمي",
          "seller_en": "Seller Co.", "seller_ar": "شركة البائع", "payment_url": None}


def test_both_languages_the_chosen_one_first() -> None:
    arabic, english = render(VALUES), render({**VALUES, "lang": "en"})
    assert arabic.html.index('lang="ar"', 100) < arabic.html.index('lang="en"')
    assert english.html.index('lang="en"', 100) < english.html.index('<div dir="rtl" lang="ar"')
    assert arabic.subject.startswith("فاتورة ضريبية INV-7") and english.subject.startswith("Tax Invoice INV-7")
    assert "السادة أكمي" in arabic.text and "Dear ACME" in arabic.text and "pay" not in arabic.text.lower()


def test_hostile_values_stay_text_in_html_and_the_payment_link_appears() -> None:
    hostile = {**VALUES, "buyer": '<script>alert(1)</script>{{ 7*7 }}', "payment_url": 'https://pay.example/?a=1&b="x"'}
    out = render(hostile)
    assert "<script>" not in out.html and "&lt;script&gt;" in out.html and "{{ 7*7 }}" in out.text
    assert "49" not in out.html
    assert 'href="https://pay.example/?a=1&amp;b=&#34;x&#34;"' in out.html
    assert "https://pay.example/?a=1&b=\"x\"" in out.text  # the plain-text part is not HTML


def test_the_sandbox_refuses_reaching_into_python() -> None:
    template = _environment().from_string("{{ number.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        template.render(number="INV-7")


def test_xoauth2_string_and_scrubbed_replies() -> None:
    assert xoauth2_string("a@b.sa", "tok") == "user=a@b.sa\x01auth=Bearer tok\x01\x01"
    assert scrub("550 5.1.1 <someone@buyer.sa>: no such user") == "550 5.1.1 <<address>>: no such user"
