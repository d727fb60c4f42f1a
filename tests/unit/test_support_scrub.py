"""What may leave a log call or an exception (core.support): allow-listed arguments, patterns for what slips through,
and the JSON line each record becomes, with its event code and context."""

from __future__ import annotations

import json
import logging
import sys
from decimal import Decimal
from enum import Enum
from uuid import UUID

import pytest

from core.errors import NotFoundError
from core.support import REDACTED, log_context, safe, scrub_text
from core.support.logs import JsonFormatter, event_code
from core.support.scrub import WITHHELD, exception_record, scrub_message


class Kind(Enum):
    STANDARD = "standard"


@pytest.mark.parametrize("planted", [
    "fatima.alharbi@example.sa",         # e-mail
    "310122393500003",                   # a Saudi VAT number
    "SA0380000000608010167519",          # an IBAN
    "SA03 8000 0000 6080 1016 7519",     # the same, grouped
    "+966 50 123 4567",                  # a phone, international
    "0501234567",                        # a phone, national
    "1012345678",                        # a national id
    "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
    "sk_live_51HqPlantedKeyZ9x8c7v6b5n4m3",
])
def test_patterns_mask_personal_data_and_secrets_in_text(planted: str) -> None:
    shown = scrub_text(f"while sending to {planted}, it failed")
    assert planted not in shown and REDACTED in shown and shown.startswith("while sending to ")


@pytest.mark.parametrize("text", [
    "password=Hunter2planted&x=1", "api_key: Hunter2planted", "token='Hunter2planted'",
    "postgresql://qayd:Hunter2planted@db.example.com/acme", "https://u:Hunter2planted@h/x?secret=Hunter2planted",
])
def test_secret_parameters_and_passwords_in_urls_are_masked(text: str) -> None:
    assert "Hunter2planted" not in scrub_text(text)


def test_what_is_not_personal_stays_readable() -> None:
    text = "invoice INV-2026-000123 cleared at 2026-12-08T01:02:03+00:00 after 3 tries (rule BR-KSA-40, 1500.00 SAR)"
    assert scrub_text(text) == text


def test_only_allow_listed_arguments_are_shown() -> None:
    uid = UUID(int=7)
    message = scrub_message("%s %s %s %s %s %s %s", (3, Decimal("1.50"), Kind.STANDARD, uid, safe("zatca"),
                                                     "Fatima Al-Harbi", ValueError("Fatima")))
    assert message == f"3 1.50 Kind.STANDARD {uid} zatca {REDACTED} ValueError"
    assert scrub_message("%(who)s owes %(n)d", {"who": "Fatima", "n": 2}) == f"{REDACTED} owes 2"


def test_an_exception_says_its_type_and_frames_and_only_a_qayd_errors_message() -> None:
    try:
        raise RuntimeError("state of Fatima Al-Harbi")
    except RuntimeError as exc:
        record = exception_record(exc)
    assert record["type"] == "RuntimeError" and record["message"] == WITHHELD
    assert record["frames"] == [f"tests/unit/test_support_scrub.py:{sys._getframe().f_lineno - 4}:"
                                "test_an_exception_says_its_type_and_frames_and_only_a_qayd_errors_message"]
    error = NotFoundError("No single customer matches 'Fatima Al-Harbi' (2 found).")
    assert exception_record(error)["message"] == f"No single customer matches {REDACTED} (2 found)."


def _record(msg: str, *args: object, name: str = "core.zatca.submission", **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.ERROR, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_json_line_with_its_event_and_context() -> None:
    formatter = JsonFormatter("qayd")
    with log_context(job="zatca-submit", company="acme") as fields:
        line = formatter.format(_record("failed after %d tries for %s", 3, "Fatima", event="zatca.submit.failed"))
    entry = json.loads(line)
    assert entry["event"] == "zatca.submit.failed" and entry["level"] == "ERROR"
    assert entry["message"] == f"failed after 3 tries for {REDACTED}"
    assert entry["job"] == "zatca-submit" and entry["company"] == "acme" and entry["device"] is None
    assert entry["correlation_id"] == fields["correlation_id"] and len(fields["correlation_id"]) == 32
    assert entry["ts"].endswith("+00:00") and entry["logger"] == "core.zatca.submission"
    assert json.loads(formatter.format(_record("x")))["job"] is None  # the context ended with its block


def test_the_default_event_is_the_logger_name_and_level() -> None:
    assert event_code(_record("x")) == "zatca.submission.error"
    assert event_code(_record("x", name="qayd.desktop")) == "desktop.error"
    assert event_code(_record("x", name="qayd")) == "qayd.error"


def test_nested_contexts_keep_the_outer_correlation_id() -> None:
    with log_context(correlation_id="outer") as outer, log_context(job="inner") as inner:
        assert inner == {"correlation_id": "outer", "job": "inner"} and outer == {"correlation_id": "outer"}
    with pytest.raises(TypeError, match="unknown log context field"), log_context(customer="Fatima"):
        pass
