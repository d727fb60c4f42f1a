"""A seeded generator of books for the insights: clean ones (nothing planted) and ones with planted anomalies.

`clean(n, seed)` makes a company's issued documents as a `Book`: customers with their own spending levels and
paying habits, products with fixed VAT categories, clerks on working days and hours (Riyadh), seasonality and a
trend, credit and debit notes on earlier invoices, exports to foreign buyers, payments. Numbers and counters follow
issue time per EGS unit. Nothing in it should be flagged beyond the noise a real company has (issue 17: at most 2 %
of documents flagged).

`planted(n, seed)` plants anomalies of every kind (`PLANTERS`, one module per check group: tests/insights/plant_*.py)
and returns the truth: for each rule, the evidence keys a finding must show to count as found (a document id, or
"user:<actor>", "customer:<id>", "period:YYYY-MM", "book"). `recall` and `flagged_share` measure a run against it.

Planters run in two phases: "events" before numbering (they add or change documents; numbers and counters are then
given in issue order, as on a real desk) and "sequence" after it (they break numbering or time order on purpose).
"""

from __future__ import annotations

import importlib
import math
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.clock import saudi_time
from core.insights.book import Book, Client, Doc, Line, Paid, buyer_key
from core.insights.calendar import is_working_day
from core.insights.model import Finding

RIYADH = saudi_time(datetime(2026, 1, 1, tzinfo=UTC)).tzinfo
START = date(2025, 1, 1)
MONTHS = 24
EGS = ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222")
PREFIX = {EGS[0]: "INV-A-", EGS[1]: "INV-B-"}
CATEGORY_RATE = {"S": 15, "Z": 0, "E": 0, "O": 0}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Customer:
    id: str
    kind: str  # business | individual
    name: str
    vat: str
    country: str
    level: float  # median document total, SAR
    spread: float  # log-normal sigma of its totals
    weight: float  # how often it buys
    pay_days: float  # median days to pay
    created: date


@dataclass
class Product:
    id: str
    category: str
    price: int  # halalas


