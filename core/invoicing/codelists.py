"""Code lists ZATCA's rules test: VATEX exemption reasons, payment means, charge and allowance reasons."""

from __future__ import annotations

from core.invoicing.identifiers import code_set
from core.invoicing.model import VatCategory

# BR-KSA-CL-04 (SDK 3.4.8): which VATEX-SA code may explain which VAT category.
VATEX_CODES: dict[VatCategory, frozenset[str]] = {
    VatCategory.ZERO: frozenset(
        {
            "VATEX-SA-32",
            "VATEX-SA-33",
            "VATEX-SA-34-1",
            "VATEX-SA-34-2",
            "VATEX-SA-34-3",
            "VATEX-SA-34-4",
            "VATEX-SA-34-5",
            "VATEX-SA-35",
            "VATEX-SA-36",
            "VATEX-SA-EDU",
            "VATEX-SA-HEA",
            "VATEX-SA-MLTRY",
            "VATEX-SA-DIPLOMAT",
            "VATEX-SA-DUTYFREE",
            "VATEX-SA-ROYALDECREE",
            "VATEX-SA-32(bis)",
        }
    ),
    VatCategory.EXEMPT: frozenset({"VATEX-SA-29", "VATEX-SA-29-7", "VATEX-SA-30"}),
    VatCategory.OUT_OF_SCOPE: frozenset({"VATEX-SA-OOS"}),
    VatCategory.STANDARD: frozenset(),
}

# BR-KSA-49: zero-rated private education and healthcare go to citizens, identified by national id.
CITIZEN_ONLY_VATEX: frozenset[str] = frozenset({"VATEX-SA-EDU", "VATEX-SA-HEA"})
# Exports of goods and services: box 4 of the VAT return.
EXPORT_VATEX: frozenset[str] = frozenset({"VATEX-SA-32", "VATEX-SA-33"})
OUT_OF_SCOPE_BOX = "O"  # not a box: out-of-scope supplies are shown apart from the return


def vat_return_box(category: VatCategory, code: str) -> str:
    """The box of the KSA VAT return a supply goes to, by its category and exemption code: "1" … "5" or "O"."""
    if category is VatCategory.STANDARD:
        return "1"
    if category is VatCategory.ZERO:
        return "2" if code in CITIZEN_ONLY_VATEX else "4" if code in EXPORT_VATEX else "3"
    return "5" if category is VatCategory.EXEMPT else OUT_OF_SCOPE_BOX

# BR-KSA-16: the UNTDID 4461 subset ZATCA accepts (note: no 69, 71-73, 79-90).
PAYMENT_MEANS_CODES: frozenset[str] = frozenset(
    [str(n) for n in range(1, 69)]
    + ["70", "74", "75", "76", "77", "78"]
    + [str(n) for n in range(91, 98)]
    + ["ZZZ"]
)

# BR-KSA-CL-06: UNTDID 7161 charge reason codes as the SDK lists them. The SDK text runs "CAP" and
# "CAQ" together ("CAPCAQ"), an obvious typo; both codes are listed separately here.
CHARGE_REASON_CODES: frozenset[str] = code_set(
    """
    AA AAA AAC AAD AAE AAF AAH AAI AAS AAT AAV AAY AAZ ABA ABB ABC ABD ABF ABK ABL ABN ABR ABS ABT
    ABU ACF ACG ACH ACI ACJ ACK ACL ACM ACS ADC ADE ADJ ADK ADL ADM ADN ADO ADP ADQ ADR ADT ADW ADY
    ADZ AEA AEB AEC AED AEF AEH AEI AEJ AEK AEL AEM AEN AEO AEP AES AET AEU AEV AEW AEX AEY AEZ AJ
    AU CA CAB CAD CAE CAF CAI CAJ CAK CAL CAM CAN CAO CAP CAQ CAR CAS CAT CAU CAV CAW CD CG CS CT
    DAB DAD DL EG EP ER FAA FAB FAC FC FH FI GAA HAA HD HH IAA AB ID IF IR IS KO L1 LA LAA LAB LF
    MAE MI ML NAA OA PA PAA PC PL RAB RAC RAD RAF RE RF RH RV SA SAA SAD SAE SAI SG SH SM SU TAB AC
    TT TV V1 V2 WH XAA YY ZZZ
    """
)

# UNCL 5189 allowance reason codes (EN 16931 BR-CL-19; the SDK does not test them, so Qayd only warns).
ALLOWANCE_REASON_CODES: frozenset[str] = code_set(
    """
    41 42 60 62 63 64 65 66 67 68 70 71 88 95 100 102 103 104 105
    """
)
