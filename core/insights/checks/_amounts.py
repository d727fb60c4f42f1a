"""Shared wording of the duplicate, digit, Benford and customer checks: amounts, day gaps and binomial tails."""

from __future__ import annotations

import math

from core.insights.book import money


def amount(halalas: int, currency: str = "SAR") -> str:
    """"SAR 12,345.60" (the currency code first, as on the invoices)."""
    return f"{currency} {money(halalas):,.2f}"


def amount_ar(halalas: int, currency: str = "SAR") -> str:
    """"12,345.60 ريال" (digits as digits; the riyal by name, another currency by its code)."""
    return f"{money(halalas):,.2f} " + ("ريال" if currency == "SAR" else currency)


def days_apart(days: int) -> str:
    return "on the same day" if days == 0 else "1 day apart" if days == 1 else f"{days} days apart"


def days_apart_ar(days: int) -> str:
    if days == 0:
        return "في اليوم نفسه"
    if days == 1:
        return "بفارق يوم واحد"
    if days == 2:
        return "بفارق يومين"
    return f"بفارق {days} أيام" if days <= 10 else f"بفارق {days} يومًا"


def percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (exact; no scipy in the core's dependencies)."""
    if k <= 0:
        return 1.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0 or k > n:
        return 1.0 if p >= 1.0 else 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    base = math.lgamma(n + 1)
    total = 0.0
    for i in range(k, n + 1):
        term = math.exp(base - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q)
        total += term
        if i > n * p and term < total * 1e-12:  # past the mode the terms only shrink
            break
    return min(total, 1.0)