@dataclass
class Synth:
    """The generator's state: what planters read and change."""

    rng: random.Random
    start: date
    months: int
    customers: list[Customer]
    products: list[Product]
    users: list[str]
    user_egs: dict[str, str]
    docs: list[Doc] = field(default_factory=list)
    payments: list[Paid] = field(default_factory=list)
    truth: dict[str, set[str]] = field(default_factory=dict)

    @property
    def end(self) -> date:
        return _add_months(self.start, self.months) - timedelta(days=1)

    def working_moment(self, day: date | None = None) -> datetime:
        """A working day (Sun–Thu, no holiday) and hour (08:00–17:00) in Riyadh."""
        while True:
            if day is None or not is_working_day(day):
                day = self.start + timedelta(days=self.rng.randrange((self.end - self.start).days + 1))
                if not is_working_day(day):
                    day = None
                    continue
            seconds = self.rng.randrange(8 * 3600, 17 * 3600)
            return datetime.combine(day, time(), RIYADH) + timedelta(seconds=seconds)

    def lines_for(self, total_sar: float, categories: Iterable[str] | None = None) -> tuple[Line, ...]:
        """Lines whose net adds up to about `total_sar`, from products (of `categories`, when given)."""
        pool = self.products if categories is None else [p for p in self.products if p.category in set(categories)]
        count = min(len(pool), 1 + int(self.rng.expovariate(1 / 1.4)))
        chosen = self.rng.sample(pool, count)
        share = total_sar * 100 / count
        lines = []
        for product in chosen:
            quantity = max(1, round(share / product.price))
            lines.append(Line(product.id, product.category, quantity * product.price, str(quantity),
                              f"{product.price / 100:.2f}"))
        return tuple(lines)

    def doc(self, *, customer: Customer | None, moment: datetime, user: str, lines: tuple[Line, ...],
            type_: str = "invoice", reference: str = "", export: bool = False) -> Doc:
        net = sum(line.net for line in lines)
        tax = sum(round(line.net * CATEGORY_RATE[line.category] / 100) for line in lines)
        kind = "standard" if customer is not None and customer.kind == "business" else "simplified"
        recorded = moment + timedelta(seconds=self.rng.randrange(1, 600))
        return Doc(id=_uuid(self.rng), number="", type=type_, kind=kind, issued=moment, recorded=recorded, user=user,
                   customer=None if customer is None else customer.id,
                   buyer="" if customer is None else buyer_key(customer.vat, customer.name),
                   buyer_name="" if customer is None else customer.name,
                   buyer_country="" if customer is None else customer.country, egs=self.user_egs[user], icv=0,
                   total=net + tax, tax=tax, currency="SAR", billing_reference=reference, export=export,
                   lines=lines)

    def add(self, doc: Doc) -> Doc:
        self.docs.append(doc)
        return doc

    def plant(self, rule: str, *keys: str) -> None:
        self.truth.setdefault(rule, set()).update(keys)

    def customer_of(self, doc: Doc) -> Customer | None:
        return None if doc.customer is None else self._customers_by_id()[doc.customer]

    def _customers_by_id(self) -> dict[str, Customer]:
        return {c.id: c for c in self.customers}

    def number(self) -> None:
        """Numbers and counters in issue order per EGS unit, as a desk gives them."""
        counters = dict.fromkeys(EGS, 0)
        for doc in sorted(self.docs, key=lambda d: d.recorded or d.issued):
            counters[doc.egs] += 1
            doc.icv = counters[doc.egs]
            doc.number = f"{PREFIX[doc.egs]}{doc.icv:07d}"

    def book(self, start: date | None = None, end: date | None = None) -> Book:
        clients = {c.id: Client(c.id, c.kind, datetime.combine(c.created, time(9), RIYADH), False)
                   for c in self.customers}
        now = datetime.combine(self.end + timedelta(days=1), time(9), RIYADH)
        return Book(docs=list(self.docs), start=start or self.start, end=end or self.end, now=now,
                    payments=list(self.payments), customers=clients)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


_FIRST = ("Abdullah", "Mohammed", "Fahad", "Sara", "Noura", "Khalid", "Faisal", "Reem", "Omar", "Huda", "Majed",
          "Lama", "Turki", "Amal", "Saad", "Dana", "Nasser", "Hind", "Yousef", "Aisha")
_LAST = ("Al-Qahtani", "Al-Otaibi", "Al-Ghamdi", "Al-Zahrani", "Al-Harbi", "Al-Dosari", "Al-Shehri", "Al-Mutairi",
         "Al-Anazi", "Al-Shammari", "Al-Subaie", "Al-Malki", "Al-Juhani", "Al-Rashidi", "Al-Yami")
_TRADE = ("Trading", "Contracting", "Logistics", "Foods", "Medical", "Electronics", "Consulting", "Industries",
          "Services", "Technologies")
_CITY = ("Riyadh", "Jeddah", "Dammam", "Khobar", "Makkah", "Madinah", "Tabuk", "Abha", "Qassim", "Hail", "Najran",
         "Jazan", "Yanbu", "Taif", "Jubail")


def _vat(rng: random.Random) -> str:
    return "3" + "".join(rng.choice("0123456789") for _ in range(13)) + "3"


def _customers(rng: random.Random, count: int, start: date, end: date) -> list[Customer]:
    customers = []
    span = (end - start).days
    used: set[str] = set()
    for index in range(count):
        business = rng.random() < 0.6
        while True:
            if business:
                name = f"{rng.choice(_CITY)} {rng.choice(_LAST).replace('Al-', '')} {rng.choice(_TRADE)} Co. {index}"
            else:
                name = f"{rng.choice(_FIRST)} {rng.choice(_FIRST)} {rng.choice(_LAST)} {index}"
            if name not in used:
                used.add(name)
                break
        foreign = business and rng.random() < 0.03
        level = math.exp(rng.gauss(8.2 if business else 6.3, 0.9))
        # most customers exist from the start; some join during the period (their first invoice is their first ever)
        created = start if rng.random() < 0.7 else start + timedelta(days=rng.randrange(span))
        customers.append(Customer(
            id=_uuid(rng), kind="business" if business else "individual", name=name,
            vat=_vat(rng) if business and not foreign else "", country=("AE" if foreign else "SA") if business else "",
            level=level, spread=rng.uniform(0.25, 0.45), weight=rng.paretovariate(1.6), pay_days=rng.uniform(7, 60),
            created=created))
    return customers


