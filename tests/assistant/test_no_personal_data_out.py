"""Issue 18, "Done when": 200 generated questions in Arabic and English that name planted customers (names in every
written form, phones, e-mails, ids, IBANs, VAT numbers) leave the desk with zero bytes of any planted personal value,
and come back to the person exactly as they were typed."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import asdict

import pytest

from core.assistant import PSEUDONYM, Pseudonymiser, ToolResult, Turn
from core.assistant.pseudonyms import fold
from core.invoicing.model import Customer, CustomerKind
from core.privacy.identifiers import normalise_phone
from core.uow import Context
from tests.assistant.test_pseudonyms import BUSINESSES, IBANS, PEOPLE, plant

_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "ة": "ه"})


def _arabic_typo(rnd: random.Random, name: str) -> str:
    """How people write an Arabic name: hamza dropped, ة as ه, final ي as ى, a diacritic or a tatweel, two spaces."""
    out = name.translate(_FORMS) if rnd.random() < 0.6 else name
    if rnd.random() < 0.4:
        out = re.sub(r"ي\b", "ى", out)
    if rnd.random() < 0.4:
        out = out[:2] + "ـــ" + out[2:]
    if rnd.random() < 0.4:
        out = out[:1] + "\u064e" + out[1:]
    return out.replace(" ", "  ") if rnd.random() < 0.3 else out


def _latin_typo(rnd: random.Random, name: str) -> str:
    return rnd.choice([name, name.upper(), name.lower(), name.title(), name.replace("-", " "), name.replace(" ", "  ")])


def _name(rnd: random.Random, customer: Customer, arabic: bool) -> str:
    written = customer.name_ar if arabic else customer.name
    words = [w for w in written.split() if w not in ("bin", "بن")]
    choice = rnd.choice([written, written, words[0], f"{words[0]} {words[-1]}"])
    if customer.kind is CustomerKind.BUSINESS:
        choice = written  # a business is masked by its full name only (its parts are common words: "Trading")
    return _arabic_typo(rnd, choice) if arabic else _latin_typo(rnd, choice)


def _phone(rnd: random.Random, phone: str) -> str:
    national = (normalise_phone(phone) or "")[-9:]
    written = rnd.choice([f"+966{national}", f"0{national}", f"00966{national}", f"966{national}",
                          f"0{national[:2]} {national[2:5]} {national[5:]}", f"+966 {national[:2]} {national[2:5]} "
                          f"{national[5:]}", f"0{national[:2]}-{national[2:5]}-{national[5:]}"])
    return written.translate(_INDIC) if rnd.random() < 0.3 else written


def _iban(rnd: random.Random, iban: str) -> str:
    grouped = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return rnd.choice([iban, grouped, iban.lower(), grouped.lower(), iban[:2] + iban[2:].translate(_INDIC)])


def _digits(rnd: random.Random, digits: str) -> str:
    return rnd.choice([digits, digits.translate(_INDIC), f"{digits[:4]} {digits[4:7]} {digits[7:]}"])


Slot = Callable[[random.Random, Customer, bool], str]
SLOTS: dict[str, Slot] = {
    "name": _name,
    "email": lambda rnd, c, _ar: rnd.choice([c.email, c.email.upper(), c.email.lower()]),
    "phone": lambda rnd, c, _ar: _phone(rnd, c.phone),
    "id": lambda rnd, c, _ar: _digits(rnd, c.id_value or PEOPLE[0].id_value),
    "iban": lambda rnd, _c, _ar: _iban(rnd, rnd.choice(IBANS)),
    "vat": lambda rnd, _c, _ar: _digits(rnd, PEOPLE[0].vat_number),
}
ENGLISH = ("How much does {name} owe?", "Send the invoice to {email}", "{name}'s phone is {phone}; update it",
           "Which invoices of {name} are overdue?", "Is {id} the national id of {name}?",
           "Refund {name} to IBAN {iban}", "Who is {email}? Is it {name}?", "Call {phone} about invoice INV-2026-0042",
           "VAT number {vat} belongs to {name}, right?", "show payments from {iban} last month",
           "did {name} pay 1,150.00 SAR on 2026-11-03?", "compare {name} and {name2}")
ARABIC = ("ما رصيد {name}؟", "أرسل الفاتورة إلى {email}", "رقم جوال {name} هو {phone}", "كم يدين لنا {name}؟",
          "هل رقم الهوية {id} يخص {name}؟", "حوّل المبلغ إلى الآيبان {iban}", "ما الفواتير المتأخرة لـ {name}؟",
          "اتصل على {phone} بخصوص الفاتورة", "الرقم الضريبي {vat} لمن؟ هل هو ل{name}؟", "من صاحب البريد {email}؟",
          "هل دفع {name} مبلغ ١١٥٠ ريال؟", "قارن بين {name} و{name2}")


def questions(seed: int = 18, count: int = 200) -> list[str]:
    """`count` questions, half English and half Arabic, each naming planted customers' values."""
    rnd = random.Random(seed)
    everyone = PEOPLE + BUSINESSES
    made = []
    for index in range(count):
        arabic = index % 2 == 1
        template = rnd.choice(ARABIC if arabic else ENGLISH)
        person, other = rnd.choice(PEOPLE), rnd.choice(everyone)
        values = {slot: make(rnd, person, arabic) for slot, make in SLOTS.items()}
        values["name2"] = _name(rnd, other, arabic)
        made.append(template.format(**values))
    return made


