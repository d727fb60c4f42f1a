"""Issue 13 point 2, as a clerk and an auditor use the real `qayd` over a real store: `--from`/`--to` are inclusive
calendar days in Saudi time, and `invoice list`, `invoice print`, `report vat` and `report zatca` select the very same
documents by their issue date.

Oracle: the Saudi month of every case is worked out by hand below (UTC+3, no daylight saving), and the prices are
powers of two, so a total names exactly which documents it holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.integration.conftest import Result

# number: (issue_datetime as given, the Saudi day it falls on, price)
CASES = {
    "J-NEWYEAR": ("2025-12-31T21:00:00Z", "2026-01-01", 1),  # Riyadh midnight exactly: January, not December
    "J-END": ("2026-01-31T23:30:00+03:00", "2026-01-31", 2),  # the last half hour of January in Riyadh
    "F-UTC": ("2026-01-31T22:00:00Z", "2026-02-01", 4),  # still 31 January in UTC; 01:00 on 1 February in Riyadh
    "F-END": ("2026-02-28T23:59:59+03:00", "2026-02-28", 8),  # the last second of February
    "M-FIRST": ("2026-02-28T21:00:00Z", "2026-03-01", 16),  # Riyadh midnight: March
}
JANUARY, FEBRUARY = {"J-NEWYEAR", "J-END"}, {"F-UTC", "F-END"}
SELECTIONS = [
    (("--from", "2026-01-01", "--to", "2026-01-31"), JANUARY),
    (("--from", "2026-02-01", "--to", "2026-02-28"), FEBRUARY),
    (("--from", "2026-01-31", "--to", "2026-01-31"), {"J-END"}),  # one day, both ends included
    (("--from", "2026-02-01", "--to", "2026-02-01"), {"F-UTC"}),
    (("--from", "2026-01-31", "--to", "2026-02-01"), {"J-END", "F-UTC"}),
    (("--from", "2026-03-01", "--to", "2026-03-01"), {"M-FIRST"}),
    (("--from", "2025-12-01", "--to", "2025-12-31"), set()),
]


def document(number: str, issued: str, price: int) -> dict[str, object]:
    return {"kind": "simplified", "type": "invoice", "number": number, "issue_datetime": issued, "currency": "SAR",
            "lines": [{"name": "Item", "quantity": "1", "unit_price": str(price), "vat_category": "S",
                       "vat_rate": "15"}], "payment_means": "10"}


@pytest.fixture
def issued(run: Callable[..., Result], tmp_path: Path) -> Callable[..., Result]:
    assert run("init", "--demo", "--drafts", "0").exit_code == 0
    batch = tmp_path / "cases.json"
    batch.write_text(json.dumps([document(n, *case[::2]) for n, case in CASES.items()]), "utf-8")
    result = run("invoice", "import", str(batch), "--issue")
    assert result.exit_code == 0, result.output
    return run


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def test_the_cases_are_what_they_claim() -> None:
    from datetime import UTC, datetime, timedelta

    for given, day, _price in CASES.values():
        utc = datetime.fromisoformat(given).astimezone(UTC).replace(tzinfo=None)
        assert (utc + timedelta(hours=3)).date().isoformat() == day


@pytest.mark.parametrize(("bounds", "expected"), SELECTIONS)
def test_list_print_and_reports_select_the_same_days(issued: Callable[..., Result], tmp_path: Path,
                                                     bounds: tuple[str, ...], expected: set[str]) -> None:
    listed = json.loads(ok(issued("invoice", "list", *bounds, "--json")).stdout)
    assert {r["number"] for r in listed} == expected
    folder = tmp_path / "printed"
    printed = json.loads(ok(issued("invoice", "print", *bounds, "--dir", str(folder), "--json")).stdout)
    assert {Path(p).stem.split("_", 2)[2] for p in printed["written"]} == expected
    for path in printed["written"]:  # the file name carries the Saudi issue date, the same day the case names
        number = Path(path).stem.split("_", 2)[2]
        assert Path(path).stem.split("_")[1][:8] == CASES[number][1].replace("-", "")
    price = Decimal(sum(CASES[n][2] for n in expected))
    vat = json.loads(ok(issued("report", "vat", *bounds, "--json")).stdout)
    assert vat["documents"] == len(expected)
    assert Decimal(next(b for b in vat["boxes"] if b["box"] == "1")["amount"]) == price
    zatca = json.loads(ok(issued("report", "zatca", *bounds, "--json")).stdout)
    assert Decimal(zatca["total"]["taxable"]) == price and zatca["total"]["documents"] == len(expected)


def test_a_month_by_period_is_the_month_by_days(issued: Callable[..., Result]) -> None:
    for period, first, last in (("2026-01", "2026-01-01", "2026-01-31"), ("2026-02", "2026-02-01", "2026-02-28")):
        by_period = json.loads(ok(issued("report", "vat", "--period", period, "--json")).stdout)
        by_days = json.loads(ok(issued("report", "vat", "--from", first, "--to", last, "--json")).stdout)
        assert by_period == by_days
    assert json.loads(ok(issued("report", "vat", "--period", "2026-Q1", "--json")).stdout)["documents"] == 5


COMMANDS = [("invoice", "list"), ("invoice", "print", "--dir", "unused"), ("report", "vat"), ("report", "zatca"),
            ("report", "audit")]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_date_option_says_inclusive_saudi_time(run: Callable[..., Result], command: tuple[str, ...]) -> None:
    shown = " ".join(ok(run(*command[:2], "--help")).stdout.split())  # click wraps help lines
    assert shown.count("inclusive, Saudi time") >= 2, shown  # --from and --to


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("bounds", "says"), [
    (("--from", "2026-02-01", "--to", "2026-01-31"), "starts (2026-02-01) after it ends (2026-01-31)"),
    (("--from", "2026-01-31T23:30:00+03:00", "--to", "2026-02-28"), "is a date and time"),
    (("--from", "2026-01-01", "--to", "31.01.2026"), "is not a date"),
    (("--from", "2026-02-30", "--to", "2026-03-01"), "is not a date"),
    (("--from", "2026-01-01", "--to", "9999-12-31"), "out of range"),  # no day after it: was an internal error
    (("--from", "0001-01-01", "--to", "2026-01-01"), "out of range"),  # its UTC instant is before year 1
])
def test_bad_days_are_refused_with_the_reason(issued: Callable[..., Result], tmp_path: Path,
                                              command: tuple[str, ...], bounds: tuple[str, ...], says: str) -> None:
    args = [tmp_path / "out" if a == "unused" else a for a in command]
    result = issued(*map(str, args), *bounds)
    assert result.exit_code == 2 and says in result.stderr, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # nothing printed for a refused selection


@pytest.mark.parametrize("report", ["vat", "zatca", "audit"])
@pytest.mark.parametrize("period", ["9999", "9999-12", "0001-Q1", "1899"])
def test_a_period_beyond_the_calendar_is_bad_input(issued: Callable[..., Result], report: str, period: str) -> None:
    result = issued("report", report, "--period", period, "--json")
    assert result.exit_code == 2 and "out of range" in result.stderr, result.output
