"""The insights' thresholds: company settings (key `insights.thresholds`, synchronised and audited like every
company setting), each with a documented default. `qayd insights thresholds` shows and sets them; a value that is
not usable is refused naming the threshold, the rule and the fix."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from core.errors import ValidationError
from core.findings import Finding

if TYPE_CHECKING:
    from core.uow import UnitOfWork

SETTING = "insights.thresholds"


@dataclass(frozen=True)
class Thresholds:
    """Every threshold, with its default. The docs of each field are what `qayd insights thresholds` prints."""

    # duplicates
    duplicate_days: int = 7  # same buyer and same total (or same lines) within this many days
    name_similarity: int = 92  # 0–100: buyer names at least this similar (rapidfuzz token-sort ratio) are one buyer
    # round amounts and repeated digits
    digits_min_documents: int = 30  # fewest documents of a user or customer before its digits are judged
    digits_ratio: float = 3.0  # its share of round amounts (or a repeated ending) at least this × the company's
    digits_p_value: float = 0.0001  # and this unlikely under the company's share (binomial tail)
    # timing (Riyadh time)
    work_start_hour: int = 7  # working hours start (inclusive)
    work_end_hour: int = 20  # working hours end (exclusive)
    weekend_days: tuple[int, ...] = (4, 5)  # Friday and Saturday (Monday is 0)
    vat_period_months: int = 3  # the company's VAT return period: 1 (monthly) or 3 (quarterly)
    period_end_days: int = 3  # "the last days of a VAT period"
    period_end_ratio: float = 2.5  # a user's share of amounts issued in those days at least this × the usual
    # VAT patterns
    share_change_points: float = 0.15  # a month's zero-rated or exempt share moving this much (0.15 = 15 points)
    # customers
    spend_mad_k: float = 6.0  # a document this many robust deviations (MAD × 1.4826) from the customer's median
    spend_min_history: int = 8  # fewest earlier documents of a customer before its baseline is used
    new_customer_factor: float = 10.0  # a first invoice at least this × the median first invoice
    # sequence
    backdated_days: int = 3  # issue date this many days or more before the audit chain recorded the issue
    backwards_minutes: int = 60  # issue time this many minutes earlier than the previous counter's
    # credit notes
    credit_after_close_days: int = 5  # a credit note this many days after a VAT period closed, on that period
    credit_concentration_ratio: float = 3.0  # a user's or customer's share of credits at least this × its share
    credit_min_notes: int = 8  # fewest credit notes of a user or customer before concentration is judged
    # Benford
    benford_min_amounts: int = 1000  # fewest positive amounts for the first-two-digit test
    benford_min_orders: float = 2.0  # the amounts must span this many orders of magnitude (log10 max/min)
    # receivables
    late_factor: float = 2.0  # outstanding this many × the customer's usual days to pay …
    late_grace_days: int = 15  # … and this many days beyond it

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["weekend_days"] = list(self.weekend_days)
        return data


DEFAULTS = Thresholds()

_RANGES: dict[str, tuple[float, float]] = {
    "name_similarity": (50, 100), "work_start_hour": (0, 23), "work_end_hour": (1, 24),
    "vat_period_months": (1, 3), "digits_p_value": (1e-12, 0.5), "share_change_points": (0.01, 1.0),
}


def _problem(name: str, message: str, fix: str) -> Finding:
    return Finding(rule="QAYD-INSIGHTS-THRESHOLD", field=f"insights.thresholds.{name}", message=message, fix=fix)


def thresholds_from(values: dict[str, Any]) -> Thresholds:
    """Defaults overridden by `values`; every unknown name and unusable value is refused at once."""
    known = {f.name: f for f in fields(Thresholds)}
    problems: list[Finding] = []
    merged: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            problems.append(_problem(name, f"There is no threshold {name!r}.",
                                     f"Use one of: {', '.join(sorted(known))}."))
            continue
        default = getattr(DEFAULTS, name)
        try:
            if isinstance(default, tuple):
                items = value if isinstance(value, list | tuple) else str(value).split(",")
                parsed: Any = tuple(sorted({int(v) for v in items}))
                if any(not 0 <= v <= 6 for v in parsed):
                    raise ValueError
            elif isinstance(default, bool) or isinstance(value, bool):
                raise ValueError
            elif isinstance(default, int):
                parsed = int(value)
            else:
                parsed = float(value)
        except (TypeError, ValueError):
            kind = ("days of the week 0–6 (Monday is 0), comma-separated" if isinstance(default, tuple)
                    else "a whole number" if isinstance(default, int) else "a number")
            problems.append(_problem(name, f"{value!r} is not {kind}.", f"Give {kind}; the default is {default}."))
            continue
        if not isinstance(parsed, tuple):
            low, high = _RANGES.get(name, (0, float("inf")))
            if not low <= parsed <= high or (parsed <= 0 and name != "work_start_hour"):
                allowed = f"{low:g}–{high:g}" if name in _RANGES else "more than 0"
                problems.append(_problem(name, f"{parsed} is not {allowed}.",
                                         f"Give a value {allowed}; the default is {default}."))
                continue
        merged[name] = parsed
    result = Thresholds(**{**asdict(DEFAULTS), **merged})
    if result.work_start_hour >= result.work_end_hour:
        problems.append(_problem("work_end_hour", "Working hours end before they start.",
                                 "Set work_end_hour after work_start_hour."))
    if result.vat_period_months not in (1, 3):
        problems.append(_problem("vat_period_months", "A VAT return period is 1 or 3 months.", "Give 1 or 3."))
    if problems:
        raise ValidationError("The insights thresholds", problems)
    return result


def load(uow: UnitOfWork) -> Thresholds:
    """The company's thresholds (defaults where it set none)."""
    from core.company_settings import get_setting

    return thresholds_from(get_setting(uow, SETTING, {}) or {})


