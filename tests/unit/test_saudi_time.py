"""One rule for time (issue 12, point 3): a document's time is its Saudi time, whatever offset it was given in.

The oracle here is arithmetic, not Qayd's code: Saudi time is UTC+3 all year, so an instant's Saudi wall clock is
its UTC wall clock plus three hours. A guard also holds every conversion in the code to `core.clock`.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import SAUDI_TIME, saudi_date, saudi_time
from core.invoicing.figures import PeriodKind, period_of
from core.invoicing.model import (
    Address,
    CompanyProfile,
    DocumentKind,
    DocumentType,
    InvoiceDraft,
    InvoiceLine,
    PrepaymentRef,
    VatCategory,
)
from core.invoicing.rules import validate
from core.zatca.qr import document_fields
from core.zatca.queue import submission_row
from core.zatca.signing import signing_moment
from core.zatca.ubl import DocumentIds, build_invoice

ROOT = Path(__file__).resolve().parents[2]
SELLER = CompanyProfile("شركة قيد", "Qayd Co", "399999999900003", "1010010000",
                        Address("King Fahd Road", "1234", "Al Olaya", "Riyadh", "12211"))
IDS = DocumentIds(uuid=uuid.UUID("6f4d20e0-6bfe-4a80-9389-7dabe6620f12"), icv=1, pih="X" * 44)
LINE = InvoiceLine("Item", Decimal("1"), Decimal("100"), VatCategory.STANDARD, Decimal("15"))
NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}

# Every offset in use somewhere (-12:00 … +14:00, to the minute), and instants from 2000 to 2099.
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
instants = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC))


def riyadh_wall_clock(instant: datetime) -> datetime:
    """The oracle: UTC wall clock + 3 hours, as a naive datetime (no zone arithmetic of Python's involved)."""
    utc = instant.astimezone(UTC)
    return datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second) + timedelta(hours=3)


def draft_at(moment: datetime) -> InvoiceDraft:
    return InvoiceDraft(kind=DocumentKind.SIMPLIFIED, type=DocumentType.INVOICE, number="T-1", issue_datetime=moment,
                        lines=(LINE,))


@settings(max_examples=150, deadline=None)
@given(instant=instants, offset=offsets)
def test_the_xml_and_qr_carry_the_saudi_wall_clock_whatever_the_offset(instant: datetime, offset: timezone) -> None:
    given_as = instant.astimezone(offset)  # the same instant, written with another offset
    expected = riyadh_wall_clock(instant)
    draft = draft_at(given_as)
    assert draft.issue_datetime == instant and draft.issue_datetime.utcoffset() == timedelta(hours=3)
    root = build_invoice(draft, SELLER, IDS)
    issue_date, issue_time = root.findtext("cbc:IssueDate", namespaces=NS), root.findtext("cbc:IssueTime",
                                                                                           namespaces=NS)
    assert f"{issue_date}T{issue_time}" == expected.isoformat()
    assert document_fields(root)[2] == expected.isoformat()  # QR tag 3 reads the same elements
    assert saudi_date(given_as) == expected.date()
    assert signing_moment(given_as) == expected.isoformat()


@settings(max_examples=150, deadline=None)
@given(instant=instants, offset=offsets)
def test_periods_follow_the_saudi_calendar(instant: datetime, offset: timezone) -> None:
    expected = riyadh_wall_clock(instant)
    for kind in PeriodKind:
        period = period_of(kind, instant.astimezone(offset))
        if kind is not PeriodKind.LAST_MONTH:
            assert period.start <= instant < period.end
        assert period.start.utcoffset() == timedelta(hours=3)
    month = period_of(PeriodKind.THIS_MONTH, instant.astimezone(offset))
    assert (month.start.year, month.start.month) == (expected.year, expected.month)
    year = period_of(PeriodKind.YEAR, instant.astimezone(offset))
    assert year.start.year == expected.year