def planted_forms(customers: tuple[Customer, ...]) -> set[str]:
    """Every planted value and its normalised forms: as stored, folded, case-folded, digits both ways, each phone
    in every prefix; the names' parts too (ones a person would type alone)."""
    forms: set[str] = set(IBANS) | {i.lower() for i in IBANS} | {" ".join(i[k:k + 4] for k in range(0, 24, 4))
                                                                  for i in IBANS}
    for c in customers:
        for name in (c.name, c.name_ar):
            forms |= {name, fold(name), name.casefold()}
            if c.kind is CustomerKind.INDIVIDUAL:
                forms |= {w for w in fold(name).split() if len(w) >= 4}
        national = (normalise_phone(c.phone) or "")[-9:]
        phones = (f"+966{national}", f"0{national}", national) if national else ()
        for value in (c.email, c.id_value, c.vat_number, c.phone, *phones):
            forms |= {value, value.casefold(), value.translate(_INDIC)}
    return {f for f in forms if f}


def _leaks(masked: str, forms: set[str]) -> list[str]:
    body = masked.encode()
    folded = fold(PSEUDONYM.sub(" ", masked)).encode()
    compact = re.sub(r"[ .()\-]", "", masked).encode()
    return sorted(f for f in forms if any(f.encode() in text for text in (body, folded, compact)))


def pseudonymiser(ctx: Context, *, send_business_names: bool) -> Pseudonymiser:
    with ctx.uow() as uow:
        made = Pseudonymiser.from_store(uow, send_business_names=send_business_names)
        uow.commit()
    return made


@pytest.fixture
def planted(ctx: Context) -> Context:
    plant(ctx)
    return ctx


def test_two_hundred_questions_leave_with_no_planted_personal_byte(planted: Context) -> None:
    asked = questions()
    assert len(asked) == 200 and len(set(asked)) > 170
    assert sum(bool(re.search("[\u0600-\u06ff]", q)) for q in asked) >= 100  # half of them in Arabic
    p = pseudonymiser(planted, send_business_names=False)
    forms = planted_forms(PEOPLE + BUSINESSES)
    for question in asked:
        masked = p.mask_text(question)
        turn = p.mask_turn(Turn("user", question))  # as the service will send it, with a tool's answer about it
        result = p.mask_turn(Turn("tool", results=(ToolResult("t1", json.dumps({"question": question})),)))
        request_body = json.dumps([asdict(turn), asdict(result)], ensure_ascii=False)
        assert _leaks(request_body, forms) == [], question
        assert turn.text == masked and p.unmask(masked) == question  # the person reads back what they typed
    assert p.tokens > 50  # one conversation: the tokens are stable, not one per question


def test_with_business_names_allowed_only_businesses_pass(planted: Context) -> None:
    p = pseudonymiser(planted, send_business_names=True)
    forms = planted_forms(PEOPLE)
    passed = 0
    for question in questions(seed=1818):
        masked = p.mask_text(question)
        assert _leaks(masked, forms) == [], question
        named = [n for b in BUSINESSES for n in (fold(b.name), fold(b.name_ar)) if n in fold(question)]
        assert all(n in fold(masked) for n in named), question  # the businesses' names went as they were typed
        passed += bool(named)
    assert passed > 3
