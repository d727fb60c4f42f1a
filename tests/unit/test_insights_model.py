"""The insights' model, thresholds and calendar: keys that stay put, thresholds refused with the field and the fix,
and the Saudi holidays read off the Umm al-Qura calendar."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import ValidationError
from core.insights.calendar import holiday_of, holidays, is_working_day
from core.insights.model import RULES, DocRef, Finding
from core.insights.thresholds import DEFAULTS, thresholds_from


def _finding(*ids: str, rule: str = "INS-DUP-AMOUNT", scope: str = "", score: float = 0.7) -> Finding:
    return Finding(rule=rule, score=score, summary="s", summary_ar="ع", action="a", action_ar="إ",
                   documents=tuple(DocRef(i, f"N-{i}") for i in ids), scope=scope)


def test_a_findings_key_is_its_rule_scope_and_documents_in_any_order() -> None:
    assert _finding("a", "b").key == _finding("b", "a").key
    assert _finding("a", "b").key == _finding("a", "b", score=0.2).key  # a new score is the same evidence
    assert _finding("a", "b").key != _finding("a", "c").key
    assert _finding("a").key != _finding("a", rule="INS-DUP-LINES").key
    assert _finding("a", scope="user:x").key != _finding("a", scope="user:y").key


def test_a_finding_survives_its_json() -> None:
    original = Finding(rule="INS-CUS-SPEND", score=0.91, summary="far above", summary_ar="أعلى بكثير",
                       action="check it", action_ar="راجعها", documents=(DocRef("x", "INV-1"),), customers=("c1",),
                       users=("user:u",), figures={"median": "120.00"}, scope="customer:c1",
                       period=(date(2026, 1, 1), date(2026, 3, 31)))
    again = Finding.from_json(original.to_json())
    assert again == original and again.key == original.key
    assert original.text("ar") == (RULES["INS-CUS-SPEND"].title_ar, "أعلى بكثير", "راجعها")


def test_every_rule_has_both_languages_and_one_group() -> None:
    from core.insights.checks import CHECKS

    listed = [rule for rules in CHECKS.values() for rule in rules]
    assert sorted(listed) == sorted(RULES) and len(listed) == len(set(listed))
    for rule in RULES.values():
        assert rule.title and any("\u0600" <= ch <= "\u06ff" for ch in rule.title_ar)


def test_thresholds_default_and_override() -> None:
    assert thresholds_from({}) == DEFAULTS
    changed = thresholds_from({"duplicate_days": "10", "weekend_days": "5,4", "digits_ratio": 2.5})
    assert (changed.duplicate_days, changed.weekend_days, changed.digits_ratio) == (10, (4, 5), 2.5)


@pytest.mark.parametrize(("values", "field"), [
    ({"duplicate_dayz": 3}, "duplicate_dayz"),
    ({"duplicate_days": "soon"}, "duplicate_days"),
    ({"duplicate_days": 0}, "duplicate_days"),
    ({"name_similarity": 120}, "name_similarity"),
    ({"weekend_days": "4,9"}, "weekend_days"),
    ({"work_start_hour": 18, "work_end_hour": 9}, "work_end_hour"),
    ({"vat_period_months": 2}, "vat_period_months"),
    ({"digits_ratio": True}, "digits_ratio"),
])
def test_an_unusable_threshold_is_refused_naming_it_and_the_fix(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        thresholds_from(values)
    problem = caught.value.findings[0]
    assert problem.field == f"insights.thresholds.{field}" and problem.rule == "QAYD-INSIGHTS-THRESHOLD"
    assert problem.fix


def test_saudi_public_holidays_follow_the_umm_al_qura_calendar() -> None:
    # Announced by the Ministry of Human Resources for 1446 AH: Eid al-Fitr from 29 Ramadan (29 March 2025),
    # Eid al-Adha from the Day of Arafah (5 June 2025); Founding Day and National Day on fixed dates.
    assert holiday_of(date(2025, 3, 30)).name == "Eid al-Fitr"  # type: ignore[union-attr]
    assert holiday_of(date(2025, 6, 5)).name == "Eid al-Adha"  # type: ignore[union-attr]
    assert holiday_of(date(2025, 2, 22)).name_ar == "يوم التأسيس"  # type: ignore[union-attr]
    assert holiday_of(date(2026, 9, 23)).name == "National Day"  # type: ignore[union-attr]
    assert holiday_of(date(2025, 3, 27)) is None and holiday_of(date(2025, 6, 10)) is None
    assert all(len([d for d, h in holidays(year).items() if h.name == "Eid al-Adha"]) == 4 for year in (2025, 2026))


def test_the_saudi_weekend_is_friday_and_saturday() -> None:
    assert not is_working_day(date(2026, 12, 4)) and not is_working_day(date(2026, 12, 5))  # Friday, Saturday
    assert is_working_day(date(2026, 12, 6)) and is_working_day(date(2026, 12, 10))  # Sunday, Thursday


@pytest.mark.parametrize(("kind", "expected"), [
    ("rolling_year", (date(2026, 1, 1), date(2026, 12, 8))),
    ("this_quarter", (date(2026, 10, 1), date(2026, 12, 8))),
    ("last_quarter", (date(2026, 7, 1), date(2026, 9, 30))),
    ("this_year", (date(2026, 1, 1), date(2026, 12, 8))),
    ("last_month", (date(2026, 11, 1), date(2026, 11, 30))),
])
def test_named_periods_are_riyadh_days(kind: str, expected: tuple[date, date]) -> None:
    from datetime import UTC, datetime

    from core.insights.service import period_for

    # 21:30 UTC on 7 December is already 8 December in Riyadh
    assert period_for(kind, datetime(2026, 12, 7, 21, 30, tzinfo=UTC)) == expected


def test_the_quarter_before_january_is_last_years_fourth() -> None:
    from datetime import UTC, datetime

    from core.insights.service import period_for

    assert period_for("last_quarter", datetime(2027, 1, 5, 9, tzinfo=UTC)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_for("last_month", datetime(2027, 1, 5, 9, tzinfo=UTC)) == (date(2026, 12, 1), date(2026, 12, 31))
