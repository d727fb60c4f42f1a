"""Invoice arithmetic: line amounts, VAT breakdown and document totals, rounded as ZATCA's rules check them.

Rounding follows the schematron tests (XPath ``round(x * 100) div 100``, i.e. half-up for the
non-negative amounts an invoice carries):

* BT-131 line net     = round(quantity × unit price − line discount, 2)      BR-KSA-EN16931-11
* KSA-11 line VAT     = round(BT-131 × rate / 100, 2)                         BR-KSA-50 (XML implementation
  standard; the SDK 3.4.8 schematron no longer tests it, BR-KSA-51 only checks KSA-12)
* KSA-12 line gross   = BT-131 + KSA-11                                       BR-KSA-51
* BT-116 taxable      = Σ BT-131 + Σ charges − Σ allowances, per (category, rate)   BR-S-08, BR-Z-08 …
* BT-117 tax          = round(BT-116 × rate / 100, 2)                         BR-S-09, BR-CO-17 (exact value,
  so the ± 0.01-per-line tolerance of those rules is never needed)
* BT-106 … BT-115                                                             BR-CO-10 … BR-CO-16
* BT-113 prepaid      = Σ (KSA-31 + KSA-32) of the prepayment lines when there are any   BR-KSA-80,
  otherwise the draft's prepaid amount; prepayments do not change the VAT breakdown (SDK samples)
* BT-114 rounding     = the draft's payable rounding, which may be negative
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from core.invoicing.model import (
    AllowanceCharge,
    InvoiceDraft,
    InvoiceLine,
    LineTotals,
    Totals,
    VatBreakdown,
    VatCategory,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

# No traps: a draft with NaN, Infinity or absurd magnitudes must still produce totals (NaN ones)
# instead of raising, because `validate` reports those values and the UI shows totals meanwhile.
# The precision is far above anything money needs, so legitimate amounts are computed exactly.
_SAFE = Context(prec=80, rounding=ROUND_HALF_UP, traps=[])

_GroupKey = tuple[VatCategory, Decimal]


def money(amount: Decimal) -> Decimal:
    """Round to 2 decimals, half-up, the way the BR-CO and BR-KSA rules round."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_SAFE)  # no localcontext: this is a hot path


def line_totals(line: InvoiceLine) -> LineTotals:
    """BT-131, KSA-11 and KSA-12 of one line."""
    with localcontext(_SAFE):
        net = money(line.quantity * line.unit_price - line.discount)
        vat = money(net * line.vat_rate / HUNDRED)
        return LineTotals(net=net, vat=vat, gross=net + vat)


def _signed(allowance: AllowanceCharge) -> Decimal:
    """A document-level charge adds to its category's taxable amount; an allowance subtracts."""
    amount = money(allowance.amount)
    return amount if allowance.is_charge else -amount


def _hashable(rate: Decimal) -> Decimal:
    """A signalling NaN cannot be a dict key; a quiet NaN can (and `validate` reports either)."""
    return Decimal("NaN") if rate.is_snan() else rate


def _group_amounts(draft: InvoiceDraft, lines: tuple[LineTotals, ...]) -> dict[_GroupKey, list[Decimal]]:
    """Taxable amounts per (category, rate), in order of first appearance (lines, then allowances)."""
    groups: dict[_GroupKey, list[Decimal]] = {}
    for line, totals in zip(draft.lines, lines, strict=True):
        groups.setdefault((line.vat_category, _hashable(line.vat_rate)), []).append(totals.net)
    for allowance in draft.allowances:
        groups.setdefault((allowance.vat_category, _hashable(allowance.vat_rate)), []).append(
            _signed(allowance)
        )
    return groups


def _exemption(draft: InvoiceDraft, category: VatCategory) -> tuple[str, str]:
    """The first exemption reason code/text given in this category (BT-121/BT-120 of its breakdown)."""
    items: Iterable[InvoiceLine | AllowanceCharge] = (*draft.lines, *draft.allowances)
    for item in items:
        if item.vat_category is category and (item.exemption_reason_code or item.exemption_reason):
            return item.exemption_reason_code, item.exemption_reason
    return "", ""


def vat_breakdown(draft: InvoiceDraft, lines: tuple[LineTotals, ...]) -> tuple[VatBreakdown, ...]:
    """BG-23: one subtotal per (category, rate), document allowances and charges included."""
    result = []
    with localcontext(_SAFE):
        for (category, rate), amounts in _group_amounts(draft, lines).items():
            taxable = money(sum(amounts, ZERO))
            code, reason = _exemption(draft, category) if category is not VatCategory.STANDARD else ("", "")
            result.append(
                VatBreakdown(
                    category=category,
                    rate=rate,
                    taxable_amount=taxable,
                    tax_amount=money(taxable * rate / HUNDRED),
                    exemption_reason_code=code,
                    exemption_reason=reason,
                )
            )
    return tuple(result)


def tax_in_sar(draft: InvoiceDraft, tax_total: Decimal) -> Decimal:
    """BT-111: the VAT total converted at the SAR-per-unit rate (the same amount on a SAR invoice)."""
    if draft.currency == "SAR" or draft.exchange_rate is None:
        return tax_total  # a missing rate on a foreign invoice is reported by `validate`
    with localcontext(_SAFE):
        return money(tax_total * draft.exchange_rate)


def prepaid_total(draft: InvoiceDraft) -> Decimal:
    """BT-113: the sum of the prepayment lines (as the XML states them), or the prepaid amount without them."""
    with localcontext(_SAFE):
        if not draft.prepayments:
            return money(draft.prepaid_amount)
        return money(sum((money(p.taxable_amount) + money(p.tax_amount) for p in draft.prepayments), ZERO))


_last: tuple[InvoiceDraft, Totals] | None = None


def compute_totals(draft: InvoiceDraft) -> Totals:
    """All document totals (BG-22, BG-23) of a draft; never raises, even on drafts `validate` refuses.

    Issuing asks for the totals of the same draft object twice in a row (validation, then the UBL build), so
    the last result is kept: drafts are immutable, and the identity check makes a stale answer impossible.
    """
    global _last
    last = _last  # one read: another thread may replace it meanwhile, which only costs a recomputation
    if last is not None and last[0] is draft:
        return last[1]
    totals = _compute(draft)
    _last = (draft, totals)
    return totals


def _compute(draft: InvoiceDraft) -> Totals:
    lines = tuple(line_totals(line) for line in draft.lines)
    breakdown = vat_breakdown(draft, lines)
    with localcontext(_SAFE):
        line_extension = money(sum((t.net for t in lines), ZERO))
        allowance_total = money(sum((money(a.amount) for a in draft.allowances if not a.is_charge), ZERO))
        charge_total = money(sum((money(a.amount) for a in draft.allowances if a.is_charge), ZERO))
        tax_exclusive = money(line_extension - allowance_total + charge_total)
        tax_total = money(sum((b.tax_amount for b in breakdown), ZERO))
        tax_inclusive = money(tax_exclusive + tax_total)
        prepaid = prepaid_total(draft)
        rounding = money(draft.payable_rounding)
        return Totals(
            lines=lines,
            breakdown=breakdown,
            line_extension=line_extension,
            allowance_total=allowance_total,
            charge_total=charge_total,
            tax_exclusive=tax_exclusive,
            tax_total=tax_total,
            tax_total_sar=tax_in_sar(draft, tax_total),
            tax_inclusive=tax_inclusive,
            prepaid=prepaid,
            rounding=rounding,
            payable=money(tax_inclusive - prepaid + rounding),
        )
