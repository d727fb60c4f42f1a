"""JSON interchange: the documented example, every kind of bad document, files, round trips and fuzzing."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ValidationError
from core.findings import Finding, Severity
from core.invoicing.interchange import (
    ALLOWANCE_FIELDS,
    BUYER_FIELDS,
    DOCUMENT_FIELDS,
    LINE_FIELDS,
    draft_to_json,
    load_json_file,
    parse_document,
    parse_documents,
)
from core.invoicing.model import CustomerKind, DocumentKind, DocumentType, IdScheme, VatCategory

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
E, W = Severity.ERROR, Severity.WARNING
FUZZ = settings(max_examples=300, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def rules_at(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.rule, f.field) for f in findings}


def parse(obj: object, **kwargs: Any) -> tuple[Any, list[Finding]]:
    return parse_document(obj, now=NOW, **kwargs)


def test_the_documented_example_parses_cleanly(example_json: dict[str, Any]) -> None:
    draft, findings = parse(example_json)
    assert findings == []
    assert draft is not None
    assert (draft.kind, draft.type, draft.number) == (
        DocumentKind.STANDARD,
        DocumentType.INVOICE,
        "INV-2026-0001",
    )
    assert draft.issue_datetime == datetime(2026, 11, 25, 7, 15, tzinfo=UTC)
    assert draft.issue_datetime.utcoffset() == timedelta(hours=3)
    assert draft.supply_date == date(2026, 11, 25)
    assert draft.buyer is not None and draft.buyer.name == "شركة الأفق للتجارة"
    assert draft.buyer.address is not None and draft.buyer.address.postal_code == "12211"
    first, export = draft.lines
    assert (first.quantity, first.unit_price, first.vat_rate) == (D("10"), D("250.00"), D("15"))
    assert isinstance(first.quantity, D)
    assert (export.vat_category, export.vat_rate, export.exemption_reason_code) == (
        VatCategory.ZERO,
        D("0"),  # the default rate of a zero-rated line
        "VATEX-SA-32",
    )
    (loyalty,) = draft.allowances
    assert (loyalty.amount, loyalty.is_charge, loyalty.reason) == (D("50.00"), False, "Loyalty discount")
    assert draft.payment_means == "10" and draft.currency == "SAR"


def test_rate_defaults_and_integer_amounts(example_json: dict[str, Any]) -> None:
    example_json["lines"][0] = {"name": "Hours", "quantity": 10, "unit_price": 250, "vat_category": "S"}
    draft, findings = parse(example_json)
    assert findings == []
    assert draft.lines[0].vat_rate == D("15")
    assert (draft.lines[0].quantity, draft.lines[0].unit_price) == (D(10), D(250))


@pytest.mark.parametrize("value", [1.5, 10.0, float("nan"), float("inf")])
def test_floats_are_refused_with_a_fix(example_json: dict[str, Any], value: float) -> None:
    example_json["lines"][0]["quantity"] = value
    draft, findings = parse(example_json)
    assert draft is None
    (finding,) = [f for f in findings if f.rule == "QAYD-JSON-FLOAT"]
    assert finding.field == "lines[0].quantity" and finding.is_error
    assert "string" in finding.fix and finding.fix_ar


@pytest.mark.parametrize(
    "value", ["NaN", "Infinity", "1e5", "1,000.00", "12.", ".5", "١٢", "1_000", "", True, None]
)
def test_unusable_numbers(example_json: dict[str, Any], value: object) -> None:
    example_json["lines"][0]["unit_price"] = value
    draft, findings = parse(example_json)
    assert draft is None
    expected = (
        "QAYD-JSON-MISSING" if value is None else "QAYD-JSON-TYPE" if value is True else "QAYD-JSON-NUMBER"
    )
    assert (expected, "lines[0].unit_price") in rules_at(findings)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ((), "kind"),
        ((), "type"),
        ((), "number"),
        ((), "issue_datetime"),
        ((), "lines"),
        (("lines", 0), "name"),
        (("lines", 0), "quantity"),
        (("lines", 0), "unit_price"),
        (("lines", 0), "vat_category"),
        (("allowances", 0), "amount"),
        (("allowances", 0), "vat_category"),
        (("buyer",), "name"),
    ],
)
def test_missing_required_fields(example_json: dict[str, Any], path: tuple[Any, ...], field: str) -> None:
    target: Any = example_json
    for step in path:
        target = target[step]
    del target[field]
    draft, findings = parse(example_json)
    assert draft is None
    where = ".".join(f"{step}" if isinstance(step, str) else f"[{step}]" for step in path).replace(".[", "[")
    assert ("QAYD-JSON-MISSING", f"{where}.{field}" if where else field) in rules_at(findings)


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("number", 5, "number"),
        ("lines", "one line", "lines"),
        ("buyer", ["Al Ofuq"], "buyer"),
        ("allowances", {"amount": "5"}, "allowances"),
        ("payment_means", 10, "payment_means"),
        ("note", ["a"], "note"),
        ("id", "not-a-uuid", "id"),
    ],
)
def test_wrong_types(example_json: dict[str, Any], key: str, value: object, field: str) -> None:
    example_json[key] = value
    draft, findings = parse(example_json)
    assert draft is None
    assert ("QAYD-JSON-TYPE", field) in rules_at(findings)


def test_wrong_nested_types(example_json: dict[str, Any]) -> None:
    example_json["lines"].append("a line")
    example_json["buyer"]["address"] = "Riyadh"
    draft, findings = parse(example_json)
    assert draft is None
    assert {("QAYD-JSON-TYPE", "lines[2]"), ("QAYD-JSON-TYPE", "buyer.address")} <= rules_at(findings)


@pytest.mark.parametrize("value", [None, 1, "text", [], True])
def test_a_document_must_be_an_object(value: object) -> None:
    draft, findings = parse(value)
    assert draft is None
    assert rules_at(findings) == {("QAYD-JSON-TYPE", "")}


def test_unknown_fields_warn_and_suggest(example_json: dict[str, Any]) -> None:
    example_json["lines"][0]["quantty"] = "3"
    example_json["custmer_id"] = "x"
    draft, findings = parse(example_json)
    assert draft is not None  # a warning does not stop the import
    unknown = {f.field: f for f in findings if f.rule == "QAYD-JSON-UNKNOWN-FIELD"}
    assert unknown.keys() == {"lines[0].quantty", "custmer_id"}
    assert unknown["lines[0].quantty"].severity is W
    assert "'quantity'" in unknown["lines[0].quantty"].message
    assert "'customer_id'" in unknown["custmer_id"].message


@pytest.mark.parametrize(
    ("mutate", "field", "valid"),
    [
        (lambda d: d.update(kind="standrd"), "kind", "standard, simplified"),
        (lambda d: d.update(type="invoice_note"), "type", "invoice, credit_note, debit_note"),
        (lambda d: d["lines"][0].update(vat_category="s"), "lines[0].vat_category", "S, Z, E, O"),
        (lambda d: d["lines"][0].update(vat_category="X"), "lines[0].vat_category", "S, Z, E, O"),
        (lambda d: d["buyer"].update(id_scheme="SSN"), "buyer.id_scheme", "CRN, MOM"),
        (lambda d: d["buyer"].update(kind="person"), "buyer.kind", "business, individual"),
    ],
)
def test_unknown_enum_values_list_the_valid_ones(
    example_json: dict[str, Any], mutate: Any, field: str, valid: str
) -> None:
    mutate(example_json)
    draft, findings = parse(example_json)
    assert draft is None
    (finding,) = [f for f in findings if f.field == field]
    assert finding.rule == "QAYD-JSON-ENUM" and valid in finding.fix


def test_enum_suggests_the_right_case(example_json: dict[str, Any]) -> None:
    example_json["lines"][0]["vat_category"] = "s"
    _, findings = parse(example_json)
    (finding,) = [f for f in findings if f.rule == "QAYD-JSON-ENUM"]
    assert "Did you mean 'S'?" in finding.message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("issue_datetime", "2026-11-25T10:15:00"),  # no offset
        ("issue_datetime", "2026-11-25"),
        ("issue_datetime", "2026-13-25T10:15:00+03:00"),
        ("issue_datetime", "25/11/2026 10:15"),
        ("issue_datetime", 1764054900),
        ("supply_date", "25/11/2026"),
        ("supply_date", "2026-02-30"),
        ("supply_date", "2026-11-25T10:00:00+03:00"),
        ("supply_end_date", "20261125"),
    ],
)
def test_bad_dates(example_json: dict[str, Any], key: str, value: object) -> None:
    example_json[key] = value
    draft, findings = parse(example_json)
    assert draft is None
    assert ("QAYD-JSON-DATE", key) in rules_at(findings)


def test_utc_times_are_accepted(example_json: dict[str, Any]) -> None:
    example_json["issue_datetime"] = "2026-11-25T07:15:00Z"
    draft, findings = parse(example_json)
    assert findings == [] and draft.issue_datetime == datetime(2026, 11, 25, 7, 15, tzinfo=UTC)


def test_rule_findings_follow_the_structural_ones(example_json: dict[str, Any]) -> None:
    example_json["buyer"]["vat_number"] = "31111111111111"
    example_json["lines"][0]["quantity"] = "-2"
    example_json["lines"][1]["vat_category"] = "E"
    draft, findings = parse(example_json)
    assert draft is not None
    assert {
        ("BR-KSA-44", "buyer.vat_number"),
        ("BR-KSA-F-04", "lines[0].quantity"),
        ("BR-KSA-CL-04", "lines[1].exemption_reason_code"),  # VATEX-SA-32 explains Z, not E
    } <= rules_at(findings)


def test_index_prefixes_every_field(example_json: dict[str, Any]) -> None:
    example_json["lines"][0]["quantity"] = "-2"
    example_json["extra"] = 1
    _, findings = parse(example_json, index=3)
    assert ("BR-KSA-F-04", "[3].lines[0].quantity") in rules_at(findings)
    assert ("QAYD-JSON-UNKNOWN-FIELD", "[3].extra") in rules_at(findings)
    assert all(f.field.startswith("[3]") for f in findings)
    _, top = parse("nope", index=3)
    assert rules_at(top) == {("QAYD-JSON-TYPE", "[3]")}


def test_charge_findings_name_the_charges_list(example_json: dict[str, Any]) -> None:
    example_json["charges"] = [{"amount": "25", "vat_category": "S", "reason_code": "FC"}]
    draft, findings = parse(example_json)
    assert draft is not None and draft.allowances[1].is_charge
    assert ("BR-KSA-21", "charges[0].reason") in rules_at(findings)
    example_json["allowances"][0]["amount"] = "-1"
    _, findings = parse(example_json)
    assert ("BR-KSA-F-04", "allowances[0].amount") in rules_at(findings)


NASTY_NAMES = [
    '<script>alert("x")</script> & Co.',
    'Tom\'s "quoted" ]]> <![CDATA[ &amp; &#x27;',
    "مؤسسة النور — خدمات ‏تقنية",
    "😀 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 e\u0301",
    "  spaced  \t tab\nnewline  ",
]


@pytest.mark.parametrize("name", NASTY_NAMES)
def test_names_are_kept_verbatim(example_json: dict[str, Any], name: str) -> None:
    example_json["buyer"]["name"] = name
    example_json["lines"][0]["name"] = name
    example_json["allowances"][0]["reason"] = name
    draft, findings = parse(example_json)
    assert draft is not None and [f for f in findings if f.is_error] == []
    assert draft.buyer.name == draft.lines[0].name == draft.allowances[0].reason == name
    again, _ = parse(json.loads(json.dumps(draft_to_json(draft), ensure_ascii=False)))
    assert again == draft


def test_control_characters_are_refused_by_the_rules(example_json: dict[str, Any]) -> None:
    example_json["lines"][0]["name"] = "Consulting\x07hours"
    _, findings = parse(example_json)
    assert ("QAYD-TEXT-CHARS", "lines[0].name") in rules_at(findings)


def test_round_trip_of_a_full_document() -> None:
    full = {
        "id": "0b1e7c7e-6f5a-4a52-9a34-2d3c1f0e9b11",
        "customer_id": "9d7c3f0e-1111-4a52-9a34-2d3c1f0e9b11",
        "kind": "simplified",
        "type": "credit_note",
        "number": "CN-7",
        "issue_datetime": "2026-11-24T09:00:00.250000+03:00",
        "supply_date": "2026-11-01",
        "supply_end_date": "2026-11-30",
        "currency": "USD",
        "exchange_rate": "3.750",
        "billing_reference": "INV-2026-0001",
        "reason": "Goods returned",
        "note": "Thank you",
        "payment_means": "30",
        "prepaid_amount": "1.00",
        "buyer": {
            "name": "Sara",
            "kind": "individual",
            "id_scheme": "NAT",
            "id_value": "1000000008",
            "address": {
                "street": "Tahlia",
                "building_number": "4321",
                "district": "Al Rawdah",
                "city": "Jeddah",
                "postal_code": "23435",
                "country": "SA",
                "additional_number": "8421",
                "province": "Makkah",
            },
        },
        "lines": [
            {
                "name": "Tuition",
                "quantity": "1.5",
                "unit_price": "99.999",
                "vat_category": "Z",
                "vat_rate": "0",
                "discount": "0.50",
                "exemption_reason_code": "VATEX-SA-EDU",
                "exemption_reason": "Private education to citizen",
                "unit_code": "HUR",
                "product_id": "5f0c3f0e-2222-4a52-9a34-2d3c1f0e9b11",
            }
        ],
        "allowances": [
            {"amount": "1", "vat_category": "Z", "vat_rate": "0", "reason": "Sibling", "reason_code": "95"}
        ],
        "charges": [
            {"amount": "2", "vat_category": "Z", "vat_rate": "0", "reason": "Books", "reason_code": "ABK"}
        ],
    }
    draft, findings = parse(full)
    assert draft is not None, findings
    assert draft.buyer.kind is CustomerKind.INDIVIDUAL and draft.buyer.id_scheme is IdScheme.NAT
    assert str(draft.id) == full["id"]
    out = draft_to_json(draft)
    assert out == full
    assert json.loads(json.dumps(out)) == out  # plain JSON types only


def test_documents_list_single_and_bad_shapes(example_json: dict[str, Any]) -> None:
    second = copy.deepcopy(example_json)
    second["number"] = "INV-2026-0002"
    broken = copy.deepcopy(example_json)
    broken["kind"] = "other"
    drafts, findings = parse_documents([example_json, broken, second], now=NOW)
    assert [d.number for d in drafts] == ["INV-2026-0001", "INV-2026-0002"]
    assert rules_at(findings) == {("QAYD-JSON-ENUM", "[1].kind")}
    single, findings = parse_documents(example_json, now=NOW)
    assert len(single) == 1 and findings == []
    bad: object
    for bad in ([], "x", 3, None):
        drafts, findings = parse_documents(bad)
        assert drafts == [] and rules_at(findings) == {("QAYD-JSON-TYPE", "")}


def test_duplicate_numbers_in_one_file(example_json: dict[str, Any]) -> None:
    drafts, findings = parse_documents([example_json, copy.deepcopy(example_json)], now=NOW)
    assert len(drafts) == 2
    assert rules_at(findings) == {("QAYD-JSON-DUPLICATE", "[1].number")}


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "invoices.json"
    path.write_bytes(data)
    return path


def file_finding(path: Path, **kwargs: Any) -> Finding:
    with pytest.raises(ValidationError) as caught:
        load_json_file(path, **kwargs)
    (finding,) = caught.value.findings
    assert finding.is_error and finding.message_ar
    return finding


def test_load_a_file(tmp_path: Path, example_json: dict[str, Any]) -> None:
    path = write(tmp_path, json.dumps([example_json], ensure_ascii=False).encode())
    assert load_json_file(path) == [example_json]
    assert load_json_file(str(path)) == [example_json]
    with_bom = write(tmp_path, b"\xef\xbb\xbf" + json.dumps(example_json).encode())
    assert load_json_file(with_bom) == example_json


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    finding = file_finding(write(tmp_path, b'{\n  "kind": "standard",\n  "type" "invoice"\n}'))
    assert finding.rule == "QAYD-JSON-SYNTAX"
    assert "Line 3, column 10" in finding.message


def test_bad_utf8_names_line_and_column(tmp_path: Path) -> None:
    finding = file_finding(write(tmp_path, b'{\n "name": "caf\xe9"\n}'))
    assert finding.rule == "QAYD-JSON-UTF8"
    assert "Line 2, column 14" in finding.message


def test_size_limit(tmp_path: Path) -> None:
    finding = file_finding(write(tmp_path, b"[" + b"1," * 600 + b"1]"), max_bytes=1024)
    assert finding.rule == "QAYD-JSON-SIZE"


def test_unreadable_and_pathological_files(tmp_path: Path) -> None:
    assert file_finding(tmp_path / "missing.json").rule == "QAYD-JSON-READ"
    assert file_finding(tmp_path).rule == "QAYD-JSON-READ"  # a folder
    assert file_finding(write(tmp_path, b"[" * 200_000)).rule == "QAYD-JSON-SYNTAX"
    assert file_finding(write(tmp_path, b"1" * 5000)).rule == "QAYD-JSON-SYNTAX"  # too many digits for int()


def test_nan_in_a_file_reaches_the_field_check(tmp_path: Path, example_json: dict[str, Any]) -> None:
    text = json.dumps(example_json).replace('"quantity": "10"', '"quantity": NaN')
    _, findings = parse(load_json_file(write(tmp_path, text.encode())))
    assert ("QAYD-JSON-FLOAT", "lines[0].quantity") in rules_at(findings)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def shaped(
    fields: tuple[str, ...], overrides: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the documented keys holding arbitrary JSON values, so the fuzzer reaches deep code."""
    values = {key: json_values for key in fields} | (overrides or {})
    return st.fixed_dictionaries({}, optional=values)


