"""Reply shapes of the Fatoora API as documented in the Swagger examples (api/*.json)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

NOT_ACCEPTABLE = "This Version is not supported or not provided in the header."


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)


def item(kind: str, code: str | None, category: str | None, message: str) -> dict[str, Any]:
    """One entry of infoMessages / warningMessages / errorMessages."""
    status = {"INFO": "PASS", "WARNING": "WARNING", "ERROR": "ERROR"}[kind]
    return {"type": kind, "code": code, "category": category, "message": message, "status": status}


def error(code: str | None, category: str | None, message: str) -> dict[str, Any]:
    return item("ERROR", code, category, message)


XSD_VALID = item("INFO", "XSD_ZATCA_VALID", "XSD validation",
                 "Complied with UBL 2.1 standards in line with ZATCA specifications")
XSD_INVALID = error("XSD_ZATCA_INVALID", "XSD validation",
                    "Schema validation failed; XML does not comply with UBL 2.1 standards in line with ZATCA "
                    "specifications")
HASH_MISSING = error("InvoiceHash-Errors", "Invalid-InvoiceHash", "Document hash is not present in the API body")
HASH_FORMAT = error("InvoiceHash-Errors", "Invalid-InvoiceHash", "Document hash format in the API body is not valid")
HASH_MISMATCH = error("invalid-invoice-hash", "INVOICE_HASHING_ERRORS",
                      "The invoice hash API body does not match the (calculated) Hash of the XML")
BAD_SIGNATURE = error("invalid-digital-signature", "SIGNATURE_ERRORS", "Invalid digital signature")


def validation(info: list[dict[str, Any]], warnings: list[dict[str, Any]],
               errors: list[dict[str, Any]]) -> dict[str, Any]:
    status = "ERROR" if errors else "WARNING" if warnings else "PASS"
    return {"infoMessages": info, "warningMessages": warnings, "errorMessages": errors, "status": status}


def csid_errors(*pairs: tuple[str, str]) -> Reply:
    """400 of the CSID endpoints: {"errors": [{"code", "message"}]}."""
    return Reply(400, {"errors": [{"code": code, "message": message} for code, message in pairs]})


def unauthorized() -> Reply:
    return Reply(401, {"timestamp": int(time.time() * 1000), "status": 401, "error": "Unauthorized", "message": ""})


def not_acceptable() -> Reply:
    return Reply(406, NOT_ACCEPTABLE)


def clearance_off() -> Reply:
    return Reply(303, {"message": "Clearance is deactiviated. Please use the /invoices/reporting/single endpoint "
                                  "instead."})


def already_reported() -> Reply:
    body = validation([], [], [error(None, None, "Invoice was already Reported successfully earlier.")])
    return Reply(409, {"validationResults": body, "reportingStatus": "NOT_REPORTED"})


def server_error(status: int) -> dict[str, Any]:
    return {"category": "HTTP-Errors", "code": str(status), "message": "Something went wrong and caused an "
                                                                        "Internal Server Error."}