@pytest.mark.parametrize(("given_as", "saudi"), [
    ("2026-03-31T23:30:00Z", "2026-04-01T02:30:00"),  # month and quarter end
    ("2026-04-01T01:30:00+04:00", "2026-04-01T00:30:00"),  # its UTC day is still 31 March
    ("2026-03-31T18:30:00-05:00", "2026-04-01T02:30:00"),  # its own day is 31 March
    ("2025-12-31T21:00:00Z", "2026-01-01T00:00:00"),  # year end: Riyadh midnight exactly
    ("2026-03-31T20:59:59Z", "2026-03-31T23:59:59"),  # a second before: still March
])
def test_month_quarter_and_year_ends(given_as: str, saudi: str) -> None:
    moment = datetime.fromisoformat(given_as)
    root = build_invoice(draft_at(moment), SELLER, IDS)
    assert f"{root.findtext('cbc:IssueDate', namespaces=NS)}T{root.findtext('cbc:IssueTime', namespaces=NS)}" == saudi


def test_a_prepayment_reference_is_held_in_saudi_time_too() -> None:
    ref = PrepaymentRef("ADV-1", datetime(2026, 3, 31, 23, 30, tzinfo=UTC), Decimal("100"), Decimal("15"))
    assert ref.issue_datetime.isoformat() == "2026-04-01T02:30:00+03:00"


def test_a_naive_time_is_kept_for_the_rules_and_never_guessed() -> None:
    naive = datetime(2026, 4, 1, 2, 30)
    assert draft_at(naive).issue_datetime == naive  # QAYD-ISSUE-TIMEZONE refuses it
    with pytest.raises(ValueError):
        saudi_time(naive)


def test_saudi_time_is_plus_three_all_year() -> None:
    for month in range(1, 13):
        assert datetime(2026, month, 15, tzinfo=SAUDI_TIME).utcoffset() == timedelta(hours=3)
    assert saudi_date(datetime(2026, 6, 30, 21, 0, tzinfo=UTC)) == date(2026, 7, 1)


# Where times are turned into another zone: only core.clock (and UTC for storage); the official rule's emulation
# in xml_rules_ksa.py reads the machine's zone on purpose, as XPath's implicit time zone does.
_CONVERSION = re.compile(r"\.astimezone\((?!UTC\))[^)]*\)")
_SECOND_CONSTANT = re.compile(r"timezone\(timedelta\(hours=3\)")
_ALLOWED = {Path("core/clock.py"), Path("core/zatca/xml_rules_ksa.py")}


def test_every_conversion_goes_through_core_clock() -> None:
    offenders = []
    for package in ("core", "desktop"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative in _ALLOWED:
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if _CONVERSION.search(line) or _SECOND_CONSTANT.search(line):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "convert with core.clock.saudi_time / saudi_date instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize(("given_as", "rule"), [
    ("2026-12-07T21:30:00Z", "BR-KSA-04"),  # tomorrow in Riyadh (00:30), although the same UTC day as now
    ("2026-12-07T16:30:00-05:00", "BR-KSA-04"),  # the same instant, its own day the 7th
    ("2026-12-07T20:30:00Z", "QAYD-ISSUE-FUTURE"),  # later today in Riyadh (23:30): not a future *date*
    ("2026-12-07T22:59:00+03:00", None),  # a minute ago in Riyadh
])
def test_br_ksa_04_reads_the_date_in_riyadh(given_as: str, rule: str | None) -> None:
    now = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 23:00 on 7 December in Riyadh
    found = {f.rule for f in validate(draft_at(datetime.fromisoformat(given_as)), seller=SELLER, now=now)
             if f.field == "issue_datetime"}
    assert found == ({rule} if rule else set())


def test_the_reporting_deadline_is_24_hours_after_the_instant_issued() -> None:
    draft = draft_at(datetime.fromisoformat("2026-03-31T18:30:00-05:00"))
    row = submission_row(invoice_id=draft.id, egs_unit_id=uuid.uuid4(), kind="reporting",
                         issued_at=draft.issue_datetime, now=datetime(2026, 4, 1, tzinfo=UTC), device_id=uuid.uuid4())
    assert row["deadline"] == datetime(2026, 4, 1, 23, 30, tzinfo=UTC)  # the instant + 24 h, whatever the offset
    assert row["deadline"].isoformat() == "2026-04-02T02:30:00+03:00"  # and kept, like the issue time, in Saudi time
