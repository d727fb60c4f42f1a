"""The demo company: a believable Riyadh trading company with customers, products and a few hundred drafts, dated
in this month and the two before it (Saudi time), whatever the clock says."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from core.clock import saudi_midnight, saudi_time
from core.invoicing import service
from core.invoicing.model import (
    Address,
    AllowanceCharge,
    CompanyProfile,
    Customer,
    CustomerKind,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    Product,
    VatCategory,
)
from core.uow import Context

DEMO_COMPANY = CompanyProfile(
    legal_name_ar="شركة قيد التجريبية للتجارة",
    legal_name_en="Qayd Demo Trading Co.",
    vat_number="399999999900003",
    id_value="1010010000",
    address=Address(street="King Abdulaziz Road", building_number="8228", district="Al Yasmin", city="Riyadh",
                    postal_code="13325", additional_number="2121"),
)
_BUSINESSES = [
    ("شركة الأفق للتجارة", "Al Ofoq Trading", "Riyadh", "Al Olaya", "12211"),
    ("مؤسسة النخبة للمقاولات", "Al Nukhba Contracting", "Jeddah", "Al Rawdah", "23435"),
    ("شركة الخليج للتقنية", "Gulf Tech Co.", "Dammam", "Al Faisaliyah", "32272"),
    ("مصنع الريادة للبلاستيك", "Riyada Plastics Factory", "Riyadh", "Al Sulay", "14322"),
    ("شركة الواحة للأغذية", "Oasis Foods Co.", "Al Khobar", "Al Aqrabiyah", "34446"),
    ("مكتب الدقة للاستشارات", "Precision Consulting Office", "Madinah", "Quba", "42312"),
    ("شركة السحاب للخدمات اللوجستية", "Cloud Logistics Co.", "Jeddah", "Al Safa", "23451"),
    ("مجموعة المدار القابضة", "Al Madar Holding Group", "Riyadh", "Hittin", "13512"),
]
_INDIVIDUALS = ["Fatimah Al-Harbi", "Omar Al-Qahtani", "Noura Al-Shehri", "Khalid Al-Mutairi", "Sara Al-Dosari"]
_PRODUCTS = [
    ("Consulting hours", "ساعات استشارية", "250.00", "S", "HUR"),
    ("Laptop 14-inch", "حاسب محمول 14 بوصة", "3899.00", "S", "PCE"),
    ("Office chair", "كرسي مكتب", "649.50", "S", "PCE"),
    ("A4 paper, box", "ورق A4 كرتون", "89.95", "S", "PCE"),
    ("Annual software licence", "رخصة برنامج سنوية", "1200.00", "S", "PCE"),
    ("Installation service", "خدمة التركيب", "450.00", "S", "PCE"),
    ("Printer toner", "حبر طابعة", "315.00", "S", "PCE"),
    ("Network switch 24-port", "محول شبكة 24 منفذ", "1875.00", "S", "PCE"),
    ("Export freight", "شحن تصدير", "1000.00", "Z", "PCE"),
    ("Medicines (zero-rated)", "أدوية", "120.00", "Z", "PCE"),
    ("Life insurance premium", "قسط تأمين على الحياة", "500.00", "E", "PCE"),
]
_EXEMPTIONS = {"Export freight": ("VATEX-SA-32", "Export of goods"),
               "Medicines (zero-rated)": ("VATEX-SA-35", "Medicines and medical equipment"),
               "Life insurance premium": ("VATEX-SA-29", "Financial services mentioned in Article 29 of the VAT "
                                                         "Regulations")}


def _vat(n: int) -> str:
    return f"3{n:012d}03"


def demo_customers() -> list[Customer]:
    customers = [
        Customer(name=en, name_ar=ar, kind=CustomerKind.BUSINESS, vat_number=_vat(100000000 + 7919 * i),
                 address=Address(street=f"Street {i + 1}", building_number=f"{1200 + i * 37:04d}", district=district,
                                 city=city, postal_code=postal, additional_number=f"{3100 + i:04d}"),
                 email=f"accounts@{en.split()[0].lower()}.example")
        for i, (ar, en, city, district, postal) in enumerate(_BUSINESSES)
    ]
    customers += [Customer(name=name, kind=CustomerKind.INDIVIDUAL, phone=f"+9665{5000000 + i * 1311:08d}")
                  for i, name in enumerate(_INDIVIDUALS)]
    return customers


def demo_products() -> list[Product]:
    products: list[Product] = []
    for en, ar, price, cat, unit in _PRODUCTS:
        code, reason = _EXEMPTIONS.get(en, ("", ""))
        category = VatCategory(cat)
        products.append(Product(name=en, name_ar=ar, unit_price=Decimal(price), vat_category=category,
                                vat_rate=Decimal("15") if category is VatCategory.STANDARD else Decimal("0"),
                                unit_code=unit, sku=f"SKU-{len(products) + 1:03d}",
                                exemption_reason_code=code, exemption_reason=reason))
    return products


def demo_drafts(customers: list[Customer], products: list[Product], count: int, ctx: Context) -> list[InvoiceDraft]:
    rng = random.Random(20261125)
    now = saudi_time(ctx.clock()).replace(microsecond=0)
    drafts: list[InvoiceDraft] = []
    for n in range(1, count + 1):
        customer = rng.choice(customers)
        kind = DocumentKind.STANDARD if customer.kind is CustomerKind.BUSINESS else DocumentKind.SIMPLIFIED
        issued = demo_moment(now, rng.randint(0, 89), rng.randint(1, 600))
        picks = rng.sample([p for p in products if p.vat_category is VatCategory.STANDARD or kind is
                            DocumentKind.STANDARD], rng.randint(1, 4))
        lines = _one_code_per_category(tuple(_line(p, rng) for p in picks))
        draft = InvoiceDraft(kind=kind, type=DocumentType.INVOICE, number=f"DEMO-{issued:%Y}-{n:05d}",
                             issue_datetime=issued, supply_date=issued.date(), lines=lines,
                             buyer=customer.as_party() if kind is DocumentKind.STANDARD or rng.random() < 0.5
                             else None, payment_means=rng.choice(["10", "30", "42", "48"]))
        if rng.random() < 0.1 and any(ln.vat_category is VatCategory.STANDARD for ln in lines):
            draft = replace(draft, allowances=(AllowanceCharge(amount=Decimal("25.00"), reason="Loyalty discount",
                            reason_code="95", vat_category=VatCategory.STANDARD, vat_rate=Decimal("15")),))
        if n > 10 and rng.random() < 0.05:
            original = rng.choice(drafts[:-1] or drafts)
            draft = replace(original, id=draft.id, number=f"DEMO-CN-{n:05d}", type=DocumentType.CREDIT_NOTE,
                            issue_datetime=max(issued, original.issue_datetime), lines=original.lines[:1],
                            allowances=(), billing_reference=original.number, reason="Goods returned")
        drafts.append(draft)
    return drafts


def demo_moment(now: datetime, day: int, minute: int) -> datetime:
    """Where a demo document falls: a third in each of this month (up to `now`), last month and the month before,
    Saudi time, so the dashboard and every period report show figures on the first open, whatever today is.

    `day` (0-89) and `minute` (1-600) are the draws the demo always made, so every other field of every document
    stays what it was; only the dates follow the clock. Never after `now` (a document cannot be issued in the
    future), however early in the month `now` is."""
    back = day % 3
    start = _month_start(now.date(), back)
    end = now if back == 0 else _month_start(now.date(), back - 1)
    step = (day // 3) * 600 + minute - 1  # 0 … 17 999 of 18 000 steps: never the month's end itself
    return saudi_time(start + (end - start) * step // 18_000).replace(microsecond=0)


def _month_start(today: date, back: int) -> datetime:
    """The first instant (00:00 Saudi time) of the month `back` months before `today`'s."""
    months = today.year * 12 + today.month - 1 - back
    return saudi_midnight(date(months // 12, months % 12 + 1, 1))


def _one_code_per_category(lines: tuple[InvoiceLine, ...]) -> tuple[InvoiceLine, ...]:
    """Drop lines whose exemption code differs from the first of their category: the rules refuse such a mix
    when the codes belong to different VAT-return boxes (exports beside medicines). Dropped after drawing,
    so the random sequence, and with it every other demo document, stays the same."""
    first: dict[VatCategory, str] = {}
    return tuple(ln for ln in lines if first.setdefault(ln.vat_category, ln.exemption_reason_code)
                 == ln.exemption_reason_code)


def _line(p: Product, rng: random.Random) -> InvoiceLine:
    qty = Decimal(rng.choice(["1", "2", "3", "5", "10", "0.5", "12"]))
    discount = Decimal("0") if rng.random() < 0.8 else (qty * p.unit_price * Decimal("0.05")).quantize(Decimal("0.01"))
    return InvoiceLine(name=p.name, name_ar=p.name_ar, quantity=qty, unit_price=p.unit_price, discount=discount,
                       vat_category=p.vat_category, vat_rate=p.vat_rate, exemption_reason_code=p.exemption_reason_code,
                       exemption_reason=p.exemption_reason, unit_code=p.unit_code, product_id=p.id)


def create_demo(ctx: Context, *, drafts: int = 300) -> str:
    """Fill a new company with the demo data in one transaction; returns a one-line summary."""
    customers, products = demo_customers(), demo_products()
    with ctx.uow() as uow:
        service.create_company(uow, DEMO_COMPANY)
        for customer in customers:
            service.add_customer(uow, customer)
        for product in products:
            service.add_product(uow, product)
        # No XML check now: the demo issues a few of them, and issuing checks those in full (core.zatca.gate).
        result = service.import_drafts(uow, demo_drafts(customers, products, drafts, ctx), check_xml=False)
        uow.commit()
    return f"{len(customers)} customers, {len(products)} products, {len(result.numbers)} drafts"
