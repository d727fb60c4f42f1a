"""Errors raised when talking to the ZATCA Fatoora portal; messages never carry secrets or invoice content.

QaydError
└── ZatcaError            the portal refused or could not handle a request (exit 9)
    ├── ZatcaAuthError      the CSID token or its secret was not accepted (401)
    ├── ZatcaRefused        an onboarding request was refused (400/428: bad OTP, CSR, missing compliance steps)
    └── ZatcaUnavailable    the portal is down, slow or throttling; retryable later by the queue
"""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import QaydError


class ZatcaError(QaydError):
    """The Fatoora portal refused or could not handle a request."""

    exit_code = 9
    retryable = False

    def __init__(self, message: str, *, fix: str = "", status_code: int | None = None) -> None:
        super().__init__(message, fix=fix)
        self.status_code = status_code


class ZatcaAuthError(ZatcaError):
    """HTTP 401: the binary security token or secret is wrong, expired or of the wrong kind."""

    def __init__(self) -> None:
        super().__init__(
            "The ZATCA portal did not accept the device credentials (CSID).",
            fix="Check that the EGS unit is onboarded for this environment and that its certificate has not expired; "
            "renew or re-onboard it if needed.",
            status_code=401,
        )


class ZatcaRefused(ZatcaError):
    """An onboarding call was refused; ``codes`` holds ZATCA's error codes, e.g. ("Invalid-OTP",)."""

    def __init__(self, action: str, codes: Sequence[str], details: Sequence[str], *, status_code: int) -> None:
        self.codes = tuple(codes)
        self.details = tuple(details)
        listed = "; ".join(f"{c}: {d}" if d else c for c, d in zip(self.codes, self.details, strict=True))
        super().__init__(
            f"The ZATCA portal refused to {action}: {listed or 'no reason given'}.",
            fix=_fix_for(self.codes),
            status_code=status_code,
        )


class ZatcaUnavailable(ZatcaError):
    """The portal could not be reached or kept failing; the submission should be queued and tried later."""

    retryable = True

    def __init__(self, reason: str, *, attempts: int, retry_after: float | None = None) -> None:
        self.attempts = attempts
        self.retry_after = retry_after
        super().__init__(
            f"The ZATCA portal is unavailable ({reason}) after {attempts} attempt(s).",
            fix="Nothing was lost: the document stays queued and will be sent again later.",
        )


_FIXES = {
    "Missing-OTP": "Generate a one-time password on the Fatoora portal and enter it.",
    "Invalid-OTP": "The one-time password is wrong or expired; generate a new one on the Fatoora portal.",
    "Invalid-CSR": "Check the EGS details (VAT number, serial, invoice types) and generate a new request.",
    "Missing-CSR": "Generate a certificate signing request first.",
    "Missing-ComplianceSteps": "Pass the compliance checks for every invoice type the unit will issue, then retry.",
    "NOT_COMPLIANT": "Pass the compliance checks again with the new compliance certificate, then retry.",
}


def _fix_for(codes: Sequence[str]) -> str:
    fixes = [_FIXES[c] for c in codes if c in _FIXES]
    return " ".join(dict.fromkeys(fixes)) or "Correct the request and try again."