def save(uow: UnitOfWork, changes: dict[str, Any]) -> Thresholds:
    """Change some thresholds (checked all at once; audited as a company setting). Returns the new set."""
    from core.company_settings import get_setting, set_setting
    from core.personal.roles import require_role

    require_role(uow, "admin", "compliance", action="change the insights thresholds")
    current = dict(get_setting(uow, SETTING, {}) or {})
    current.update(changes)
    result = thresholds_from(current)
    set_setting(uow, SETTING, {k: v for k, v in result.to_json().items() if v != DEFAULTS.to_json()[k]})
    return result


# What each threshold means, as `qayd insights thresholds` prints it (the field comments above, each standing alone).
DOCS: dict[str, str] = {
    "duplicate_days": "Same buyer and same total (or same lines) within this many days is a possible duplicate.",
    "name_similarity": "Buyer names at least this similar (0–100, token-sort ratio) are taken as one buyer.",
    "digits_min_documents": "Fewest documents of a user or customer before its digits are judged.",
    "digits_ratio": "A user's or customer's share of round amounts (or a repeated ending) at least this × the "
                    "company's.",
    "digits_p_value": "… and at most this likely under the company's share (binomial tail).",
    "work_start_hour": "Working hours start at this hour, Riyadh time (inclusive).",
    "work_end_hour": "Working hours end at this hour, Riyadh time (exclusive).",
    "weekend_days": "The weekend's days (Monday is 0): Friday and Saturday by default.",
    "vat_period_months": "The company's VAT return period: 1 (monthly) or 3 (quarterly).",
    "period_end_days": "How many last days of a VAT period count as its end.",
    "period_end_ratio": "A user's share of amounts issued in a period's last days at least this × the usual.",
    "share_change_points": "A month's zero-rated or exempt share moving this much (0.15 = 15 points).",
    "spend_mad_k": "A document this many robust deviations (MAD × 1.4826) from its customer's median.",
    "spend_min_history": "Fewest earlier documents of a customer before its baseline is used.",
    "new_customer_factor": "A first invoice at least this × the median first invoice.",
    "backdated_days": "Issue date this many days or more before the audit chain recorded the issue.",
    "backwards_minutes": "Issue time this many minutes earlier than the previous counter's.",
    "credit_after_close_days": "A credit note this many days after a VAT period closed, on that period.",
    "credit_concentration_ratio": "A user's or customer's share of credit notes at least this × its share of "
                                  "invoices.",
    "credit_min_notes": "Fewest credit notes of a user or customer before concentration is judged.",
    "benford_min_amounts": "Fewest positive amounts for the first-two-digit (Benford) test.",
    "benford_min_orders": "The amounts must span this many orders of magnitude (log10 of max/min).",
    "late_factor": "Outstanding this many × the customer's usual days to pay …",
    "late_grace_days": "… and at least this many days beyond them, to be late.",
}