documents = shaped(
    DOCUMENT_FIELDS,
    {
        "kind": st.sampled_from(["standard", "simplified", "x"]),
        "type": st.sampled_from(["invoice", "credit_note", "debit_note"]),
        "issue_datetime": st.sampled_from(
            [
                "2026-11-25T10:15:00+03:00",
                "0001-01-01T00:00:00+01:00",
                "9999-12-31T23:59:59-05:00",
                "2026-11-25T10:15:00",
            ]
        ),
        "lines": st.lists(shaped(LINE_FIELDS, {"vat_category": st.sampled_from("SZEOX")}), max_size=3),
        "allowances": st.lists(shaped(ALLOWANCE_FIELDS), max_size=2),
        "charges": st.lists(shaped(ALLOWANCE_FIELDS), max_size=2),
        "buyer": shaped(BUYER_FIELDS),
    },
)


@FUZZ
@given(value=json_values | documents)
def test_parse_document_never_raises(value: object) -> None:
    draft, findings = parse_document(value)
    assert all(isinstance(f, Finding) for f in findings)
    if draft is None:
        assert any(f.is_error for f in findings)
    drafts, more = parse_documents([value, value])
    assert len(drafts) == (0 if draft is None else 2) and isinstance(more, list)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        items: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    found = []
    for key, child in items:
        found.append((*prefix, key))
        found += _paths(child, (*prefix, key))
    return found