def _products(rng: random.Random, count: int) -> list[Product]:
    products = []
    for _ in range(count):
        roll = rng.random()
        category = "S" if roll < 0.86 else "Z" if roll < 0.94 else "E" if roll < 0.98 else "O"
        price = int(math.exp(rng.gauss(math.log(12000), 1.3)))  # halalas: median SAR 120, never round on purpose
        products.append(Product(_uuid(rng), category, max(price, 150)))
    return products


def _season(day: date) -> float:
    """Monthly seasonality (December and the months before Ramadan busier) and a gentle upward trend."""
    bump = {1: 0.9, 2: 1.15, 3: 1.05, 6: 0.85, 7: 0.8, 8: 0.9, 11: 1.1, 12: 1.3}.get(day.month, 1.0)
    return bump * (1 + 0.15 * (day - START).days / 365)


def clean(n: int = 100_000, *, seed: int = 17, start: date = START, months: int = MONTHS,
          customers: int | None = None) -> Synth:
    """A company's `n` documents with nothing planted (about 93 % invoices, 3 % credit notes, 0.5 % debit notes)."""
    rng = random.Random(seed)
    end = _add_months(start, months) - timedelta(days=1)
    people = _customers(rng, customers or max(50, n // 50), start, end)
    users = [f"user:{_uuid(rng)}" for _ in range(8)]
    synth = Synth(rng=rng, start=start, months=months, customers=people, products=_products(rng, 300), users=users,
                  user_egs={u: EGS[i % 2] for i, u in enumerate(users)})
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if is_working_day(d)]
    weights = [_season(d) for d in working]
    business = [c for c in people if c.kind == "business"]
    business_weights = [c.weight for c in business]
    individuals = [c for c in people if c.kind == "individual"]
    individual_weights = [c.weight for c in individuals]
    invoices = int(n * 0.965)
    for day in rng.choices(working, weights, k=invoices):
        roll = rng.random()
        customer = (rng.choices(business, business_weights)[0] if roll < 0.55 else
                    rng.choices(individuals, individual_weights)[0] if roll < 0.75 else None)
        if customer is not None and customer.created > day:
            customer = None
        level = customer.level if customer is not None else math.exp(rng.gauss(5.0, 0.8))
        spread = customer.spread if customer is not None else 0.6
        total = level * math.exp(rng.gauss(0, spread))
        foreign = customer is not None and customer.country not in ("", "SA")
        lines = synth.lines_for(total, ("Z",) if foreign else None)
        moment = synth.working_moment(day)
        synth.add(synth.doc(customer=customer, moment=moment, user=rng.choice(users), lines=lines, export=foreign))
    originals = [d for d in synth.docs if d.customer is not None]
    for _ in range(n - invoices):
        original = rng.choice(originals)
        later = original.issued.date() + timedelta(days=rng.randrange(1, 45))
        if later > end:
            continue
        customer = synth.customer_of(original)
        credit = rng.random() < 0.85
        share = rng.uniform(0.1, 1.0) if credit else rng.uniform(0.05, 0.3)
        lines = tuple(Line(line.product, line.category, round(line.net * share), line.quantity, line.unit_price)
                      for line in original.lines[:max(1, len(original.lines) - rng.randrange(2))])
        synth.add(synth.doc(customer=customer, moment=synth.working_moment(later),
                            user=rng.choice(users), lines=lines, type_="credit_note" if credit else "debit_note",
                            reference="@" + original.id, export=original.export))
    synth.number()
    _resolve_references(synth)
    _pay(synth)
    return synth


def _resolve_references(synth: Synth) -> None:
    """Notes were written against an original's id (numbers come later): now they name its number."""
    by_id = {d.id: d for d in synth.docs}
    for doc in synth.docs:
        if doc.billing_reference.startswith("@"):
            doc.billing_reference = by_id[doc.billing_reference[1:]].number


def _pay(synth: Synth) -> None:
    """Customers pay their invoices after their own usual delay (some not yet, near the end)."""
    rng = synth.rng
    now = datetime.combine(synth.end + timedelta(days=1), time(9), RIYADH)
    by_id = {c.id: c for c in synth.customers}
    for doc in synth.docs:
        if doc.type != "invoice" or doc.customer is None:
            continue
        customer = by_id[doc.customer]
        paid_at = doc.issued + timedelta(days=customer.pay_days * math.exp(rng.gauss(0, 0.25)))
        if paid_at < now and rng.random() < 0.97:
            synth.payments.append(Paid(doc.id, doc.total, paid_at))


# -- planting --------------------------------------------------------------------------------------------------

Planter = Callable[[Synth], None]
# module of tests/insights -> {rule: (phase, planter)}; each plant_*.py defines PLANTERS for its check group
PLANT_MODULES = ("plant_duplicates", "plant_digits", "plant_timing", "plant_vat", "plant_customers",
                 "plant_sequence", "plant_credits", "plant_receivables", "plant_benford")


def planters() -> dict[str, tuple[str, Planter]]:
    found: dict[str, tuple[str, Planter]] = {}
    for name in PLANT_MODULES:
        try:
            module = importlib.import_module(f"tests.insights.{name}")
        except ModuleNotFoundError:
            continue
        found.update(module.PLANTERS)
    return found


def planted(n: int = 100_000, *, seed: int = 17, rules: Iterable[str] | None = None) -> Synth:
    """A clean book with anomalies of every kind planted (or of `rules` only); `synth.truth` says where."""
    synth = clean(n, seed=seed)
    chosen = planters()
    wanted = [r for r in chosen if rules is None or r in set(rules)]
    for phase in ("events", "sequence"):
        for rule in wanted:
            when, plant = chosen[rule]
            if when == phase:
                plant(synth)
        if phase == "events":
            synth.number()
            _resolve_references(synth)
    return synth


def found_keys(finding: Finding) -> set[str]:
    """What a finding points at, in the truth's terms."""
    keys = {d.id for d in finding.documents} | {f"user:{u}" if not u.startswith("user:") else u
                                                for u in finding.users}
    keys |= {f"customer:{c}" for c in finding.customers}
    if finding.scope:
        keys.add(finding.scope)
    return keys


def recall(truth: dict[str, set[str]], findings: Iterable[Finding]) -> dict[str, float]:
    """Per planted rule, the share of planted keys some finding of that rule points at."""
    seen: dict[str, set[str]] = {}
    for finding in findings:
        seen.setdefault(finding.rule, set()).update(found_keys(finding))
    return {rule: len(keys & seen.get(rule, set())) / len(keys) for rule, keys in truth.items() if keys}


def flagged_share(book: Book, findings: Iterable[Finding]) -> float:
    """The share of the period's documents that some finding names."""
    flagged = {d.id for f in findings for d in f.documents}
    total = sum(1 for _ in book.period_docs())
    return len(flagged) / total if total else 0.0


def run_checks(book: Book, thresholds: Any = None) -> list[Finding]:
    """Every check over `book` (as core.insights.service.run does, without the store)."""
    from core.insights.checks import CHECKS, check_of
    from core.insights.thresholds import DEFAULTS

    found: list[Finding] = []
    for name in CHECKS:
        found.extend(f for f in check_of(name)(book, thresholds or DEFAULTS) if isinstance(f, Finding))
    return found
