"""The CLI's tables and page notes, as a reader of the terminal sees them (issue 13 points 2 and 5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner

from core.cli.dates import day_bounds, range_options, saudi_day
from core.cli.tables import Amount, Page, amount_text, print_table


@pytest.mark.parametrize(("value", "shown"), [
    ("1234567.89", "1,234,567.89"),
    ("0", "0.00"),
    ("250", "250.00"),
    ("-1000.5", "-1,000.50"),
    ("89.955", "89.955"),  # more decimals than cents are shown whole, never rounded away
    ("999999.99", "999,999.99"),
    ("1000000", "1,000,000.00"),
])
def test_amounts_have_separators_and_at_least_two_decimals(value: str, shown: str) -> None:
    assert amount_text(Decimal(value)) == shown
    assert Decimal(shown.replace(",", "")) == Decimal(value)  # the same number, exactly


def printed(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    @click.command()
    def show() -> None:
        print_table(headers, rows)

    result = CliRunner().invoke(show)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_amount_columns_are_right_aligned_with_their_heading() -> None:
    lines = printed(("Number", "Payable", "Note"),
                    [("A-1", Amount(Decimal("1234567.89"), "SAR"), "x"),
                     ("A-22", Amount(Decimal("5"), "SAR"), "longer note"),
                     ("A-333", None, "")])
    header, rule, first, second, third = lines
    end = header.index("Payable") + len("Payable")
    assert first[:end].endswith("1,234,567.89 SAR") and second[:end].endswith("5.00 SAR")
    assert len(rule.split()[1]) == len("1,234,567.89 SAR")  # the column is as wide as its widest amount
    assert first.index("x") == second.index("longer note")  # text columns stay left-aligned
    assert third.rstrip() == "A-333"


def test_counts_right_aligned_and_text_that_looks_numeric_is_left_alone() -> None:
    header, _rule, *rows = printed(("Seq", "Id"), [(7, "0012"), (1234, "9")])
    assert header.startswith(" Seq  Id")  # the heading of a number column is right-aligned over it
    assert [r[:len("Seq ") + 1] for r in rows] == ["   7 ", "1234 "]
    assert [r.split()[1] for r in rows] == ["0012", "9"] and rows[0].index("0012") == rows[1].index("9")


@pytest.mark.parametrize(("page", "note"), [
    (Page(50, 50, 0, 300), "50 of 300 shown (rows 1-50); use --limit/--offset to see the others."),
    (Page(3, 50, 297, 300), "3 of 300 shown (rows 298-300); use --limit/--offset to see the others."),
    (Page(1200, 1200, 0, 1500), "1,200 of 1,500 shown (rows 1-1,200); use --limit/--offset to see the others."),
    (Page(0, 50, 400, 300), "0 of 300 shown: --offset 400 is past the end; use a smaller --offset."),
    (Page(0, 0, 0, 300), "0 of 300 shown: --limit is 0; raise it to see them."),
    (Page(20, 20, 0, None, more=True), "20 shown (rows 1-20; more exist); use --limit/--offset to see the others."),
    (Page(300, 500, 0, 300), None),  # everything is shown: nothing to say
    (Page(0, 50, 0, 0), None),
    (Page(7, 20, 0, None, more=False), None),
])
def test_the_page_note_tells_a_page_from_the_whole(page: Page, note: str | None) -> None:
    assert page.note() == note


def test_the_page_as_json_carries_its_place() -> None:
    assert Page(2, 2, 4, 7).as_json(["a", "b"]) == {"total": 7, "limit": 2, "offset": 4, "shown": 2, "more": True,
                                                     "items": ["a", "b"]}
    assert Page(1, 2, 6, 7).as_json(["c"])["more"] is False


def test_day_options_are_inclusive_saudi_days() -> None:
    @click.command()
    @range_options("First day", "Last day")
    def pick(start: date | None, end: date | None) -> None:
        low, high = day_bounds(start, end)
        click.echo(f"{low.isoformat() if low else '-'} {high.isoformat() if high else '-'}")

    runner = CliRunner()
    result = runner.invoke(pick, ["--from", "2026-01-31", "--to", "2026-01-31"])
    assert result.output.split() == ["2026-01-31T00:00:00+03:00", "2026-02-01T00:00:00+03:00"]
    result = runner.invoke(pick, ["--to", "2024-02-29"])  # a leap day's end is 1 March, Saudi midnight
    assert result.output.split() == ["-", "2024-03-01T00:00:00+03:00"]
    assert "inclusive, Saudi time" in runner.invoke(pick, ["--help"]).output
    for bad, why in (("2026-02-30", "is not a date"), ("31/01/2026", "is not a date"),
                     ("2026-01-31T23:30:00+03:00", "is a date and time")):
        refused = runner.invoke(pick, ["--from", bad])
        assert refused.exit_code == 2 and why in refused.output and "--from" in refused.output, refused.output
    backwards = runner.invoke(pick, ["--from", "2026-02-01", "--to", "2026-01-31"])
    assert backwards.exit_code == 2 and "starts (2026-02-01) after it ends (2026-01-31)" in backwards.output


def test_the_day_parser_keeps_dates_and_none() -> None:
    assert saudi_day(None, None, None) is None
    assert saudi_day(None, None, date(2026, 1, 31)) == date(2026, 1, 31)
    assert saudi_day(None, None, " 2026-01-31 ") == date(2026, 1, 31)