@FUZZ
@given(data=st.data(), replacement=json_values)
def test_mutated_examples_never_raise_and_round_trip(data: st.DataObject, replacement: object) -> None:
    document = copy.deepcopy(_EXAMPLE)
    path = data.draw(st.sampled_from(_paths(document)))
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    draft, findings = parse_document(document, now=NOW)
    assert all(isinstance(f, Finding) for f in findings)
    if draft is not None:
        again, _ = parse_document(draft_to_json(draft), now=NOW)
        assert again == draft


_EXAMPLE: dict[str, Any] = json.loads(
    json.dumps(
        {
            "kind": "standard",
            "type": "invoice",
            "number": "INV-2026-0001",
            "issue_datetime": "2026-11-25T10:15:00+03:00",
            "supply_date": "2026-11-25",
            "buyer": {
                "name": "B",
                "vat_number": "311111111111113",
                "id_scheme": "CRN",
                "id_value": "1010010000",
                "address": {
                    "street": "S",
                    "building_number": "1234",
                    "district": "D",
                    "city": "C",
                    "postal_code": "12211",
                    "country": "SA",
                },
            },
            "lines": [
                {
                    "name": "Hours",
                    "quantity": "10",
                    "unit_price": "250.00",
                    "vat_category": "S",
                    "discount": "5",
                }
            ],
            "allowances": [{"amount": "50.00", "vat_category": "S", "vat_rate": "15"}],
            "charges": [{"amount": "5", "vat_category": "S", "reason_code": "FC"}],
            "exchange_rate": "1",
            "prepaid_amount": "10",
        }
    )
)


def test_other_timezones_are_read_as_the_same_instant_in_saudi_time(example_json: dict[str, Any]) -> None:
    # Issue 12 point 3 (was: the offset was kept): the draft holds the instant in Saudi time, so every output agrees.
    example_json["issue_datetime"] = "2026-11-25T05:15:00-02:00"
    draft, _ = parse(example_json)
    assert draft.issue_datetime.utcoffset() == timedelta(hours=3)
    assert draft_to_json(draft)["issue_datetime"] == "2026-11-25T10:15:00+03:00"
    assert draft.issue_datetime.astimezone(UTC).hour == 7


def test_every_structural_finding_is_bilingual(example_json: dict[str, Any]) -> None:
    example_json.update(kind="x", number=1, supply_date="soon", id=5, extra=True, prepaid_amount=0.5)
    example_json["lines"][0].update(quantity="1e3", vat_category=None, colour="red")
    example_json["buyer"]["address"] = []
    _, findings = parse(example_json)
    assert len({f.rule for f in findings}) >= 7
    arabic = re.compile("[\u0600-\u06ff]")
    for finding in findings:
        assert arabic.search(finding.message_ar) and arabic.search(finding.fix_ar), finding
        assert finding.message and finding.fix
