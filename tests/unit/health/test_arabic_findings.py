"""Every health check says what it found and the fix in Arabic too, mostly in Arabic letters.

The checks' runs are collected by tests/integration/test_doctor.py (a healthy company and each broken fixture there)
through `assert_arabic`; this file checks the rule itself, the model's choice of language and doctor's JSON."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.errors import QaydError
from core.health import Alert, CheckResult, Report, Status, unopened_report

ARABIC = re.compile(r"[\u0621-\u064a]")
LATIN = re.compile(r"[A-Za-z]")
# what stays as it is inside an Arabic sentence: `commands`, «quoted» words of a server or a library, and ids, file
# names, settings and numbers (a token with a dot, slash, underscore, hyphen, digit, or quote mark)
KEPT = re.compile(r"`[^`]*`|«[^»]*»|'[^']*'|\S*[./_\-=\d]\S*")


def arabic_share(text: str) -> float:
    """Arabic letters over Arabic and Latin letters, once what is kept as it is has been left out."""
    rest = KEPT.sub(" ", text)
    arabic, latin = len(ARABIC.findall(rest)), len(LATIN.findall(rest))
    return arabic / max(1, arabic + latin)


def arabic_problems(result: CheckResult) -> list[str]:
    """Each non-empty `found`/`fix` needs an Arabic counterpart that is mostly (70 %+) Arabic letters."""
    problems = []
    for english, arabic, name in ((result.found, result.found_ar, "found"), (result.fix, result.fix_ar, "fix")):
        if english and not arabic:
            problems.append(f"{result.id}: {name} has no Arabic ({english!r})")
        elif english and arabic_share(arabic) < 0.7:
            problems.append(f"{result.id}: {name}_ar is not mostly Arabic ({arabic!r})")
    return problems


def assert_arabic(*results: CheckResult) -> None:
    problems = [problem for result in results for problem in arabic_problems(result)]
    assert not problems, "\n".join(problems)


def test_the_rule_tells_arabic_from_english_but_keeps_commands_and_ids_aside() -> None:
    assert arabic_share("شغّل `qayd zatca submit` الآن (docs/runbooks/sync-failing.ar.md).") == 1.0
    assert arabic_share("The chain was cut.") == 0.0
    assert arabic_share("رفض خادم البريد بيانات الدخول: «535 authentication failed»") == 1.0


def test_text_chooses_arabic_when_asked_and_present() -> None:
    both = CheckResult("x.y", "X", Status.WARN, "found", "fix", found_ar="وُجد", fix_ar="الحل")
    assert both.text("ar") == ("وُجد", "الحل") and both.text("en") == ("found", "fix")
    english_only = CheckResult("x.y", "X", Status.WARN, "found", "fix")
    assert english_only.text("ar") == ("found", "fix")
    alert = Alert.from_check(both)
    assert alert.found_ar == "وُجد" and alert.text("ar") == ("وُجد", "الحل") and alert.text("en") == ("found", "fix")


def test_doctor_json_carries_both_languages() -> None:
    result = CheckResult("x.y", "X", Status.OK, "found", found_ar="وُجد")
    data = Report((result,), datetime(2026, 12, 8, tzinfo=UTC)).to_json()["checks"][0]
    assert data["found"] == "found" and data["found_ar"] == "وُجد" and data["fix_ar"] == ""


def test_the_unopened_report_is_in_arabic_too() -> None:
    report = unopened_report(QaydError("The master key is not in the keyring.", fix="Import it."), datetime.now(UTC))
    [result] = report.checks
    assert_arabic(result)
    assert "The master key is not in the keyring." in result.found_ar  # the error's own words, quoted
